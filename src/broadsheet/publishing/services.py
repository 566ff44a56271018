"""Writes on posts: one function per use case, called by the admin, the API and the demo."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from broadsheet.accounts.models import User
from broadsheet.accounts.permissions import (
    Actor,
    check_can_delete_posts,
    check_can_edit_posts,
    check_can_publish,
)
from broadsheet.changes import PostEdited, PostPublished, PostUnpublished, announce
from broadsheet.errors import InvalidInput
from broadsheet.input_text import check_storable, one_line
from broadsheet.markup import render_post_text
from broadsheet.publishing.embeds import parse_video_url
from broadsheet.publishing.models import (
    MAX_POST_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    Post,
    PostStatus,
    Section,
    Tag,
)

EDITABLE_POST_FIELDS = (
    "title", "slug", "byline", "intro", "body", "status", "publish_at", "open_thread",
    "comments_open", "video_url", "video_title", "sticky", "section",
)  # fmt: skip


@dataclass
class SavedPost:
    post: Post
    warnings: list[str] = field(default_factory=list)


def unique_slug(*, wanted: str, title: str, exclude_post_id: int | None = None) -> str:
    """The wanted slug (or one made from the title), with -2, -3, … added on a clash."""
    base = wanted.strip() or slugify(title)[: MAX_TITLE_LENGTH - 10].strip("-")
    if not base:
        base = "post"
    try:
        validate_slug(base)
    except ValidationError as error:
        raise InvalidInput(
            f"Slug {base!r} may hold only letters, digits, hyphens and underscores."
        ) from error
    similar = Post.objects.filter(slug__startswith=base)
    if exclude_post_id is not None:
        similar = similar.exclude(pk=exclude_post_id)
    taken = set(similar.values_list("slug", flat=True))
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def section_by_slug(slug: str | None) -> Section | None:
    if not slug:
        return None
    section = Section.objects.filter(slug=slug).first()
    if section is None:
        known = ", ".join(Section.objects.values_list("slug", flat=True)) or "none yet"
        raise InvalidInput(f"Unknown section {slug!r} (known sections: {known}).")
    return section


def tags_by_slug(slugs: Sequence[str]) -> list[Tag]:
    tags = list(Tag.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {tag.slug for tag in tags})
    if missing:
        raise InvalidInput(f"Unknown tags: {', '.join(missing)}. Create them in the admin first.")
    return tags


def check_post_content(*, title: str, intro: str, body: str, video_url: str) -> None:
    """Raise InvalidInput, with a message for the editor, when a post cannot be stored."""
    for label, text in (("title", title), ("intro", intro), ("extended part", body)):
        check_storable(text, field=label)
    if not title.strip():
        raise InvalidInput("A post needs a title.")
    if len(title.strip()) > MAX_TITLE_LENGTH:
        raise InvalidInput(f"The title is longer than {MAX_TITLE_LENGTH} characters.")
    if not intro.strip():
        raise InvalidInput("A post needs an intro.")
    for label, text in (("intro", intro), ("extended part", body)):
        if len(text) > MAX_POST_TEXT_LENGTH:
            raise InvalidInput(
                f"The {label} has {len(text):,} characters; the limit is {MAX_POST_TEXT_LENGTH:,}."
            )
    if video_url:
        parse_video_url(video_url)


def _validate_and_render(post: Post) -> list[str]:
    # The one-line fields, as every writer stores them (input_text.one_line).
    post.title = one_line(post.title)
    post.byline = one_line(check_storable(post.byline, field="byline"))
    post.video_title = one_line(check_storable(post.video_title, field="video title"))
    check_post_content(title=post.title, intro=post.intro, body=post.body, video_url=post.video_url)
    try:
        # Lengths and formats of the short fields, as the model declares them.
        post.clean_fields(exclude={"slug", "section", "intro_html", "body_html"})
    except ValidationError as error:
        problems = "; ".join(
            f"{name.replace('_', ' ')}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
        raise InvalidInput(problems) from error
    warnings = []
    intro = render_post_text(post.intro, post.markup)
    body = render_post_text(post.body, post.markup)
    post.intro_html, post.body_html = intro.html, body.html
    removed = intro.removed + [item for item in body.removed if item not in intro.removed]
    if removed:
        warnings.append(f"Removed HTML that posts may not contain: {', '.join(removed)}.")
    if post.status != PostStatus.DRAFT and post.publish_at is None:
        post.publish_at = timezone.now()
    if post.status == PostStatus.PUBLISHED and post.publish_at and post.publish_at > timezone.now():
        post.status = PostStatus.SCHEDULED
    return warnings


EDITED_POST_COLUMNS = [
    field.name
    for field in Post._meta.concrete_fields
    if not field.primary_key and field.name != "comment_count"
]


@transaction.atomic
def save_post(
    *,
    editor: Actor,
    post: Post,
    authors: Iterable[User] | None = None,
    tags: Iterable[Tag] | None = None,
) -> SavedPost:
    """Validate, render and store a post built by the admin form or the API."""
    account = check_can_edit_posts(editor)
    if post.status != PostStatus.DRAFT:
        check_can_publish(editor)
    was_public = _is_public(
        Post.objects.filter(pk=post.pk).values_list("status", flat=True).first()
        if post.pk is not None
        else None
    )
    warnings = _validate_and_render(post)
    post.slug = unique_slug(wanted=post.slug, title=post.title, exclude_post_id=post.pk)
    if post.pk is None:
        post.save()
    else:
        # Not the comment count: comments arrive while an editor has the post open, and the
        # count the form loaded would overwrite the ones counted since (discussion.count_visible).
        post.save(update_fields=EDITED_POST_COLUMNS)
    if authors is not None:
        post.authors.set(list(authors) or [account])
    elif not post.authors.exists():
        post.authors.set([account])
    if tags is not None:
        post.tags.set(list(tags))
    _announce_post_change(post, was_public=was_public)
    return SavedPost(post=post, warnings=warnings)


IMPORTED_TITLE_WHEN_NONE = "(untitled)"


@transaction.atomic
def import_post(
    *, post: Post, authors: Sequence[User], tags: Sequence[Tag], slug: str = ""
) -> SavedPost:
    """Store a post another system published (interop's importers), as it was written there.

    No editor is acting (the command line runs imports), so nobody's permission is checked.
    The post keeps its HTML (post.markup) and its dates and status; what this site would
    have refused from an editor (no intro, a very long text, an oversized byline, a video
    link it cannot embed) is kept or trimmed, and each change is returned as a warning
    rather than refusing the whole import. A new post gets `slug` (made a valid, free one);
    a stored one is updated in place.
    """
    warnings = prepare_imported_post(post)
    was_public = False
    if post.pk is None:
        post.slug = _free_imported_slug(slug, post.title)
        post.save()
    else:
        was_public = _is_public(
            Post.objects.filter(pk=post.pk).values_list("status", flat=True).first()
        )
        post.save(update_fields=EDITED_POST_COLUMNS)
    post.authors.set(list(authors))
    post.tags.set(list(tags))
    _announce_post_change(post, was_public=was_public)
    return SavedPost(post=post, warnings=warnings)


def prepare_imported_post(post: Post) -> list[str]:
    """Fit an imported post's fields to what this site stores, and render its HTML, without
    saving: what `import_post` stores, and what an importer compares with a stored post to
    tell whether anything changed. Returns what was changed, for the import's summary."""
    warnings = _fit_imported_post(post)
    post.title = one_line(post.title)
    post.byline = one_line(post.byline)
    rendered = [render_post_text(post.intro, post.markup), render_post_text(post.body, post.markup)]
    post.intro_html, post.body_html = rendered[0].html, rendered[1].html
    if post.status != PostStatus.DRAFT and post.publish_at is None:
        post.publish_at = timezone.now()
    if post.status == PostStatus.PUBLISHED and post.publish_at and post.publish_at > timezone.now():
        post.status = PostStatus.SCHEDULED
    return warnings


def _fit_imported_post(post: Post) -> list[str]:
    warnings: list[str] = []
    for label, text in (
        ("title", post.title), ("intro", post.intro), ("extended part", post.body),
        ("excerpt", post.excerpt), ("byline", post.byline),
    ):  # fmt: skip
        check_storable(text, field=label)
    if not one_line(post.title):
        post.title = IMPORTED_TITLE_WHEN_NONE
        warnings.append(f"It had no title; it is called {IMPORTED_TITLE_WHEN_NONE}.")
    if len(one_line(post.title)) > MAX_TITLE_LENGTH:
        post.title = one_line(post.title)[: MAX_TITLE_LENGTH - 1] + "…"
        warnings.append(f"Its title was cut to {MAX_TITLE_LENGTH} characters.")
    byline_length = Post._meta.get_field("byline").max_length or 0
    if len(post.byline) > byline_length:
        post.byline = post.byline[:byline_length]
        warnings.append(f"Its byline was cut to {byline_length} characters.")
    if post.video_url:
        try:
            parse_video_url(post.video_url)
        except InvalidInput:
            warnings.append(f"Its video {post.video_url} cannot be embedded; it was left out.")
            post.video_url = ""
    return warnings


def _free_imported_slug(wanted: str, title: str) -> str:
    """A valid slug from one another system made (WordPress's may be percent-encoded
    Unicode), else from the title; -2, -3, … on a clash, as for any post."""
    from urllib.parse import unquote

    base = slugify(unquote(wanted))[: MAX_TITLE_LENGTH - 10].strip("-")
    return unique_slug(wanted=base, title=title)


def _is_public(status: str | None) -> bool:
    """Published, or scheduled to appear at its time (with no job to announce that moment)."""
    return status in {PostStatus.PUBLISHED, PostStatus.SCHEDULED}


def _announce_post_change(post: Post, *, was_public: bool) -> None:
    is_public = _is_public(post.status)
    if is_public and not was_public:
        announce(PostPublished(post_id=post.pk, scheduled=post.status == PostStatus.SCHEDULED))
    elif was_public and not is_public:
        announce(PostUnpublished(post_id=post.pk))
    elif is_public:
        announce(PostEdited(post_id=post.pk))


@transaction.atomic
def delete_posts(*, editor: Actor, posts: Sequence[Post]) -> None:
    """Delete posts with their discussions; readers stop seeing the public ones at once."""
    check_can_delete_posts(editor)
    for post in posts:
        if _is_public(post.status):
            announce(PostUnpublished(post_id=post.pk))
        post.delete()


def create_post(
    *,
    editor: Actor,
    title: str,
    intro: str,
    body: str = "",
    slug: str = "",
    authors: Sequence[User] = (),
    byline: str = "",
    section: Section | None = None,
    tags: Sequence[Tag] = (),
    status: str = PostStatus.DRAFT,
    publish_at: datetime | None = None,
    open_thread: bool = False,
    comments_open: bool = True,
    video_url: str = "",
    video_title: str = "",
    sticky: bool = False,
    comment_style: str = "",
) -> SavedPost:
    if status not in PostStatus.values:
        raise InvalidInput(f"Unknown status {status!r}; use draft, scheduled or published.")
    post = Post(
        title=title,
        slug=slug,
        byline=byline,
        intro=intro,
        body=body,
        section=section,
        status=status,
        publish_at=publish_at,
        open_thread=open_thread,
        comments_open=comments_open,
        video_url=video_url,
        video_title=video_title,
        sticky=sticky,
        comment_style=comment_style,
    )
    return save_post(editor=editor, post=post, authors=authors, tags=tags)


def update_post(
    *,
    editor: Actor,
    post: Post,
    changes: dict[str, Any],
    tags: Sequence[Tag] | None = None,
    authors: Sequence[User] | None = None,
) -> SavedPost:
    """Apply the given field changes; fields not named keep their value."""
    unknown = set(changes) - set(EDITABLE_POST_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "status" in changes and changes["status"] not in PostStatus.values:
        raise InvalidInput(
            f"Unknown status {changes['status']!r}; use draft, scheduled or published."
        )
    for name, value in changes.items():
        setattr(post, name, value)
    return save_post(editor=editor, post=post, authors=authors, tags=tags)
