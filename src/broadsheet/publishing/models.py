"""Site settings, sections, tags and posts."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

MAX_TITLE_LENGTH = 200  # longer headlines do not fit a front page line or a feed title
MAX_POST_TEXT_LENGTH = 200_000  # about 30,000 words per part; a book chapter, not a dump
DEFAULT_BYLINE_FORMAT = "By $authors | ($site) | $date"
DEFAULT_DATE_FORMAT = "%a %b %d, %Y at %I:%M:%S %p %Z"


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            f"Unknown time zone {value!r}; use a name like Europe/Paris."
        ) from error


def default_time_zone() -> str:
    return str(settings.TIME_ZONE)


class SiteSettings(models.Model):
    """The site-wide choices an owner makes in the admin. There is one row (pk=1)."""

    name = models.CharField(max_length=100, default="Broadsheet")
    tagline = models.CharField(max_length=300, blank=True)
    contribute_url = models.URLField(
        blank=True, help_text="Where the sidebar's Contribute link goes."
    )
    contribute_label = models.CharField(
        max_length=100, blank=True, help_text="Empty: “Contribute To <site name>”."
    )
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    byline_format = models.CharField(
        max_length=200,
        default=DEFAULT_BYLINE_FORMAT,
        help_text="$authors, $site and $date are replaced; everything else is shown as written.",
    )
    date_format = models.CharField(
        max_length=100, default=DEFAULT_DATE_FORMAT, help_text="A strftime pattern."
    )
    posts_per_page = models.PositiveSmallIntegerField(default=10)
    comment_edit_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="How long authors may edit their own comments."
    )
    allow_anonymous_comments = models.BooleanField(
        default=False, help_text="Let people comment with a name and e-mail, without an account."
    )
    close_comments_after_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Close comments on posts older than this. Empty: never."
    )
    top_level_comments_per_page = models.PositiveSmallIntegerField(
        default=0, help_text="Split big threads into pages of this many top-level comments. 0: off."
    )

    # Hold rules (moderation/rules.py): a held comment waits in the queue for a moderator.
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

    # Community moderation (docs/moderation.md gives the reputation formula).
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
    hide_below_average = models.FloatField(
        default=1.0, help_text="Hide comments whose average rating falls below this…"
    )
    hide_min_ratings = models.PositiveSmallIntegerField(
        default=3, help_text="…with this many ratings."
    )
    show_hidden_to_readers = models.BooleanField(
        default=True,
        help_text="Show ordinary readers a collapsed “hidden comment” line (off: nothing).",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return self.name

    @property
    def contribute_text(self) -> str:
        return self.contribute_label or f"Contribute To {self.name}"


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("publishing:section", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("publishing:tag", kwargs={"slug": self.slug})


class PostStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class Post(models.Model):
    """A story: an intro shown on lists, and an extended part below the fold.

    Authors write Markdown in `intro` and `body`; the sanitized HTML is stored beside them
    at write time (publishing.services), so reading a post never renders Markdown.
    A scheduled post becomes visible when its publish time passes, checked on read.
    """

    title = models.CharField(max_length=MAX_TITLE_LENGTH)
    slug = models.SlugField(max_length=MAX_TITLE_LENGTH, unique=True)
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="posts")
    byline = models.CharField(
        max_length=200, blank=True, help_text="Shown instead of the authors' names when set."
    )
    intro = models.TextField(help_text="Markdown. Shown on the front page and above the fold.")
    intro_html = models.TextField(editable=False, default="")
    body = models.TextField(blank=True, help_text="Markdown. The extended part, below the fold.")
    body_html = models.TextField(editable=False, default="")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    status = models.CharField(max_length=10, choices=PostStatus.choices, default=PostStatus.DRAFT)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When the post appears. Empty: now, on publishing."
    )
    open_thread = models.BooleanField(default=False, help_text="A post for free discussion.")
    comments_open = models.BooleanField(default=True)
    video_url = models.URLField(blank=True, help_text="A YouTube or Vimeo link.")
    video_title = models.CharField(max_length=200, blank=True)
    sticky = models.BooleanField(default=False, help_text="Keep at the top of the front page.")
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-publish_at", "-id"]
        indexes = [models.Index(fields=["status", "publish_at"], name="post_visible_idx")]
        permissions = [("publish_post", "Can publish and schedule posts")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("discussion:post", kwargs={"slug": self.slug})

    @property
    def has_extended_part(self) -> bool:
        return bool(self.body_html.strip())
