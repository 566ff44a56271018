"""The posts API: list, read, create and change posts (mounted at /api/posts by api/api.py).

Each endpoint parses, loads, checks, calls one service and renders; who may see or change what
is decided in publishing.selectors and publishing.services, as for the HTML pages.

No `from __future__ import annotations` here: django-ninja reads the endpoints' annotations at
import time, through decorators whose module does not know these names.
"""

from datetime import datetime
from typing import Any, Literal

from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, P, PathEx, Router, Schema, Status
from ninja.pagination import paginate

from broadsheet.accounts.models import User
from broadsheet.accounts.permissions import check_can_edit_posts
from broadsheet.api.auth import caller, guarded, signed_in_user
from broadsheet.api.errors import error_responses
from broadsheet.api.inputs import BodyIn, IsoDateTime, NumberedPages
from broadsheet.guard.ratelimits import POST_WRITE
from broadsheet.publishing import selectors, services
from broadsheet.publishing.models import (
    MAX_POST_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    Post,
    PostStatus,
    Section,
)

POSTS_PER_PAGE = 20
MAX_POST_ID = 2**63 - 1  # the largest id a database column holds; more is not a post
# Up to 200,000 characters each, and a list does not show them: not fetched for lists.
LONG_TEXT_FIELDS = ("intro", "intro_html", "body", "body_html")

router = Router(tags=["posts"])
PostId = PathEx[int, P(ge=1, le=MAX_POST_ID, description="The post's id.")]


def _max_length(field_name: str, model: type[models.Model] = Post) -> int:
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.CharField)
    assert field.max_length is not None
    return field.max_length


