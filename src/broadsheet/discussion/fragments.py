"""Each comment's head and body, rendered to HTML once per change and stored on its row.

A thread page then joins stored fragments instead of running template logic for every
comment, which keeps a 10,000-comment page within its time budget. A fragment depends on
the comment, on the site's time zone and date format, on its thread's comment style and
whether it shows ratings (models.ThreadLook), and on the templates that render it (the
built-in ones or a site theme's); `fragment_key` records all but the comment, and a row
whose key no longer matches is rendered again when it is next read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import lru_cache

from django.template import engines
from django.urls import reverse
from jinja2 import Environment, TemplateNotFound, meta

from broadsheet.discussion.models import Comment, ThreadLook, thread_look
from broadsheet.discussion.tree import CommentRow
from broadsheet.markup import first_words, plain_text
from broadsheet.publishing.bylines import site_clock
from broadsheet.publishing.models import Post, SiteSettings

FRAGMENT_TEMPLATE = "discussion/_comment_head.html"
LINE_TEMPLATE = "discussion/_comment_line.html"


SUBJECT_FROM_BODY_LENGTH = 60  # long enough for a thought, short enough for a one-line entry
NO_SUBJECT = "(no subject)"


def derived_subject(body_html: str) -> str:
    """The subject a comment gets when its author gives none: its first words."""
    return first_words(plain_text(body_html), SUBJECT_FROM_BODY_LENGTH) or NO_SUBJECT


def has_own_subject(row: CommentRow) -> bool:
    """Whether the author wrote the subject (the Blog style shows only those)."""
    return row.subject not in {NO_SUBJECT, derived_subject(row.body_html)}


def fragment_key_for(site: SiteSettings, look: ThreadLook) -> str:
    templates = fragment_templates_digest(engines["jinja2"].env)  # type: ignore[attr-defined]
    signature = f"{templates}|{site.time_zone}|{site.date_format}|{look.key}"
    return hashlib.sha1(signature.encode(), usedforsecurity=False).hexdigest()


def fragment_templates_digest(env: Environment) -> str:
    """A hash of the source of the fragment templates and of every template they pull in."""
    return templates_digest(env, (FRAGMENT_TEMPLATE, LINE_TEMPLATE))


@lru_cache(maxsize=8)
def templates_digest(env: Environment, roots: tuple[str, ...]) -> str:
    """A hash of the source of the templates named and of every template they pull in.

    Sources come from the environment's loader, so a template a site's theme overrides is the
    one hashed: changing a template, or installing a theme, renders every stored fragment (and
    cached page) again when it is next read. Cached per environment, which lives as long as
    the process: templates do not change while a site runs (a deploy restarts it).
    """
    if env.loader is None:
        raise RuntimeError("The Jinja2 environment has no loader to read templates from.")
    digest = hashlib.sha256()
    pending, seen = list(roots), set[str]()
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
        except TemplateNotFound:
            # `{% include … ignore missing %}`: its absence is part of what the page shows.
            digest.update(f"{name}\0(missing)\0".encode())
            continue
        digest.update(f"{name}\0{source}\0".encode())
        # Includes, imports and extends named literally; one named by a variable cannot be
        # followed, which docs/theming.md asks theme authors to avoid in these templates.
        referenced = meta.find_referenced_templates(env.parse(source, name, filename))
        pending.extend(other for other in referenced if other is not None)
    return digest.hexdigest()


@lru_cache(maxsize=2)
def _template(name: str):  # type: ignore[no-untyped-def]
    return engines["jinja2"].env.get_template(name)  # type: ignore[attr-defined]


def _people_prefix() -> str:
    return reverse("accounts:profile", kwargs={"username": "0"})[:-2]


def render_fragment(row: CommentRow, site: SiteSettings, look: ThreadLook) -> str:
    """The full comment's head and body (the page closes the article after its actions)."""
    return render_fragments([row], site, look)[0][0]


