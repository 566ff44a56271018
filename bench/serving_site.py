"""The site `python -m bench.serving` serves, made in a process of its own with the same
environment (database, cache, var folder) as the server that then serves it.

It migrates the database, makes 300 readers, writes one open thread per size through the bulk
write path (`discussion.services.post_comments`, as an import does) and counts the SQL
queries of each thread page in this process, with Django's test client, against the same
database and cache the server will use. The last line it prints is JSON for the caller.

    python -m bench.serving_site --sizes 100 1000 [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

READER_PASSWORD = "bench reader password 1"  # noqa: S105 - a site dropped after the run
POSTER = "reader0"  # the most active reader: logs in, reads signed in, posts under load
# Only the poster logs in. The others get a fast hash: 300 Argon2 hashes take this machine
# a minute and a half and change nothing that is measured.
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.serving_site", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", required=True)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def make_readers() -> tuple[Any, list[Any]]:
    """The editor who opens the threads and the readers who write them (reader0 first)."""
    from django.test import override_settings

    from bench.threads import AUTHORS
    from broadsheet.accounts import services as accounts
    from broadsheet.accounts.roles import Role

    poster = accounts.create_user(
        username=POSTER,
        email=f"{POSTER}@example.org",
        password=READER_PASSWORD,
        email_confirmed=True,
        check_password_strength=False,
    )
    with override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        editor = accounts.create_user(
            username="bench_editor",
            email="bench_editor@example.org",
            password=READER_PASSWORD,
            role=Role.EDITOR,
            check_password_strength=False,
        )
        readers = [poster] + [
            accounts.create_user(
                username=f"reader{number}",
                email=f"reader{number}@example.org",
                password=READER_PASSWORD,
                email_confirmed=True,
                check_password_strength=False,
            )
            for number in range(1, AUTHORS)
        ]
    return editor, readers


def count_queries(url: str, poster: Any) -> dict[str, int]:
    """SQL queries of one thread page: anonymous with the cache emptied first (cold), the
    same again at once (warm), and signed in as the poster (after one warm-up request)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    anonymous = Client()
    cache.clear()
    for kind in ("cold", "warm"):
        with CaptureQueriesContext(connection) as captured:
            response = anonymous.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[kind] = len(captured.captured_queries)
    reader = Client()
    reader.force_login(poster)
    reader.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = reader.get(url)
    assert response.status_code == 200, (url, response.status_code)
    counts["signed_in"] = len(captured.captured_queries)
    return counts


def write_threads(sizes: list[int], seed: int, editor: Any, readers: list[Any]) -> list[dict]:
    from bench.threads import realistic_comments
    from broadsheet.discussion.services import post_comments
    from broadsheet.publishing import services as publishing

    threads = []
    for size in sizes:
        post = publishing.create_post(
            editor=editor,
            title=f"Open thread with {size:,} comments",
            intro="An open thread for the serving benchmark.",
            status="published",
            open_thread=True,
        ).post
        comments = realistic_comments(authors=readers, count=size, seed=seed * 100_003 + size)
        started = time.perf_counter()
        written = post_comments(post=post, comments=comments, imported=True)
        seconds = time.perf_counter() - started
        lengths = [len(item.body) for item in comments]
        url = post.get_absolute_url()
        threads.append(
            {
                "size": size,
                "post_id": post.pk,
                "url": url,
                "reply_to": written[0].pk,  # a top-level comment near the top of the page
                "write_seconds": seconds,
                "replies": sum(item.parent_position is not None for item in comments),
                "deepest": max(comment.depth for comment in written),
                "rated": sum(bool(item.ratings) for item in comments),
                "authors": len({item.author.pk for item in comments}),
                "body_characters": [min(lengths), statistics.median(lengths), max(lengths)],
                "queries": count_queries(url, readers[0]),
            }
        )
        print(
            f"  wrote {size:,} comments through post_comments in {seconds:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    return threads


def main() -> int:
    arguments = parse_arguments()
    import django

    django.setup()
    from django.core.management import call_command

    from broadsheet.accounts import services as accounts
    from broadsheet.publishing import services as publishing

    call_command("migrate", verbosity=0, interactive=False)
    editor, readers = make_readers()
    threads = write_threads(arguments.sizes, arguments.seed, editor, readers)
    warm_up = publishing.create_post(
        editor=editor,
        title="Open thread for warming up",
        intro="Each server process's first comment and first page happen here, unmeasured.",
        status="published",
        open_thread=True,
    ).post
    poster = readers[0]
    print(
        json.dumps(
            {
                "poster": {
                    "username": poster.username,
                    "password": READER_PASSWORD,
                    "token": accounts.get_or_create_api_token(user=poster).key,
                },
                "threads": threads,
                "warm_up": {"post_id": warm_up.pk, "url": warm_up.get_absolute_url()},
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
