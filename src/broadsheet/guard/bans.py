"""Who may not write: suspended readers and blocked networks. Banned readers are told why."""

from __future__ import annotations

import ipaddress

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from broadsheet.errors import NotAllowed
from broadsheet.guard.models import Ban

# Whoever writes, as the guard sees them: an account (of whatever user model) or a visitor.
# The guard sits below accounts, so it names Django's types rather than accounts.Actor.
type Visitor = AbstractBaseUser | AnonymousUser


def _in_force() -> Q:
    now = timezone.now()
    return Q(lifted__isnull=True) & (Q(until__isnull=True) | Q(until__gt=now))


def active_ban_for(user: Visitor) -> Ban | None:
    if not user.is_authenticated:
        return None
    return Ban.objects.filter(_in_force(), user_id=user.pk).order_by("-created").first()


def network_ban_for(ip: str) -> Ban | None:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    for ban in Ban.objects.filter(_in_force(), user__isnull=True).exclude(network=""):
        if address in ipaddress.ip_network(ban.network, strict=False):
            return ban
    return None


def ban_message(ban: Ban) -> str:
    when = (
        "for good"
        if ban.until is None
        else f"until {timezone.localtime(ban.until):%b %d, %Y %H:%M %Z}"
    )
    return f"You cannot post here {when}: {ban.reason}"


def check_not_banned(*, user: Visitor, ip: str | None = None) -> None:
    """Refuse a write from a banned reader or network, saying why (no shadow bans)."""
    ban = active_ban_for(user) or (network_ban_for(ip) if ip else None)
    if ban is not None:
        raise NotAllowed(ban_message(ban), code="banned")