class PostSummaryOut(Schema):
    """A post as lists show it."""

    id: int
    title: str
    slug: str
    url: str = Field(description="The post's page on the site (absolute).")
    published: datetime | None = Field(description="When it appeared; null while unpublished.")
    section: str | None = Field(description="The section's slug.")
    tags: list[str] = Field(description="Tag slugs.")
    authors: list[str] = Field(description="Usernames.")
    authors_display: list[str] = Field(
        description="The names bylines show, in the order of `authors`: each account's display "
        "name, or its username when none is set."
    )
    comment_count: int
    comments_open: bool
    open_thread: bool

    @staticmethod
    def resolve_url(post: Post, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        return request.build_absolute_uri(post.get_absolute_url())

    @staticmethod
    def resolve_published(post: Post) -> datetime | None:
        return post.publish_at if selectors.is_visible(post) else None

    @staticmethod
    def resolve_section(post: Post) -> str | None:
        return post.section.slug if post.section else None

    @staticmethod
    def resolve_tags(post: Post) -> list[str]:
        return [tag.slug for tag in post.tags.all()]

    @staticmethod
    def resolve_authors(post: Post) -> list[str]:
        return [author.username for author in post.authors.all()]

    @staticmethod
    def resolve_authors_display(post: Post) -> list[str]:
        return [author.shown_name for author in post.authors.all()]


class PostDetailOut(PostSummaryOut):
    """A post as its own page shows it, with the Markdown it was written in."""

    status: PostStatus
    publish_at: datetime | None = Field(description="The set publish time, also when scheduled.")
    byline: str = Field(description="Shown instead of the authors' names when not empty.")
    intro: str = Field(description="Markdown, as written.")
    intro_html: str = Field(description="Sanitized HTML of the intro.")
    body: str = Field(description="Markdown of the extended part, below the fold.")
    body_html: str
    video_url: str
    video_title: str
    sticky: bool


class PostSavedOut(PostDetailOut):
    """The post as stored, and what the sanitizer removed from its Markdown."""

    warnings: list[str] = Field(description="E.g. raw HTML that posts may not contain.")

    @staticmethod
    def resolve_warnings(post: Post, context: dict[str, Any]) -> list[str]:
        warnings: list[str] = context.get("warnings", [])
        return warnings


class PostChangesIn(BodyIn):
    """The fields of a post that an editor sets; on PATCH, only those sent change."""

    title: str = Field(
        "",
        min_length=1,
        max_length=MAX_TITLE_LENGTH,
        description=f"Up to {MAX_TITLE_LENGTH} characters.",
    )
    intro: str = Field(
        "",
        min_length=1,
        max_length=MAX_POST_TEXT_LENGTH,
        description="Markdown; a little HTML is allowed, the rest removed.",
    )
    body: str = Field(
        "",
        max_length=MAX_POST_TEXT_LENGTH,
        description="Markdown of the extended part, below the fold.",
    )
    slug: str = Field(
        "",
        max_length=_max_length("slug"),
        description="Empty: made from the title. A taken slug gets -2, -3, …",
    )
    section: str | None = Field(
        None,
        max_length=_max_length("slug", Section),
        description="A section's slug; null for none.",
    )
    tags: list[str] = Field([], description="Tag slugs; the tags must exist.")
    authors: list[str] = Field(
        [], description="Usernames; empty: the caller. Shown unless a byline is set."
    )
    byline: str = Field("", max_length=_max_length("byline"))
    status: Literal["draft", "scheduled", "published"] = Field(
        "draft", description="Published with a future publish_at becomes scheduled."
    )
    publish_at: IsoDateTime | None = Field(
        None,
        description="With a time zone, e.g. 2026-05-01T09:00:00+02:00. Empty: now.",
    )
    open_thread: bool = False
    comments_open: bool = True
    video_url: str = Field(
        "", max_length=_max_length("video_url"), description="A YouTube or Vimeo link."
    )
    video_title: str = Field("", max_length=_max_length("video_title"))
    sticky: bool = Field(False, description="Keep at the top of the front page.")


class PostIn(PostChangesIn):
    """A new post: a title and an intro are required."""

    title: str = Field(
        min_length=1,
        max_length=MAX_TITLE_LENGTH,
        description=f"Up to {MAX_TITLE_LENGTH} characters.",
    )
    intro: str = Field(
        min_length=1,
        max_length=MAX_POST_TEXT_LENGTH,
        description="Markdown; a little HTML is allowed, the rest removed.",
    )


def _saved(request: HttpRequest, saved: services.SavedPost) -> PostSavedOut:
    context = {"request": request, "warnings": saved.warnings}
    return PostSavedOut.model_validate(saved.post, context=context)


@router.get(
    "",
    response={200: list[PostSummaryOut], **error_responses(401, 403, 422, 429)},
    auth=None,
    summary="List posts",
    description=(
        f"Newest first, {POSTS_PER_PAGE} a page: `?page=2` gives the next page; `count` is the "
        "total. Anyone sees the published posts; editors may pass `?status=draft` or "
        "`?status=scheduled` to list the unpublished ones instead."
    ),
)
@paginate(NumberedPages, page_size=POSTS_PER_PAGE)
def list_posts(
    request: HttpRequest, status: Literal["draft", "scheduled"] | None = None
) -> QuerySet[Post]:
    posts = selectors.listed_posts(user=caller(request), status=status)
    return posts.defer(*LONG_TEXT_FIELDS)


@router.get(
    "/{int:post_id}",
    response={200: PostDetailOut, **error_responses(401, 404, 422, 429)},
    auth=None,
    summary="Read a post",
    description="Published posts for anyone; editors also read drafts and scheduled posts.",
)
def get_post(request: HttpRequest, post_id: PostId) -> Post:
    return selectors.post_by_id_for_reader(post_id=post_id, user=caller(request))


@router.post(
    "",
    auth=guarded(POST_WRITE),
    response={201: PostSavedOut, **error_responses(400, 401, 403, 413, 422, 429)},
    summary="Create a post",
    description="Editors only. Returns the stored post and `warnings` about removed HTML.",
)
def create_post(request: HttpRequest, payload: PostIn) -> Status[PostSavedOut]:
    editor = signed_in_user(request)
    check_can_edit_posts(editor)
    authors = selectors.authors_by_username(payload.authors)
    saved = services.create_post(
        editor=editor,
        title=payload.title,
        intro=payload.intro,
        body=payload.body,
        slug=payload.slug,
        authors=authors,
        byline=payload.byline,
        section=services.section_by_slug(payload.section),
        tags=services.tags_by_slug(payload.tags),
        status=payload.status,
        publish_at=payload.publish_at,
        open_thread=payload.open_thread,
        comments_open=payload.comments_open,
        video_url=payload.video_url,
        video_title=payload.video_title,
        sticky=payload.sticky,
    )
    return Status(201, _saved(request, saved))


@router.patch(
    "/{int:post_id}",
    auth=guarded(POST_WRITE),
    response={200: PostSavedOut, **error_responses(400, 401, 403, 404, 413, 422, 429)},
    summary="Change a post",
    description="Editors only. Only the fields sent change; `tags` and `authors` are replaced.",
)
def update_post(request: HttpRequest, payload: PostChangesIn, post_id: PostId) -> PostSavedOut:
    editor = signed_in_user(request)
    check_can_edit_posts(editor)
    changes = payload.model_dump(exclude_unset=True)
    tag_slugs: list[str] | None = changes.pop("tags", None)
    usernames: list[str] | None = changes.pop("authors", None)
    authors: list[User] | None = None
    if usernames is not None:
        authors = selectors.authors_by_username(usernames)
    if "section" in changes:
        changes["section"] = services.section_by_slug(changes["section"])
    tags = services.tags_by_slug(tag_slugs) if tag_slugs is not None else None
    with transaction.atomic():
        post = selectors.post_for_editing(post_id=post_id)
        saved = services.update_post(
            editor=editor, post=post, changes=changes, tags=tags, authors=authors
        )
    return _saved(request, saved)
