"""Realistic generated threads for the demo site and the benchmarks.

Comments are written in bulk (one INSERT per batch), with the same stored fields the services
give a comment written by hand: number, depth, sanitized HTML, reply and rating counts.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.discussion.fragments import FRAGMENT_FIELDS, refresh_fragment
from broadsheet.discussion.models import Comment, CommentState, ThreadState
from broadsheet.markup import first_words, plain_text, render_comment_markdown
from broadsheet.publishing.models import Post
from broadsheet.publishing.selectors import get_site_settings

BATCH_SIZE = 500
REPLY_SHARE = 0.65  # most comments in a busy open thread answer someone
RECENT_WINDOW = 40  # replies mostly answer one of the last few dozen comments

WORDS = [
    "court",
    "ruling",
    "budget",
    "hearing",
    "policy",
    "county",
    "state",
    "council",
    "vote",
    "evidence",
    "report",
    "witness",
    "prison",
    "bail",
    "sheriff",
    "audit",
    "record",
    "appeal",
    "statute",
    "reform",
    "delay",
    "funding",
    "oversight",
    "data",
    "question",
    "answer",
    "reading",
    "argument",
    "source",
    "quote",
    "point",
    "detail",
    "timeline",
    "precedent",
    "panel",
    "judge",
    "counsel",
    "agency",
    "statement",
    "press",
    "release",
    "figure",
    "number",
    "estimate",
    "trend",
    "district",
]
OPENERS = [
    "I think", "Worth noting that", "Does anyone know whether", "The real question is whether",
    "Agreed, and", "I'm not sure", "Good catch:", "To be fair,", "Reading the report,", "Honestly",
]  # fmt: skip


def _sentence(chooser: random.Random) -> str:
    words = chooser.choices(WORDS, k=chooser.randint(8, 18))
    return f"{chooser.choice(OPENERS)} {' '.join(words)}."


def sample_body(chooser: random.Random, low: int = 200, high: int = 800) -> str:
    target = chooser.randint(low, high)
    paragraphs, length = [], 0
    while length < target:
        paragraph = " ".join(_sentence(chooser) for _ in range(chooser.randint(2, 4)))
        paragraphs.append(paragraph)
        length += len(paragraph)
    if chooser.random() < 0.15:
        paragraphs.insert(0, "> " + _sentence(chooser))
    if chooser.random() < 0.1:
        paragraphs.append("[source](https://example.org/report)")
    return "\n\n".join(paragraphs)[: high + 200]


@transaction.atomic
def generate_thread(
    *, post: Post, authors: Sequence[User], count: int, seed: int = 1, hours: float = 48
) -> int:
    """Add `count` generated comments to the post; returns how many were added."""
    chooser = random.Random(seed)  # noqa: S311 - sample text, not security
    thread, _ = ThreadState.objects.get_or_create(post=post)
    thread = ThreadState.objects.select_for_update().get(pk=thread.pk)
    start = timezone.now() - timedelta(hours=hours)
    step = timedelta(hours=hours) / max(count, 1)
    made: list[Comment] = []
    recent: list[Comment] = []
    for index in range(count):
        parent = None
        if recent and chooser.random() < REPLY_SHARE:
            parent = chooser.choice(recent[-RECENT_WINDOW:])
        body = sample_body(chooser)
        body_html = render_comment_markdown(body)
        rating_count = chooser.choice([0, 0, 0, 1, 2, 3, 4])
        rating_sum = sum(chooser.randint(1, 5) for _ in range(rating_count))
        comment = Comment(
            post=post,
            parent=parent,
            number=thread.last_number + index + 1,
            depth=parent.depth + 1 if parent else 0,
            subject=first_words(plain_text(body_html), 60),
            body=body,
            body_html=body_html,
            author=chooser.choice(authors),
            state=CommentState.VISIBLE,
            created=start + step * index,
            rating_count=rating_count,
            rating_sum=rating_sum,
            rating_average=rating_sum / rating_count if rating_count else None,
        )
        if parent is not None:
            parent.reply_count += 1
        made.append(comment)
        recent.append(comment)
    # Insert without parents first (bulk_create gives every row its id), then link replies.
    parents = [comment.parent for comment in made]
    for comment in made:
        comment.parent = None
    Comment.objects.bulk_create(made, batch_size=BATCH_SIZE)
    site = get_site_settings()
    for comment, parent in zip(made, parents, strict=True):
        comment.parent = parent
        refresh_fragment(comment, site)
    Comment.objects.bulk_update(
        made, ["parent", "reply_count", *FRAGMENT_FIELDS], batch_size=BATCH_SIZE
    )
    thread.last_number += count
    thread.version = F("version") + 1
    thread.save(update_fields=["last_number", "version"])
    visible = Comment.objects.filter(post=post, state=CommentState.VISIBLE).count()
    Post.objects.filter(pk=post.pk).update(comment_count=visible)
    return count
