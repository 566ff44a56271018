"""`broadsheet manage train_spam_model`: retrain now, e.g. after upgrading scikit-learn."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from broadsheet.errors import BroadsheetError
from broadsheet.screening.spam import train_spam_model


class Command(BaseCommand):
    help = (
        "Fit the spam filter on the shipped blog comments, imported examples and the site's "
        "decisions, and store it, unless the newest model already learned all of them with "
        "this version of the code and scikit-learn. The worker does this by itself."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            model = train_spam_model()
        except BroadsheetError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Spam model {model.version} ({model.trained_at:%Y-%m-%d %H:%M}): "
            f"{model.spam_examples:,} spam and {model.ham_examples:,} genuine examples, "
            f"{model.site_examples:,} of them the site's own decisions; trained in "
            f"{model.training_seconds:.1f} s."
        )
