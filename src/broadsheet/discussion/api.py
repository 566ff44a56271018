"""The discussion API: read a post's thread, write, edit and delete comments, rate them.

Mounted by api/api.py at /api/posts/{post_id}/comments and /api/comments/{comment_id}. Each
endpoint parses, loads, calls one service of discussion.services (which checks permission in
its own transaction, as for the HTML views) and renders; the thread is read with
discussion.selectors.thread_page, the same read as the post page's.

Every write counts against the caller's rate limits first (guard.ratelimits: 429
`rate_limited` with Retry-After). The HTML form's honeypot and minimum time do not apply here:
callers are scripts with a token or the site's own pages with the reader's session.

No `from __future__ import annotations` here: django-ninja reads the endpoints' annotations at
import time, through decorators whose module does not know these names.
"""

from datetime import datetime
from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Field, P, PathEx, Router, Schema, Status
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from broadsheet.api.auth import caller, guarded, signed_in_user, writer
from broadsheet.api.errors import error_responses
from broadsheet.api.inputs import BodyIn
from broadsheet.discussion import selectors, services
from broadsheet.discussion.display import DisplayMode
from broadsheet.discussion.languages import DETECT, MAX_LANGUAGE_TAG_LENGTH, canonical_tag
from broadsheet.discussion.models import (
    MAX_ANONYMOUS_NAME_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_SUBJECT_LENGTH,
    Comment,
    CommentKind,
    CommentState,
    DiscussionSettings,
)
from broadsheet.discussion.tree import CommentRow, SortOrder
from broadsheet.errors import InvalidInput
from broadsheet.guard.ratelimits import COMMENT, COMMENT_DELETE, COMMENT_EDIT, RATING
from broadsheet.publishing import selectors as publishing_selectors
from broadsheet.publishing.api import PostId
from broadsheet.publishing.selectors import site_settings_of

MAX_COMMENT_ID = 2**63 - 1  # the largest id a database column holds; more is not a comment
RATING_DECIMALS = 2  # 4.33, not 4.333333333333333: enough to order and to show
SUBMISSION_KEY_LENGTH = 64  # Comment.submission_key's column
MAX_EMAIL_LENGTH = 254  # the longest address RFC 5321 lets through, as Django's EmailField

router = Router(tags=["comments"])
CommentId = PathEx[int, P(ge=1, le=MAX_COMMENT_ID, description="The comment's id.")]


def _chosen_language(value: str | None) -> str | None:
    """The tag in its usual case ("pt-br" -> "pt-BR"), or None to tell it from the text: as
    the comment form takes its language (forms.LanguageField), where empty means "detect"."""
    if value is None or value.strip() in {"", DETECT}:
        return None
    tag = canonical_tag(value)
    if not tag:
        raise PydanticCustomError(
            "language_tag",
            "not a language tag: send one such as fr or pt-BR, or null to tell it from the text",
        )
    return tag


ChosenLanguage = Annotated[
    str | None,
    Field(
        max_length=MAX_LANGUAGE_TAG_LENGTH,
        description='A BCP 47 language tag such as "fr" or "pt-BR"; not sent, null, "" or '
        '"detect": told from the text (a text too short or too mixed to tell gets none).',
    ),
    AfterValidator(_chosen_language),
]


def anonymous_commenter(request: HttpRequest) -> AnonymousUser | None:
    """Lets a caller without an account through, on sites that allow anonymous comments.

    Tried after the token and the session (api.auth.SIGNED_IN), so a signed-in session still
    passes the CSRF check; without it, an anonymous caller gets the API's usual 401.
    """
    if request.user.is_authenticated or not DiscussionSettings.current().allow_anonymous_comments:
        return None
    return AnonymousUser()


class RatingOut(Schema):
    average: float | None = Field(
        description=f"The mean of the ratings (1 to 5), to {RATING_DECIMALS} decimals; "
        "null when unrated."
    )
    count: int = Field(description="How many readers rated the comment.")


