"""The hold rules' settings, the spam filter's labelled examples and fitted models, and the
addresses moderators rejected as spam."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from broadsheet.settings_rows import OneRowPerSite

# Chosen on the shipped blog comments by grouped cross-validation (docs/moderation.md,
# "Measured"): the hold threshold keeps genuine comments held near 2%, the reject threshold
# sends to the spam folder only scores no genuine comment reached there.
DEFAULT_SPAM_HOLD_THRESHOLD = 0.7
DEFAULT_SPAM_REJECT_THRESHOLD = 0.95


class ScreeningSettings(OneRowPerSite):
    """The hold rules (screening/rules.py): a held comment waits in the queue for a moderator."""

    hold_first_comments = models.BooleanField(
        default=False, help_text="Hold a reader's comments until one of them has been approved."
    )
    hold_anonymous_comments = models.BooleanField(default=True)
    hold_link_limit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=None,
        help_text="Hold comments with more links. Empty: no limit (the spam filter reads "
        "links better than a count does; readers who cite sources use several).",
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
        null=True,
        blank=True,
        default=DEFAULT_SPAM_HOLD_THRESHOLD,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Hold for review comments whose spam score (0 to 1) reaches this. Lower "
        "holds more spam and more genuine comments. Empty: the score holds nothing.",
    )
    spam_reject_threshold = models.FloatField(
        null=True,
        blank=True,
        default=DEFAULT_SPAM_REJECT_THRESHOLD,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Put straight into the spam folder comments whose spam score reaches this "
        "(moderators can restore them for 30 days). Empty: nothing goes there unseen.",
    )

    class Meta:
        verbose_name = "screening settings"
        verbose_name_plural = "screening settings"

    def __str__(self) -> str:
        return "Hold rules"

    def clean(self) -> None:
        hold, reject = self.spam_hold_threshold, self.spam_reject_threshold
        if hold is not None and reject is not None and reject < hold:
            raise ValidationError(
                {
                    "spam_reject_threshold": "Rejecting must need at least the score that "
                    f"holds ({hold:g}); otherwise nothing would be held for review."
                }
            )


class SpamExampleSource(models.TextChoices):
    MODERATOR = "moderator", "Moderator's decision"
    IMPORT = "import", "Imported labelled data"


class SpamExample(models.Model):
    """A comment labelled spam or not, from a moderator's decision or an imported file.

    The text is kept as it was given (a comment's Markdown, or an imported line), not
    normalized, so that a better normalization applies to old examples at the next training.
    It is a copy: deleting the comment does not delete its example. Moderators' decisions
    are the site's own data; imports count with the shipped blog comments as seed data,
    which the site's own decisions outweigh (spam.SEED_WEIGHT).
    """

    text = models.TextField()
    # What the writer said about themselves, which the filter reads too (spam_features.py).
    author_name = models.CharField(max_length=200, blank=True)
    author_url = models.CharField(max_length=500, blank=True)
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
    """A spam classifier fitted on the seed data and the site's decisions, stored in the
    database so that every process scores alike.

    The row's id is its version: ids only grow, and the newest row is the one in use. Each
    process keeps the unpickled classifier in memory and loads it again only when the newest
    id changes (`spam.current_spam_model`). Without a row, processes fit the seed model from
    the shipped blog comments themselves.

    `pipeline` is a zlib-compressed pickle. Unpickling runs code named in the data, so it is
    safe only because Broadsheet wrote these bytes itself (`spam.train_spam_model`, run by the
    worker); nothing may ever put bytes from elsewhere (an upload, a file, an API) into this
    column.
    """

    trained_at = models.DateTimeField(default=timezone.now)
    # The code and library that wrote the pickle; a model of another format is not loaded.
    pipeline_format = models.CharField(max_length=100)
    pipeline = models.BinaryField(editable=False)
    spam_examples = models.PositiveIntegerField()
    ham_examples = models.PositiveIntegerField()
    # Of those, how many were the site's own decisions (the rest: shipped and imported seed).
    site_examples = models.PositiveIntegerField(default=0)
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


class RememberedSpam(models.Model):
    """A link domain, author URL or e-mail address carried by a comment moderators rejected as
    spam. The next comment that carries it is held (rules.screen_comment), whatever its score:
    a campaign rarely stops at one comment. A moderator's approval of a comment carrying it
    forgets it (spam.record_moderation_decision), so one mistaken rejection of a popular
    domain holds comments only until someone approves one.
    """

    class Kind(models.TextChoices):
        DOMAIN = "domain", "Link domain"
        AUTHOR_URL = "author_url", "Author URL"
        EMAIL = "email", "E-mail address"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=300)
    rejected_comments = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)
    last_rejected = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "remembered spam"
        verbose_name_plural = "remembered spam"
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="remembered_spam_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
