"""`broadsheet manage evaluate_spam`: the spam filter's figures on labelled blog comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.errors import BroadsheetError
from broadsheet.screening.models import (
    DEFAULT_SPAM_HOLD_THRESHOLD,
    DEFAULT_SPAM_REJECT_THRESHOLD,
)
from broadsheet.screening.spam_dataset import (
    HELD_OUT_SET,
    check_spam_or_ham,
    read_labelled_paths,
    shipped_comments,
)
from broadsheet.screening.spam_evaluation import evaluate_spam_filter, spam_evaluation_markdown


class Command(BaseCommand):
    help = (
        "Measure the spam filter with grouped cross-validation on labelled comments (the "
        "shipped blog comments unless --data is given) and on the shipped held-out set, at the "
        "default thresholds; prints Markdown tables."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data", type=Path, nargs="+", help="CSV files or folders instead of the shipped set"
        )
        parser.add_argument(
            "--held-out",
            type=Path,
            nargs="*",
            help="files to score only (default: the shipped one)",
        )
        parser.add_argument(
            "--seeds", type=int, default=3, help="cross-validations, each shuffled anew (3)"
        )
        parser.add_argument("--hold", type=float, default=DEFAULT_SPAM_HOLD_THRESHOLD)
        parser.add_argument("--reject", type=float, default=DEFAULT_SPAM_REJECT_THRESHOLD)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            comments = (
                check_spam_or_ham(read_labelled_paths(options["data"]))
                if options["data"]
                else shipped_comments()
            )
            held_out = (
                check_spam_or_ham(read_labelled_paths(options["held_out"]))
                if options["held_out"] is not None
                else shipped_comments(HELD_OUT_SET)
            )
        except BroadsheetError as error:
            raise CommandError(error.message) from error
        evaluation = evaluate_spam_filter(
            comments=comments,
            held_out=held_out,
            seeds=range(max(options["seeds"], 1)),
            hold=options["hold"],
            reject=options["reject"],
        )
        self.stdout.write(spam_evaluation_markdown(evaluation), ending="")
