"""The post page with its discussion, and the HTML endpoints that write comments.

The post page lives here rather than in publishing because it is where the discussion is:
discussion depends on publishing, never the other way round.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from broadsheet.accounts.permissions import Actor, can_edit_posts, is_moderator, is_trusted
from broadsheet.discussion import page_cache, selectors, services
from broadsheet.discussion.choices import (
    CHOICE_COOKIE,
    CHOICE_COOKIE_AGE,
    ThreadView,
    default_display_for,
    thread_view_for,
)
from broadsheet.discussion.display import DISPLAY_LABELS, SORT_LABELS
from broadsheet.discussion.forms import CommentForm, EditCommentForm
from broadsheet.discussion.fragments import derived_subject, render_fragment
from broadsheet.discussion.front_cache import BUILT_FROM_HEADER, BuiltFrom
from broadsheet.discussion.languages import comment_language
from broadsheet.discussion.models import (
    Comment,
    CommentState,
    DiscussionSettings,
    Rating,
    ThreadLook,
    ThreadState,
    thread_look,
)
from broadsheet.discussion.tree import CommentRow
from broadsheet.errors import BroadsheetError, InvalidInput, with_error_headers
from broadsheet.guard.gate import guarded_write
from broadsheet.guard.honeypot import COMMENT_FORM, HoneypotForm
from broadsheet.guard.ratelimits import COMMENT, COMMENT_DELETE, COMMENT_EDIT, RATING, THREAD_STATE
from broadsheet.page_versions import remembered_for_site, tokens_for
from broadsheet.publishing import selectors as publishing_selectors
from broadsheet.publishing.embeds import parse_video_url
from broadsheet.publishing.models import Post, SiteSettings
from broadsheet.publishing.selectors import site_settings_of


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _comment_form(request: HttpRequest, look: ThreadLook, **kwargs: Any) -> CommentForm:
    return CommentForm(anonymous=not request.user.is_authenticated, subject=not look.blog, **kwargs)


def _page_response(
    request: HttpRequest,
    post: Post,
    *,
    form: CommentForm | None = None,
    honeypot: HoneypotForm | None = None,
    preview_html: str = "",
    status: int = 200,
) -> HttpResponse:
    """The post page. An anonymous reader's whole page comes from the page cache when it can;
    everyone else's is rendered around the cached thread (page_cache.py)."""
    site = site_settings_of(request)
    settings = DiscussionSettings.current()
    look = thread_look(post, settings)
    view = thread_view_for(
        request,
        ratings=look.show_ratings,
        default_display=default_display_for(settings, post.comment_count),
    )
    closed_reason = services.comments_closed_reason(post=post, settings=settings)
    user = request.user
    can_write = closed_reason is None and (
        user.is_authenticated or settings.allow_anonymous_comments
    )
    page_number = _int_or_none(request.GET.get("page")) or 1
    comment_id = _int_or_none(request.GET.get("comment"))
    # Everything but the reader that the thread's HTML depends on (page_cache.page_key).
    parts = (
        view.display.value,
        view.sort.value,
        f"comment {comment_id}" if comment_id else f"page {page_number}",
        closed_reason is None,
        page_cache.settings_digest(site, settings),
    )
    whole_page = (
        request.method in ("GET", "HEAD")
        and status == 200
        and form is None
        and not can_write  # a form carries its reader's CSRF token
        and not user.is_authenticated
        and not page_cache.has_pending_messages(request)
    )
    rendering = False
    if whole_page:
        tokens = tokens_for(post.pk)
        key, changed = page_cache.page_key("page", post.pk, *parts, tokens=tokens)
        built_from = BuiltFrom(
            post.pk, *tokens, expires_at=_cached_until(post, settings).timestamp()
        )
        stored = page_cache.load(key, request)
        if stored is None:
            rendering = page_cache.claim_render(key)
            if not rendering:
                stored = page_cache.wait_for(key, lambda name: page_cache.load(name, request))
        if stored is not None:
            response = page_cache.respond(request, stored, hit=True)
            response[BUILT_FROM_HEADER] = built_from.header_value()
            return _remember_choice(request, view, response)
    try:
        response = _render_page(
            request,
            post,
            form=form,
            honeypot=honeypot,
            preview_html=preview_html,
            status=status,
            look=look,
            view=view,
            settings=settings,
            closed_reason=closed_reason,
            can_write=can_write,
            page_number=page_number,
            comment_id=comment_id,
            parts=parts,
        )
        if whole_page and response.status_code == 200:
            stored = page_cache.store(key, response, changed)
            response = page_cache.respond(request, stored, hit=False)
            response[BUILT_FROM_HEADER] = built_from.header_value()
    finally:
        if rendering:
            page_cache.release_render(key)
    return _remember_choice(request, view, response)


