"""Moderators approve, reject, delete and hide comments; every action is logged publicly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion import services as discussion
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import Conflict, InvalidInput, NotAllowed
from broadsheet.guard.models import Ban
from broadsheet.moderation import services
from broadsheet.moderation.models import Flag, ModerationAction
from broadsheet.publishing.tests.factories import make_post
from broadsheet.screening.models import ScreeningSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(editor):
    return make_post(editor, "A story")


@pytest.fixture
def held(post, reader):
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_first_comments": True})
    comment = make_comment(post, reader, "My very first words", subject="Hello")
    assert comment.state == CommentState.HELD
    return comment


def test_a_first_comment_is_held_and_only_its_author_sees_it_awaiting_moderation(
    client, post, held, reader
):
    assert "My very first words" not in Client().get(post.get_absolute_url()).content.decode()
    client.force_login(reader)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "My very first words" in page
    assert "Awaiting moderation" in page
    post.refresh_from_db()
    assert post.comment_count == 0


def test_approving_shows_the_comment_logs_it_and_later_comments_pass(post, held, reader, moderator):
    outcome = services.moderate_comment(comment_id=held.pk, moderator=moderator, action="approve")
    assert outcome.changed
    held.refresh_from_db()
    assert held.state == CommentState.VISIBLE
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.moderator, entry.target_type) == ("approve", moderator, "comment")
    assert make_comment(post, reader, "Second one").state == CommentState.VISIBLE


def test_acting_twice_is_idempotent_and_tells_who_acted(held, moderator):
    other = make_user("other_mod", Role.MODERATOR)
    services.moderate_comment(comment_id=held.pk, moderator=moderator, action="approve")
    second = services.moderate_comment(comment_id=held.pk, moderator=other, action="approve")
    assert not second.changed
    assert f"already approved by {moderator.username}" in second.message
    assert ModerationAction.objects.count() == 1


def test_a_missing_comment_is_no_error(moderator):
    outcome = services.moderate_comment(comment_id=987654, moderator=moderator, action="delete")
    assert not outcome.changed
    assert "no longer exists" in outcome.message


def test_rejecting_as_spam_moves_it_to_the_spam_folder_and_the_log_does_not_show_it(
    client, post, held, moderator
):
    services.moderate_comment(comment_id=held.pk, moderator=moderator, action="reject")
    held.refresh_from_db()
    assert held.state == CommentState.SPAM
    assert held.body == "My very first words"  # kept, so that "not spam" can restore it
    log = client.get("/moderation/log/").content.decode()
    assert "rejected as spam" in log
    assert "My very first words" not in log
    assert moderator.username in log
    assert "My very first words" not in client.get(post.get_absolute_url()).content.decode()


def test_hide_and_unhide_by_a_moderator(post, reader, moderator):
    comment = make_comment(post, reader)
    services.moderate_comment(comment_id=comment.pk, moderator=moderator, action="hide")
    assert Comment.objects.get(pk=comment.pk).state == CommentState.HIDDEN
    services.moderate_comment(comment_id=comment.pk, moderator=moderator, action="unhide")
    assert Comment.objects.get(pk=comment.pk).state == CommentState.VISIBLE
    assert list(ModerationAction.objects.values_list("action", flat=True).order_by("id")) == [
        "hide",
        "unhide",
    ]


def test_readers_cannot_moderate(held, reader):
    with pytest.raises(NotAllowed):
        services.moderate_comment(comment_id=held.pk, moderator=reader, action="approve")


def test_unknown_actions_are_refused(held, moderator):
    with pytest.raises(InvalidInput):
        services.moderate_comment(comment_id=held.pk, moderator=moderator, action="explode")


def test_a_flagged_comment_reaches_the_queue_once_per_reader(client, post, editor, moderator):
    comment = make_comment(post, editor, "Questionable")
    flagger = make_user("flagger")
    services.flag_comment(comment=comment, reporter=flagger, reason="abuse", note="rude")
    with pytest.raises(Conflict):
        services.flag_comment(comment=comment, reporter=flagger, reason="spam")
    assert Flag.objects.count() == 1
    client.force_login(moderator)
    queue = client.get("/moderation/queue/").content.decode()
    assert "Questionable" in queue
    assert "flagged: Abuse or harassment (rude)" in queue
    services.moderate_comment(comment_id=comment.pk, moderator=moderator, action="approve")
    assert "Questionable" not in client.get("/moderation/queue/").content.decode()


def test_the_flag_form_says_what_is_missing_itself_and_keeps_the_note(client, post, editor, reader):
    comment = make_comment(post, editor, "Dredging is fine.")
    client.force_login(reader)
    url = f"/comments/{comment.pk}/flag/"
    assert " required" not in client.get(url).content.decode()

    response = client.post(url, {"note": "Looks paid for"})

    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="error-summary" role="alert"' in page
    assert "Choose why you flag this comment" in page
    assert 'value="Looks paid for"' in page


def test_readers_flag_through_the_page(client, post, editor):
    comment = make_comment(post, editor)
    client.force_login(make_user("flagger"))
    response = client.post(f"/comments/{comment.pk}/flag/", {"reason": "spam"})
    assert response.status_code == 302
    assert Flag.objects.filter(comment=comment, reason="spam").exists()


def test_the_queue_shows_hold_reasons_and_bulk_actions_work(client, post, moderator):
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_first_comments": True})
    first = make_comment(post, make_user("newbie1"), "one")
    second = make_comment(post, make_user("newbie2"), "two")
    client.force_login(moderator)
    page = client.get("/moderation/queue/").content.decode()
    assert "first comment of this reader" in page
    assert 'Queue <span class="badge">2</span>' in page
    client.post("/moderation/queue/", {"comment": [first.pk, second.pk], "action": "approve"})
    assert set(Comment.objects.values_list("state", flat=True)) == {CommentState.VISIBLE}


def test_the_queue_is_for_moderators_only(client, reader):
    client.force_login(reader)
    assert client.get("/moderation/queue/").status_code == 403


def test_banned_readers_are_told_why_and_cannot_write(post, reader, moderator):
    comment = make_comment(post, moderator)
    services.ban_reader(
        user=reader,
        moderator=moderator,
        reason="repeated abuse",
        until=timezone.now() + timedelta(days=3),
    )
    with pytest.raises(NotAllowed, match="repeated abuse") as raised:
        make_comment(post, reader)
    assert raised.value.code == "banned"
    with pytest.raises(NotAllowed, match="repeated abuse"):
        discussion.rate_comment(comment=comment, rater=reader, value=4)
    ban = Ban.objects.get()
    services.lift_ban(ban=ban, moderator=moderator)
    assert make_comment(post, reader).pk
    assert list(ModerationAction.objects.values_list("action", flat=True).order_by("id")) == [
        "ban",
        "unban",
    ]


def test_an_expired_ban_no_longer_applies(post, reader, moderator):
    services.ban_reader(
        user=reader,
        moderator=moderator,
        reason="cool off",
        until=timezone.now() - timedelta(minutes=1),
    )
    assert make_comment(post, reader).pk


def test_closing_a_thread_is_logged(post, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        discussion.set_comments_open(post=post, user=editor, is_open=False, reason="Stale")
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.moderator, entry.reason) == ("close", editor, "Stale")
    assert post.title in entry.target_label


def test_a_comment_the_filter_scores_as_spam_is_held_with_its_score(client, post, moderator):
    ScreeningSettings.objects.update_or_create(
        pk=1, defaults={"spam_hold_threshold": 0.5, "spam_reject_threshold": None}
    )
    spammy = make_comment(
        post,
        make_user("regular"),
        "I lost $40,000 to a fake broker. Mr. Adams got it all back in 3 days, contact him "
        "on Telegram @adams_recovery or WhatsApp +1 (415) 555 0188.",
        subject="Thank you",
    )
    assert spammy.state == CommentState.HELD
    assert spammy.spam_score is not None
    assert spammy.spam_score >= 0.5
    assert any(reason.startswith("spam score") for reason in spammy.hold_reasons)
    client.force_login(moderator)
    assert "spam score" in client.get("/moderation/queue/").content.decode()


def test_a_moderators_edit_of_someone_elses_comment_is_logged(
    post, reader, moderator, django_capture_on_commit_callbacks
):
    comment = make_comment(post, reader, "Original")
    with django_capture_on_commit_callbacks(execute=True):
        discussion.edit_comment(comment=comment, editor=moderator, subject="", body="Tidied")
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.moderator) == ("edit", moderator)
    with django_capture_on_commit_callbacks(execute=True):
        discussion.edit_comment(comment=comment, editor=reader, subject="", body="Own edit")
    assert ModerationAction.objects.count() == 1  # authors editing their own are not logged


def test_a_moderators_delete_from_the_thread_is_logged_and_an_authors_own_is_not(
    post, reader, moderator, django_capture_on_commit_callbacks
):
    own = make_comment(post, reader, "Mine")
    theirs = make_comment(post, reader, "Someone's")
    with django_capture_on_commit_callbacks(execute=True):
        discussion.delete_comment(comment=own, user=reader)
        discussion.delete_comment(comment=theirs, user=moderator)
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.moderator, entry.target_id) == ("delete", moderator, str(theirs.pk))


def test_a_banned_network_cannot_comment_through_the_page(client, post, reader, moderator):
    services.ban_network(network="203.0.113.0/24", moderator=moderator, reason="spam wave")
    client.force_login(reader)
    response = client.post(
        post.get_absolute_url(), {"body": "hello", "post": "1"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 403
    assert "spam wave" in response.content.decode()
    assert not Comment.objects.filter(body="hello").exists()
    ok = client.post(
        post.get_absolute_url(), {"body": "hello", "post": "1"}, REMOTE_ADDR="198.51.100.7"
    )
    assert ok.status_code == 302


def test_the_queue_holds_only_held_and_flagged_comments(client, post, held, reader, moderator):
    make_comment(post, moderator, "An ordinary visible comment")
    client.force_login(moderator)
    page = client.get("/moderation/queue/").content.decode()
    assert "An ordinary visible comment" not in page
    assert "My very first words" in page
    services.moderate_comment(comment_id=held.pk, moderator=moderator, action="approve")
    page = client.get("/moderation/queue/").content.decode()
    assert "My very first words" not in page
    assert "Nothing is waiting." in page
    assert 'Queue <span class="badge">0</span>' in page
