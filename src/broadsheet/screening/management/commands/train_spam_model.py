"""`broadsheet manage train_spam_model`: retrain now, e.g. after upgrading scikit-learn."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from broadsheet.errors import BroadsheetError
from broadsheet.screening.spam import train_spam_model


class Command(BaseCommand):
    help = (
        "Train the spam classifier on its examples and store the model, unless the newest "
        "model already learned all of them with this version of the code and scikit-learn."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            model = train_spam_model()
        except BroadsheetError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Spam model {model.version} ({model.trained_at:%Y-%m-%d %H:%M}): "
            f"{model.spam_examples:,} spam and {model.ham_examples:,} ham examples, holds from "
            f"score {model.threshold:.3f}, trained in {model.training_seconds:.1f} s."
        )
