"""The import writer's speed: generated records through `interop.writer.run_import`.

Records only (no file to parse): what the writer costs per comment, apart from any reader.
Posts of --per-post comments each, a third of them replies at some depth, arriving in a
shuffled order within each post (as Disqus and WXR files give them), from a few hundred
named people and many anonymous ones, then the same import again (which must create nothing).

    python -m bench.imports [--comments 20000] [--per-post 200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from bench.__main__ import set_up_django

WORDS = [
    "the", "a", "thread", "post", "argument", "reply", "point", "agree", "disagree", "source",
    "link", "evidence", "because", "however", "indeed", "perhaps", "vote", "election",
    "policy", "budget", "council", "people", "think", "said", "wrote",
]  # fmt: skip


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--per-post", type=int, default=200)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--database-url", default="", help="default: a new SQLite file")
    return parser.parse_args()


def generated_records(comments: int, per_post: int, people: int) -> Iterator[object]:
    from broadsheet.interop.records import ImportedComment, ImportedPost, ImportedUser

    chance = random.Random(11)
    start = datetime(2009, 1, 1, tzinfo=UTC)
    for number in range(people):
        yield ImportedUser(key=f"u{number}", username=f"person{number}",
                           email=f"person{number}@example.org")  # fmt: skip
    made = 0
    post_number = 0
    while made < comments:
        post_number += 1
        post_key = f"p{post_number}"
        published = start + timedelta(days=post_number)
        yield ImportedPost(
            key=post_key,
            title=f"Post {post_number}",
            slug=f"post-{post_number}",
            intro="<p>Intro</p>",
            body="Body\n\nmore",
            published=published,
        )
        batch = []
        for index in range(min(per_post, comments - made)):
            key = f"{post_key}c{index}"
            replies = index and chance.random() < 0.35
            parent = f"{post_key}c{chance.randrange(index)}" if replies else None
            words = " ".join(chance.choice(WORDS) for _ in range(chance.randint(20, 90)))
            named = chance.random() < 0.5
            batch.append(
                ImportedComment(
                    key=key,
                    post_key=post_key,
                    parent_key=parent,
                    body=f"{words}.\n\n<em>{words[:40]}</em>",
                    author_key=f"u{chance.randrange(people)}" if named else None,
                    author_name="" if named else "Visitor",
                    author_email="" if named else "visitor@example.org",
                    created=published + timedelta(minutes=index),
                    original_id=str(100 + made + index),
                )
            )
        chance.shuffle(batch)
        yield from batch
        made += len(batch)


def main() -> None:
    arguments = parse_arguments()
    set_up_django(arguments.database_url)
    from django.db import connection

    from broadsheet.interop.records import Source
    from broadsheet.interop.writer import run_import

    records = list(generated_records(arguments.comments, arguments.per_post, arguments.people))
    for label in ("first run", "second run"):
        started, cpu = time.perf_counter(), time.process_time()
        summary = run_import(source=Source.WORDPRESS, records=records)  # type: ignore[arg-type]
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        # Other work on the machine slows the wall clock; the CPU time is this process's own.
        print(
            f"{connection.vendor} {label}: {arguments.comments:,} comments in {seconds:.1f} s "
            f"({cpu:.1f} s of CPU), {arguments.comments / seconds:,.0f} comments/s "
            f"({arguments.comments / cpu:,.0f} per CPU second); created {summary.created}, "
            f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )


if __name__ == "__main__":
    main()
