"""Rate limits: how many writes of each kind an account and an address may make, and when.

Every write a person can repeat has a named limit below, with its reason. Each limit counts
per account (signed-in callers) and per client address (everyone), in fixed windows: "5 a
minute" is 5 in each clock minute, "50 a day" 50 in each UTC day. A burst across a window's
edge can reach twice a short limit, which the longer window then caps; in exchange a count is
two cache operations, with no list of timestamps to keep.

The counters live in Django's default cache, which every worker process and machine shares
(Redis in production, where `incr` is atomic; the file cache of the embedded site, where two
processes counting in the same instant can lose one count, which errs towards letting a
write through).

Why the entry points and not the services: a limit per address needs the client's address,
which only a request knows (see `client_ip`), and services are also called by the importers,
the demo builder, the command line and the tests, none of which should be limited. So every
HTML view and API endpoint that writes passes the write guard (guard/gate.py), which counts
the write against its named limit here after the ban check and the form's honeypot.

Tests relax a limit with pytest-django's `settings` fixture:
`settings.BROADSHEET_RATE_LIMITS = {"comment": replace(COMMENT, per_account=(...))}`.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest

from broadsheet.errors import RateLimited
from broadsheet.guard.bans import Visitor

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
# One home, one phone or one server usually holds a whole IPv6 /64: counted address by
# address, one client could pass as billions.
IPV6_PREFIX_LENGTH = 64


@dataclass(frozen=True)
class Window:
    """At most `count` writes in each window of `seconds`."""

    count: int
    seconds: int


@dataclass(frozen=True)
class RateLimit:
    name: str  # the `action` entry points pass to check_rate_limit
    doing: str  # completes "You are … too fast": "posting", "rating comments"
    per_account: tuple[Window, ...]
    per_address: tuple[Window, ...]
    # Banned readers and networks may not make this write (they may still read, log in and
    # out, and manage their account); the write guard checks this before the limit.
    refuses_banned: bool = False


# Readers write one comment in a few minutes; five a minute leaves room for quick replies in a
# lively thread, fifty a day is beyond the busiest regular. An address may be an office or a
# campus, so it gets more.
COMMENT = RateLimit(
    name="comment",
    doing="posting",
    per_account=(Window(5, MINUTE), Window(50, DAY)),
    per_address=(Window(20, MINUTE), Window(300, DAY)),
    refuses_banned=True,
)
# Fixing a slip is quick work, but every edit changes a thread that others are reading.
COMMENT_EDIT = RateLimit(
    name="comment_edit",
    doing="editing comments",
    per_account=(Window(10, MINUTE), Window(100, DAY)),
    per_address=(Window(30, MINUTE), Window(500, DAY)),
    refuses_banned=True,
)
# A moderator clearing a spam run deletes many; moderation tools, not this form, do bulk work.
COMMENT_DELETE = RateLimit(
    name="comment_delete",
    doing="deleting comments",
    per_account=(Window(10, MINUTE), Window(100, DAY)),
    per_address=(Window(30, MINUTE), Window(500, DAY)),
    refuses_banned=True,
)
# Readers rate as they read, a few a minute; a script pushing averages rates hundreds.
RATING = RateLimit(
    name="rating",
    doing="rating comments",
    per_account=(Window(30, MINUTE), Window(500, DAY)),
    per_address=(Window(60, MINUTE), Window(2000, DAY)),
    refuses_banned=True,
)
# Each flag calls a moderator: a careful reader flags a handful a day, a campaign flags more.
FLAG = RateLimit(
    name="flag",
    doing="flagging comments",
    per_account=(Window(5, MINUTE), Window(30, DAY)),
    per_address=(Window(10, MINUTE), Window(100, DAY)),
    refuses_banned=True,
)
# A family or an office opens a few accounts; a script opens hundreds for spam.
REGISTER = RateLimit(
    name="register",
    doing="creating accounts",
    per_account=(),
    per_address=(Window(5, HOUR), Window(20, DAY)),
    refuses_banned=True,
)
# django-axes locks one username after wrong passwords from one address; this stops one
# address trying many usernames, while a busy shared address can still log everyone in.
LOGIN = RateLimit(
    name="login",
    doing="logging in",
    per_account=(),
    per_address=(Window(20, MINUTE), Window(200, HOUR)),
)
# Each one sends a mail: a person needs one, perhaps two; more floods someone's inbox.
PASSWORD_RESET = RateLimit(
    name="password_reset",
    doing="asking for password resets",
    per_account=(),
    per_address=(Window(5, HOUR), Window(20, DAY)),
)
# Each one sends a mail (the service also waits a minute between two); a few a day suffice.
RESEND_CONFIRMATION = RateLimit(
    name="resend_confirmation",
    doing="asking for confirmation links",
    per_account=(Window(5, HOUR), Window(10, DAY)),
    per_address=(Window(20, HOUR), Window(50, DAY)),
)
# A bio is written once and polished a few times; a new address sends a mail each time.
PROFILE_EDIT = RateLimit(
    name="profile_edit",
    doing="changing your profile",
    per_account=(Window(10, HOUR), Window(30, DAY)),
    per_address=(Window(30, HOUR), Window(100, DAY)),
)

# Changing a password from the account page: a person does it once; a script that stole a
# session tries many.
PASSWORD_CHANGE = RateLimit(
    name="password_change",
    doing="changing your password",
    per_account=(Window(5, HOUR), Window(20, DAY)),
    per_address=(Window(10, HOUR), Window(50, DAY)),
)
# A new password from a mailed link: one per link, and the links are limited above.
PASSWORD_SET = RateLimit(
    name="password_set",
    doing="setting new passwords",
    per_account=(),
    per_address=(Window(10, HOUR), Window(50, DAY)),
)
# Logging out writes the session away; nobody does it more than a few times an hour.
LOGOUT = RateLimit(
    name="logout",
    doing="logging out",
    per_account=(),
    per_address=(Window(30, MINUTE), Window(500, DAY)),
)
# Editors close and reopen threads by hand, one at a time.
THREAD_STATE = RateLimit(
    name="thread_state",
    doing="opening and closing threads",
    per_account=(Window(20, MINUTE), Window(300, DAY)),
    per_address=(Window(40, MINUTE), Window(600, DAY)),
)
# Moderators clear a queue quickly, by bulk actions too (one count per request, not per
# comment); more than this is a script or a stolen session.
MODERATION = RateLimit(
    name="moderation",
    doing="moderating",
    per_account=(Window(120, MINUTE), Window(5000, DAY)),
    per_address=(Window(240, MINUTE), Window(10000, DAY)),
)
# Editors save drafts often through the API; a publishing script sends a few hundred a day.
POST_WRITE = RateLimit(
    name="post_write",
    doing="saving posts",
    per_account=(Window(60, MINUTE), Window(1000, DAY)),
    per_address=(Window(120, MINUTE), Window(2000, DAY)),
)
# Wrong API keys, counted per address: a script with a revoked key fails once and is fixed;
# a stream of wrong keys is someone guessing. Once over, the address waits even with a right
# key, or the answer would tell the guesser which guess was right (api.auth).
API_TOKEN = RateLimit(
    name="api_token",
    doing="sending wrong API keys",
    per_account=(),
    per_address=(Window(10, MINUTE), Window(100, DAY)),
)
# Every form of the admin (staff only): saving, deleting, bulk actions.
ADMIN_WRITE = RateLimit(
    name="admin_write",
    doing="saving in the admin",
    per_account=(Window(120, MINUTE), Window(5000, DAY)),
    per_address=(Window(240, MINUTE), Window(10000, DAY)),
)

LIMITS = {
    limit.name: limit
    for limit in (
        COMMENT,
        COMMENT_EDIT,
        COMMENT_DELETE,
        RATING,
        FLAG,
        REGISTER,
        LOGIN,
        PASSWORD_RESET,
        RESEND_CONFIRMATION,
        PROFILE_EDIT,
        PASSWORD_CHANGE,
        PASSWORD_SET,
        LOGOUT,
        THREAD_STATE,
        MODERATION,
        POST_WRITE,
        API_TOKEN,
        ADMIN_WRITE,
    )
}


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request`, as the site's proxies reported it.

    With BROADSHEET_TRUSTED_PROXIES=N (configuration.py), each of the N proxies appended the
    address it was called from to X-Forwarded-For, so the Nth from the right is the client's;
    anything further left the client wrote itself. A header with fewer entries than that, or
    one that is not an address, did not come through the proxies as configured: REMOTE_ADDR
    is the only address then known. Also used by django-axes (AXES_CLIENT_IP_CALLABLE).
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies: int = settings.BROADSHEET_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


def limit_named(name: str) -> RateLimit:
    """The limit of that name, as the site runs it: a test's override, or the designed one
    scaled by the operator's BROADSHEET_RATE_LIMIT_SCALE."""
    override = settings.BROADSHEET_RATE_LIMITS.get(name)
    if override is not None:
        if not isinstance(override, RateLimit):
            raise TypeError(f"BROADSHEET_RATE_LIMITS[{name!r}] must be a RateLimit")
        return override
    try:
        limit = LIMITS[name]
    except KeyError:
        raise LookupError(f"There is no rate limit named {name!r}.") from None
    scale: float = settings.BROADSHEET_RATE_LIMIT_SCALE
    if scale == 1:
        return limit
    return replace(
        limit,
        per_account=_scaled(limit.per_account, scale),
        per_address=_scaled(limit.per_address, scale),
    )


