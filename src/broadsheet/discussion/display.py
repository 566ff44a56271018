"""Display modes: how a sorted thread tree becomes the sequence of entries a page shows.

Entries come out flat, in page order, each saying how deep it sits and how many list levels
to open or close before it, so the template writes properly nested lists without recursion.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from broadsheet.discussion.tree import CommentNode, CommentRow, SortOrder, row_sort_key

MAX_INDENT = 8  # deeper replies stop indenting; their "Parent" link carries the thread


class DisplayMode(enum.StrEnum):
    NESTED = "nested"
    THREADED = "threaded"
    MINIMAL = "minimal"
    FLAT = "flat"


DISPLAY_LABELS = {
    DisplayMode.NESTED: "Nested",
    DisplayMode.THREADED: "Threaded",
    DisplayMode.MINIMAL: "Minimal",
    DisplayMode.FLAT: "Flat",
}
SORT_LABELS = {
    SortOrder.OLDEST: "Oldest first",
    SortOrder.NEWEST: "Newest first",
    SortOrder.HIGHEST: "Highest rated",
    SortOrder.LOWEST: "Lowest rated",
}


@dataclass(slots=True)
class Entry:
    row: CommentRow
    level: int  # list nesting level on the page, 0 for top level
    full: bool  # the whole comment, or a one-line entry linking to it
    opens: bool = False  # open a nested list before this entry
    closes: int = 0  # close this many nested lists before this entry
    first: bool = False  # the first entry has no list item before it to close


@dataclass(slots=True)
class Arrangement:
    entries: list[Entry]
    trailing_closes: int  # nested lists still open after the last entry


def _walk(nodes: list[CommentNode], level: int, full: bool, out: list[Entry]) -> None:
    stack = [(node, level) for node in reversed(nodes)]
    while stack:
        node, depth = stack.pop()
        out.append(Entry(node.row, min(depth, MAX_INDENT), full))
        stack.extend((child, depth + 1) for child in reversed(node.children))


def _flatten(nodes: list[CommentNode]) -> list[CommentRow]:
    rows: list[CommentRow] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        rows.append(node.row)
        stack.extend(node.children)
    return rows


def _with_list_markers(entries: list[Entry]) -> Arrangement:
    previous = 0
    if entries:
        entries[0].first = True
    for index, entry in enumerate(entries):
        if index and entry.level > previous:
            entry.level = previous + 1
            entry.opens = True
        elif index:
            entry.closes = previous - entry.level
        previous = entry.level
    return Arrangement(entries, trailing_closes=previous if entries else 0)


def arrange(roots: list[CommentNode], mode: DisplayMode, order: SortOrder) -> Arrangement:
    """Entries for the given (already sorted) roots in one display mode."""
    entries: list[Entry] = []
    if mode is DisplayMode.NESTED:
        _walk(roots, 0, True, entries)
    elif mode is DisplayMode.MINIMAL:
        _walk(roots, 0, False, entries)
    elif mode is DisplayMode.THREADED:
        for root in roots:
            entries.append(Entry(root.row, 0, True))
            _walk(root.children, 1, False, entries)
    else:
        rows = sorted(_flatten(roots), key=row_sort_key(order))  # type: ignore[arg-type]
        entries = [Entry(row, 0, True) for row in rows]
    return _with_list_markers(entries)
