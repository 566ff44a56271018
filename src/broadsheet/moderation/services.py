"""Moderators' actions on comments, readers' flags, and bans. Each action is logged publicly.

Two moderators acting on one comment at once: the comment row is locked, the first action
wins, and the second is told what happened instead of acting again (no error page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.accounts.permissions import Actor, check_can_moderate, is_moderator, signed_in
from broadsheet.discussion import services as discussion
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.errors import Conflict, InvalidInput, NotAllowed
from broadsheet.guard.bans import active_ban_for, ban_message, check_not_banned
from broadsheet.guard.models import MAX_BAN_REASON_LENGTH, Ban, validate_network
from broadsheet.input_text import one_line
from broadsheet.moderation.log import comment_label, record_action
from broadsheet.moderation.models import Flag, ModerationAction
from broadsheet.moderation.selectors import QUEUE_SHORTCUTS
from broadsheet.screening.spam import record_moderation_decision

COMMENT_ACTIONS = ("approve", "reject", "not_spam", "delete", "hide", "unhide")
# Actions that take a comment out of the thread: the queue asks before them, or offers Undo.
DESTRUCTIVE_ACTIONS = frozenset({"reject", "delete"})
# The queue's action on a comment's author rather than the comment (ban_comment_authors):
# always confirmed on a page of its own, which asks the reason the reader will be told.
BAN_AUTHOR = "ban"
# How long a ban from the queue lasts, as the confirmation page offers it (0: for good).
BAN_DAYS = (0, 30, 7, 1)
# Long enough for a moderator back from a holiday to find a genuine comment the filter
# rejected; short enough that the folder does not keep spam's text for good.
SPAM_KEPT_DAYS = 30


@dataclass(frozen=True)
class Outcome:
    changed: bool
    message: str
    state: str | None = None


def _already(comment: Comment, what: str) -> Outcome:
    who = comment.moderated_by.username if comment.moderated_by else "someone"
    when = (
        f" at {timezone.localtime(comment.moderated_at):%H:%M:%S}" if comment.moderated_at else ""
    )
    return Outcome(
        False, f"Comment #{comment.number} was already {what} by {who}{when}.", comment.state
    )


def _settle(comment: Comment, *, moderator: User, state: CommentState) -> Comment:
    """Discussion moves the comment to its new state; the comment's open flags are settled."""
    settled = discussion.set_comment_state(comment=comment, state=state, moderator=moderator)
    Flag.objects.filter(comment=comment, resolved__isnull=True).update(resolved=timezone.now())
    return settled


