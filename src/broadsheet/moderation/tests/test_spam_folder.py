"""The spam folder: comments rejected as spam, by the filter or a moderator, wait there for 30
days; "not spam" publishes one and teaches the filter."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from broadsheet.conftest import make_user
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.discussion.views import AWAITING_REVIEW
from broadsheet.moderation import services
from broadsheet.moderation.models import ModerationAction
from broadsheet.moderation.tasks import remove_old_spam_task
from broadsheet.publishing.tests.factories import make_post
from broadsheet.screening.models import SpamExample

pytestmark = pytest.mark.django_db

SCAM = (
    "I lost $96,000 to a fake broker and Mr. Morgan Davies recovered everything within a week. "
    "Contact him on WhatsApp +1 (917) 555 0163 or Telegram @morgandavies_recovery."
)


@pytest.fixture
def post(editor):
    return make_post(editor, "A story")


@pytest.fixture
def rejected(post):
    comment = make_comment(post, make_user("first_timer"), SCAM, subject="Thank you")
    assert comment.state == CommentState.SPAM  # the filter rejected it as it was posted
    return comment


def test_the_filter_rejects_a_scam_into_the_folder_and_no_reader_sees_it(
    client, post, rejected, moderator
):
    post.refresh_from_db()
    assert post.comment_count == 0
    assert "Morgan Davies" not in Client().get(post.get_absolute_url()).content.decode()
    assert any("rejected from" in reason for reason in rejected.hold_reasons)
    client.force_login(moderator)
    folder = client.get("/moderation/spam/").content.decode()
    assert "Morgan Davies" in folder
    assert "rejected by the filter" in folder
    assert "Not spam" in folder
    assert "Morgan Davies" not in client.get("/moderation/queue/").content.decode()


def test_the_author_is_told_neutrally_that_the_comment_waits_for_review(client, post):
    author = make_user("first_timer")
    client.force_login(author)
    response = client.post(
        post.get_absolute_url(), {"subject": "Thanks", "body": SCAM, "post": "1"}, follow=True
    )
    assert Comment.objects.get(author=author).state == CommentState.SPAM
    page = response.content.decode()
    assert html.escape(AWAITING_REVIEW, quote=False).split("'")[0] in page
    assert "spam" not in AWAITING_REVIEW.lower()
    assert response.redirect_chain[-1][0] == post.get_absolute_url()


def test_not_spam_publishes_it_logs_it_and_teaches_the_filter(client, post, rejected, moderator):
    client.force_login(moderator)
    response = client.post(
        f"/moderation/comments/{rejected.pk}/not_spam/", {"next": "/moderation/spam/"}
    )
    assert response.status_code == 302
    rejected.refresh_from_db()
    assert rejected.state == CommentState.VISIBLE
    assert rejected.moderated_by == moderator
    assert "Morgan Davies" in Client().get(post.get_absolute_url()).content.decode()
    assert ModerationAction.objects.get().action == "not_spam"
    assert "marked as not spam" in client.get("/moderation/log/").content.decode()
    example = SpamExample.objects.get()
    assert not example.is_spam
    assert example.text == f"Thank you\n{SCAM}"
    again = services.moderate_comment(
        comment_id=rejected.pk, moderator=moderator, action="not_spam"
    )
    assert not again.changed


def test_rejecting_teaches_spam_and_the_folder_acts_in_bulk(client, post, moderator):
    readers = [make_user(f"reader_{number}") for number in range(2)]
    comments = [make_comment(post, reader, "A fair point about the budget.") for reader in readers]
    for comment in comments:
        services.moderate_comment(comment_id=comment.pk, moderator=moderator, action="reject")
    assert list(SpamExample.objects.values_list("is_spam", flat=True)) == [True, True]
    client.force_login(moderator)
    folder = client.get("/moderation/spam/").content.decode()
    assert f"rejected by {moderator.username}" in folder
    client.post("/moderation/spam/", {"comment": [c.pk for c in comments], "action": "not_spam"})
    assert set(Comment.objects.values_list("state", flat=True)) == {CommentState.VISIBLE}
    client.post("/moderation/spam/", {"comment": [comments[0].pk], "action": "approve"})
    assert Comment.objects.get(pk=comments[0].pk).state == CommentState.VISIBLE  # not allowed


def test_the_folder_is_for_moderators_only(client, reader):
    client.force_login(reader)
    assert client.get("/moderation/spam/").status_code == 403
    assert Client().get("/moderation/spam/").status_code == 302  # to the log-in page


def test_spam_older_than_thirty_days_is_removed(post, moderator, rejected):
    old = make_comment(post, make_user("old_timer"), "Old words about the budget.")
    services.moderate_comment(comment_id=old.pk, moderator=moderator, action="reject")
    Comment.objects.filter(pk=old.pk).update(moderated_at=timezone.now() - timedelta(days=31))
    Comment.objects.filter(pk=rejected.pk).update(created=timezone.now() - timedelta(days=29))
    assert remove_old_spam_task.call() == {"removed": 1}
    old.refresh_from_db()
    assert (old.state, old.body) == (CommentState.DELETED, "")
    assert Comment.objects.get(pk=rejected.pk).state == CommentState.SPAM
    Comment.objects.filter(pk=rejected.pk).update(created=timezone.now() - timedelta(days=31))
    call_command("remove_old_spam", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Comment.objects.get(pk=rejected.pk).state == CommentState.DELETED


def test_the_api_lists_the_folder_and_restores_from_it(client, rejected, moderator, reader):
    from broadsheet.accounts.services import get_or_create_api_token

    def auth(user):
        return {"HTTP_AUTHORIZATION": f"Token {get_or_create_api_token(user=user).key}"}

    [item] = client.get("/api/moderation/spam", **auth(moderator)).json()
    assert (item["id"], item["rejected_by"]) == (rejected.pk, None)
    assert item["spam_score"] >= 0.95
    assert client.get("/api/moderation/spam", **auth(reader)).status_code == 403
    restored = client.post(
        f"/api/moderation/comments/{rejected.pk}/not_spam",
        content_type="application/json",
        **auth(moderator),
    )
    assert restored.json() == {
        "changed": True,
        "message": f"You marked as not spam comment #{rejected.number}.",
        "state": "visible",
    }