def _scaled(windows: tuple[Window, ...], scale: float) -> tuple[Window, ...]:
    """Each window's count times `scale`; with 0, no windows at all (nothing is counted)."""
    if scale == 0:
        return ()
    return tuple(
        replace(window, count=max(1, math.ceil(window.count * scale))) for window in windows
    )


def check_rate_limit(*, action: str, user: Visitor, ip: str) -> None:
    """Count one `action` by `user` from address `ip`; raise RateLimited when it is too many.

    Every window of the account (when signed in) and of the address counts the attempt, the
    refused ones too: a script that keeps trying meets its daily limit sooner. The error says
    how long until every exceeded window has ended.
    """
    limit = limit_named(action)
    now = time.time()
    waits = []
    for key, window in _counters(limit, user, ip):
        count, wait = _count(key, window, now)
        if count > window.count:
            waits.append(wait)
    if waits:
        raise _too_many(limit, max(waits))


def check_not_over_limit(*, action: str, user: Visitor, ip: str) -> None:
    """Raise RateLimited when `action` is over its limit already, counting nothing.

    For limits that count failures (a wrong API key, with check_rate_limit once it has
    failed): the next attempt is refused before it is tried, right or wrong.
    """
    limit = limit_named(action)
    now = time.time()
    waits = []
    for key, window in _counters(limit, user, ip):
        key, remaining = _current_window(key, window, now)
        if int(cache.get(key, 0)) > window.count:
            waits.append(max(1, math.ceil(remaining)))
    if waits:
        raise _too_many(limit, max(waits))


