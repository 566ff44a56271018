"""The thread as a tree, built in O(n) from rows loaded in one query, and its sort orders.

Everything here is a pure function over plain values, so display modes and orders are cheap
to test and cost no SQL.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime


class SortOrder(enum.StrEnum):
    OLDEST = "oldest"
    NEWEST = "newest"
    HIGHEST = "highest"
    LOWEST = "lowest"


@dataclass(slots=True)
class CommentRow:
    """What a thread page shows of one comment, read straight from the database row."""

    id: int
    parent_id: int | None
    number: int
    depth: int
    subject: str
    body_html: str
    author_username: str | None
    author_name: str
    state: str
    created: datetime
    edited: datetime | None
    rating_average: float | None
    rating_count: int
    reply_count: int
    fragment_html: str = ""
    line_html: str = ""
    fragment_key: str = ""
    language: str = ""  # BCP 47, "" when it could not be told (languages.py)
    author_display: str | None = None  # the account's display name, "" or None: none set
    author_url: str = ""  # an anonymous commenter's web site (http or https, checked on write)
    original_anchor: str = ""  # an imported comment's id where it came from, if not its id here
    kind: str = "comment"  # or "pingback", "trackback" (imports): listed apart from the thread
    parent_number: int | None = None
    parent_author: str = ""

    @property
    def author_display_name(self) -> str:
        """The name a page shows: the account's display name or username, else the name an
        anonymous commenter gave."""
        return self.author_display or self.author_username or self.author_name or "Anonymous"


@dataclass(slots=True)
class CommentNode:
    row: CommentRow
    children: list[CommentNode] = field(default_factory=list)


def build_comment_tree(rows: Iterable[CommentRow]) -> list[CommentNode]:
    """Top-level nodes with their replies attached. Rows must come parents first (by number).

    A reply whose parent is not among the rows (held or removed from view) is shown at the
    top level, where its "Parent" link still names the comment it answers.
    """
    nodes: dict[int, CommentNode] = {}
    roots: list[CommentNode] = []
    for row in rows:
        node = CommentNode(row)
        nodes[row.id] = node
        parent = nodes.get(row.parent_id) if row.parent_id is not None else None
        if parent is None:
            roots.append(node)
        else:
            row.parent_number = parent.row.number
            row.parent_author = parent.row.author_display_name
            parent.children.append(node)
    return roots


def _rating_key(descending: bool) -> Callable[[CommentRow], tuple[int, float, int, int]]:
    def key(row: CommentRow) -> tuple[int, float, int, int]:
        if row.rating_average is None:
            return (1, 0.0, 0, row.number)  # unrated after rated, oldest first
        average = -row.rating_average if descending else row.rating_average
        return (0, average, -row.rating_count, row.number)

    return key


def row_sort_key(order: SortOrder) -> Callable[[CommentRow], object]:
    if order is SortOrder.NEWEST:
        return lambda row: -row.number
    if order is SortOrder.HIGHEST:
        return _rating_key(descending=True)
    if order is SortOrder.LOWEST:
        return _rating_key(descending=False)
    return lambda row: row.number


def sort_tree(roots: list[CommentNode], order: SortOrder) -> list[CommentNode]:
    """The same tree with every set of siblings in the given order (rows arrive oldest first)."""
    if order is SortOrder.OLDEST:
        return roots
    row_key = row_sort_key(order)

    def node_key(node: CommentNode) -> object:
        return row_key(node.row)

    stack = [roots]
    while stack:
        siblings = stack.pop()
        siblings.sort(key=node_key)  # type: ignore[arg-type]
        stack.extend(node.children for node in siblings if node.children)
    return roots


def subthread_size(root: CommentNode) -> int:
    """How many comments a top-level comment and all its replies make."""
    size = 0
    stack = [root]
    while stack:
        node = stack.pop()
        size += 1
        stack.extend(node.children)
    return size


def root_index_of(roots: list[CommentNode], comment_id: int) -> int | None:
    """The position of the top-level comment whose sub-thread holds comment_id: the comment
    with that id, or the imported one that had that id where it came from (an old link's
    `#comment-<id>`, when the id was taken here)."""
    anchor = str(comment_id)
    for index, root in enumerate(roots):
        stack = [root]
        while stack:
            node = stack.pop()
            if node.row.id == comment_id or node.row.original_anchor == anchor:
                return index
            stack.extend(node.children)
    return None