def render_fragments(
    rows: Iterable[CommentRow], site: SiteSettings, look: ThreadLook
) -> list[tuple[str, str]]:
    """(full, one-line) HTML for each row, in its thread's comment style."""
    full, line = _template(FRAGMENT_TEMPLATE), _template(LINE_TEMPLATE)
    context = {
        "clock": site_clock(site),
        "people": _people_prefix(),
        "blog": look.blog,
        "show_ratings": look.show_ratings,
        "has_own_subject": has_own_subject,
    }
    return [
        (str(full.render(row=row, **context)), str(line.render(row=row, **context))) for row in rows
    ]


def row_of(comment: Comment) -> CommentRow:
    account = comment.author if comment.author_id else None
    author = account.username if account else None
    return CommentRow(
        id=comment.pk,
        parent_id=comment.parent_id,
        number=comment.number,
        depth=comment.depth,
        subject=comment.subject,
        body_html=comment.body_html,
        author_username=author,
        author_name=comment.author_name,
        state=comment.state,
        created=comment.created,
        edited=comment.edited,
        rating_average=comment.rating_average,
        rating_count=comment.rating_count,
        reply_count=comment.reply_count,
        language=comment.language,
        author_display=account.display_name if account else None,
        author_url=comment.author_url,
        original_anchor=comment.original_anchor,
        kind=comment.kind,
    )


def refresh_fragment(comment: Comment, site: SiteSettings, look: ThreadLook | None = None) -> None:
    """Render the comment's fragment into its fields; the caller saves them. Without `look`,
    the comment's post gives it."""
    refresh_fragments([comment], site, look or thread_look(comment.post))


def refresh_fragments(comments: Sequence[Comment], site: SiteSettings, look: ThreadLook) -> None:
    """Render the fragments of comments of one thread into their fields; the caller saves
    them. Each comment's author must be loaded (select_related) or None. The templates and the
    key are looked up once, not once a comment (a tenth of an import's time went there)."""
    key = fragment_key_for(site, look)
    rendered = render_fragments([row_of(comment) for comment in comments], site, look)
    for comment, (full, line) in zip(comments, rendered, strict=True):
        comment.fragment_html, comment.line_html, comment.fragment_key = full, line, key


FRAGMENT_FIELDS = ["fragment_html", "line_html", "fragment_key"]
RENDER_BATCH = 1000  # comments loaded and rendered at a time: bounded memory on any thread


def render_thread_fragments(post: Post, site: SiteSettings, look: ThreadLook) -> int:
    """Render and store the fragments of every comment of a post, and say how many: for
    rows written beside post_comments (a restored site), whose fragments were not stored."""
    rendered, last_id = 0, 0
    while True:
        batch = list(
            Comment.objects.filter(post=post, pk__gt=last_id)
            .select_related("author")
            .order_by("pk")[:RENDER_BATCH]
        )
        if not batch:
            return rendered
        refresh_fragments(batch, site, look)
        Comment.objects.bulk_update(batch, FRAGMENT_FIELDS, batch_size=500)
        rendered += len(batch)
        last_id = batch[-1].pk


def refresh_stale_fragments(rows: list[CommentRow], site: SiteSettings, look: ThreadLook) -> None:
    """Render again, and store, the fragments of one thread's rows rendered with other site
    formats or another comment style."""
    key = fragment_key_for(site, look)
    stale = [row for row in rows if row.fragment_key != key]
    if not stale:
        return
    bodies = dict(
        Comment.objects.filter(pk__in=[row.id for row in stale]).values_list("id", "body_html")
    )
    for row in stale:
        row.body_html = bodies.get(row.id, "")
    for row, (full, line) in zip(stale, render_fragments(stale, site, look), strict=True):
        row.fragment_html, row.line_html, row.fragment_key = full, line, key
    Comment.objects.bulk_update(
        [
            Comment(
                pk=row.id,
                fragment_html=row.fragment_html,
                line_html=row.line_html,
                fragment_key=key,
            )
            for row in stale
        ],
        FRAGMENT_FIELDS,
        batch_size=500,
    )
