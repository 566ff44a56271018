"""`broadsheet manage remove_old_spam`: empty the spam folder of old comments now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from broadsheet.moderation.services import SPAM_KEPT_DAYS, remove_old_spam


class Command(BaseCommand):
    help = (
        f"Remove the text of comments that have been in the spam folder longer than "
        f"{SPAM_KEPT_DAYS} days (the worker does this every few hours)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=SPAM_KEPT_DAYS,
            help=f"how long spam stays in the folder (default {SPAM_KEPT_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = remove_old_spam(days=max(options["days"], 0))
        self.stdout.write(f"Removed {removed:,} comment(s) from the spam folder.")
