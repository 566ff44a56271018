"""Comments, their ratings, and each thread's counters.

Everything a thread page needs is stored on the comment row (number, depth, sanitized HTML,
rating average and count, reply count), so one ordered query yields a page and nothing is
aggregated or rendered from Markdown at read time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q

from broadsheet.markup import MarkupFormat
from broadsheet.publishing.models import CommentStyle, Post
from broadsheet.settings_rows import OneRowPerSite

MAX_SUBJECT_LENGTH = 100  # a headline for the comment, as Scoop sites had
MAX_COMMENT_LENGTH = 20_000  # about 3,000 words: a long argument, not a pasted document
MAX_ANONYMOUS_NAME_LENGTH = 80
MAX_AUTHOR_URL_LENGTH = 200  # a home page's address, as WordPress's "Website" field takes it
# A commenter's web site is a page to visit: not javascript:, data: or a file share.
AUTHOR_URL_SCHEMES = ["http", "https"]
validate_author_url = URLValidator(
    schemes=AUTHOR_URL_SCHEMES,
    message="Give your web site's address, starting with http:// or https://.",
)
DEFAULT_OVERFLOW_AFTER = 200  # a page of comments a reader can still scroll and a browser lay out


class OverflowMode(models.TextChoices):
    """How a thread past DiscussionSettings.overflow_after opens (Scoop's commentmode_overflow)."""

    PAGINATED = "paginated", "Paginated: pages of whole sub-threads"
    THREADED = "threaded", "Threaded: top-level comments in full, replies as one-line entries"


def edit_window_open(*, created: datetime, edit_minutes: int, now: datetime) -> bool:
    """Whether a comment made at `created` may still be edited by its author: the one rule
    behind the edit check (services) and the reader's own "Edit" links (selectors)."""
    return now <= created + timedelta(minutes=edit_minutes)


class DiscussionSettings(OneRowPerSite):
    """How the site's discussions work: who may comment, for how long, how threads page,
    and when readers' ratings hide a comment."""

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
    overflow_after = models.PositiveIntegerField(
        default=DEFAULT_OVERFLOW_AFTER,
        help_text="Past this many comments a thread opens in overflow mode. 0: never.",
    )
    overflow_mode = models.CharField(
        max_length=10,
        choices=OverflowMode.choices,
        default=OverflowMode.PAGINATED,
        help_text="Paginated: pages of up to that many comments, a sub-thread never split. "
        "Threaded: replies shown as one-line entries unless the reader chose a display.",
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
    comment_style = models.CharField(
        max_length=10,
        choices=CommentStyle.choices,
        default=CommentStyle.SCOOP,
        # A post may choose the other style (Post.comment_style); Blog threads take no ratings.
        help_text="Scoop: subject, rating, (#N), Parent links. Blog: numbered responses, "
        "name and date, Reply.",
    )
    show_ratings = models.BooleanField(
        default=True, help_text="Let readers rate comments and show the ratings (off: neither)."
    )

    class Meta:
        verbose_name = "discussion settings"
        verbose_name_plural = "discussion settings"

    def __str__(self) -> str:
        return "Discussion settings"


@dataclass(frozen=True)
class ThreadLook:
    """How one thread's comments look: its style, and whether it shows and takes ratings."""

    style: CommentStyle
    show_ratings: bool

    @property
    def blog(self) -> bool:
        return self.style == CommentStyle.BLOG

    @property
    def key(self) -> str:
        return f"{self.style}|{self.show_ratings}"


def thread_look(post: Post, settings: DiscussionSettings | None = None) -> ThreadLook:
    """The post's own comment style, else the site's; ratings belong to the Scoop style, so a
    Blog thread neither shows nor takes them (as page B)."""
    settings = settings or DiscussionSettings.current()
    style = CommentStyle(post.comment_style or settings.comment_style)
    return ThreadLook(
        style=style, show_ratings=settings.show_ratings and style == CommentStyle.SCOOP
    )


class CommentState(models.TextChoices):
    VISIBLE = "visible", "Visible"
    HELD = "held", "Held for moderation"
    HIDDEN = "hidden", "Hidden"
    DELETED = "deleted", "Deleted"
    SPAM = "spam", "Spam"  # in the spam folder: kept for "not spam", removed after 30 days


class CommentKind(models.TextChoices):
    """What a comment is. Pingbacks and trackbacks (another site's notice that it linked to
    the post) come only from imports, and are listed apart from the conversation."""

    COMMENT = "comment", "Comment"
    PINGBACK = "pingback", "Pingback"
    TRACKBACK = "trackback", "Trackback"


MAX_ORIGINAL_ANCHOR_LENGTH = 40  # a WordPress or Disqus comment id, with room to spare


class ThreadState(models.Model):
    """Per-post counters: the last comment number given, and a version bumped on any change.

    The row is locked while a number is given, so numbers are unique and never reused; the
    version keys the cached pages of the thread.
    """

    post = models.OneToOneField(Post, on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_number = models.PositiveIntegerField(default=0)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"thread of post {self.post_id}"


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    number = models.PositiveIntegerField()
    depth = models.PositiveSmallIntegerField(default=0)
    subject = models.CharField(max_length=MAX_SUBJECT_LENGTH)
    # The comment's language as a BCP 47 tag ("fr", "ar", "pt-BR"), rendered as its `lang`;
    # empty when it could not be told.
    language = models.CharField(max_length=16, blank=True)
    body = models.TextField(max_length=MAX_COMMENT_LENGTH)
    body_html = models.TextField()
    # Readers write Markdown; imported comments keep the HTML or plain text they came in.
    markup = models.CharField(
        max_length=10, choices=MarkupFormat.choices, default=MarkupFormat.MARKDOWN
    )
    kind = models.CharField(max_length=10, choices=CommentKind.choices, default=CommentKind.COMMENT)
    # An imported comment's id where it came from, when that id could not be its id here (it
    # was taken): the page carries an element with id "comment-<this>", so that old links'
    # `#comment-<id>` still land on it.
    original_anchor = models.CharField(max_length=MAX_ORIGINAL_ANCHOR_LENGTH, blank=True)
    # Where it was posted from, as imports bring it (WordPress, Scoop); never shown.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author_name = models.CharField(max_length=MAX_ANONYMOUS_NAME_LENGTH, blank=True)
    author_email = models.EmailField(blank=True, help_text="Anonymous commenters'; never shown.")
    # An anonymous commenter's web site (http or https only), as WordPress's "Website": the
    # name may link to it, and the spam filter reads it (link drops often sit only here).
    author_url = models.URLField(
        max_length=MAX_AUTHOR_URL_LENGTH, blank=True, validators=[validate_author_url]
    )
    state = models.CharField(
        max_length=10, choices=CommentState.choices, default=CommentState.VISIBLE
    )
    created = models.DateTimeField()
    edited = models.DateTimeField(null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_average = models.FloatField(null=True, blank=True)
    reply_count = models.PositiveIntegerField(default=0)
    submission_key = models.CharField(max_length=64, blank=True)
    hold_reasons = models.JSONField(default=list, blank=True)
    spam_score = models.FloatField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # The comment as every reader sees it, in full and as a one-line entry, rendered when the
    # comment changes (fragments.py); fragment_key names the site formats and the templates
    # (a hash of their source) used.
    fragment_html = models.TextField(default="", editable=False)
    line_html = models.TextField(default="", editable=False)
    fragment_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        ordering = ["post", "number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="comment_number_unique"),
            models.UniqueConstraint(
                fields=["post", "submission_key"],
                condition=~Q(submission_key=""),
                name="comment_submission_once",
            ),
        ]
        permissions = [("moderate_comment", "Can edit, delete and moderate anyone's comments")]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}?comment={self.pk}#comment-{self.pk}"

    @property
    def author_display_name(self) -> str:
        if self.author_id is not None and self.author is not None:
            return self.author.shown_name
        return self.author_name or "Anonymous"


class Rating(models.Model):
    """One reader's rating of one comment, 1 to 5 (0 is reserved for trusted readers' hide)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings_given"
    )
    value = models.PositiveSmallIntegerField()
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "rater"], name="one_rating_per_reader"),
        ]

    def __str__(self) -> str:
        return f"{self.value} for comment {self.comment_id}"
