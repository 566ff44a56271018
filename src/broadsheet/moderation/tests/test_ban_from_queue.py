"""Banning a comment's author from the queue: only moderators, always with a reason and a
confirmation page, logged publicly, rate-limited; the banned reader is told why."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion.models import Comment, CommentState, DiscussionSettings
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import InvalidInput, NotAllowed
from broadsheet.guard.models import Ban
from broadsheet.guard.ratelimits import DAY, MODERATION, Window
from broadsheet.moderation import services
from broadsheet.moderation.models import ModerationAction
from broadsheet.moderation.tests.conftest import OFFER
from broadsheet.publishing.models import Post
from broadsheet.screening.models import ScreeningSettings

pytestmark = pytest.mark.django_db

QUEUE = "/moderation/queue/"
REASON = "Link spam in every comment."


@pytest.fixture
def spammer(held: list[Comment]) -> User:
    author = held[1].author
    assert author is not None
    return author


def ban_url(comment: Comment) -> str:
    return reverse("moderation:comment_action", args=[comment.pk, services.BAN_AUTHOR])


# The service


def test_a_moderator_bans_the_author_and_the_public_log_shows_the_reason_not_the_words(
    held: list[Comment], spammer: User, moderator: User
) -> None:
    outcomes = services.ban_comment_authors(
        comment_ids=[held[1].pk], moderator=moderator, reason=f"  {REASON}\u202e "
    )

    assert [outcome.changed for outcome in outcomes] == [True]
    assert outcomes[0].message == f"You banned newcomer for good; they are told: {REASON}"
    ban = Ban.objects.get()
    assert (ban.user, ban.until, ban.reason, ban.created_by) == (spammer, None, REASON, moderator)
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.target_type, entry.target_label, entry.reason) == (
        "ban",
        "user",
        "reader newcomer",
        REASON,
    )
    assert OFFER not in f"{entry.target_label} {entry.target_url} {entry.reason}"
    # The comment itself waits for its own decision.
    assert Comment.objects.get(pk=held[1].pk).state == CommentState.HELD


def test_the_banned_reader_cannot_comment_and_is_told_why(
    post: Post, held: list[Comment], spammer: User, moderator: User
) -> None:
    services.ban_comment_authors(comment_ids=[held[1].pk], moderator=moderator, reason=REASON)
    told = re.escape(f"You cannot post here for good: {REASON}")
    with pytest.raises(NotAllowed, match=told) as refused:
        make_comment(post, spammer, "Another offer.")
    assert refused.value.code == "banned"


def test_a_reader_or_a_visitor_may_not_ban(held: list[Comment], reader: User) -> None:
    for who in (reader, make_user("tess_trusted", Role.TRUSTED), AnonymousUser()):
        with pytest.raises(NotAllowed, match="Only moderators may do that"):
            services.ban_comment_authors(comment_ids=[held[1].pk], moderator=who, reason=REASON)
    assert not Ban.objects.exists()
    assert not ModerationAction.objects.exists()


def test_a_moderator_is_not_banned_and_a_reason_is_required(
    post: Post, held: list[Comment], moderator: User
) -> None:
    other = make_user("other_mod", Role.MODERATOR)
    theirs = make_comment(post, other, "A moderator's words.")
    with pytest.raises(NotAllowed, match="Moderators cannot be banned"):
        services.ban_comment_authors(comment_ids=[theirs.pk], moderator=moderator, reason=REASON)
    with pytest.raises(InvalidInput, match="Give the reason for the ban"):
        services.ban_comment_authors(comment_ids=[held[1].pk], moderator=moderator, reason=" ")
    with pytest.raises(InvalidInput, match="the limit is 500"):
        services.ban_comment_authors(
            comment_ids=[held[1].pk], moderator=moderator, reason="x" * 501
        )
    assert not Ban.objects.exists()


def test_each_author_is_banned_once_and_the_others_are_explained(
    post: Post, held: list[Comment], spammer: User, moderator: User
) -> None:
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})
    again = make_comment(post, spammer, "A second offer.")
    anonymous = make_comment(
        post, AnonymousUser(), "No account.", anonymous_name="Sam", anonymous_email="s@x.org"
    )
    services.ban_reader(user=held[0].author, moderator=moderator, reason="Earlier trouble.")

    outcomes = services.ban_comment_authors(
        comment_ids=[held[0].pk, held[1].pk, again.pk, anonymous.pk],
        moderator=moderator,
        reason=REASON,
        until=timezone.now() + timedelta(days=7),
    )

    messages = [outcome.message for outcome in outcomes]
    assert messages[0].startswith("rita_reader is banned already (You cannot post here for good")
    assert messages[1].startswith("You banned newcomer until ")
    assert messages[2] == (
        f"Comment #{anonymous.number} was written without an account: there is nobody to "
        "ban. Reject or delete it instead."
    )
    assert len(messages) == 3
    assert Ban.objects.filter(user=spammer).count() == 1
    assert ModerationAction.objects.filter(action="ban").count() == 2


# The queue page: a button per comment with an account, a bulk button, the key in the help


def test_the_queue_offers_ban_for_comments_with_an_account(
    signed_in: Client, post: Post, held: list[Comment]
) -> None:
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_anonymous_comments": True})
    anonymous = make_comment(
        post, AnonymousUser(), "No account.", anonymous_name="Sam", anonymous_email="s@x.org"
    )
    assert anonymous.state == CommentState.HELD
    page = signed_in.get(QUEUE).content.decode()
    for comment in held:
        assert f'formaction="{ban_url(comment)}" data-action="ban">Ban author…</button>' in page
    assert ban_url(anonymous) not in page
    assert 'name="action" value="ban"' in page
    assert "<kbd>b</kbd>" in page


# Asked first, with the reason, script or not


def test_ban_author_asks_the_reason_on_a_page_and_bans_only_once_confirmed(
    signed_in: Client, held: list[Comment], spammer: User
) -> None:
    url = ban_url(held[1])

    asked = signed_in.post(url, {"next": QUEUE})

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Ban the author of comment #2?" in page
    assert '<textarea id="ban-reason" name="reason"' in page
    assert 'name="confirmed" value="1"' in page
    assert f'action="{url}"' in page
    assert not Ban.objects.exists()

    no_reason = signed_in.post(url, {"next": QUEUE, "confirmed": "1", "reason": "", "days": "7"})

    assert no_reason.status_code == 422
    page = no_reason.content.decode()
    assert 'class="error-summary" role="alert"' in page
    assert "Give the reason for the ban: the reader is told." in page
    assert '<option value="7" selected>7 days</option>' in page
    assert not Ban.objects.exists()

    done = signed_in.post(
        url, {"next": QUEUE, "confirmed": "1", "reason": REASON, "days": "7"}, follow=True
    )

    assert done.redirect_chain[-1][0] == QUEUE
    ban = Ban.objects.get()
    assert ban.user == spammer
    assert ban.until is not None
    assert timedelta(days=6, hours=23) < ban.until - timezone.now() <= timedelta(days=7)
    assert "You banned newcomer until" in done.content.decode()


def test_banning_the_authors_of_selected_comments_asks_once(
    signed_in: Client, held: list[Comment]
) -> None:
    ids = [comment.pk for comment in held]
    asked = signed_in.post(QUEUE, {"comment": ids, "action": "ban"})
    assert asked.status_code == 200
    assert "Ban the authors of 2 comments?" in asked.content.decode()
    assert not Ban.objects.exists()

    signed_in.post(QUEUE, {"comment": ids, "action": "ban", "confirmed": "1", "reason": REASON})

    assert sorted(Ban.objects.values_list("user__username", flat=True)) == [
        "newcomer",
        "rita_reader",
    ]
    assert set(Ban.objects.values_list("until", flat=True)) == {None}  # for good: the default


def test_an_unknown_length_is_refused(signed_in: Client, held: list[Comment]) -> None:
    response = signed_in.post(
        ban_url(held[1]), {"confirmed": "1", "reason": REASON, "days": "3650"}
    )
    assert response.status_code == 422
    assert "Choose how long the ban lasts." in response.content.decode()
    assert not Ban.objects.exists()


def test_the_script_cannot_skip_the_confirmation(signed_in: Client, held: list[Comment]) -> None:
    response = signed_in.post(
        QUEUE,
        {"comment": [held[1].pk], "action": "ban", "reason": REASON},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "unconfirmed"
    assert not Ban.objects.exists()


def test_readers_are_refused_and_visitors_sent_to_log_in(
    client: Client, held: list[Comment], reader: User
) -> None:
    confirmed = {"confirmed": "1", "reason": REASON}
    visitor = client.post(ban_url(held[1]), confirmed)
    assert visitor.status_code == 302
    assert visitor["Location"].startswith(reverse("accounts:login"))
    client.force_login(reader)
    assert client.post(ban_url(held[1]), confirmed).status_code == 403
    assert client.post(ban_url(held[1]), {}).status_code == 403  # not even the question
    bulk = {"comment": [held[1].pk], "action": "ban", **confirmed}
    assert client.post(QUEUE, bulk).status_code == 403
    assert not Ban.objects.exists()


def test_a_ban_passes_the_write_guard(
    signed_in: Client, held: list[Comment], settings: Any
) -> None:
    none = (Window(0, DAY),)
    settings.BROADSHEET_RATE_LIMITS = {
        "moderation": replace(MODERATION, per_account=none, per_address=none)
    }
    response = signed_in.post(ban_url(held[1]), {"confirmed": "1", "reason": REASON})
    assert response.status_code == 429
    assert "You are moderating too" in response.content.decode()
    assert not Ban.objects.exists()


def test_the_banned_reader_is_told_the_reason_on_the_comment_form(
    signed_in: Client, post: Post, held: list[Comment], spammer: User
) -> None:
    signed_in.post(ban_url(held[1]), {"confirmed": "1", "reason": REASON})
    reader_client = Client()
    reader_client.force_login(spammer)
    response = reader_client.post(post.get_absolute_url(), {"body": "More offers.", "post": "1"})
    assert response.status_code == 403
    page = response.content.decode()
    assert f"You cannot post here for good: {REASON}" in page
    assert "More offers.</textarea>" in page
    assert Comment.objects.filter(author=spammer).count() == 1
