"""The moderation queue and the public log; readers' flags."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from broadsheet.accounts.models import User
from broadsheet.accounts.permissions import check_can_moderate
from broadsheet.discussion.models import Comment
from broadsheet.discussion.selectors import comment_seen_by
from broadsheet.errors import BroadsheetError, InvalidInput, with_error_headers
from broadsheet.guard.gate import guarded_write
from broadsheet.guard.ratelimits import FLAG, MODERATION
from broadsheet.moderation import selectors, services
from broadsheet.moderation.models import Flag

LOG_PAGE_SIZE = 50
# How long the queue's script holds a rejection or deletion back, offering Undo, before it
# sends it: time to notice a slipped key and take it back (removals must be reversible or
# confirmed, WCAG 3.3.4). queue.js never waits less than 10 seconds.
UNDO_SECONDS = 10


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return HttpResponseRedirect(target)


def _wants_json(request: HttpRequest) -> bool:
    """The queue's script asks for JSON (`Accept: application/json`); forms get pages."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _json_error(error: BroadsheetError) -> JsonResponse:
    response = JsonResponse({"error": error.code, "detail": error.message}, status=error.status)
    return with_error_headers(response, error)


def _refused(request: HttpRequest, error: BroadsheetError) -> HttpResponse:
    """The write guard's refusal: JSON for the queue's script, the site's error page else."""
    if _wants_json(request):
        return _json_error(error)
    raise error


def _queue_page(
    request: HttpRequest, moderator: User, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "moderation/queue.html",
        {
            "items": selectors.queue_items(),
            "total": selectors.queue_count(),
            "shortcuts": selectors.queue_shortcuts_enabled(moderator),
            "undo_seconds": UNDO_SECONDS,
            "error": error,
        },
        status=status,
    )


def _confirm_page(
    request: HttpRequest,
    *,
    comment_ids: list[int],
    action: str,
    post_to: str,
    error: str = "",
    status: int = 200,
) -> HttpResponse | None:
    """Without the queue's script (which offers Undo instead), removing asks first; banning
    always does, on this page, which asks the reason the reader will be told.

    None when nothing is left to act on (removed already, or written without an account to
    ban): the action then runs and says so.
    """
    comments = selectors.comments_to_confirm(comment_ids)
    banning = action == services.BAN_AUTHOR
    if not comments or (banning and not any(comment.author_id for comment in comments)):
        return None
    return render(
        request,
        "moderation/confirm.html",
        {
            "comments": comments,
            "action": action,
            "banning": banning,
            "ban_days": services.BAN_DAYS,
            "days": request.POST.get("days", str(services.BAN_DAYS[0])),
            "post_to": post_to,
            "next": request.POST.get("next", ""),
            "reason": request.POST.get("reason", ""),
            "error": error,
        },
        status=status,
    )


def _needs_confirmation(request: HttpRequest, action: str) -> bool:
    asks_first = action in services.DESTRUCTIVE_ACTIONS or action == services.BAN_AUTHOR
    return asks_first and "confirmed" not in request.POST


def _ban_until(request: HttpRequest) -> datetime | None:
    """The end of a ban from the confirmation page's choice of days (0: for good)."""
    raw = request.POST.get("days", "0")
    days = int(raw) if raw.isdigit() else -1
    if days not in services.BAN_DAYS:
        raise InvalidInput("Choose how long the ban lasts.")
    return timezone.now() + timedelta(days=days) if days else None


def _act(request: HttpRequest, *, comment_ids: list[int], action: str) -> list[services.Outcome]:
    """One of the queue's actions on the chosen comments: on the comments, or a ban of the
    readers who wrote them."""
    reason = request.POST.get("reason", "")
    if action == services.BAN_AUTHOR:
        return services.ban_comment_authors(
            comment_ids=comment_ids,
            moderator=request.user,
            reason=reason,
            until=_ban_until(request),
        )
    return services.moderate_comments(
        comment_ids=comment_ids, moderator=request.user, action=action, reason=reason
    )


def _ask_again(
    request: HttpRequest, error: InvalidInput, *, comment_ids: list[int], action: str, post_to: str
) -> HttpResponse | None:
    """A confirmed ban that lacked something (the reason): its page again, saying what."""
    if action != services.BAN_AUTHOR:
        return None
    return _confirm_page(
        request,
        comment_ids=comment_ids,
        action=action,
        post_to=post_to,
        error=error.message,
        status=error.status,
    )


