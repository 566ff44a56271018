"""The admin site, whose every write passes the write guard like the rest of the site."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver

from broadsheet.guard.gate import guarded_write
from broadsheet.guard.ratelimits import ADMIN_WRITE, LOGIN, LOGOUT, RateLimit

# The admin's own log-in and log-out count with the site's (django-axes locks both alike).
LIMITS_BY_NAME: dict[str, RateLimit] = {"login": LOGIN, "logout": LOGOUT}


class BroadsheetAdminSite(admin.AdminSite):
    def get_urls(self) -> list[URLResolver | URLPattern]:
        return _guarded(super().get_urls())


def _guarded(patterns: list[URLResolver | URLPattern]) -> list[URLResolver | URLPattern]:
    """The same URLs, each view behind the write guard (reads pass through it untouched)."""
    guarded: list[URLResolver | URLPattern] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            guarded.append(
                URLResolver(
                    pattern.pattern,
                    _guarded(list(pattern.url_patterns)),
                    pattern.default_kwargs,
                    pattern.app_name,
                    pattern.namespace,
                )
            )
            continue
        limit = LIMITS_BY_NAME.get(pattern.name or "", ADMIN_WRITE)
        view = guarded_write(limit)(pattern.callback)
        guarded.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
    return guarded
