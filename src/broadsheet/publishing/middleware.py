"""Load the site settings once per request and show times in the site's zone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from broadsheet.publishing.selectors import site_settings_of


class SiteSettingsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        site = site_settings_of(request)
        timezone.activate(site.time_zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
