"""Site settings, sections, tags and posts."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse

from broadsheet.markup import MarkupFormat
from broadsheet.settings_rows import OneRowPerSite

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


def validate_site_link(value: str) -> None:
    """A path on this site (/posts/give/) or an http(s) address: nothing a browser would run."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"])(value)


class SiteSettings(OneRowPerSite):
    """The site's name, look and formats. The discussion, screening and moderation keep
    their own settings (DiscussionSettings, ScreeningSettings, ModerationSettings)."""

    name = models.CharField(max_length=100, default="Broadsheet")
    tagline = models.CharField(max_length=300, blank=True)
    contribute_url = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_site_link],
        help_text="Where the sidebar's Contribute link goes: a page of this site (/about/give/) "
        "or a full http(s) address.",
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


class CommentStyle(models.TextChoices):
    """How comments look: as on a Scoop site, or as on a WordPress blog. The site chooses
    (discussion.DiscussionSettings) and a post may choose otherwise (Post.comment_style)."""

    SCOOP = "scoop", "Scoop"
    BLOG = "blog", "Blog"


class PostStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class Post(models.Model):
    """A story: an intro shown on lists, and an extended part below the fold.

    Authors write Markdown in `intro` and `body`; the sanitized HTML is stored beside them
    at write time (publishing.services), so reading a post never renders Markdown. Imported
    posts keep the HTML they were written in (`markup`), sanitized the same way.
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
    # Imported posts were written in HTML (WordPress, Scoop) and stay so: Markdown would read
    # an indented line as code. The editor's form writes Markdown.
    markup = models.CharField(
        max_length=10, choices=MarkupFormat.choices, default=MarkupFormat.MARKDOWN
    )
    excerpt = models.TextField(
        blank=True, help_text="A hand-written summary for lists and feeds. Empty: the intro."
    )
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
    comment_style = models.CharField(
        max_length=10,
        choices=CommentStyle.choices,
        blank=True,
        help_text="How this post's comments look. Empty: the site's comment style.",
    )
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