def _cached_until(post: Post, settings: DiscussionSettings) -> datetime:
    """How long an anonymous page may be answered without asking Django: the page cache's
    lifetime, or sooner when the post's comments close with age in the meantime."""
    until = timezone.now() + timedelta(seconds=page_cache.PAGE_CACHE_SECONDS)
    closes_at = services.comments_close_at(post=post, settings=settings)
    return min(until, closes_at) if closes_at else until


def _render_page(
    request: HttpRequest,
    post: Post,
    *,
    form: CommentForm | None,
    honeypot: HoneypotForm | None,
    preview_html: str,
    status: int,
    look: ThreadLook,
    view: ThreadView,
    settings: DiscussionSettings,
    closed_reason: str | None,
    can_write: bool,
    page_number: int,
    comment_id: int | None,
    parts: tuple[object, ...],
) -> HttpResponse:
    site = site_settings_of(request)
    user = request.user
    if form is None and can_write:
        form = _comment_form(
            request, look, initial={"parent": _int_or_none(request.GET.get("reply"))}
        )
    try:
        video = parse_video_url(post.video_url) if post.video_url else None
    except InvalidInput:
        video = None
    reply_to = None
    parent_id = _int_or_none(form["parent"].value()) if form is not None else None
    if parent_id:
        reply_to = selectors.comment_for_post(post=post, comment_id=parent_id, viewer=user)
    thread_html = _thread_html(
        request,
        post,
        view=view,
        page_number=page_number,
        comment_id=comment_id,
        site=site,
        settings=settings,
        comments_open=closed_reason is None,
        parts=parts,
    )
    return render(
        request,
        "discussion/post_page.html",
        {
            "post": post,
            "neighbours": remembered_for_site(
                f"neighbours:{post.pk}:{post.publish_at.timestamp() if post.publish_at else 0}",
                lambda: publishing_selectors.neighbours(post),
            ),
            "video": video,
            "is_preview": not publishing_selectors.is_visible(post),
            "thread_html": thread_html,
            "closed_reason": closed_reason,
            "form": form if can_write else None,
            "honeypot": honeypot or HoneypotForm(guarding=COMMENT_FORM),
            "preview_html": preview_html,
            "reply_to": reply_to,
            "is_moderator": is_moderator(user),
            "viewer_trusted": is_trusted(user),
            "can_close": can_edit_posts(user),
            "blog": look.blog,
            "show_ratings": look.show_ratings,
        },
        status=status,
    )


EVERYONE = "everyone"
TRUSTED = "trusted"
MODERATORS = "moderators"


def _thread_audience(post: Post, viewer: Actor) -> str | None:
    """Which shared rendering of the thread this reader sees: what everyone sees, what every
    trusted reader sees (hidden comments in full), what every moderator sees (held ones too);
    or None for a reader with a comment of their own held in the thread, which only they see."""
    if is_moderator(viewer):
        return MODERATORS
    if selectors.holds_comment_of(post=post, viewer=viewer):
        return None
    return TRUSTED if selectors.sees_hidden_comments(viewer) else EVERYONE


def _thread_html(
    request: HttpRequest,
    post: Post,
    *,
    view: ThreadView,
    page_number: int,
    comment_id: int | None,
    site: SiteSettings,
    settings: DiscussionSettings,
    comments_open: bool,
    parts: tuple[object, ...],
) -> str:
    """The thread's heading, comments and page links: from the cache, or rendered and kept,
    for every reader who sees what an anonymous one sees; rendered for the others."""
    audience = _thread_audience(post, request.user)
    own_view = audience != EVERYONE
    key = ""
    rendering = False
    if audience is not None:
        key, _ = page_cache.page_key("thread", post.pk, audience, *parts)
        cached = page_cache.load_text(key)
        if cached is None:
            rendering = page_cache.claim_render(key)
            if not rendering:
                cached = page_cache.wait_for(key, page_cache.load_text)
        if cached is not None:
            return cached
    try:
        return _render_thread(
            request,
            post,
            own_view=own_view,
            view=view,
            page_number=page_number,
            comment_id=comment_id,
            site=site,
            settings=settings,
            comments_open=comments_open,
            key=key,
        )
    finally:
        if rendering:
            page_cache.release_render(key)


