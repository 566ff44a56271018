"""What the API accepts in a request body: JSON types as they are, and text that can be stored.

Every body schema of the API derives from `BodyIn`:

- strict types: a number field takes only a JSON integer (not `false`, `"3"` or `3.0`), a
  flag only `true` or `false`, a text field only a string. Lax parsing turned
  `{"value": false}` into a rating of 0, which hides a comment. JSON has no time type: a time
  field is an `IsoDateTime`, which takes an ISO 8601 string and nothing else (no numbers);
- no unknown fields, so a misspelt field is an error rather than silently ignored;
- no string, at any depth, holding a character no database stores (input_text), so that
  `"\\u0000"` or a lone `"\\ud800"` gets a 400 naming the field instead of failing in the
  database driver or the sanitizer. Field names count too, and so does a body that is not
  an object. The error's type is `input_text.INVALID_CHARACTER`, which api.errors answers
  with 400 rather than the 422 of a value the schema refuses: no text may hold these, so the
  request is malformed, whatever the field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Strict,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from broadsheet.input_text import INVALID_CHARACTER, unstorable_in


def _time_as_text(value: Any) -> Any:
    if value is not None and not isinstance(value, str):
        raise PydanticCustomError(
            "datetime_type", "a time is a string such as 2026-05-01T09:00:00+02:00"
        )
    return value


def _in_utc(value: datetime) -> datetime:
    """The time in UTC: Python takes offsets up to a day, PostgreSQL only up to 15:59."""
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in the year 0 in UTC
        raise PydanticCustomError("datetime_range", "a time after the year 1 is needed") from None


# Strict about what it is sent (a string), lax about parsing it (which strict mode refuses).
IsoDateTime = Annotated[
    AwareDatetime, Strict(False), BeforeValidator(_time_as_text), AfterValidator(_in_utc)
]


class BodyIn(Schema):
    """The base of every request body schema (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    # Before the types are checked: strict str validation refuses a lone surrogate itself, with
    # a message ("unable to parse raw data as a unicode string") that helps nobody.
    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        _refuse_unstorable(value, "contains {problem}")
        return value

    # What the field validators do not see: the field names, the values of fields the schema
    # does not have (refused anyway, but as 422 "extra" without this), a body that is no object.
    @model_validator(mode="before")
    @classmethod
    def _storable_names(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            _refuse_unstorable(data, "contains {problem}")
            return data
        for name, value in data.items():
            _refuse_unstorable(name, "a field name contains {problem}")
            if name not in cls.model_fields:
                _refuse_unstorable(value, "the field {name} contains {problem}", name=repr(name))
        return data


def _refuse_unstorable(value: Any, message: str, **context: str) -> None:
    problem = unstorable_in(value)
    if problem is not None:
        raise PydanticCustomError(INVALID_CHARACTER, message, {**context, "problem": problem})


# Far beyond any archive at any page size, and keeps the database's OFFSET a sane number: an
# unbounded page once sent one past what a 64-bit integer holds, and the database refused.
MAX_PAGE = 1_000_000


class NumberedPages(PaginationBase):
    """`?page=N` (from 1, at most MAX_PAGE), `page_size` items a page, with the total `count`.

    Used as `@paginate(NumberedPages, page_size=20)`.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="The page, from 1.")

    def __init__(self, *, page_size: int, **kwargs: Any) -> None:
        self.page_size = page_size
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet[Model], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * self.page_size
        return {
            "items": queryset[offset : offset + self.page_size],
            "count": self._items_count(queryset),
        }
