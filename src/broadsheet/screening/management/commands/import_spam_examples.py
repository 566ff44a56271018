"""`broadsheet manage import_spam_examples PATH...`: seed the spam classifier from files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.errors import BroadsheetError
from broadsheet.screening.spam import import_spam_examples, train_spam_model
from broadsheet.screening.spam_classifier import NotEnoughSpamExamples
from broadsheet.screening.spam_dataset import read_labelled_directory, read_labelled_file


class Command(BaseCommand):
    help = (
        "Add labelled comments (CSV: id,source,text,label with label spam or ham) as spam "
        "classifier examples, then train. Rows imported before are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="CSV files or folders of them")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            comments = [
                comment
                for path in options["paths"]
                for comment in (
                    read_labelled_directory(path) if path.is_dir() else read_labelled_file(path)
                )
            ]
        except BroadsheetError as error:
            raise CommandError(error.message) from error
        added = import_spam_examples(comments=comments)
        self.stdout.write(f"Added {added:,} of {len(comments):,} labelled comments.")
        try:
            model = train_spam_model()
        except NotEnoughSpamExamples as error:
            self.stdout.write(f"Not trained yet: {error.message}")
            return
        self.stdout.write(
            f"Spam model {model.version}: {model.spam_examples:,} spam and "
            f"{model.ham_examples:,} ham examples, holds from score {model.threshold:.3f} "
            f"(cross-validated precision {model.cv_precision:.3f}, recall {model.cv_recall:.3f}); "
            f"trained in {model.training_seconds:.1f} s."
        )
