"""Reading one large JSON document piece by piece, with line and column in every error.

Broadsheet's own export (site_json) is one JSON object whose members are mostly long lists:
every comment of a site. `json.load` would hold the whole site in memory, several times the
file's size; this reader holds one list item at a time and a buffer of the file, and lets
the standard library's decoder read each item, so values and messages are json's own.

Only the top level is read piece by piece: members whose value is a list come as their
items one by one; any other member (a number, an object of settings) comes whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from broadsheet.errors import InvalidInput

READ_CHARACTERS = 1 << 20  # a megabyte of text per read: few reads, a small buffer
# One value (a post with both its texts and their HTML) is far smaller; past this, a value
# that does not end is a broken file, not a big one, and reading on would fill the memory.
MAX_VALUE_CHARACTERS = 64 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_CHARACTERS = re.compile(r"[0-9eE.+-]*")


class MalformedJson(InvalidInput):
    """The file is not JSON, or not the object the reader expects; the message says where."""

    code = "malformed_json"


@dataclass(frozen=True)
class Member:
    """A member of the top-level object whose value is not a list, with its value."""

    key: str
    value: Any
    line: int


@dataclass(frozen=True)
class ListStart:
    key: str
    line: int


@dataclass(frozen=True)
class ListItem:
    key: str
    index: int
    value: Any
    line: int


@dataclass(frozen=True)
class ListEnd:
    key: str
    count: int


Event = Member | ListStart | ListItem | ListEnd


def _malformed_at(line: int, column: int, message: str) -> MalformedJson:
    return MalformedJson(f"The file is not valid JSON: line {line}, column {column}: {message}.")


class _NotJsonConstant(ValueError):
    """NaN and Infinity: Python's json reads them, but they are not JSON."""


def _refuse_constant(name: str) -> Any:
    raise _NotJsonConstant(name)


class _Text:
    """A window on the file: the buffered text, the next unread position, and the line
    numbers of what was read (counted once, as the position moves on)."""

    def __init__(self, file: TextIO) -> None:
        self._file = file
        self._decoder = json.JSONDecoder(parse_constant=_refuse_constant)
        self.buffer = ""
        self.position = 0
        self._ended = False
        self._line = 1  # the line at buffer index `_counted`
        self._line_start = 0  # the buffer index where `_line` begins (negative once dropped)
        self._counted = 0

    def _read_more(self) -> bool:
        if self._ended:
            return False
        chunk = self._file.read(max(READ_CHARACTERS, len(self.buffer) - self.position))
        if not chunk:
            self._ended = True
            return False
        self._count_lines(self.position)
        dropped = self.position
        self.buffer = self.buffer[dropped:] + chunk
        self.position -= dropped
        self._counted -= dropped
        self._line_start -= dropped
        return True

    def _count_lines(self, upto: int) -> None:
        if upto <= self._counted:
            return
        newlines = self.buffer.count("\n", self._counted, upto)
        if newlines:
            self._line += newlines
            self._line_start = self.buffer.rfind("\n", self._counted, upto) + 1
        self._counted = upto

    def where(self, position: int | None = None) -> tuple[int, int]:
        """The line and column (both from 1) of a buffer position, by default the next one."""
        position = self.position if position is None else position
        self._count_lines(position)
        return self._line, position - self._line_start + 1

    def malformed(self, message: str, position: int | None = None) -> MalformedJson:
        line, column = self.where(position)
        return _malformed_at(line, column, message)

    def peek(self) -> str:
        """The next character that is not white space, without taking it; "" at the end."""
        while True:
            self.position = _WHITESPACE.match(self.buffer, self.position).end()  # type: ignore[union-attr]
            if self.position < len(self.buffer):
                return self.buffer[self.position]
            if not self._read_more():
                return ""

    def take(self, expected: str, message: str) -> None:
        if self.peek() != expected:
            raise self.malformed(message)
        self.position += 1

    def comma_before(self, closing: str, what: str) -> bool:
        """Take a comma, if one comes next, that another value follows (as json, refuse one
        before the closing bracket)."""
        if self.peek() != ",":
            return False
        line, column = self.where()  # before reading on, which moves the buffer
        self.position += 1
        if self.peek() == closing:
            raise _malformed_at(line, column, f"Illegal trailing comma before end of {what}")
        return True

    def value(self) -> Any:
        """The JSON value that starts at the next character."""
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                if self._may_grow() and self._read_more():
                    continue
                raise self.malformed(error.msg, error.pos) from None
            except _NotJsonConstant as error:
                raise self.malformed(f"{error} is not a JSON value") from None
            # A number that reaches the end of the buffer ("1" of "1e5", or "1e" of it, which
            # reads as 1 and a stray "e") may go on in the part not yet read.
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            if is_number and _NUMBER_CHARACTERS.fullmatch(self.buffer, end) and self._read_more():
                continue
            self.position = end
            return value

    def _may_grow(self) -> bool:
        return len(self.buffer) - self.position < MAX_VALUE_CHARACTERS


def read_document(file: TextIO) -> Iterator[Event]:
    """The top-level object's members in the order written; list members item by item.

    Raises MalformedJson, naming the line and column, where the text stops being JSON or
    is not an object.
    """
    text = _Text(file)
    if text.peek() != "{":
        raise text.malformed("Expecting a JSON object, which starts with '{'")
    text.position += 1
    if text.peek() == "}":
        text.position += 1
    else:
        while True:
            yield from _member(text)
            if text.comma_before("}", "object"):
                continue
            text.take("}", "Expecting ',' delimiter")
            break
    if text.peek() != "":
        raise text.malformed("Extra data after the document's end")


def _member(text: _Text) -> Iterator[Event]:
    if text.peek() != '"':
        raise text.malformed("Expecting property name enclosed in double quotes")
    key = text.value()
    text.take(":", "Expecting ':' delimiter")
    text.peek()
    line, _ = text.where()
    if text.peek() != "[":
        yield Member(key=key, value=text.value(), line=line)
        return
    text.position += 1
    yield ListStart(key=key, line=line)
    count = 0
    if text.peek() == "]":
        text.position += 1
    else:
        while True:
            text.peek()
            line, _ = text.where()
            yield ListItem(key=key, index=count, value=text.value(), line=line)
            count += 1
            if text.comma_before("]", "array"):
                continue
            text.take("]", "Expecting ',' delimiter")
            break
    yield ListEnd(key=key, count=count)
