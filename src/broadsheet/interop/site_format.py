"""Broadsheet's own format: which rows make a site, which of their fields are written, and
how each value is written as JSON and read back (docs/export-format.md describes it).

The field lists are written out, not derived from the models, so that the format changes
only when someone changes it here and in the document. `tests/test_site_format.py` fails
when a model gains a field or a project app gains a model that the format neither carries
nor leaves out with a reason, so that no new data is silently left behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import (
    EMPTY_VALUES,
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models

from broadsheet.accounts.models import ApiToken, User
from broadsheet.discussion.models import Comment, DiscussionSettings, Rating, ThreadState
from broadsheet.guard.models import Ban
from broadsheet.input_text import unstorable_character, unstorable_in
from broadsheet.interop.models import ImportedObject, ImportRun, Redirect
from broadsheet.moderation.models import Flag, ModerationAction, ModerationSettings
from broadsheet.publishing.models import Post, Section, SiteSettings, Tag
from broadsheet.screening.models import RememberedSpam, ScreeningSettings, SpamExample, SpamModel
from broadsheet.settings_rows import OneRowPerSite

FORMAT = "broadsheet"
VERSION = 1


class FormatError(ValueError):
    """A value that the format does not allow; the caller adds where it is."""


@dataclass(frozen=True)
class Table:
    """One kind of row, written as the list `key` of objects with `fields` in this order.

    Foreign keys are written by the field's name ("post", not "post_id") as the id they
    hold; `many` are many-to-many fields, written as sorted lists (of ids, or of names for
    groups and permissions, whose ids differ from site to site).
    """

    key: str
    noun: str  # how an error names one row: "comment 12 does not exist"
    model: type[models.Model]
    fields: tuple[str, ...]
    many: tuple[str, ...] = ()
    left_out: Mapping[str, str] = field(default_factory=dict)  # field -> why it is not written

    def model_fields(self) -> list[models.Field[Any, Any]]:
        return [self.model._meta.get_field(name) for name in self.fields]  # type: ignore[misc]


# The settings rows, one of each per site, written as the object "settings".
SETTINGS: dict[str, type[OneRowPerSite]] = {
    "site": SiteSettings,
    "discussion": DiscussionSettings,
    "screening": ScreeningSettings,
    "moderation": ModerationSettings,
}
SETTINGS_FIELDS: dict[str, tuple[str, ...]] = {
    "site": (
        "name", "tagline", "contribute_url", "contribute_label", "time_zone", "byline_format",
        "date_format", "posts_per_page",
    ),
    "discussion": (
        "comment_edit_minutes", "allow_anonymous_comments", "close_comments_after_days",
        "top_level_comments_per_page", "overflow_after", "overflow_mode", "hide_below_average",
        "hide_min_ratings", "show_hidden_to_readers", "comment_style", "show_ratings",
    ),
    "screening": (
        "hold_first_comments", "hold_anonymous_comments", "hold_link_limit", "held_words",
        "blocked_words", "hold_below_reputation", "spam_hold_threshold", "spam_reject_threshold",
    ),
    "moderation": (
        "reputation_window_days", "reputation_weight_cap", "trusted_min_reputation",
        "trusted_min_comments",
    ),
}  # fmt: skip

FRAGMENTS_LEFT_OUT = (
    "rendered again on import from the comment's fields by discussion.fragments, as the "
    "site renders it when its formats or templates change"
)

TABLES: tuple[Table, ...] = (
    Table(
        "users", "user", User,
        fields=(
            "id", "username", "password", "email", "first_name", "last_name", "display_name",
            "bio", "is_active", "is_staff", "is_superuser", "email_confirmed", "date_joined",
            "last_login", "preferences", "reputation", "earned_trust",
        ),
        many=("groups", "user_permissions"),
    ),
    Table("sections", "section", Section, fields=("id", "name", "slug", "description", "position")),
    Table("tags", "tag", Tag, fields=("id", "name", "slug")),
    Table(
        "posts", "post", Post,
        fields=(
            "id", "title", "slug", "byline", "intro", "intro_html", "body", "body_html",
            "section", "status", "publish_at", "open_thread", "comments_open", "comment_style",
            "video_url", "video_title", "sticky", "comment_count", "created", "updated", "markup",
            "excerpt",
        ),
        many=("authors", "tags"),
    ),
    Table(
        "threads", "thread", ThreadState,
        fields=("post", "last_number"),
        left_out={"version": "keys cached pages; an import moves every thread's version on"},
    ),
    Table(
        "comments", "comment", Comment,
        fields=(
            "id", "post", "parent", "number", "depth", "subject", "language", "body",
            "body_html", "author", "author_name", "author_email", "author_url", "state",
            "created", "edited", "rating_count", "rating_sum", "rating_average", "reply_count",
            "submission_key", "hold_reasons", "spam_score", "moderated_by", "moderated_at",
            "markup", "kind", "original_anchor", "ip_address",
        ),
        left_out={
            "fragment_html": FRAGMENTS_LEFT_OUT,
            "line_html": FRAGMENTS_LEFT_OUT,
            "fragment_key": FRAGMENTS_LEFT_OUT,
        },
    ),
    Table(
        "ratings", "rating", Rating,
        fields=("id", "comment", "rater", "value", "created", "updated"),
    ),
    Table(
        "flags", "flag", Flag,
        fields=("id", "comment", "reporter", "reason", "note", "created", "resolved"),
    ),
    Table(
        "bans", "ban", Ban,
        fields=("id", "user", "network", "until", "reason", "created", "created_by", "lifted"),
    ),
    Table(
        "moderation_log", "log entry", ModerationAction,
        fields=(
            "id", "moderator", "action", "target_type", "target_id", "target_label",
            "target_url", "reason", "created",
        ),
    ),
    Table(
        "spam_examples", "spam example", SpamExample,
        fields=(
            "id", "text", "author_name", "author_url", "is_spam", "source", "external_id",
            "created",
        ),
    ),
    Table(
        "remembered_spam", "remembered address", RememberedSpam,
        fields=("id", "kind", "value", "rejected_comments", "created", "last_rejected"),
    ),
    Table(
        "redirects", "redirect", Redirect,
        fields=("id", "old_path", "new_path", "source", "created"),
    ),
    Table(
        "imported_objects", "imported record", ImportedObject,
        fields=("id", "source", "kind", "key", "object_id", "imported_at"),
    ),
)  # fmt: skip

# The document's members, in the order they are written and must be read.
HEADER = ("format", "version", "exported_at")
OPTIONAL_MEMBERS = frozenset({"exported_at"})  # the command leaves it out: same site, same bytes
MEMBERS = (*HEADER, "settings", "groups", *(table.key for table in TABLES))

# Models of the project's apps that are not the site's data, and why (the format test reads
# this, and docs/export-format.md says the same).
MODELS_LEFT_OUT: dict[type[models.Model], str] = {
    ApiToken: "keys are stored in clear and open the API: a lost export must not; "
    "scripts ask for new tokens after a move",
    SpamModel: "fitted again from the spam examples by the worker (a pickle is code, never "
    "loaded from a file)",
    ImportRun: "the admin's record of the imports it ran here, like the admin's history",
}
OTHER_DATA_LEFT_OUT = (
    "sessions (everyone logs in again), log-in attempts and lockouts (django-axes), queued "
    "and finished background tasks, the admin's history, content types and permissions "
    "(made by migrations; permissions are named as app.codename), and the cache"
)


def table_of(model: type[models.Model]) -> Table:
    for table in TABLES:
        if table.model is model:
            return table
    raise LookupError(f"{model.__name__} is not in the format")


# Values are checked against lengths, ranges and choices everywhere (the database holds
# them to those, or the code relies on them), and against the model's other validators only
# where a wrong value would break pages or put a harmful link on them. The rest (an e-mail
# address, a username's characters) are what the site held, perhaps from before a validator
# existed or from an import: refusing them would keep a site from leaving with its data.
FULLY_CHECKED_FIELDS = {
    "publishing.SiteSettings.time_zone",  # every page's times
    "publishing.SiteSettings.contribute_url",  # a link on every page: http(s) or a path
    "publishing.Post.video_url",
    "discussion.Comment.author_url",  # the commenter's name links to it
    "guard.Ban.network",  # read as an address range on every write
}
_BOUNDS = (MaxLengthValidator, MinValueValidator, MaxValueValidator)


# Writing values


def json_datetime(value: datetime) -> str:
    """UTC, to the microsecond, always the same width: 2026-03-01T09:30:00.000000Z."""
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def canonical_json(value: Any) -> Any:
    """A JSON value with its objects' keys sorted, at every depth: PostgreSQL's jsonb
    reorders keys, so a stored order cannot survive a move between databases."""
    if isinstance(value, dict):
        return {key: canonical_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [canonical_json(item) for item in value]
    return value


def encode_value(model_field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        return json_datetime(value)
    if isinstance(model_field, models.JSONField):
        return canonical_json(value)
    return value


# Reading values


def parse_datetime(text: object) -> datetime:
    if not isinstance(text, str):
        raise FormatError("expected a date and time such as 2026-03-01T09:30:00Z")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise FormatError(f"{text!r} is not a date and time such as 2026-03-01T09:30:00Z") from None
    if value.tzinfo is None:
        raise FormatError(f"{text!r} has no time zone: write UTC as 2026-03-01T09:30:00Z")
    return value.astimezone(UTC)


def _checked_text(value: object) -> str:
    if not isinstance(value, str):
        raise FormatError("expected text")
    problem = unstorable_character(value)
    if problem:
        raise FormatError(f"holds {problem}")
    return value


def decode_value(model_field: models.Field[Any, Any], value: Any) -> Any:
    """The Python value to store for `value` read from the file, or FormatError saying what
    is wrong with it. Foreign keys are checked as whole numbers here; whether they name a
    row is the reader's to check."""
    if value is None:
        if model_field.null:
            return None
        raise FormatError("may not be null")
    result: Any
    if isinstance(model_field, models.ForeignKey | models.AutoField | models.IntegerField):
        if not isinstance(value, int) or isinstance(value, bool):
            raise FormatError("expected a whole number")
        result = value
    elif isinstance(model_field, models.BooleanField):
        if not isinstance(value, bool):
            raise FormatError("expected true or false")
        result = value
    elif isinstance(model_field, models.FloatField):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise FormatError("expected a number")
        result = float(value)
    elif isinstance(model_field, models.DateTimeField):
        result = parse_datetime(value)
    elif isinstance(model_field, models.JSONField):
        problem = unstorable_in(value)
        if problem:
            raise FormatError(f"holds {problem}")
        result = value
    elif isinstance(model_field, models.CharField | models.TextField):
        result = _checked_text(value)
    else:  # pragma: no cover - a field type the format does not know yet
        raise FormatError(f"{type(model_field).__name__} is not a type the format reads")
    if (
        model_field.choices
        and not model_field.is_relation
        and not (model_field.blank and result == "")
    ):
        allowed = [str(choice) for choice, _ in model_field.flatchoices]
        if result not in allowed:
            raise FormatError(f"{result!r} is not one of {', '.join(allowed)}")
    if result not in EMPTY_VALUES and not model_field.is_relation:
        checked_fully = str(model_field) in FULLY_CHECKED_FIELDS
        for validator in model_field.validators:
            if checked_fully or isinstance(validator, _BOUNDS):
                try:
                    validator(result)
                except ValidationError as error:
                    raise FormatError(" ".join(error.messages)) from None
    return result