def _render_thread(
    request: HttpRequest,
    post: Post,
    *,
    own_view: bool,
    view: ThreadView,
    page_number: int,
    comment_id: int | None,
    site: SiteSettings,
    settings: DiscussionSettings,
    comments_open: bool,
    key: str,
) -> str:
    viewer = request.user
    look = thread_look(post, settings)
    thread = selectors.thread_page(
        post=post,
        viewer=viewer if own_view else AnonymousUser(),
        display=view.display,
        sort=view.sort,
        per_page=settings.top_level_comments_per_page,
        page_number=page_number,
        comment_id=comment_id,
        site=site,
        discussion=settings,
        hidden_as_placeholders=settings.show_hidden_to_readers,
    )
    html = render_to_string(
        page_cache.THREAD_TEMPLATE,
        {
            "post": post,
            "thread": thread,
            "site": site,
            "display_labels": DISPLAY_LABELS,
            "sort_labels": SORT_LABELS,
            "sees_hidden": own_view and selectors.sees_hidden_comments(viewer),
            "comments_open": comments_open,
            "blog": look.blog,
            "show_ratings": look.show_ratings,
        },
    )
    if key:
        page_cache.store_text(key, html)
    return html


def _remember_choice(
    request: HttpRequest, view: ThreadView, response: HttpResponse
) -> HttpResponse:
    """A display or order chosen in the address is kept: on the account, or in a cookie."""
    if view.from_url:
        if request.user.is_authenticated:
            services.save_display_preferences(
                user=request.user,
                display=view.display.value,
                sort=view.sort.value,
            )
        else:
            response.set_cookie(
                CHOICE_COOKIE,
                f"{view.display.value}:{view.sort.value}",
                max_age=CHOICE_COOKIE_AGE,
                samesite="Lax",
            )
    return response


def _is_preview(request: HttpRequest) -> bool:
    """The comment form's Preview button shows the comment and writes nothing."""
    return "preview" in request.POST


def _comment_refused(request: HttpRequest, error: BroadsheetError, slug: str) -> HttpResponse:
    """A comment the write guard refused: the page again, with the reason and the text."""
    post = publishing_selectors.post_for_reader(slug=slug, user=request.user)
    form = _comment_form(request, thread_look(post), data=request.POST)
    form.is_valid()
    form.add_error(None, error.message)
    honeypot = HoneypotForm(request.POST, guarding=COMMENT_FORM).again()
    response = _page_response(request, post, form=form, honeypot=honeypot, status=error.status)
    return with_error_headers(response, error)


guard_comment = guarded_write(
    COMMENT, form=COMMENT_FORM, refused=_comment_refused, unless=_is_preview
)


