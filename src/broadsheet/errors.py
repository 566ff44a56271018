"""The one base class for errors a person can cause.

Services raise these; the HTML error middleware and the API's exception handler turn them
into a message page or a JSON error with the carried status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpResponse


class BroadsheetError(Exception):
    """An error with a stable code, a message written for a person, and an HTTP status."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers that go with the status: none, unless a subclass says more."""
        return {}


class InvalidInput(BroadsheetError):
    code = "invalid"
    status = 422


class NotAllowed(BroadsheetError):
    code = "forbidden"
    status = 403


class NotFound(BroadsheetError):
    code = "not_found"
    status = 404


class Conflict(BroadsheetError):
    code = "conflict"
    status = 409


class RateLimited(BroadsheetError):
    """Too many writes of one kind, from one account or one address (guard.ratelimits)."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # whole seconds until the refused write would pass

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def with_error_headers[Response: HttpResponse](
    response: Response, error: BroadsheetError
) -> Response:
    """`response`, carrying the error's headers (Retry-After for a rate limit)."""
    for name, value in error.headers.items():
        response[name] = value
    return response
