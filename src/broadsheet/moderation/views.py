"""The moderation queue and the public log; readers' flags."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from broadsheet.accounts.permissions import check_can_moderate
from broadsheet.discussion.models import Comment
from broadsheet.errors import BroadsheetError, with_error_headers
from broadsheet.guard.gate import guarded_write
from broadsheet.guard.ratelimits import FLAG, MODERATION
from broadsheet.moderation import selectors, services
from broadsheet.moderation.models import Flag

LOG_PAGE_SIZE = 50


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return HttpResponseRedirect(target)


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
def queue(request: HttpRequest) -> HttpResponse:
    check_can_moderate(request.user)
    if request.method == "POST":
        _act_on_selected(request)
        return HttpResponseRedirect(reverse("moderation:queue"))
    return render(
        request,
        "moderation/queue.html",
        {"items": selectors.queue_items(), "total": selectors.queue_count()},
    )


# What each bulk action of the spam folder may do: restore, or remove at once.
SPAM_FOLDER_ACTIONS = ("not_spam", "delete")


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
    outcome = services.moderate_comment(
        comment_id=comment_id,
        moderator=request.user,
        action=action,
        reason=request.POST.get("reason", ""),
    )
    (messages.success if outcome.changed else messages.info)(request, outcome.message)
    return _back(request, reverse("moderation:queue"))


@require_safe
def log(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_log(), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"page": page})


def _flag_refused(request: HttpRequest, error: BroadsheetError, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=comment_id)
    messages.info(request, error.message)
    return with_error_headers(HttpResponseRedirect(comment.get_absolute_url()), error)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@guarded_write(FLAG, refused=_flag_refused)
def flag(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=comment_id)
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
                messages.error(request, error.message)
                return render(
                    request,
                    "moderation/flag.html",
                    {"comment": comment, "reasons": Flag.Reason.choices},
                    status=422,
                )
            messages.info(request, error.message)
        else:
            messages.success(request, "Thank you: a moderator will look at this comment.")
        return HttpResponseRedirect(comment.get_absolute_url())
    return render(
        request, "moderation/flag.html", {"comment": comment, "reasons": Flag.Reason.choices}
    )