@require_http_methods(["GET", "HEAD", "POST"])
@guard_comment
def post_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The post and its discussion. The comment form posts here too, so that a preview or an
    error is shown at the post's own address and the page's relative links keep working."""
    if request.method == "POST":
        return _post_comment(request, slug)
    post = publishing_selectors.post_for_reader(slug=slug, user=request.user)
    return _page_response(request, post)


@require_POST
@guard_comment
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    return _post_comment(request, slug)


AWAITING_REVIEW = "Thank you. Your comment is waiting for a moderator's review."


def _post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    """Preview or post a comment; the write guard has let the request through."""
    post = publishing_selectors.post_for_reader(slug=slug, user=request.user)
    settings = DiscussionSettings.current()
    try:
        services.check_can_comment(user=request.user, post=post, settings=settings)
    except BroadsheetError as error:
        if error.code != "comments_closed":
            raise
        # Closed while the reader was writing: show the page, the reason and their text.
        messages.error(request, error.message)
        return _page_response(request, post, status=error.status)
    form = _comment_form(request, thread_look(post, settings), data=request.POST)
    honeypot = HoneypotForm(request.POST, guarding=COMMENT_FORM)
    if not form.is_valid():
        return _page_response(request, post, form=form, honeypot=honeypot.again(), status=422)
    data = form.cleaned_data
    if _is_preview(request):
        try:
            preview = _preview_fragment(
                request, post, subject=data.get("subject", ""), body=data["body"], data=data
            )
        except BroadsheetError as error:
            form.add_error(None, error.message)
            return _page_response(
                request, post, form=form, honeypot=honeypot.again(), status=error.status
            )
        return _page_response(
            request, post, form=form, honeypot=honeypot.again(), preview_html=preview
        )
    try:
        comment = services.post_comment(
            post=post,
            author=request.user,
            subject=data.get("subject", ""),
            body=data["body"],
            language=data["language"],
            parent_id=data.get("parent"),
            anonymous_name=data.get("name") or "",
            anonymous_email=data.get("email") or "",
            author_url=data.get("url") or "",
            submission_key=data.get("submission_key") or "",
            site=site_settings_of(request),
        )
    except BroadsheetError as error:
        form.add_error(None, error.message)
        response = _page_response(
            request, post, form=form, honeypot=honeypot.again(), status=error.status
        )
        return with_error_headers(response, error)
    if comment.state == CommentState.SPAM or (
        comment.state == CommentState.HELD and comment.author_id is None
    ):
        # Its author cannot see it in the thread. The same words whether the filter held it
        # or put it in the spam folder: a reader it misjudged is not accused, and a spammer
        # learns nothing to tune against (docs/moderation.md, "The spam folder").
        messages.info(request, AWAITING_REVIEW)
        return HttpResponseRedirect(post.get_absolute_url())
    return HttpResponseRedirect(comment.get_absolute_url())


def _preview_fragment(
    request: HttpRequest, post: Post, *, subject: str, body: str, data: dict[str, Any]
) -> str:
    """The comment exactly as the thread will show it, rendered by the same fragment."""
    typed_subject = subject
    subject, _, body_html = services.prepare_comment_text(subject=subject, body=body)
    thread = ThreadState.objects.filter(post=post).first()
    user = request.user
    row = CommentRow(
        id=0,
        parent_id=None,
        number=(thread.last_number if thread else 0) + 1,
        depth=0,
        subject=subject,
        body_html=body_html,
        author_username=user.get_username() if user.is_authenticated else None,
        author_name=data.get("name") or "",
        state=CommentState.VISIBLE,
        created=timezone.now(),
        edited=None,
        rating_average=None,
        rating_count=0,
        reply_count=0,
        language=comment_language(
            chosen=data["language"], subject=typed_subject, body_html=body_html
        ),
        author_display=getattr(user, "display_name", None),
        author_url="" if user.is_authenticated else data.get("url") or "",
    )
    return render_fragment(row, site_settings_of(request), thread_look(post)) + "</article>"


def _comment_or_404(comment_id: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("post", "author"), pk=comment_id)


def _edit_form(comment: Comment, *args: Any, **kwargs: Any) -> EditCommentForm:
    return EditCommentForm(
        *args, language=comment.language, subject=not thread_look(comment.post).blog, **kwargs
    )


def _subject_kept(comment: Comment) -> str:
    """The subject an edit without a subject field (Blog style) keeps: the author's own, or
    none, so that it is taken again from the new first words."""
    return "" if comment.subject == derived_subject(comment.body_html) else comment.subject


def _edit_refused(request: HttpRequest, error: BroadsheetError, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(comment_id)
    form = _edit_form(comment, request.POST)
    form.is_valid()
    form.add_error(None, error.message)
    response = render(request, "discussion/edit_comment.html", {"comment": comment, "form": form})
    response.status_code = error.status
    return with_error_headers(response, error)


@login_required
@guarded_write(COMMENT_EDIT, refused=_edit_refused)
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(comment_id)
    services.check_can_edit_comment(
        user=request.user, comment=comment, settings=DiscussionSettings.current()
    )
    refusal: BroadsheetError | None = None
    if request.method == "POST":
        form = _edit_form(comment, request.POST)
        if form.is_valid():
            try:
                services.edit_comment(
                    comment=comment,
                    editor=request.user,
                    subject=form.cleaned_data.get("subject", _subject_kept(comment)),
                    body=form.cleaned_data["body"],
                    language=form.cleaned_data["language"],
                    site=site_settings_of(request),
                )
            except BroadsheetError as error:
                form.add_error(None, error.message)
                refusal = error
            else:
                messages.success(request, "Your changes are saved.")
                return HttpResponseRedirect(comment.get_absolute_url())
    else:
        form = _edit_form(comment, initial={"subject": comment.subject, "body": comment.body})
    response = render(request, "discussion/edit_comment.html", {"comment": comment, "form": form})
    if refusal is not None:
        response.status_code = refusal.status
        with_error_headers(response, refusal)
    return response


@login_required
@guarded_write(COMMENT_DELETE)
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(comment_id)
    services.check_can_delete_comment(user=request.user, comment=comment)
    if request.method == "POST":
        services.delete_comment(comment=comment, user=request.user)
        messages.success(request, f"Comment #{comment.number} is deleted.")
        return HttpResponseRedirect(comment.post.get_absolute_url() + "#comments")
    return render(request, "discussion/delete_comment.html", {"comment": comment})


@require_POST
@guarded_write(RATING)
def rate_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.comment_seen_by(viewer=request.user, comment_id=comment_id)
    if comment is None:
        raise Http404
    raw = request.POST.get("value", "")
    value = None if raw == "clear" else _int_or_none(raw)
    if value is None and raw != "clear":
        raise InvalidInput("Choose a rating from 1 to 5.")
    if value == services.HIDE_RATING and request.POST.get("confirmed") != "1":
        # A 0 hides the comment once enough trusted readers give it: asked once more, as
        # thread.js asks in a dialog, so that a slip of the keyboard hides nothing.
        services.check_can_rate(user=request.user, comment=comment, value=value)
        return render(request, "discussion/confirm_hide_rating.html", {"comment": comment})
    if value is None:
        services.remove_rating(comment=comment, rater=request.user)
    else:
        services.rate_comment(comment=comment, rater=request.user, value=value)
    return HttpResponseRedirect(comment.get_absolute_url())


@require_POST
@guarded_write(THREAD_STATE)
def set_comments_open(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post, slug=slug)
    is_open = request.POST.get("open") == "1"
    services.set_comments_open(post=post, user=request.user, is_open=is_open)
    messages.success(request, "Comments are open again." if is_open else "Comments are closed.")
    return HttpResponseRedirect(post.get_absolute_url() + "#comments")


@require_http_methods(["GET", "HEAD"])
def reader_state(request: HttpRequest, slug: str) -> JsonResponse:
    """The signed-in reader's own parts of a post page, for thread.js to lay over the cached
    thread: their ratings, their comments, which of those they may still edit."""
    post = publishing_selectors.post_for_reader(slug=slug, user=request.user)
    settings = DiscussionSettings.current()
    parts = selectors.reader_parts(
        post=post, viewer=request.user, edit_minutes=settings.comment_edit_minutes
    )
    response = JsonResponse(parts)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD"])
def comment_page(request: HttpRequest, comment_id: int) -> HttpResponse:
    """One comment with every control its reader may use (reply, rate, flag, edit, delete):
    where the thread's Reply and Rate links lead without JavaScript, and a permalink."""
    comment = selectors.comment_seen_by(viewer=request.user, comment_id=comment_id)
    if comment is None:
        raise services.no_such_comment(comment_id)
    post = comment.post
    if not publishing_selectors.is_visible(post) and not can_edit_posts(request.user):
        raise services.no_such_comment(comment_id)
    site = site_settings_of(request)
    settings = DiscussionSettings.current()
    look = thread_look(post, settings)
    user = request.user
    closed_reason = services.comments_closed_reason(post=post, settings=settings)
    can_reply = (
        closed_reason is None
        and comment.state == CommentState.VISIBLE
        and (user.is_authenticated or settings.allow_anonymous_comments)
    )
    own = user.is_authenticated and comment.author_id == user.pk
    try:
        services.check_can_rate(
            user=user, comment=comment, value=services.HIGHEST_RATING, settings=settings
        )
        can_rate = True
    except BroadsheetError:
        can_rate = False
    own_rating = None
    if can_rate:
        own_rating = (
            Rating.objects.filter(comment=comment, rater_id=user.pk)
            .values_list("value", flat=True)
            .first()
        )
    try:
        services.check_can_edit_comment(user=user, comment=comment, settings=settings)
        can_edit = True
    except BroadsheetError:
        can_edit = False
    try:
        services.check_can_delete_comment(user=user, comment=comment)
        can_delete = comment.state != CommentState.DELETED
    except BroadsheetError:
        can_delete = False
    row = selectors.comment_row(comment_id=comment.pk)
    assert row is not None  # just read
    form = _comment_form(request, look, initial={"parent": comment.pk}) if can_reply else None
    return render(
        request,
        "discussion/comment_page.html",
        {
            "post": post,
            "comment": comment,
            "comment_html": render_fragment(row, site, look) + "</article>",
            "parent": comment.parent if comment.parent_id else None,
            "closed_reason": closed_reason,
            "form": form,
            "honeypot": HoneypotForm(guarding=COMMENT_FORM),
            "reply_to": comment,
            "preview_html": "",
            "blog": look.blog,
            "can_rate": can_rate,
            "own_rating": own_rating,
            "viewer_trusted": is_trusted(user),
            "can_flag": user.is_authenticated
            and not own
            and comment.state in (CommentState.VISIBLE, CommentState.HIDDEN),
            "can_edit": can_edit,
            "can_delete": can_delete,
        },
    )
