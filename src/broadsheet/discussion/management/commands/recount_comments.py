"""`broadsheet manage recount_comments`: repair stored comment and reply counts."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from broadsheet.discussion.services import recount_comments


class Command(BaseCommand):
    help = (
        "Count every post's visible comments and each comment's replies again, and repair "
        "the stored counts that differ. Safe to run at any time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--post", type=int, action="append", dest="posts", help="Only this post id (repeat)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = sys.stderr.isatty()

        def show(done: int, total: int) -> None:
            if interactive:
                sys.stderr.write(f"\rChecked {done:,} of {total:,} posts")
                sys.stderr.flush()

        repaired = recount_comments(post_ids=options["posts"], progress=show)
        if interactive:
            sys.stderr.write("\n")
        for recount in repaired:
            self.stdout.write(
                f"post {recount.post_id}: {recount.stored_comment_count} -> "
                f"{recount.visible_comments} visible comments; "
                f"{recount.replies_repaired} reply counts repaired"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{len(repaired)} posts repaired.")
            if repaired
            else "Every count was right; nothing repaired."
        )
