"""Error pages that keep the site's look and say what went wrong.

Under /api/ the same errors answer as the API does, in JSON (api.errors): a client of the
API never has to read an HTML page, even when the error came before the API's own handlers
(a middleware that could not reach the database, a host that is not allowed).
"""

from __future__ import annotations

import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from broadsheet.api.errors import (
    DATABASE_DOWN_RETRY_SECONDS,
    ERROR_CODES_BY_STATUS,
    error_body,
    unexpected_error_response,
)
from broadsheet.publishing.selectors import site_settings_of
from broadsheet.theme.middleware import ERROR_PAGE_TITLES

FAVICON = "theme/favicon.svg"  # linked from theme/base.html; a site's theme may replace it
FAVICON_REDIRECT_SECONDS = 24 * 3600  # the icon's hashed name changes when the icon does


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for by habit (for a feed or a JSON answer, say): the
    theme's icon, under its hashed static name."""
    response = HttpResponseRedirect(static(FAVICON))
    response["Cache-Control"] = f"public, max-age={FAVICON_REDIRECT_SECONDS}"
    return response


API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The site's error page, or the API's JSON error for an /api/ address."""
    if is_api_request(request):
        return JsonResponse(
            error_body(ERROR_CODES_BY_STATUS.get(status, "error"), message), status=status
        )
    site_settings_of(request)  # loaded here when the error came before the middleware
    return render(
        request,
        "theme/error.html",
        {"title": ERROR_PAGE_TITLES.get(status, "Error"), "message": message},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = "The request was malformed or too large (the limit is about 1 MB of text)."
    return error_page(request, 400, message)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 403, str(exception) or "You may not do that.")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(
        request, 404, "There is nothing at this address. It may have moved or been unpublished."
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """A self-contained page: the database, templates or site settings may be what failed."""
    error = sys.exc_info()[1]
    if is_api_request(request):
        return unexpected_error_response(error)
    if isinstance(error, DatabaseError):
        response = HttpResponse(
            "<!doctype html><html lang=en><title>Database unavailable</title>"
            "<h1>The database is not answering</h1>"
            "<p>Nothing you saved was lost. Please try again in a minute.</p></html>",
            status=503,
        )
        response["Retry-After"] = str(DATABASE_DOWN_RETRY_SECONDS)
        return response
    return HttpResponse(
        "<!doctype html><html lang=en><title>Server error</title><h1>Server error</h1>"
        "<p>Something broke on our side. Nothing you saved was lost; "
        "please try again in a minute.</p></html>",
        status=500,
    )