def _rating(average: float | None, count: int) -> RatingOut:
    rounded = round(average, RATING_DECIMALS) if average is not None else None
    return RatingOut(average=rounded, count=count)


class CommentOut(Schema):
    """A comment as the thread shows it; a deleted one keeps its place, without text or author."""

    id: int
    number: int = Field(description="The comment's number in its thread, from 1, never reused.")
    parent: int | None = Field(description="The id of the comment this one replies to.")
    depth: int = Field(description="0 for a top-level comment, 1 for a reply to it, …")
    subject: str
    body_html: str = Field(description="Sanitized HTML of the Markdown body; empty when deleted.")
    author: str | None = Field(
        description="The username, or the name an anonymous commenter gave; null when deleted."
    )
    author_display: str | None = Field(
        description="The name the site shows: the account's display name (its username when "
        "none is set), or the name an anonymous commenter gave; null when deleted."
    )
    language: str | None = Field(
        description='The BCP 47 tag of the language the comment is written in ("fr", '
        '"pt-BR"), told from its text or chosen by its author; null when it could not be told, '
        "and when deleted."
    )
    created: datetime
    edited: datetime | None = Field(description="When the text last changed; null if never.")
    rating: RatingOut
    state: CommentState = Field(
        description="visible or deleted; held for its author and moderators, hidden for moderators."
    )
    kind: CommentKind = Field(
        description="comment; or pingback or trackback, imported from a blog: another site's "
        "notice that it linked to the post (the page lists them apart from the thread)."
    )

    @staticmethod
    def resolve_parent(row: CommentRow) -> int | None:
        return row.parent_id

    @staticmethod
    def resolve_author(row: CommentRow) -> str | None:
        if row.state == CommentState.DELETED:
            return None
        return row.author_username or row.author_name or None

    @staticmethod
    def resolve_author_display(row: CommentRow) -> str | None:
        if row.state == CommentState.DELETED:
            return None
        return row.author_display_name

    @staticmethod
    def resolve_language(row: CommentRow) -> str | None:
        if row.state == CommentState.DELETED:
            return None
        return row.language or None

    @staticmethod
    def resolve_rating(row: CommentRow) -> RatingOut:
        return _rating(row.rating_average, row.rating_count)


class ThreadOut(Schema):
    """A post's comments in display order, with the thread's state."""

    comment_count: int = Field(
        description="The post's visible comments, as in the posts API (placeholders and held "
        "or hidden comments not counted)."
    )
    comments_open: bool = Field(description="Whether new comments are accepted now.")
    closed_reason: str | None = Field(description="Why comments are closed; null when open.")
    display: DisplayMode
    sort: SortOrder
    items: list[CommentOut]
    pingbacks: list[CommentOut] = Field(
        description="Imported pingbacks and trackbacks, oldest first: listed apart from the "
        "thread, as the page lists them."
    )


class CommentIn(BodyIn):
    """A new comment, or a reply when `parent` is given."""

    subject: str = Field(
        "",
        max_length=MAX_SUBJECT_LENGTH,
        description=f"Up to {MAX_SUBJECT_LENGTH} characters; empty: the body's first words.",
    )
    body: str = Field(
        min_length=1,
        max_length=MAX_COMMENT_LENGTH,
        description=f"Markdown, up to {MAX_COMMENT_LENGTH:,} characters.",
    )
    parent: int | None = Field(
        None,
        ge=1,
        le=MAX_COMMENT_ID,
        description="The id of the comment to reply to, on the same post; null: top level.",
    )
    submission_key: str = Field(
        "",
        max_length=SUBMISSION_KEY_LENGTH,
        description="Any unique string: sending the same key again returns the comment it "
        "made instead of posting twice.",
    )
    name: str = Field(
        "",
        max_length=MAX_ANONYMOUS_NAME_LENGTH,
        description=f"Required without an account (where the site allows it); up to "
        f"{MAX_ANONYMOUS_NAME_LENGTH} characters. Ignored for signed-in callers.",
    )
    email: str = Field(
        "",
        max_length=MAX_EMAIL_LENGTH,
        description="Required without an account (where the site allows it); never shown. "
        "Ignored for signed-in callers.",
    )
    language: ChosenLanguage = None


