"""Writes on the discussion: post, edit and delete comments; rate them; close threads.

Every function checks permission itself (check_* raise a domain error), takes its inputs as
keyword arguments, and runs in one transaction, so the HTML views, the API and the demo
builder cannot diverge.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.accounts.permissions import is_moderator, is_trusted
from broadsheet.discussion.fragments import FRAGMENT_FIELDS, refresh_fragment
from broadsheet.discussion.models import (
    MAX_ANONYMOUS_NAME_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_SUBJECT_LENGTH,
    Comment,
    CommentState,
    Rating,
    ThreadState,
)
from broadsheet.errors import InvalidInput, NotAllowed, NotFound
from broadsheet.guard.bans import check_not_banned
from broadsheet.markup import first_words, plain_text, render_comment_markdown
from broadsheet.moderation.log import record_action
from broadsheet.moderation.reputation import recompute_reputation
from broadsheet.publishing.models import Post, SiteSettings
from broadsheet.publishing.selectors import get_site_settings, is_visible
from broadsheet.screening.rules import AuthorFacts, screen_comment
from broadsheet.screening.spam import assess_spam

SUBJECT_FROM_BODY_LENGTH = 60  # long enough for a thought, short enough for a one-line entry
LOWEST_READER_RATING = 1
HIGHEST_RATING = 5
HIDE_RATING = 0  # reserved for trusted readers (community moderation)


def comments_closed_reason(*, post: Post, site: SiteSettings) -> str | None:
    """Why nobody may comment on this post now, or None when comments are open."""
    if not post.comments_open:
        return "Comments are closed."
    days = site.close_comments_after_days
    if days and post.publish_at and post.publish_at < timezone.now() - timedelta(days=days):
        return f"Comments are closed: comments close {days} days after a post is published."
    return None


def check_can_comment(*, user: Any, post: Post, site: SiteSettings) -> None:
    if not is_visible(post):
        raise NotFound("There is no post at this address.")
    reason = comments_closed_reason(post=post, site=site)
    if reason:
        raise NotAllowed(reason, code="comments_closed")
    if getattr(user, "is_authenticated", False):
        if not user.is_active:
            raise NotAllowed("This account is disabled.")
        check_not_banned(user=user)
        return
    if not site.allow_anonymous_comments:
        raise NotAllowed("Log in or register to comment.", code="login_required", status=401)


def prepare_comment_text(*, subject: str, body: str) -> tuple[str, str, str]:
    """The cleaned subject, body and sanitized HTML, or InvalidInput saying what is wrong."""
    body = body.strip()
    if not body:
        raise InvalidInput("The comment is empty: write something in the body.")
    if len(body) > MAX_COMMENT_LENGTH:
        raise InvalidInput(
            f"The comment has {len(body):,} characters; the limit is {MAX_COMMENT_LENGTH:,}."
        )
    subject = " ".join(subject.split())
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise InvalidInput(
            f"The subject has {len(subject)} characters; the limit is {MAX_SUBJECT_LENGTH}."
        )
    body_html = render_comment_markdown(body)
    if not subject:
        subject = first_words(plain_text(body_html), SUBJECT_FROM_BODY_LENGTH) or "(no subject)"
    return subject, body, body_html


def touch_thread(post_id: int) -> None:
    """Count the post's visible comments again and move the thread's cache version on."""
    visible = Comment.objects.filter(post_id=post_id, state=CommentState.VISIBLE).count()
    Post.objects.filter(pk=post_id).update(comment_count=visible)
    ThreadState.objects.filter(post_id=post_id).update(version=F("version") + 1)


def _author_facts(author: Any, registered: bool) -> AuthorFacts:
    if not registered:
        return AuthorFacts(
            is_anonymous=True, is_trusted=False, has_approved_comment=False, reputation=None
        )
    return AuthorFacts(
        is_anonymous=False,
        is_trusted=is_trusted(author),
        has_approved_comment=Comment.objects.filter(
            author=author, state=CommentState.VISIBLE
        ).exists(),
        reputation=author.reputation,
    )


def _anonymous_identity(name: str, email: str) -> tuple[str, str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Give a name to comment without an account.")
    if len(name) > MAX_ANONYMOUS_NAME_LENGTH:
        raise InvalidInput(f"The name is longer than {MAX_ANONYMOUS_NAME_LENGTH} characters.")
    try:
        validate_email(email.strip())
    except ValidationError as error:
        raise InvalidInput("Give a valid e-mail address (it is never shown).") from error
    return name, email.strip()


@transaction.atomic
def post_comment(
    *,
    post: Post,
    author: Any,
    subject: str,
    body: str,
    parent_id: int | None = None,
    anonymous_name: str = "",
    anonymous_email: str = "",
    submission_key: str = "",
    site: SiteSettings | None = None,
) -> Comment:
    """Add a comment (or a reply) to a post and give it the post's next number.

    A form submitted twice carries the same submission_key and gets the first comment back.
    """
    site = site or get_site_settings()
    check_can_comment(user=author, post=post, site=site)
    subject, body, body_html = prepare_comment_text(subject=subject, body=body)
    registered = bool(getattr(author, "is_authenticated", False))
    name, email = ("", "") if registered else _anonymous_identity(anonymous_name, anonymous_email)
    # The classifier scores the same form of text the queue teaches it (moderation.services).
    text = f"{subject}\n{body}"
    assessment = assess_spam(text=text)
    screening = screen_comment(
        text=text,
        author=_author_facts(author, registered),
        site=site,
        spam_score=assessment.score if assessment else None,
        spam_threshold=assessment.threshold if assessment else None,
    )
    if screening.refusal:
        raise InvalidInput(screening.refusal, code="refused")

    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id).first()
        if parent is None:
            raise InvalidInput("The comment you are replying to does not exist.")
        if parent.post_id != post.pk:
            raise InvalidInput("The comment you are replying to belongs to another post.")
        if parent.state == CommentState.DELETED:
            raise InvalidInput("The comment you are replying to has been deleted.")

    # Lock the thread's counter row: numbers are given one at a time and never reused.
    ThreadState.objects.get_or_create(post=post)
    thread = ThreadState.objects.select_for_update().get(post=post)
    submission_key = submission_key.strip()[:64]
    if submission_key:
        earlier = Comment.objects.filter(post=post, submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    thread.last_number += 1
    thread.save(update_fields=["last_number"])
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                post=post,
                parent=parent,
                number=thread.last_number,
                depth=parent.depth + 1 if parent else 0,
                subject=subject,
                body=body,
                body_html=body_html,
                author=author if registered else None,
                author_name=name,
                author_email=email,
                created=timezone.now(),
                submission_key=submission_key,
                state=CommentState.HELD if screening.held else CommentState.VISIBLE,
                hold_reasons=screening.hold_reasons,
                spam_score=assessment.score if assessment else None,
            )
    except IntegrityError:
        earlier = Comment.objects.filter(post=post, submission_key=submission_key).first()
        if submission_key and earlier is not None:
            return earlier
        raise
    refresh_fragment(comment, site)
    comment.save(update_fields=FRAGMENT_FIELDS)
    if parent is not None:
        Comment.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
    touch_thread(post.pk)
    return comment


def check_can_edit_comment(*, user: Any, comment: Comment, site: SiteSettings) -> None:
    if comment.state == CommentState.DELETED:
        raise NotAllowed("A deleted comment cannot be edited.")
    if is_moderator(user):
        return
    if not getattr(user, "is_authenticated", False) or comment.author_id != user.pk:
        raise NotAllowed("Only the author or a moderator may edit this comment.")
    window = timedelta(minutes=site.comment_edit_minutes)
    if timezone.now() > comment.created + window:
        raise NotAllowed(
            f"Comments can be edited for {site.comment_edit_minutes} minutes after posting; "
            "that time has passed."
        )


@transaction.atomic
def edit_comment(
    *, comment: Comment, editor: Any, subject: str, body: str, site: SiteSettings | None = None
) -> Comment:
    site = site or get_site_settings()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    check_can_edit_comment(user=editor, comment=comment, site=site)
    comment.subject, comment.body, comment.body_html = prepare_comment_text(
        subject=subject, body=body
    )
    comment.edited = timezone.now()
    if comment.author_id != getattr(editor, "pk", None):
        record_action(
            moderator=editor,
            action="edit",
            target_type="comment",
            target_id=comment.pk,
            target_label=f"comment #{comment.number} on “{comment.post.title}”",
            target_url=comment.get_absolute_url(),
        )
    refresh_fragment(comment, site)
    comment.save(update_fields=["subject", "body", "body_html", "edited", *FRAGMENT_FIELDS])
    touch_thread(comment.post_id)
    return comment


def check_can_delete_comment(*, user: Any, comment: Comment) -> None:
    if is_moderator(user):
        return
    if not getattr(user, "is_authenticated", False) or comment.author_id != user.pk:
        raise NotAllowed("Only the author or a moderator may delete this comment.")


@transaction.atomic
def delete_comment(*, comment: Comment, user: Any, site: SiteSettings | None = None) -> Comment:
    """Remove a comment's text. Replies stay in place under a "[deleted]" placeholder."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    check_can_delete_comment(user=user, comment=comment)
    if comment.state == CommentState.DELETED:
        return comment
    comment.state = CommentState.DELETED
    comment.subject = "[deleted]"
    comment.body = ""
    comment.body_html = ""
    comment.submission_key = ""
    refresh_fragment(comment, site or get_site_settings())
    comment.save(
        update_fields=["state", "subject", "body", "body_html", "submission_key", *FRAGMENT_FIELDS]
    )
    touch_thread(comment.post_id)
    return comment


