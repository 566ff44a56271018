"""Who may not write: readers and address ranges banned by moderators."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

MAX_BAN_REASON_LENGTH = 500  # a sentence or two: the reader is told it


def validate_network(value: str) -> None:
    """An IPv4 or IPv6 address or network in CIDR form, such as 203.0.113.0/24."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as error:
        raise ValidationError(
            f"{value!r} is not an address or a network such as 203.0.113.0/24."
        ) from error


class Ban(models.Model):
    """A reader or an address range that may not write, until a time or for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bans",
    )
    network = models.CharField(
        max_length=64, blank=True, validators=[validate_network], help_text="e.g. 203.0.113.0/24"
    )
    until = models.DateTimeField(null=True, blank=True, help_text="Empty: for good.")
    reason = models.CharField(max_length=MAX_BAN_REASON_LENGTH)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(network=""))
                | (Q(user__isnull=True) & ~Q(network="")),
                name="ban_names_a_user_or_a_network",
            ),
        ]

    def __str__(self) -> str:
        return f"ban of {'user ' + str(self.user_id) if self.user_id else self.network}"
