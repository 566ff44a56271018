"""Reads for moderators (the queue) and for everyone (the public log)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from broadsheet.accounts.models import User
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.moderation.models import Flag, ModerationAction

QUEUE_PAGE_SIZE = 50  # a screenful of decisions; bulk actions cover a page
# The key of `User.preferences` that turns the queue's single-key shortcuts off (False).
QUEUE_SHORTCUTS = "queue_shortcuts"


def queue_filter() -> Q:
    """Held comments, and shown ones with a flag no moderator has acted on yet.

    An EXISTS, not a join on flags: a join would pair every unflagged comment with a NULL
    flag whose `resolved` is NULL too, and put the whole site in the queue.
    """
    open_flags = Flag.objects.filter(comment=OuterRef("pk"), resolved__isnull=True)
    return Q(state=CommentState.HELD) | (
        Q(Exists(open_flags)) & Q(state__in=[CommentState.VISIBLE, CommentState.HIDDEN])
    )


def queue_count() -> int:
    return Comment.objects.filter(queue_filter()).count()


@dataclass
class QueueItem:
    comment: Comment
    flag_reasons: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [*self.comment.hold_reasons, *self.flag_reasons]


def queue_items(*, limit: int = QUEUE_PAGE_SIZE) -> list[QueueItem]:
    """Held and flagged comments, oldest first, with why each is there. Two queries."""
    comments = list(
        Comment.objects.filter(queue_filter())
        .select_related("post", "author")
        .order_by("created")[:limit]
    )
    flags: dict[int, list[str]] = {}
    for comment_id, reason, note in Flag.objects.filter(
        comment__in=comments, resolved__isnull=True
    ).values_list("comment_id", "reason", "note"):
        label = dict(Flag.Reason.choices)[reason]
        flags.setdefault(comment_id, []).append(
            f"flagged: {label}" + (f" ({note})" if note else "")
        )
    return [QueueItem(comment, flags.get(comment.pk, [])) for comment in comments]


def queue_shortcuts_enabled(user: User) -> bool:
    """Whether the queue page offers its single-key shortcuts to this moderator (on unless
    turned off)."""
    return (user.preferences or {}).get(QUEUE_SHORTCUTS) is not False


def comments_to_confirm(comment_ids: list[int]) -> list[Comment]:
    """The comments a moderator is asked to confirm removing, in the queue's order."""
    return list(
        Comment.objects.filter(pk__in=comment_ids)
        .exclude(state=CommentState.DELETED)
        .select_related("post", "author")
        .order_by("created")
    )


SPAM_PAGE_SIZE = 100  # a folder is skimmed, not read: a long page, newest first


def spam_folder_count() -> int:
    return Comment.objects.filter(state=CommentState.SPAM).count()


def spam_folder_items(*, limit: int = SPAM_PAGE_SIZE) -> list[Comment]:
    """Comments rejected as spam (by the filter or a moderator), newest first. One query."""
    return list(
        Comment.objects.filter(state=CommentState.SPAM)
        .select_related("post", "author", "moderated_by")
        .order_by("-created", "-id")[:limit]
    )


def public_log() -> QuerySet[ModerationAction]:
    return ModerationAction.objects.select_related("moderator").order_by("-created", "-id")
