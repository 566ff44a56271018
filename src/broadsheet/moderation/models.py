"""Moderation data: the public log of actions and readers' flags."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from broadsheet.settings_rows import OneRowPerSite

MAX_REASON_LENGTH = 500  # a sentence or two for the public log, not an essay


class ModerationSettings(OneRowPerSite):
    """Reputation and earned trust (docs/moderation.md gives the formula)."""

    reputation_window_days = models.PositiveSmallIntegerField(
        default=60, help_text="Reputation counts the ratings of comments from this many days."
    )
    reputation_weight_cap = models.PositiveSmallIntegerField(
        default=5, help_text="A comment weighs as many ratings as it has, up to this many."
    )
    trusted_min_reputation = models.FloatField(default=4.0)
    trusted_min_comments = models.PositiveSmallIntegerField(
        default=10, help_text="Rated comments in the window needed to earn trust."
    )

    class Meta:
        verbose_name = "moderation settings"
        verbose_name_plural = "moderation settings"

    def __str__(self) -> str:
        return "Reputation and trust"


class ModerationAction(models.Model):
    """One moderator's action on one target, shown on the public moderation log; never edited."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "approved"
        REJECT = "reject", "rejected as spam"
        NOT_SPAM = "not_spam", "marked as not spam"
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