def check_can_rate(*, user: Any, comment: Comment, value: int) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed("Log in to rate comments.", code="login_required", status=401)
    if comment.author_id == user.pk:
        raise NotAllowed("You cannot rate your own comment.")
    check_not_banned(user=user)
    trusted = is_trusted(user)
    rateable = {CommentState.VISIBLE, CommentState.HIDDEN} if trusted else {CommentState.VISIBLE}
    if comment.state not in rateable:
        raise NotAllowed("Only visible comments can be rated.")
    if value == HIDE_RATING:
        if not trusted:
            raise NotAllowed("A rating of 0 hides a comment and is for trusted readers only.")
        return
    if not LOWEST_READER_RATING <= value <= HIGHEST_RATING:
        raise InvalidInput(
            f"A rating is a whole number from {LOWEST_READER_RATING} to {HIGHEST_RATING}."
        )


def _store_rating_totals(comment: Comment) -> None:
    """Keep average and count on the comment, hide or show it by the community's ratings,
    and move its author's reputation."""
    site = get_site_settings()
    comment.rating_average = (
        comment.rating_sum / comment.rating_count if comment.rating_count else None
    )
    _apply_community_hiding(comment, site)
    refresh_fragment(comment, site)
    comment.save(
        update_fields=["rating_sum", "rating_count", "rating_average", "state", *FRAGMENT_FIELDS]
    )
    if comment.author_id is not None:
        recompute_reputation(user_id=comment.author_id, site=site)


