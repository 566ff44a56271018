"""The one base class for errors a person can cause.

Services raise these; the HTML error middleware and the API's exception handler turn them
into a message page or a JSON error with the carried status.
"""

from __future__ import annotations


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
