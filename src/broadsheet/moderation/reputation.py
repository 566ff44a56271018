"""Reputation ("mojo") and earned trust, from the ratings a reader's recent comments received.

The formula (also in docs/moderation.md): over the reader's visible comments posted in the
last `reputation_window_days` days that have at least one rating,

    reputation = sum(average_i * w_i) / sum(w_i),   w_i = min(rating_count_i, reputation_weight_cap)

so a comment many people rated counts more than one rated once, but no single comment can
outweigh the cap. A reader with no rated comments in the window has no reputation (None).
Trust is earned when reputation >= trusted_min_reputation over at least
trusted_min_comments rated comments, and lost when either falls below.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.moderation.models import ModerationSettings


def compute_reputation(
    rated: Iterable[tuple[float | None, int]], *, weight_cap: int
) -> float | None:
    """The weighted average of (average, count) pairs; None when nothing was rated."""
    total = weights = 0.0
    for average, count in rated:
        if average is None:
            continue
        weight = min(count, max(weight_cap, 1))
        total += average * weight
        weights += weight
    return total / weights if weights else None


def recompute_reputation(*, user_id: int, settings: ModerationSettings) -> None:
    """Store the reader's reputation and whether they have earned trust."""
    since = timezone.now() - timedelta(days=settings.reputation_window_days)
    rated = list(
        Comment.objects.filter(
            author_id=user_id,
            created__gte=since,
            rating_count__gt=0,
            state__in=[CommentState.VISIBLE, CommentState.HIDDEN],
        ).values_list("rating_average", "rating_count")
    )
    reputation = compute_reputation(rated, weight_cap=settings.reputation_weight_cap)
    earned = (
        reputation is not None
        and reputation >= settings.trusted_min_reputation
        and len(rated) >= settings.trusted_min_comments
    )
    User.objects.filter(pk=user_id).update(reputation=reputation, earned_trust=earned)