class CommentCreatedOut(Schema):
    id: int
    number: int
    url: str = Field(description="The comment on the post's page (absolute).")
    language: str | None = Field(
        description="The BCP 47 tag stored: the one sent, or the one told from the text; "
        "null when it could not be told."
    )

    @staticmethod
    def resolve_language(comment: Comment) -> str | None:
        return comment.language or None

    @staticmethod
    def resolve_url(comment: Comment, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        return request.build_absolute_uri(comment.get_absolute_url())


class CommentChangesIn(BodyIn):
    """The text of a comment and its language; only the fields sent change, except the
    language, which is told again from the new text unless it is sent."""

    subject: str = Field(
        "",
        max_length=MAX_SUBJECT_LENGTH,
        description=f"Up to {MAX_SUBJECT_LENGTH} characters; empty: the body's first words.",
    )
    body: str = Field(
        "",
        min_length=1,
        max_length=MAX_COMMENT_LENGTH,
        description=f"Markdown, up to {MAX_COMMENT_LENGTH:,} characters.",
    )
    language: ChosenLanguage = None


class RatingIn(BodyIn):
    value: int = Field(
        ge=services.HIDE_RATING,
        le=services.HIGHEST_RATING,
        description=f"{services.LOWEST_READER_RATING} to {services.HIGHEST_RATING}; "
        f"{services.HIDE_RATING} is reserved for trusted readers.",
    )


class RatingChangedOut(Schema):
    id: int = Field(description="The comment's id.")
    rating: RatingOut


def _comment(comment_id: int) -> Comment:
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None:
        raise services.no_such_comment(comment_id)
    return comment


def _comment_out(comment_id: int) -> CommentRow:
    row = selectors.comment_row(comment_id=comment_id)
    if row is None:  # deleted from the database since it was written: not by this API
        raise services.no_such_comment(comment_id)
    return row


def _rating_changed(comment: Comment) -> RatingChangedOut:
    return RatingChangedOut(
        id=comment.pk, rating=_rating(comment.rating_average, comment.rating_count)
    )


@router.get(
    "/posts/{int:post_id}/comments",
    response={200: ThreadOut, **error_responses(401, 404, 422, 429)},
    auth=None,
    summary="List a post's comments",
    description=(
        "Every comment the caller may see, in the order the post's page shows them. "
        "`display=nested`, `threaded` and `minimal` give the thread order (each comment "
        "followed by its replies; the modes differ only in how a page draws them); "
        "`display=flat` gives one list without deleted placeholders. `sort` orders siblings "
        "(flat: the whole list): `oldest`, `newest`, `highest` or `lowest` rated. A deleted "
        "comment stays as a placeholder (no text, no author) while it holds replies."
    ),
)
def list_comments(
    request: HttpRequest,
    post_id: PostId,
    display: DisplayMode = DisplayMode.NESTED,
    sort: SortOrder = SortOrder.OLDEST,
) -> dict[str, Any]:
    viewer = caller(request)
    post = publishing_selectors.post_by_id_for_reader(post_id=post_id, user=viewer)
    thread = selectors.thread_page(post=post, viewer=viewer, display=display, sort=sort)
    closed_reason = services.comments_closed_reason(
        post=post, settings=DiscussionSettings.current()
    )
    return {
        "comment_count": post.comment_count,
        "comments_open": closed_reason is None,
        "closed_reason": closed_reason,
        "display": display,
        "sort": sort,
        "items": [entry.row for entry in thread.arrangement.entries],
        "pingbacks": thread.pingbacks,
    }


@router.post(
    "/posts/{int:post_id}/comments",
    response={201: CommentCreatedOut, **error_responses(400, 401, 403, 404, 413, 422, 429)},
    auth=guarded(COMMENT, also=anonymous_commenter),
    summary="Post a comment",
    description=(
        "Signed-in readers comment; callers without an account too where the site allows it, "
        "with `name` and `email`. `language` names the comment's language (a BCP 47 tag); "
        "without it the site tells it from the text, as for the site's own form. "
        "403 `comments_closed` when the post takes no more comments "
        "(the detail says why); 422 for an empty or too long text, or a `parent` that is not "
        "a comment of this post."
    ),
)
def post_comment(
    request: HttpRequest, post_id: PostId, payload: CommentIn
) -> Status[CommentCreatedOut]:
    author = writer(request)
    post = publishing_selectors.post_by_id_for_reader(post_id=post_id, user=author)
    comment = services.post_comment(
        post=post,
        author=author,
        subject=payload.subject,
        body=payload.body,
        parent_id=payload.parent,
        anonymous_name=payload.name,
        anonymous_email=payload.email,
        submission_key=payload.submission_key,
        language=payload.language,
        site=site_settings_of(request),
    )
    comment.post = post  # for its URL, without loading the post again
    created = CommentCreatedOut.model_validate(comment, context={"request": request})
    return Status(201, created)


@router.patch(
    "/comments/{int:comment_id}",
    auth=guarded(COMMENT_EDIT),
    response={200: CommentOut, **error_responses(400, 401, 403, 404, 413, 422, 429)},
    summary="Edit a comment",
    description=(
        "The author, within the site's edit window, or a moderator. Only the fields sent "
        "change, except `language`: not sent, it is told again from the new text, as when "
        "posting. The comment is marked `edited`. A deleted comment cannot be edited."
    ),
)
def edit_comment(
    request: HttpRequest, comment_id: CommentId, payload: CommentChangesIn
) -> CommentRow:
    editor = signed_in_user(request)
    changes = payload.model_dump(exclude_unset=True)
    if not changes:
        raise InvalidInput("Nothing to change: send a subject, a body or a language.")
    comment = _comment(comment_id)
    services.edit_comment(
        comment=comment,
        editor=editor,
        subject=changes.get("subject", comment.subject),
        body=changes.get("body", comment.body),
        language=payload.language,
        site=site_settings_of(request),
    )
    return _comment_out(comment_id)


@router.delete(
    "/comments/{int:comment_id}",
    auth=guarded(COMMENT_DELETE),
    response={204: None, **error_responses(401, 403, 404, 422, 429)},
    summary="Delete a comment",
    description=(
        "The author or a moderator. The text goes; the comment stays as a placeholder while "
        "it holds replies. Deleting a deleted comment again changes nothing."
    ),
)
def delete_comment(request: HttpRequest, comment_id: CommentId) -> Status[None]:
    user = signed_in_user(request)
    comment = _comment(comment_id)
    services.delete_comment(comment=comment, user=user)
    return Status(204, None)


@router.put(
    "/comments/{int:comment_id}/rating",
    auth=guarded(RATING),
    response={200: RatingChangedOut, **error_responses(400, 401, 403, 404, 413, 422, 429)},
    summary="Rate a comment",
    description=(
        "Gives or changes the caller's rating of someone else's visible comment, "
        f"{services.LOWEST_READER_RATING} to {services.HIGHEST_RATING}; returns the "
        "comment's new average and count."
    ),
)
def rate_comment(
    request: HttpRequest, comment_id: CommentId, payload: RatingIn
) -> RatingChangedOut:
    rater = signed_in_user(request)
    comment = _comment(comment_id)
    rated = services.rate_comment(comment=comment, rater=rater, value=payload.value)
    return _rating_changed(rated)


@router.delete(
    "/comments/{int:comment_id}/rating",
    auth=guarded(RATING),
    response={200: RatingChangedOut, **error_responses(401, 403, 404, 422, 429)},
    summary="Remove one's rating",
    description="Takes back the caller's rating (none given: nothing changes).",
)
def remove_rating(request: HttpRequest, comment_id: CommentId) -> RatingChangedOut:
    rater = signed_in_user(request)
    comment = _comment(comment_id)
    return _rating_changed(services.remove_rating(comment=comment, rater=rater))