def _too_many(limit: RateLimit, wait: int) -> RateLimited:
    pace = "fast" if wait < HOUR else "often"
    return RateLimited(
        f"You are {limit.doing} too {pace}: try again in {_duration(wait)}.", retry_after=wait
    )


def _counters(limit: RateLimit, user: Visitor, ip: str) -> Iterator[tuple[str, Window]]:
    if user.is_authenticated:
        for window in limit.per_account:
            yield f"ratelimit:{limit.name}:account:{user.pk}:{window.seconds}", window
    address = _address_key(ip)
    for window in limit.per_address:
        yield f"ratelimit:{limit.name}:address:{address}:{window.seconds}", window


def _address_key(ip: str) -> str:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip or "unknown"  # every such request shares one count: refusing errs safe
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX_LENGTH}", strict=False))
    return str(address)


def _current_window(key: str, window: Window, now: float) -> tuple[str, float]:
    """The cache key of the window `now` falls in, and the seconds until it ends."""
    index = int(now // window.seconds)
    return f"{key}:{index}", (index + 1) * window.seconds - now


def _count(key: str, window: Window, now: float) -> tuple[int, int]:
    """Add one to the count of the window `now` falls in: (the count, seconds to its end)."""
    key, remaining = _current_window(key, window, now)
    timeout = math.ceil(remaining) + 1  # gone from the cache once the window is over
    cache.add(key, 0, timeout=timeout)
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add and incr, in the window's last instant
        cache.set(key, 1, timeout=timeout)
        count = 1
    if _incr_forgets_expiry():
        cache.touch(key, timeout=timeout)
    return count, max(1, math.ceil(remaining))


def _incr_forgets_expiry() -> bool:
    """True for caches that count with Django's generic incr (the file cache, for one).

    That incr stores the new count with the cache's default timeout (5 minutes), which would
    forget a day's count after 5 quiet minutes; Redis keeps a key's expiry through INCR.
    """
    return type(caches["default"]).incr is BaseCache.incr


def _duration(seconds: int) -> str:
    if seconds < MINUTE:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    if seconds < HOUR:
        minutes = math.ceil(seconds / MINUTE)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(seconds / HOUR)
    return f"{hours} hour{'s' if hours != 1 else ''}"
