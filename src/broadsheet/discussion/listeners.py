"""Discussion's reactions to changes (broadsheet.changes), registered by DiscussionConfig.ready."""

from __future__ import annotations

from django.db.models import F

from broadsheet.changes import (
    CommentEdited,
    CommentRated,
    CommentsPosted,
    CommentStateChanged,
    PostEdited,
    PostPublished,
    PostUnpublished,
    ThreadClosed,
    ThreadOpened,
    ThreadRecounted,
)
from broadsheet.discussion.models import ThreadState

ThreadChange = (
    CommentsPosted
    | CommentEdited
    | CommentStateChanged
    | CommentRated
    | ThreadOpened
    | ThreadClosed
    | ThreadRecounted
    | PostPublished
    | PostEdited
    | PostUnpublished
)


def move_thread_version(change: ThreadChange) -> None:
    """Anything that changes what the post's page shows moves its thread's version on, which
    keys the cached pages of the thread."""
    if not ThreadState.objects.filter(post_id=change.post_id).update(version=F("version") + 1):
        ThreadState.objects.get_or_create(post_id=change.post_id, defaults={"version": 1})