# What each bulk action of the spam folder may do: restore, or remove at once.
SPAM_FOLDER_ACTIONS = ("not_spam", "delete")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@guarded_write(MODERATION, refused=_refused)
def queue(request: HttpRequest) -> HttpResponse:
    moderator = check_can_moderate(request.user)
    if request.method != "POST":
        return _queue_page(request, moderator)
    ids = [int(value) for value in request.POST.getlist("comment") if value.isdigit()]
    action = request.POST.get("action", "")
    as_json = _wants_json(request)  # the queue's script, which gave Undo time before sending
    try:
        if not ids:
            raise InvalidInput("Select at least one comment first.", code="nothing_selected")
        if _needs_confirmation(request, action):
            if as_json:
                raise InvalidInput("Confirm this action first.", code="unconfirmed")
            confirm = _confirm_page(
                request, comment_ids=ids, action=action, post_to=reverse("moderation:queue")
            )
            if confirm is not None:
                return confirm
        outcomes = _act(request, comment_ids=ids, action=action)
    except InvalidInput as error:
        if as_json:
            return _json_error(error)
        again = _ask_again(
            request, error, comment_ids=ids, action=action, post_to=reverse("moderation:queue")
        )
        if again is not None:
            return again
        return _queue_page(request, moderator, error=error.message, status=error.status)
    if as_json:
        answers = [
            {"comment": comment_id, **asdict(outcome)}
            for comment_id, outcome in zip(ids, outcomes, strict=True)
        ]
        return JsonResponse({"outcomes": answers})
    for outcome in outcomes:
        (messages.success if outcome.changed else messages.info)(request, outcome.message)
    return HttpResponseRedirect(reverse("moderation:queue"))


def _act_on_selected(request: HttpRequest) -> None:
    """A bulk action on the comments ticked in a list (the queue, the spam folder)."""
    ids = [int(value) for value in request.POST.getlist("comment") if value.isdigit()]
    if not ids:
        messages.info(request, "Select at least one comment first.")
        return
    outcomes = services.moderate_comments(
        comment_ids=ids, moderator=request.user, action=request.POST.get("action", "")
    )
    for outcome in outcomes:
        (messages.success if outcome.changed else messages.info)(request, outcome.message)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@guarded_write(MODERATION)
def spam_folder(request: HttpRequest) -> HttpResponse:
    """Comments rejected as spam, kept for SPAM_KEPT_DAYS days; "Not spam" publishes one."""
    check_can_moderate(request.user)
    if request.method == "POST":
        if request.POST.get("action", "") in SPAM_FOLDER_ACTIONS:
            _act_on_selected(request)
        else:
            messages.info(request, "Choose Not spam or Delete.")
        return HttpResponseRedirect(reverse("moderation:spam"))
    return render(
        request,
        "moderation/spam.html",
        {
            "comments": selectors.spam_folder_items(),
            "total": selectors.spam_folder_count(),
            "kept_days": services.SPAM_KEPT_DAYS,
        },
    )


@require_POST
@login_required
@guarded_write(MODERATION)
def comment_action(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    if _needs_confirmation(request, action):
        check_can_moderate(request.user)
        confirm = _confirm_page(
            request, comment_ids=[comment_id], action=action, post_to=request.path
        )
        if confirm is not None:
            return confirm
    try:
        outcomes = _act(request, comment_ids=[comment_id], action=action)
    except InvalidInput as error:
        again = _ask_again(
            request, error, comment_ids=[comment_id], action=action, post_to=request.path
        )
        if again is None:
            raise
        return again
    for outcome in outcomes:
        (messages.success if outcome.changed else messages.info)(request, outcome.message)
    return _back(request, reverse("moderation:queue"))


@require_POST
@login_required
@guarded_write(MODERATION, refused=_refused)
def queue_shortcuts(request: HttpRequest) -> HttpResponse:
    """The help panel's switch for the queue's single-key shortcuts (a checkbox)."""
    enabled = "queue_shortcuts" in request.POST
    services.save_queue_shortcuts(moderator=request.user, enabled=enabled)
    message = f"Single-key shortcuts are {'on' if enabled else 'off'} in the queue."
    if _wants_json(request):
        return JsonResponse({"queue_shortcuts": enabled, "message": message})
    messages.success(request, message)
    return HttpResponseRedirect(reverse("moderation:queue"))


@require_safe
def log(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_log(), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"page": page})


def _flagged_comment(request: HttpRequest, comment_id: int) -> Comment:
    """The comment a reader flags: one they may see, or 404 as for one that does not exist."""
    comment = comment_seen_by(viewer=request.user, comment_id=comment_id)
    if comment is None:
        raise Http404
    return comment


def _flag_refused(request: HttpRequest, error: BroadsheetError, comment_id: int) -> HttpResponse:
    comment = _flagged_comment(request, comment_id)
    messages.info(request, error.message)
    return with_error_headers(HttpResponseRedirect(comment.get_absolute_url()), error)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@guarded_write(FLAG, refused=_flag_refused)
def flag(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _flagged_comment(request, comment_id)
    if request.method == "POST":
        try:
            services.flag_comment(
                comment=comment,
                reporter=request.user,
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""),
            )
        except BroadsheetError as error:
            if error.status == 422:
                return render(
                    request,
                    "moderation/flag.html",
                    {
                        "comment": comment,
                        "reasons": Flag.Reason.choices,
                        "error": error.message,
                        "note": request.POST.get("note", ""),
                    },
                    status=422,
                )
            messages.info(request, error.message)
        else:
            messages.success(request, "Thank you: a moderator will look at this comment.")
        return HttpResponseRedirect(comment.get_absolute_url())
    return render(
        request, "moderation/flag.html", {"comment": comment, "reasons": Flag.Reason.choices}
    )
