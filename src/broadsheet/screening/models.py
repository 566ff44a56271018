"""The hold rules' settings, and the spam classifier's labelled examples and fitted models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from broadsheet.settings_rows import OneRowPerSite


class ScreeningSettings(OneRowPerSite):
    """The hold rules (screening/rules.py): a held comment waits in the queue for a moderator."""

    hold_first_comments = models.BooleanField(
        default=False, help_text="Hold a reader's comments until one of them has been approved."
    )
    hold_anonymous_comments = models.BooleanField(default=True)
    hold_link_limit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=2,
        help_text="Hold comments with more links. Empty: no limit.",
    )
    held_words = models.TextField(
        blank=True,
        help_text="Hold comments containing any of these: one per line, /regex/ allowed.",
    )
    blocked_words = models.TextField(
        blank=True, help_text="Refuse comments containing any of these, with a message."
    )
    hold_below_reputation = models.FloatField(
        null=True, blank=True, help_text="Hold comments of readers whose reputation is lower."
    )
    spam_hold_threshold = models.FloatField(
        default=0.9, help_text="Hold comments whose spam score (0 to 1) reaches this."
    )

    class Meta:
        verbose_name = "screening settings"
        verbose_name_plural = "screening settings"

    def __str__(self) -> str:
        return "Hold rules"


class SpamExampleSource(models.TextChoices):
    MODERATOR = "moderator", "Moderator's decision"
    IMPORT = "import", "Imported labelled data"


class SpamExample(models.Model):
    """A comment text labelled spam or not, from a moderator's decision or an imported file.

    The text is kept as it was given (a comment's sanitized HTML, or an imported line), not
    normalized, so that a better normalization applies to old examples at the next training.
    It is a copy: deleting the comment does not delete its example.
    """

    text = models.TextField()
    is_spam = models.BooleanField()
    source = models.CharField(max_length=10, choices=SpamExampleSource.choices)
    # The row's id in the imported file, so that importing a file twice adds nothing.
    external_id = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="spam_example_imported_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{'spam' if self.is_spam else 'ham'} ({self.source}): {self.text[:60]}"


class SpamModel(models.Model):
    """A fitted spam classifier, stored in the database so that every process scores alike.

    The row's id is its version: ids only grow, and the newest row is the one in use. Each
    process keeps the unpickled pipeline in memory and loads it again only when the newest
    id changes (`spam.current_spam_model`).

    `pipeline` is a zlib-compressed pickle. Unpickling runs code named in the data, so it is
    safe only because Broadsheet wrote these bytes itself (`spam.train_spam_model`); nothing
    may ever put bytes from elsewhere (an upload, a file, an API) into this column.
    """

    trained_at = models.DateTimeField(default=timezone.now)
    # The code and library that wrote the pickle; a model of another format is not loaded.
    pipeline_format = models.CharField(max_length=100)
    pipeline = models.BinaryField(editable=False)
    threshold = models.FloatField(help_text="Comments scoring at least this are held.")
    cv_precision = models.FloatField(help_text="Cross-validated precision at the threshold.")
    cv_recall = models.FloatField(help_text="Cross-validated recall at the threshold.")
    spam_examples = models.PositiveIntegerField()
    ham_examples = models.PositiveIntegerField()
    # The newest SpamExample the model learned from: decisions after it are not yet learned.
    last_example_id = models.PositiveBigIntegerField()
    training_seconds = models.FloatField()

    class Meta:
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"spam model {self.pk} ({self.trained_at:%Y-%m-%d %H:%M})"

    @property
    def version(self) -> int:
        return int(self.pk)
