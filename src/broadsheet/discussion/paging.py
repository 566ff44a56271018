"""How a sorted thread splits into pages, as the list index where each page starts.

Two ways: a fixed number of top-level comments per page (DiscussionSettings.
top_level_comments_per_page), or, once a thread passes the site's overflow size, a budget of
comments per page filled with whole sub-threads, so a conversation is never cut in two and
no page grows past the budget unless one sub-thread alone does. Pure functions over sizes:
pagination costs no SQL.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence


def starts_by_count(root_count: int, per_page: int) -> list[int]:
    """Pages of per_page top-level comments; one (empty) page for an empty thread."""
    return list(range(0, root_count, per_page)) or [0]


def starts_by_budget(sizes: Sequence[int], budget: int) -> list[int]:
    """Pages of whole sub-threads (sizes: comments in each, in page order) holding at most
    budget comments, except that a sub-thread bigger than the budget takes a page alone."""
    starts = [0]
    filled = 0
    for index, size in enumerate(sizes):
        if filled and filled + size > budget:
            starts.append(index)
            filled = 0
        filled += size
    return starts


def page_holding(starts: Sequence[int], index: int) -> int:
    """The number (from 1) of the page holding the top-level comment at index."""
    return bisect_right(starts, index)