def _apply_community_hiding(comment: Comment, site: SiteSettings) -> None:
    """Hide a comment rated below the site's threshold by enough readers; show it again when
    trusted readers rate it back up. A moderator's own hide (moderated_by set) is left alone."""
    below = (
        comment.rating_count >= site.hide_min_ratings
        and comment.rating_average is not None
        and comment.rating_average < site.hide_below_average
    )
    if below and comment.state == CommentState.VISIBLE:
        comment.state = CommentState.HIDDEN
    elif not below and comment.state == CommentState.HIDDEN and comment.moderated_by_id is None:
        comment.state = CommentState.VISIBLE


@transaction.atomic
def rate_comment(*, comment: Comment, rater: Any, value: int) -> Comment:
    """Give or change this reader's rating; the comment's average and count move with it."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    check_can_rate(user=rater, comment=comment, value=value)
    rating = Rating.objects.filter(comment=comment, rater=rater).first()
    if rating is None:
        Rating.objects.create(comment=comment, rater=rater, value=value)
        comment.rating_count += 1
        comment.rating_sum += value
    else:
        comment.rating_sum += value - rating.value
        rating.value = value
        rating.save(update_fields=["value", "updated"])
    _store_rating_totals(comment)
    touch_thread(comment.post_id)
    return comment


@transaction.atomic
def remove_rating(*, comment: Comment, rater: Any) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not getattr(rater, "is_authenticated", False):
        raise NotAllowed("Log in to rate comments.", code="login_required", status=401)
    rating = Rating.objects.filter(comment=comment, rater=rater).first()
    if rating is None:
        return comment
    comment.rating_count -= 1
    comment.rating_sum -= rating.value
    rating.delete()
    _store_rating_totals(comment)
    touch_thread(comment.post_id)
    return comment


def set_comments_open(*, post: Post, user: Any, is_open: bool, reason: str = "") -> None:
    """Editors close a thread (it stays readable) or open it again; the log shows it."""
    if not (getattr(user, "is_authenticated", False) and user.has_perm("publishing.change_post")):
        raise NotAllowed("Only editors may close or open a post's comments.")
    if post.comments_open != is_open:
        record_action(
            moderator=user,
            action="open" if is_open else "close",
            target_type="post",
            target_id=post.pk,
            target_label=f"“{post.title}”",
            target_url=post.get_absolute_url(),
            reason=reason,
        )
    Post.objects.filter(pk=post.pk).update(comments_open=is_open)
    post.comments_open = is_open
    ThreadState.objects.get_or_create(post=post)
    ThreadState.objects.filter(post=post).update(version=F("version") + 1)


def save_display_preferences(*, user: User, display: str, sort: str) -> None:
    preferences = dict(user.preferences or {})
    if preferences.get("display") == display and preferences.get("sort") == sort:
        return
    preferences.update(display=display, sort=sort)
    User.objects.filter(pk=user.pk).update(preferences=preferences)
    user.preferences = preferences
