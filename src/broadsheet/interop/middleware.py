"""Old addresses of an imported site answer with a permanent redirect to their new homes.

Looked up only where an ordinary request costs nothing: after a page was not found (404),
and before the front page for the query keys WordPress answers there (`/?p=12`), which the
front page would otherwise answer with itself. Redirect rows are few and read seldom; the
404 page and the front page's own work dwarf the one indexed query.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from broadsheet.interop.selectors import (
    FRONT_PAGE_QUERY_KEYS,
    old_address_candidates,
    redirect_target,
)


class OldAddressRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reading = request.method in ("GET", "HEAD")
        if reading and request.path == "/" and any(k in request.GET for k in FRONT_PAGE_QUERY_KEYS):
            redirect = self._redirect(request)
            if redirect is not None:
                return redirect
        response = self.get_response(request)
        if reading and response.status_code == 404:
            return self._redirect(request) or response
        return response

    def _redirect(self, request: HttpRequest) -> HttpResponse | None:
        candidates = old_address_candidates(
            request.path, request.META.get("QUERY_STRING", ""), request.GET
        )
        target = redirect_target(candidates)
        return HttpResponsePermanentRedirect(target) if target is not None else None
