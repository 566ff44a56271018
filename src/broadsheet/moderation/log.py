"""Writing the public moderation log: one row per action, never edited afterwards."""

from __future__ import annotations

from broadsheet.accounts.models import User
from broadsheet.discussion.models import Comment
from broadsheet.moderation.models import ModerationAction


def record_action(
    *,
    moderator: User | None,
    action: str,
    target_type: str,
    target_id: object,
    target_label: str,
    target_url: str = "",
    reason: str = "",
) -> ModerationAction:
    return ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:300],
        target_url=target_url[:300],
        reason=reason.strip()[:500],
    )


def comment_label(comment: Comment) -> str:
    """How the public log names a comment: by number and post, never by its words."""
    return f"comment #{comment.number} on “{comment.post.title}”"
