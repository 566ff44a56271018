"""The admin site, whose every write passes the write guard like the rest of the site."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver

from broadsheet.guard.gate import guarded_write
from broadsheet.guard.ratelimits import ADMIN_WRITE, LOGIN, LOGOUT, RateLimit
from broadsheet.page_versions import move_site_token

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
        view = guarded_write(limit)(_moving_page_versions(pattern.callback))
        guarded.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
    return guarded


def _moving_page_versions(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A write the admin took (a section, a setting, a person, a post) may change what any page
    shows: it moves the site's version token, so no cached page outlives it."""

    @wraps(view)
    def moving(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "POST" and response.status_code < 400:
            move_site_token()
        return response

    return moving
