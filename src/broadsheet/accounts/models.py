"""Users, their preferences and their API tokens."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

API_TOKEN_BYTES = 30  # 40 URL-safe characters: beyond guessing, short enough to paste


class User(AbstractUser):
    """A person with an account. The role is the group they belong to (see roles.py)."""

    email_confirmed = models.BooleanField(default=False)
    # The name shown in bylines and comment heads; empty: the username.
    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(blank=True, max_length=2000)
    preferences = models.JSONField(default=dict, blank=True)
    # Kept up to date by moderation.reputation when ratings of this reader's comments change.
    reputation = models.FloatField(null=True, blank=True)
    earned_trust = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]
        # The services check these too, for a friendly message; the database is what stops
        # two registrations racing, and anything that skips the services (admin, shell).
        # Many accounts may have no address at all, so only non-empty ones must differ.
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="username_unique_ci",
                violation_error_message="A user with that username already exists.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="email_unique_ci",
                violation_error_message="A user with that email address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def shown_name(self) -> str:
        """The name bylines and comment heads show."""
        return self.display_name or self.username


def new_token_key() -> str:
    return secrets.token_urlsafe(API_TOKEN_BYTES)


class ApiToken(models.Model):
    """The key a script sends as `Authorization: Token <key>`; one per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    key = models.CharField(max_length=64, unique=True, default=new_token_key)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token of {self.user}"
