"""Every API error is JSON: `{"error": <stable code>, "detail": <a sentence for a person>}`.

Domain errors (broadsheet.errors.BroadsheetError) carry their own code and status; the errors
raised by django-ninja and Django on the way to an endpoint are mapped here, so that a client
never has to parse an HTML error page.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from broadsheet.errors import BroadsheetError, with_error_headers
from broadsheet.input_text import INVALID_CHARACTER

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("django.request")  # where Django reports its own server errors

ERROR_CODES_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}
DATABASE_DOWN_RETRY_SECONDS = 30  # long enough for a database restart, short for a reader
AUTHENTICATION_HINT = (
    "Send `Authorization: Token <key>` (an admin creates keys with `broadsheet token <username>`)"
    " or sign in on the site."
)


class ErrorOut(Schema):
    """The body of every error response."""

    error: str = Field(description="A stable code: invalid, not_found, forbidden, …")
    detail: str = Field(description="What went wrong, written for a person.")


def error_body(code: str, detail: str) -> dict[str, str]:
    return {"error": code, "detail": detail}


def unexpected_error_response(error: BaseException | None) -> JsonResponse:
    """The API's answer to an error nobody raised on purpose: 503 with Retry-After when the
    database is not answering, else 500. Also given by the site's 500 handler for /api/
    addresses, when the error came before the API's own handlers (a middleware's query)."""
    if isinstance(error, DatabaseError):
        detail = "The database is not answering. Nothing was lost; try again in a minute."
        response = JsonResponse(error_body("unavailable", detail), status=503)
        response["Retry-After"] = str(DATABASE_DOWN_RETRY_SECONDS)
        return response
    detail = "Something broke on our side; try again in a minute."
    return JsonResponse(error_body("server_error", detail), status=500)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The `response=` entries that document an endpoint's error statuses in the schema.

    400 is always among them: any request whose address, query, headers or JSON body hold a
    character no text may hold is refused so (theme.input_check, api.inputs), whatever the
    endpoint.
    """
    return dict.fromkeys(sorted({400, *statuses}), ErrorOut)


def _bound_message(error: dict[str, Any]) -> str | None:
    """The schema's length and range errors said as the services say them; None for others."""
    kind, bounds = error.get("type"), error.get("ctx") or {}
    if kind == "string_too_long":
        return f"the limit is {bounds['max_length']:,} characters"
    if kind == "string_too_short":
        if bounds["min_length"] == 1:
            return "this is empty: write something"
        return f"at least {bounds['min_length']:,} characters are needed"
    if kind == "greater_than_equal":
        return f"the lowest is {bounds['ge']}"
    if kind == "less_than_equal":
        return f"the highest is {bounds['le']}"
    return None


def describe_validation_errors(errors: Iterable[dict[str, Any]]) -> str:
    """One readable sentence per problem, naming the field: "title: Field required; …"."""
    problems = []
    for error in errors:
        location = [part for part in error.get("loc", ()) if part != ""]
        source = str(location[0]) if location else ""
        path = location[1:]
        if source == "body" and path:
            path = path[
                1:
            ]  # the endpoint's parameter name (e.g. `payload`) means nothing to a client
        name = ""
        for part in path:
            if isinstance(part, int):
                name += f"[{part}]"  # tags[1]
            else:
                name += f".{part}" if name else str(part)
        if not name:
            name = "request body" if source == "body" else source or "request"
        message = (
            _bound_message(error)
            or error.get("msg")
            or "; ".join(f"{key}: {value}" for key, value in error.items())
        )
        if name == "request body" and error.get("type") == "missing":
            message = "a JSON object is required"
        problems.append(f"{name}: {message}")
    return "; ".join(problems) or "The request is not valid."


def _malformed_body_detail(error: HttpError) -> str | None:
    """A precise message when ninja could not parse the body as JSON, else None."""
    cause = error.__cause__
    if isinstance(cause, json.JSONDecodeError):
        return (
            f"The request body is not valid JSON: {cause.msg} "
            f"(line {cause.lineno}, column {cause.colno})."
        )
    if isinstance(cause, UnicodeDecodeError):
        return "The request body is not valid JSON: it must be UTF-8 text."
    return None


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the JSON error handlers on `api`, replacing django-ninja's defaults."""

    def respond(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
        return api.create_response(request, error_body(code, detail), status=status)

    def domain_error(request: HttpRequest, error: BroadsheetError) -> HttpResponse:
        return with_error_headers(respond(request, error.status, error.code, error.message), error)

    def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
        # Text no database stores is a malformed request, as theme.input_check answers it in
        # an address or a query: 400 saying where, whatever else the body gets wrong.
        unstorable = [item for item in error.errors if item.get("type") == INVALID_CHARACTER]
        if unstorable:
            return respond(request, 400, INVALID_CHARACTER, describe_validation_errors(unstorable))
        return respond(request, 422, "invalid", describe_validation_errors(error.errors))

    def not_authenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        detail = error.message if error.message != "Unauthorized" else AUTHENTICATION_HINT
        response = respond(request, 401, "unauthorized", detail)
        response["WWW-Authenticate"] = 'Token realm="api"'
        return response

    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        status = error.status_code
        detail = _malformed_body_detail(error)
        if detail is not None:
            return respond(request, 400, "malformed_json", detail)
        return respond(request, status, ERROR_CODES_BY_STATUS.get(status, "error"), error.message)

    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return respond(request, 404, "not_found", "There is nothing at this address.")

    def too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The request body is larger than the limit of {limit:,} bytes."
        return respond(request, 413, "too_large", detail)

    def server_error(request: HttpRequest, error: Exception) -> HttpResponse:
        if settings.DEBUG:
            raise error  # Django's debug page shows the traceback to the developer
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=error,
            extra={"status_code": 500, "request": request},
        )
        response = unexpected_error_response(error)
        response._has_been_logged = True  # type: ignore[attr-defined]  # logged above, with the traceback
        return response

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (BroadsheetError, domain_error),
        (ValidationError, invalid_input),
        (AuthenticationError, not_authenticated),
        (HttpError, http_error),
        (Http404, not_found),
        (RequestDataTooBig, too_large),
        (Exception, server_error),
    ]
    for exception_class, handler in handlers:
        api.add_exception_handler(exception_class, handler)
