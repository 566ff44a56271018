"""Writing the public moderation log: one row per action, never edited afterwards."""

from __future__ import annotations

from typing import Any

from broadsheet.moderation.models import ModerationAction


def record_action(
    *,
    moderator: Any,
    action: str,
    target_type: str,
    target_id: object,
    target_label: str,
    target_url: str = "",
    reason: str = "",
) -> ModerationAction:
    return ModerationAction.objects.create(
        moderator=moderator if getattr(moderator, "is_authenticated", False) else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:300],
        target_url=target_url[:300],
        reason=reason.strip()[:500],
    )
