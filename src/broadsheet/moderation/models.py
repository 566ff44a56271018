"""Moderation data: the public log of actions, bans, readers' flags, and the spam classifier's
examples and models."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

MAX_REASON_LENGTH = 500  # a sentence or two for the public log, not an essay


def validate_network(value: str) -> None:
    """An IPv4 or IPv6 address or network in CIDR form, such as 203.0.113.0/24."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as error:
        raise ValidationError(
            f"{value!r} is not an address or a network such as 203.0.113.0/24."
        ) from error


class ModerationAction(models.Model):
    """One moderator's action on one target, shown on the public moderation log; never edited."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "approved"
        REJECT = "reject", "rejected as spam"
        DELETE = "delete", "deleted"
        EDIT = "edit", "edited"
        HIDE = "hide", "hid"
        UNHIDE = "unhide", "unhid"
        BAN = "ban", "banned"
        UNBAN = "unban", "lifted the ban on"
        CLOSE = "close", "closed comments on"
        OPEN = "open", "opened comments on"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Kind.choices)
    target_type = models.CharField(max_length=20)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(
        max_length=300, help_text="What the public log shows; never the content of spam."
    )
    target_url = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=MAX_REASON_LENGTH, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_type} {self.target_label}"


class Ban(models.Model):
    """A reader or an address range that may not write, until a time or for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bans",
    )
    network = models.CharField(
        max_length=64, blank=True, validators=[validate_network], help_text="e.g. 203.0.113.0/24"
    )
    until = models.DateTimeField(null=True, blank=True, help_text="Empty: for good.")
    reason = models.CharField(max_length=MAX_REASON_LENGTH)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(network=""))
                | (Q(user__isnull=True) & ~Q(network="")),
                name="ban_names_a_user_or_a_network",
            ),
        ]

    def __str__(self) -> str:
        return f"ban of {'user ' + str(self.user_id) if self.user_id else self.network}"


class Flag(models.Model):
    """A reader's report that a comment needs a moderator's look; one per reader and comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse or harassment"
        OFF_TOPIC = "off_topic", "Off-topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(
        "discussion.Comment", on_delete=models.CASCADE, related_name="flags"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_raised"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.CharField(max_length=MAX_REASON_LENGTH, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    resolved = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_flag_per_reader"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} flag on comment {self.comment_id}"


# The spam classifier's examples and fitted models; the workflow is in spam.py.
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