@transaction.atomic
def moderate_comment(
    *, comment_id: int, moderator: Actor, action: str, reason: str = ""
) -> Outcome:
    """Approve, reject as spam, delete, hide or unhide one comment."""
    acting = check_can_moderate(moderator)
    if action not in COMMENT_ACTIONS:
        raise InvalidInput(f"Unknown action {action!r}; use one of {', '.join(COMMENT_ACTIONS)}.")
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("post", "moderated_by", "author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return Outcome(False, f"Comment {comment_id} no longer exists; nothing to do.")
    if comment.state == CommentState.DELETED:
        return _already(comment, "removed")
    label, url = comment_label(comment), comment.get_absolute_url()
    flagged = Flag.objects.filter(comment=comment, resolved__isnull=True).exists()

    if action == "approve":
        if comment.state != CommentState.HELD and not flagged:
            return _already(comment, "approved")
        _learn(comment, is_spam=False)
        comment = _settle(comment, moderator=acting, state=CommentState.VISIBLE)
    elif action == "not_spam":
        if comment.state != CommentState.SPAM:
            return _already(comment, "restored")
        _learn(comment, is_spam=False)
        comment = _settle(comment, moderator=acting, state=CommentState.VISIBLE)
    elif action == "hide":
        if comment.state == CommentState.HIDDEN:
            return _already(comment, "hidden")
        comment = _settle(comment, moderator=acting, state=CommentState.HIDDEN)
    elif action == "unhide":
        if comment.state != CommentState.HIDDEN:
            return _already(comment, "shown")
        comment = _settle(comment, moderator=acting, state=CommentState.VISIBLE)
    elif action == "reject":
        # Into the spam folder, text kept for SPAM_KEPT_DAYS so "not spam" can restore it.
        if comment.state == CommentState.SPAM:
            return _already(comment, "rejected as spam")
        _learn(comment, is_spam=True)
        comment = _settle(comment, moderator=acting, state=CommentState.SPAM)
    else:  # delete: the text goes, the place in the tree stays
        comment = _settle(comment, moderator=acting, state=CommentState.DELETED)
    record_action(
        moderator=acting,
        action=action,
        target_type="comment",
        target_id=comment.pk,
        target_label=label,
        target_url=url,
        reason=reason,
    )
    verb = dict(ModerationAction.Kind.choices)[action]
    return Outcome(True, f"You {verb} comment #{comment.number}.", comment.state)


def _learn(comment: Comment, *, is_spam: bool) -> None:
    """Feed the moderator's decision to the spam filter: a training example, and the
    comment's link domains, author URL and e-mail remembered (spam) or forgotten (not spam)."""
    author = comment.author
    record_moderation_decision(
        text=f"{comment.subject}\n{comment.body}",
        is_spam=is_spam,
        author_name=author.shown_name if author is not None else comment.author_name,
        author_url=comment.author_url,
        email=author.email if author is not None else comment.author_email,
    )


def remove_old_spam(*, days: int = SPAM_KEPT_DAYS) -> int:
    """Empty the spam folder of comments that have been in it longer than `days`: their text
    is removed (discussion's delete), and the spam folder no longer lists them. Returns how
    many. Run daily by the worker, and by `broadsheet manage remove_old_spam`."""
    cutoff = timezone.now() - timedelta(days=days)
    old = (
        Comment.objects.filter(state=CommentState.SPAM)
        .annotate(since=Coalesce("moderated_at", "created"))
        .filter(since__lt=cutoff)
        .values_list("pk", flat=True)
    )
    removed = 0
    for comment_id in list(old):
        with transaction.atomic():
            comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
            if comment is None or comment.state != CommentState.SPAM:
                continue  # restored or removed since the list was read
            discussion.set_comment_state(comment=comment, state=CommentState.DELETED)
            removed += 1
    return removed


@transaction.atomic
def moderate_comments(
    *, comment_ids: list[int], moderator: Actor, action: str, reason: str = ""
) -> list[Outcome]:
    """The same action on several comments (the queue's bulk actions)."""
    return [
        moderate_comment(comment_id=comment_id, moderator=moderator, action=action, reason=reason)
        for comment_id in comment_ids
    ]


@transaction.atomic
def save_queue_shortcuts(*, moderator: Actor, enabled: bool) -> None:
    """Turn the queue's single-key shortcuts on or off for this moderator (WCAG 2.1.4).

    The row is locked: `preferences` holds other choices too (the thread's display and
    sort), written by discussion, and a read-modify-write must not drop one of them.
    """
    acting = check_can_moderate(moderator)
    account = User.objects.select_for_update().only("preferences").get(pk=acting.pk)
    preferences = dict(account.preferences or {})
    preferences[QUEUE_SHORTCUTS] = enabled
    User.objects.filter(pk=acting.pk).update(preferences=preferences)
    acting.preferences = preferences


@transaction.atomic
def flag_comment(*, comment: Comment, reporter: Actor, reason: str, note: str = "") -> Flag:
    """A reader asks for a moderator's look; a reader flags a comment once."""
    account = signed_in(reporter)
    if account is None:
        raise NotAllowed("Log in to flag comments.", code="login_required", status=401)
    discussion.check_can_see(user=account, comment=comment)
    check_not_banned(user=account)
    if reason not in Flag.Reason.values:
        choices = ", ".join(Flag.Reason.values)
        raise InvalidInput(f"Choose why you flag this comment: {choices}.")
    if comment.author_id == account.pk:
        raise NotAllowed("You cannot flag your own comment; edit or delete it instead.")
    if comment.state == CommentState.DELETED:
        raise NotAllowed("That comment has been removed already.")
    if Flag.objects.filter(comment=comment, reporter=account).exists():
        raise Conflict("You flagged this comment already; a moderator will look at it.")
    try:
        with transaction.atomic():
            return Flag.objects.create(
                comment=comment, reporter=account, reason=reason, note=note.strip()[:500]
            )
    except IntegrityError as error:
        raise Conflict("You flagged this comment already; a moderator will look at it.") from error


def check_can_ban(*, moderator: Actor, user: User) -> User:
    """The moderator's account, or NotAllowed: moderators ban readers, never each other."""
    acting = check_can_moderate(moderator)
    if is_moderator(user):
        raise NotAllowed("Moderators cannot be banned; change their role first.")
    return acting


def ban_reason(reason: str) -> str:
    """The reason as the banned reader and the public log read it, or InvalidInput."""
    reason = one_line(reason)
    if not reason:
        raise InvalidInput("Give the reason for the ban: the reader is told.", code="no_reason")
    if len(reason) > MAX_BAN_REASON_LENGTH:
        raise InvalidInput(
            f"The reason has {len(reason)} characters; the limit is {MAX_BAN_REASON_LENGTH}."
        )
    return reason


@transaction.atomic
def ban_reader(*, user: User, moderator: Actor, reason: str, until: datetime | None = None) -> Ban:
    acting = check_can_ban(moderator=moderator, user=user)
    reason = ban_reason(reason)
    ban = Ban.objects.create(user=user, until=until, reason=reason, created_by=acting)
    record_action(
        moderator=acting,
        action="ban",
        target_type="user",
        target_id=user.pk,
        target_label=f"reader {user.username}" + (f" until {until:%Y-%m-%d}" if until else ""),
        reason=reason,
    )
    return ban


@transaction.atomic
def ban_comment_authors(
    *, comment_ids: list[int], moderator: Actor, reason: str, until: datetime | None = None
) -> list[Outcome]:
    """Ban the readers who wrote these comments (the queue's "Ban author"), once each.

    The comments stay where they are: what to do with them is a decision of its own (approve,
    reject, delete). A comment without an account has nobody to ban, and a reader banned
    already keeps that ban; both are said rather than refused, as the queue says of comments
    another moderator dealt with. Each ban is logged publicly with its reason, never the
    comment's words; the reader is told the reason when they next try to write.
    """
    acting = check_can_moderate(moderator)
    comments = (
        Comment.objects.filter(pk__in=comment_ids).select_related("author").order_by("created")
    )
    outcomes: list[Outcome] = []
    banned: dict[int, Ban] = {}
    for comment in comments:
        author = comment.author
        if author is None:
            outcomes.append(
                Outcome(
                    False,
                    f"Comment #{comment.number} was written without an account: there is "
                    "nobody to ban. Reject or delete it instead.",
                    comment.state,
                )
            )
            continue
        if author.pk in banned:
            continue
        existing = active_ban_for(author)
        if existing is not None:
            outcomes.append(
                Outcome(
                    False,
                    f"{author.username} is banned already ({ban_message(existing)}).",
                    comment.state,
                )
            )
            continue
        check_can_ban(moderator=acting, user=author)
        banned[author.pk] = ban_reader(user=author, moderator=acting, reason=reason, until=until)
        how_long = f"until {timezone.localtime(until):%Y-%m-%d}" if until else "for good"
        outcomes.append(
            Outcome(
                True,
                f"You banned {author.username} {how_long}; they are told: "
                f"{banned[author.pk].reason}",
                comment.state,
            )
        )
    if not outcomes:
        outcomes.append(Outcome(False, "Those comments no longer exist; nothing to do."))
    return outcomes


@transaction.atomic
def ban_network(
    *, network: str, moderator: Actor, reason: str, until: datetime | None = None
) -> Ban:
    acting = check_can_moderate(moderator)
    try:
        validate_network(network)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    ban = Ban.objects.create(network=network, until=until, reason=reason.strip(), created_by=acting)
    record_action(
        moderator=acting,
        action="ban",
        target_type="network",
        target_id=ban.pk,
        target_label="an address range",  # the public log does not publish addresses
        reason=reason,
    )
    return ban


@transaction.atomic
def lift_ban(*, ban: Ban, moderator: Actor, reason: str = "") -> Ban:
    acting = check_can_moderate(moderator)
    if ban.lifted is not None:
        return ban
    ban.lifted = timezone.now()
    ban.save(update_fields=["lifted"])
    record_action(
        moderator=acting,
        action="unban",
        target_type="user" if ban.user_id else "network",
        target_id=ban.user_id or ban.pk,
        target_label=f"reader {ban.user.username}" if ban.user else "an address range",
        reason=reason,
    )
    return ban
