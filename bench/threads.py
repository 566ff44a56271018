"""Threads shaped like a busy comment section, for `python -m bench.serving`.

`discussion/sample_threads.py` makes the demo's threads: most comments there answer someone
(65%) and 50 people write them. The serving benchmark compares Broadsheet with other
comment systems on threads shaped as issue 10 describes them: about a third of the comments
are replies, conversations go up to 8 replies deep, bodies are 200-800 characters with
links and quotes, 300 people write (a few of them much more than the rest) and half the
comments are rated. The sentences and dates come from `sample_threads`; only the shape is
new here. Everything follows from the seed, so every run and every engine gets the same
thread.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.discussion.sample_threads import discussion_times, sample_body
from broadsheet.discussion.services import NewComment

AUTHORS = 300
REPLY_SHARE = 1 / 3
MAX_DEPTH = 8  # as a comment stores it: 0 for a top-level comment, 8 for the deepest reply
# A reply usually continues one of the last few exchanges (so conversations grow deep);
# now and then it answers something older.
RECENT_WINDOW = 40
CONVERSATION_WINDOW = 4
CONVERSATION_SHARE = 0.6
QUOTE_SHARE = 0.4  # of replies: they quote a sentence of the comment they answer
LINK_SHARE = 0.3  # of all comments: a link to a source, inline or bare
RATED_SHARE = 0.5
MOST_RATINGS = 6
SHORTEST_BODY = 200
LONGEST_BODY = 800
HOURS = 48
SOURCES = [
    "https://example.org/reports/county-budget-2026",
    "https://news.example.com/2026/03/court-ruling-explained",
    "https://data.example.gov/district/figures.csv",
    "https://example.net/hearing/transcript#page-12",
    "https://archive.example.org/statements/sheriff",
]
LINK_TEXTS = ["the report", "the ruling", "the figures", "the transcript", "this statement"]


def author_weights(count: int) -> list[float]:
    """A few regulars write most comments and many write one or two, as in real threads."""
    return [1 / (rank + 1) ** 0.8 for rank in range(count)]


def _first_sentence(body: str) -> str:
    for paragraph in body.split("\n\n"):
        if not paragraph.startswith((">", "[")):
            return paragraph.split(". ", 1)[0].rstrip(".") + "."
    return body[:120]


def _link(chooser: random.Random) -> str:
    source = chooser.choice(SOURCES)
    if chooser.random() < 0.5:
        return f"See [{chooser.choice(LINK_TEXTS)}]({source})."
    return f"Source: {source}"


def _fit(paragraphs: list[str], chooser: random.Random) -> str:
    """The paragraphs, trimmed or extended to SHORTEST_BODY..LONGEST_BODY characters: whole
    paragraphs are dropped from the end (never the quote or the link), whole sentences when
    one paragraph alone is too long."""
    body = "\n\n".join(paragraphs)
    while len(body) > LONGEST_BODY:
        droppable = [
            index
            for index, paragraph in enumerate(paragraphs)
            if not paragraph.startswith(">") and "example." not in paragraph
        ]
        if len(droppable) > 1:
            del paragraphs[droppable[-1]]
        else:
            index = droppable[0] if droppable else len(paragraphs) - 1
            sentences = paragraphs[index].split(". ")
            if len(sentences) > 1:
                paragraphs[index] = ". ".join(sentences[:-1]).rstrip(".") + "."
            else:
                paragraphs[index] = paragraphs[index][: LONGEST_BODY // 2].rsplit(" ", 1)[0]
        body = "\n\n".join(paragraphs)
    while len(body) < SHORTEST_BODY:
        paragraphs.append(sample_body(chooser, 60, 120).split("\n\n")[-1])
        body = "\n\n".join(paragraphs)
        if len(body) > LONGEST_BODY:
            body = body[:LONGEST_BODY].rsplit(" ", 1)[0]
    return body


def realistic_comments(
    *,
    authors: Sequence[User],
    count: int,
    seed: int,
    start: datetime | None = None,
) -> list[NewComment]:
    """`count` comments for `post_comments(imported=True)`: the same list for the same seed."""
    chooser = random.Random(seed)
    now = timezone.now()
    start = start or now - timedelta(hours=HOURS)
    end = min(start + timedelta(hours=HOURS), now)
    times = discussion_times(chooser, count=count, start=start, end=max(end, start))
    weights = author_weights(len(authors))
    depths: list[int] = []
    bodies: list[str] = []
    comments: list[NewComment] = []
    for index in range(count):
        parent = None
        if index and chooser.random() < REPLY_SHARE:
            window = CONVERSATION_WINDOW if chooser.random() < CONVERSATION_SHARE else RECENT_WINDOW
            candidates = [
                position
                for position in range(max(0, index - window), index)
                if depths[position] < MAX_DEPTH
            ]
            if candidates:
                # Two people going back and forth answer the newest reply, not the post:
                # deeper comments are likelier parents.
                parent = chooser.choices(
                    candidates, weights=[depths[position] + 1 for position in candidates]
                )[0]
        depths.append(depths[parent] + 1 if parent is not None else 0)
        paragraphs = sample_body(chooser, SHORTEST_BODY, LONGEST_BODY - 150).split("\n\n")
        if parent is not None and chooser.random() < QUOTE_SHARE:
            paragraphs.insert(0, "> " + _first_sentence(bodies[parent]))
        if chooser.random() < LINK_SHARE:
            paragraphs.insert(chooser.randint(1, len(paragraphs)), _link(chooser))
        body = _fit(paragraphs, chooser)
        bodies.append(body)
        author = chooser.choices(authors, weights=weights)[0]
        ratings: tuple[tuple[int, int], ...] = ()
        if chooser.random() < RATED_SHARE:
            raters = chooser.sample(authors, MOST_RATINGS + 1)
            ratings = tuple(
                (rater.pk, chooser.randint(1, 5))
                for rater in raters[: chooser.randint(1, MOST_RATINGS)]
                if rater.pk != author.pk
            ) or ((raters[-1].pk, chooser.randint(1, 5)),)
        comments.append(
            NewComment(
                author=author,
                body=body,
                parent_position=parent,
                created=times[index],
                ratings=ratings,
            )
        )
    return comments
