"""Realistic generated threads for the demo site and the benchmarks.

Comments go through `discussion.services.post_comments`, the path every comment takes, so
they get the numbers, depths, subjects, sanitized HTML, fragments and counts that a comment
written by hand gets. They are dated as a discussion goes: after the post, busy at first and
thinning out, never two in the same second; bodies are whole sentences and paragraphs.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.discussion.services import NewComment, post_comments
from broadsheet.publishing.models import Post

REPLY_SHARE = 0.65  # most comments in a busy open thread answer someone
RECENT_WINDOW = 40  # replies mostly answer one of the last few dozen comments
FIRST_COMMENT_AFTER = timedelta(minutes=3)  # nobody comments in the second a post appears
# How much longer the last gaps between comments are than the first: a thread is busiest in
# its first hours and thins out (the gaps grow as (1 + 6 * share of the thread) ** 1.5).
THINNING = 1.5

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
    """Whole paragraphs of whole sentences, about `low` to `high` characters (the last
    paragraph may take it past `high`: a body is never cut)."""
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
    return "\n\n".join(paragraphs)


def discussion_times(
    chooser: random.Random, *, count: int, start: datetime, end: datetime
) -> list[datetime]:
    """`count` times after `start` and before `end`, in order: busy at first, thinning out,
    at least a second apart (so no two show the same time) when the span allows."""
    span = int((end - start).total_seconds())
    if span <= count:  # too short for one a second: as evenly as the span allows
        step = (end - start) / (count + 1)
        return [start + step * (index + 1) for index in range(count)]
    first = min(int(FIRST_COMMENT_AFTER.total_seconds()), span // 10)
    gaps = [
        chooser.expovariate(1.0) * (1 + 6 * index / count) ** THINNING for index in range(count)
    ]
    spare = span - first - count  # each gap is a whole second or more
    scale = spare * 0.98 / sum(gaps)  # and the last comment stays before `end`
    times, offset = [], first
    for gap in gaps:
        offset += 1 + int(gap * scale)
        times.append(start + timedelta(seconds=offset))
    return times


def sample_comments(
    *,
    authors: Sequence[User],
    count: int,
    seed: int = 1,
    hours: float = 48,
    start: datetime | None = None,
) -> list[NewComment]:
    """`count` generated comments written over `hours` from `start` (default: the last
    `hours`) and not after now, most of them replies to one of the last few dozen, some rated
    by other authors."""
    chooser = random.Random(seed)  # noqa: S311 - sample text, not security
    now = timezone.now()
    start = start or now - timedelta(hours=hours)
    end = min(start + timedelta(hours=hours), now)
    times = discussion_times(chooser, count=count, start=start, end=max(end, start))
    comments: list[NewComment] = []
    for index in range(count):
        parent_position = None
        if index and chooser.random() < REPLY_SHARE:
            parent_position = chooser.randrange(max(0, index - RECENT_WINDOW), index)
        author = chooser.choice(authors)
        raters = [person for person in authors if person.pk != author.pk]
        rating_count = min(chooser.choice([0, 0, 0, 1, 2, 3, 4]), len(raters))
        comments.append(
            NewComment(
                author=author,
                body=sample_body(chooser),
                parent_position=parent_position,
                created=times[index],
                ratings=tuple(
                    (rater.pk, chooser.randint(1, 5))
                    for rater in chooser.sample(raters, rating_count)
                ),
            )
        )
    return comments


def generate_thread(
    *, post: Post, authors: Sequence[User], count: int, seed: int = 1, hours: float = 48
) -> int:
    """Add `count` generated comments to the post through the one comment write path
    (`post_comments`, as an import: dated, rated, never held), written in the `hours` after
    the post appeared."""
    published = post.publish_at if post.publish_at and post.publish_at < timezone.now() else None
    comments = sample_comments(
        authors=authors, count=count, seed=seed, hours=hours, start=published
    )
    return len(post_comments(post=post, comments=comments, imported=True))
