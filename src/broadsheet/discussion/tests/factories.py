"""Small factories for comments."""

from __future__ import annotations

from typing import Any

from broadsheet.discussion import services
from broadsheet.discussion.models import Comment
from broadsheet.publishing.models import Post


def make_comment(
    post: Post,
    author: Any,
    body: str = "A thought.",
    *,
    parent: Comment | None = None,
    **kwargs: Any,
) -> Comment:
    return services.post_comment(
        post=post,
        author=author,
        subject=kwargs.pop("subject", ""),
        body=body,
        parent_id=parent.pk if parent else None,
        **kwargs,
    )
