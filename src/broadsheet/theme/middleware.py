"""Turn domain errors raised anywhere under a site page into a page that explains them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from broadsheet.errors import BroadsheetError, with_error_headers


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, BroadsheetError) or request.path.startswith("/api/"):
            return None
        response = render(
            request,
            "theme/error.html",
            {
                "title": ERROR_PAGE_TITLES.get(exception.status, "Something is wrong"),
                "message": exception.message,
            },
            status=exception.status,
        )
        return with_error_headers(response, exception)


ERROR_PAGE_TITLES = {
    400: "That request could not be read",
    403: "Not allowed",
    404: "Not found",
    409: "Already there",
    413: "Too large",
    422: "Please check what you entered",
    429: "Slow down",
}
