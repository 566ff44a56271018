"""The change seam: what changed in the domain, announced once by the service that changed it.

A service that writes a fact others react to (a comment posted, edited, rated or moved to
another state; a thread opened or closed; a post published, edited or unpublished) calls
`announce` with one of the values below, inside its transaction. Delivery waits for the
transaction to commit (`transaction.on_commit`, as Zulip's `send_event_on_commit` does), so
a write that rolls back announces nothing and a listener never sees a change that did not
happen. Outside a transaction, delivery is immediate.

Listeners live in the app that owns the reaction and register by change type with
`listen(...)` in their AppConfig's `ready()`, so that the app that
writes never imports the apps that react: a new feature adds a listener, not a call in five
services. Listeners run one after the other in the order they registered; one that raises is
logged with the change and the others still run. The committed write stays committed.

The values carry ids and the few facts a listener needs to decide whether it cares, never
model instances: a listener loads what it needs, after the commit, from the database.
"""

from __future__ import annotations

import logging
import typing
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """The base of every change; a listener of Change hears them all."""


# Discussion
@dataclass(frozen=True)
class CommentsPosted(Change):
    """New comments on one post: one from a reader, or many from an import or the demo."""

    post_id: int
    comment_ids: tuple[int, ...]
    visible_ids: tuple[int, ...]  # those readers can see now (not held, hidden or deleted)
    author_id: int | None  # the one signed-in author of a single comment; None for many
    imported: bool = False


@dataclass(frozen=True)
class CommentEdited(Change):
    post_id: int
    comment_id: int
    author_id: int | None
    editor_id: int | None  # differs from author_id when a moderator edited


@dataclass(frozen=True)
class CommentStateChanged(Change):
    """Visible, held, hidden, deleted: the comment moved from one to another."""

    post_id: int
    comment_id: int
    author_id: int | None
    old_state: str
    new_state: str
    moderator_id: int | None  # the moderator who decided in the queue; None otherwise
    actor_id: int | None  # whoever acted: the author, a moderator; None for readers' ratings


@dataclass(frozen=True)
class CommentRated(Change):
    """A reader gave, changed or took back a rating; the comment's average moved."""

    post_id: int
    comment_id: int
    author_id: int | None
    rater_id: int


@dataclass(frozen=True)
class ThreadOpened(Change):
    post_id: int
    editor_id: int
    reason: str = ""


@dataclass(frozen=True)
class ThreadClosed(Change):
    post_id: int
    editor_id: int
    reason: str = ""


@dataclass(frozen=True)
class ThreadRecounted(Change):
    """The stored counts of a thread were repaired (`recount_comments`)."""

    post_id: int


# Accounts
@dataclass(frozen=True)
class DisplayNameChanged(Change):
    """A person's shown name changed: bylines and the heads of their comments show it."""

    user_id: int


# Publishing
@dataclass(frozen=True)
class PostPublished(Change):
    """A post became published, or scheduled (it appears at `publish_at`, checked on read)."""

    post_id: int
    scheduled: bool


@dataclass(frozen=True)
class PostEdited(Change):
    """A post readers can see (or will, when scheduled) changed; drafts announce nothing."""

    post_id: int


@dataclass(frozen=True)
class PostUnpublished(Change):
    """A published or scheduled post went back to draft: readers no longer see it."""

    post_id: int


# Interop
@dataclass(frozen=True)
class SiteRestored(Change):
    """A whole site was written at once from Broadsheet's own format (interop.site_json):
    its rows as they were exported, beside the services, so no other change was announced.
    Whatever is kept of the site elsewhere (cached pages, indexes) starts again."""


Listener = Callable[[Any], None]

_listeners: dict[type[Change], list[Listener]] = defaultdict(list)


def listen(change_types: Any, listener: Callable[[Any], None]) -> None:
    """Register `listener` for a change type, or for each member of a union of them.

    Apps call this in their AppConfig.ready(), with a union alias that also types the
    listener's argument: `listen(ThreadChange, move_thread_version)`.
    """
    members = typing.get_args(change_types) or (change_types,)
    for change_type in members:
        if not (isinstance(change_type, type) and issubclass(change_type, Change)):
            raise TypeError(f"{change_type!r} is not a change type (broadsheet.changes.Change)")
        if listener not in _listeners[change_type]:
            _listeners[change_type].append(listener)


@contextmanager
def listening(change_types: Any, listener: Callable[[Any], None]) -> Iterator[None]:
    """A listener for the duration of a block (tests, or a command watching its own work)."""
    members = typing.get_args(change_types) or (change_types,)
    listen(change_types, listener)
    try:
        yield
    finally:
        for change_type in members:
            _listeners[change_type].remove(listener)


def listeners_of(change: Change) -> list[Listener]:
    """Every listener registered for the change's type or one of its base types, once each."""
    found: list[Listener] = []
    for change_type in type(change).__mro__:
        for listener in _listeners.get(change_type, ()):
            if listener not in found:
                found.append(listener)
    return found


def announce(change: Change) -> None:
    """Deliver `change` to its listeners once the current transaction commits."""
    transaction.on_commit(partial(deliver, change))


def deliver(change: Change) -> None:
    """Run every listener of `change`; a failing one is logged and the rest still run."""
    for listener in listeners_of(change):
        try:
            listener(change)
        except Exception:
            logger.exception(
                "Listener %s.%s failed on %r; the change itself is committed.",
                getattr(listener, "__module__", "?"),
                getattr(listener, "__qualname__", repr(listener)),
                change,
            )
