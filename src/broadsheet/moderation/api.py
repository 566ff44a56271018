"""The moderation API: the queue and actions for moderators, flags for readers, the public log.

Mounted by api/api.py. Endpoints parse, load, call one service of moderation.services (which
checks the caller's permission itself) and render. No `from __future__ import annotations`:
django-ninja reads the annotations at import time.
"""

from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from broadsheet.accounts.permissions import check_can_moderate
from broadsheet.api.auth import guarded, signed_in_user
from broadsheet.api.errors import error_responses
from broadsheet.api.inputs import BodyIn, NumberedPages
from broadsheet.discussion import services as discussion_services
from broadsheet.discussion.api import CommentId
from broadsheet.discussion.models import Comment
from broadsheet.guard.ratelimits import FLAG, MODERATION
from broadsheet.moderation import selectors, services
from broadsheet.moderation.models import MAX_REASON_LENGTH, Flag, ModerationAction

LOG_PAGE_SIZE = 50

router = Router(tags=["moderation"])


class QueueItemOut(Schema):
    id: int
    number: int
    post_id: int
    post_title: str
    url: str
    author: str | None = Field(description="The username, or the name an anonymous commenter gave.")
    author_display: str = Field(
        description="The name the site shows: the account's display name (its username when "
        "none is set), or the name an anonymous commenter gave."
    )
    language: str | None = Field(
        description="The comment's BCP 47 language tag; null when it could not be told."
    )
    subject: str
    body_html: str
    state: str
    reasons: list[str]
    spam_score: float | None
    created: datetime


class OutcomeOut(Schema):
    changed: bool
    message: str
    state: str | None


class FlagIn(BodyIn):
    reason: Literal["spam", "abuse", "off_topic", "other"]
    note: str = Field("", max_length=MAX_REASON_LENGTH)


class FlagOut(Schema):
    id: int
    comment: int
    reason: str


class ActionIn(BodyIn):
    reason: str = Field("", max_length=MAX_REASON_LENGTH)


class LogEntryOut(Schema):
    created: datetime
    moderator: str | None
    action: str
    target_type: str
    target_label: str
    target_url: str
    reason: str

    @staticmethod
    def resolve_moderator(entry: ModerationAction) -> str | None:
        return entry.moderator.username if entry.moderator else None

    @staticmethod
    def resolve_action(entry: ModerationAction) -> str:
        return str(entry.action)


@router.get(
    "/moderation/queue",
    response={200: list[QueueItemOut], **error_responses(401, 403, 429)},
    summary="The moderation queue",
    description="Held and flagged comments, oldest first, with the reasons (moderators only).",
)
def moderation_queue(request: HttpRequest) -> list[dict[str, Any]]:
    check_can_moderate(signed_in_user(request))
    return [_comment_item(request, item.comment, item.reasons) for item in selectors.queue_items()]


def _comment_item(request: HttpRequest, comment: Comment, reasons: list[str]) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "number": comment.number,
        "post_id": comment.post_id,
        "post_title": comment.post.title,
        "url": request.build_absolute_uri(comment.get_absolute_url()),
        "author": comment.author.username if comment.author else comment.author_name or None,
        "author_display": comment.author_display_name,
        "language": comment.language or None,
        "subject": comment.subject,
        "body_html": comment.body_html,
        "state": comment.state,
        "reasons": reasons,
        "spam_score": comment.spam_score,
        "created": comment.created,
    }


class SpamItemOut(QueueItemOut):
    rejected_by: str | None = Field(description="The moderator; null when the filter rejected it.")


@router.get(
    "/moderation/spam",
    response={200: list[SpamItemOut], **error_responses(401, 403, 429)},
    summary="The spam folder",
    description=(
        "Comments rejected as spam, by the filter or a moderator, newest first (moderators "
        "only). They are removed after 30 days; `POST /moderation/comments/{id}/not_spam` "
        "publishes one."
    ),
)
def spam_folder(request: HttpRequest) -> list[dict[str, Any]]:
    check_can_moderate(signed_in_user(request))
    return [
        {
            **_comment_item(request, comment, comment.hold_reasons),
            "rejected_by": comment.moderated_by.username if comment.moderated_by else None,
        }
        for comment in selectors.spam_folder_items()
    ]


@router.post(
    "/moderation/comments/{int:comment_id}/{action}",
    auth=guarded(MODERATION),
    response={200: OutcomeOut, **error_responses(400, 401, 403, 404, 413, 422, 429)},
    summary="Act on a comment",
    description=(
        "approve, reject (as spam: into the spam folder), not_spam (out of the spam folder, "
        "published), delete, hide or unhide. Acting on a missing or already "
        "moderated comment changes nothing and says so (`changed`: false)."
    ),
)
def moderate(
    request: HttpRequest,
    comment_id: CommentId,
    action: Literal["approve", "reject", "not_spam", "delete", "hide", "unhide"],
    payload: ActionIn | None = None,
) -> services.Outcome:
    moderator = signed_in_user(request)
    return services.moderate_comment(
        comment_id=comment_id,
        moderator=moderator,
        action=action,
        reason=payload.reason if payload else "",
    )


@router.post(
    "/comments/{int:comment_id}/flag",
    auth=guarded(FLAG),
    response={201: FlagOut, **error_responses(400, 401, 403, 404, 409, 413, 422, 429)},
    summary="Flag a comment",
    description="Asks the moderators to look at a comment; one flag per reader and comment.",
)
def flag(request: HttpRequest, comment_id: CommentId, payload: FlagIn) -> Status[FlagOut]:
    reporter = signed_in_user(request)
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise discussion_services.no_such_comment(comment_id)
    created: Flag = services.flag_comment(
        comment=comment, reporter=reporter, reason=payload.reason, note=payload.note
    )
    return Status(201, FlagOut(id=created.pk, comment=comment.pk, reason=created.reason))


@router.get(
    "/moderation/log",
    response={200: list[LogEntryOut], **error_responses(422)},
    auth=None,
    summary="The public moderation log",
    description=f"Every moderator action, newest first, {LOG_PAGE_SIZE} a page (`?page=`).",
)
@paginate(NumberedPages, page_size=LOG_PAGE_SIZE)
def moderation_log(request: HttpRequest) -> QuerySet[ModerationAction]:
    return selectors.public_log()
