"""`broadsheet manage import_spam_examples PATH...`: add labelled comments to the seed data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.errors import BroadsheetError
from broadsheet.screening.spam import import_spam_examples, train_spam_model
from broadsheet.screening.spam_dataset import check_spam_or_ham, read_labelled_paths


class Command(BaseCommand):
    help = (
        "Add labelled comments (CSV with text and label columns, label spam or ham; optional "
        "id, author_name, author_url) to the spam filter's seed data, then train. Rows "
        "imported before are skipped. Seed data, shipped or imported, weighs less than the "
        "site's own decisions once there are a few dozen of them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="CSV files or folders of them")
        parser.add_argument(
            "--no-train", action="store_true", help="import only; the worker trains later"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            comments = check_spam_or_ham(read_labelled_paths(options["paths"]))
        except BroadsheetError as error:
            raise CommandError(error.message) from error
        added = import_spam_examples(comments=comments)
        self.stdout.write(f"Added {added:,} of {len(comments):,} labelled comments.")
        if options["no_train"]:
            return
        model = train_spam_model()
        self.stdout.write(
            f"Spam model {model.version}: {model.spam_examples:,} spam and "
            f"{model.ham_examples:,} genuine examples; trained in "
            f"{model.training_seconds:.1f} s."
        )
