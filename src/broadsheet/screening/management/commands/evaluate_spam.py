"""`broadsheet manage evaluate_spam`: precision and recall on the labelled comment set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.errors import BroadsheetError
from broadsheet.screening.spam_dataset import read_labelled_directory
from broadsheet.screening.spam_evaluation import (
    evaluate_spam_classifier,
    spam_evaluation_markdown,
)

DATA_VARIABLE = "BROADSHEET_SPAM_DATA"
# The shared data set lies next to the project checkout and is read there, never copied in.
DEFAULT_DATA = Path("..") / "shared" / "data" / "comment-spam"


class Command(BaseCommand):
    help = (
        "Train the spam classifier on part of a folder of labelled CSV files "
        "(id,source,text,label) and print its precision and recall on the rest, as Markdown."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data",
            type=Path,
            help=f"folder of labelled .csv files (default: ${DATA_VARIABLE}, else {DEFAULT_DATA} "
            "from the current folder)",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="seed of the split and the folds (default 0)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["data"] or Path(os.environ.get(DATA_VARIABLE) or DEFAULT_DATA)
        try:
            comments = read_labelled_directory(directory.resolve())
            evaluation = evaluate_spam_classifier(comments=comments, seed=options["seed"])
        except BroadsheetError as error:
            raise CommandError(error.message) from error
        self.stdout.write(spam_evaluation_markdown(evaluation), ending="")
