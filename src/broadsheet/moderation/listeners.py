"""Moderation's reactions to discussion's changes, registered by ModerationConfig.ready.

The public log records what moderators and editors did outside the queue (the queue's own
actions are logged by moderation.services in their transaction), and the ratings a reader's
comments receive move that reader's reputation and earned trust.
"""

from __future__ import annotations

from broadsheet.accounts.models import User
from broadsheet.changes import (
    CommentEdited,
    CommentRated,
    CommentStateChanged,
    ThreadClosed,
    ThreadOpened,
)
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.moderation.log import comment_label, record_action
from broadsheet.moderation.models import ModerationSettings
from broadsheet.moderation.reputation import recompute_reputation
from broadsheet.publishing.models import Post

ReputationChange = CommentRated | CommentStateChanged
ThreadOpenedOrClosed = ThreadOpened | ThreadClosed


def log_edit_by_moderator(change: CommentEdited) -> None:
    """A moderator changed someone else's words: the log says so (authors' own edits are not
    moderation)."""
    if change.editor_id is None or change.editor_id == change.author_id:
        return
    _log_comment_action(change.comment_id, moderator_id=change.editor_id, action="edit")


def log_deletion_by_moderator(change: CommentStateChanged) -> None:
    """A moderator deleted someone else's comment from the thread page (the queue logs its own)."""
    if (
        change.new_state != CommentState.DELETED
        or change.moderator_id is not None
        or change.actor_id is None
        or change.actor_id == change.author_id
    ):
        return
    _log_comment_action(change.comment_id, moderator_id=change.actor_id, action="delete")


def _log_comment_action(comment_id: int, *, moderator_id: int, action: str) -> None:
    comment = Comment.objects.select_related("post").get(pk=comment_id)
    record_action(
        moderator=User.objects.filter(pk=moderator_id).first(),
        action=action,
        target_type="comment",
        target_id=comment.pk,
        target_label=comment_label(comment),
        target_url=comment.get_absolute_url(),
    )


def log_thread_opened_or_closed(change: ThreadOpenedOrClosed) -> None:
    post = Post.objects.get(pk=change.post_id)
    record_action(
        moderator=User.objects.filter(pk=change.editor_id).first(),
        action="open" if isinstance(change, ThreadOpened) else "close",
        target_type="post",
        target_id=post.pk,
        target_label=f"“{post.title}”",
        target_url=post.get_absolute_url(),
        reason=change.reason,
    )


def recompute_author_reputation(change: ReputationChange) -> None:
    if change.author_id is not None:
        recompute_reputation(user_id=change.author_id, settings=ModerationSettings.current())
