"""The queue page's forms: removing asks first, the shortcuts' switch, and failed submits.

The page's script (queue.js) is proved in tests/browser/test_moderation_queue.py; these are
the server's answers, with a script (JSON) and without one (pages).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from broadsheet.accounts.models import User
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.errors import NotAllowed
from broadsheet.guard.ratelimits import DAY, MODERATION, Window
from broadsheet.moderation import services, views
from broadsheet.moderation.models import ModerationAction
from broadsheet.moderation.selectors import queue_shortcuts_enabled

pytestmark = pytest.mark.django_db

QUEUE = "/moderation/queue/"
SHORTCUTS = "/moderation/queue/shortcuts/"
AS_SCRIPT = {"Accept": "application/json"}


def states(comments: list[Comment]) -> list[str]:
    return [Comment.objects.get(pk=comment.pk).state for comment in comments]


# Shortcuts: on unless the moderator turns them off, saved with the account


def test_shortcuts_are_on_until_a_moderator_turns_them_off(
    signed_in: Client, moderator: User, held: list[Comment]
) -> None:
    page = signed_in.get(QUEUE).content.decode()
    assert 'data-shortcuts="on"' in page
    assert 'name="queue_shortcuts" value="on" checked' in page

    response = signed_in.post(SHORTCUTS, {})  # the checkbox cleared: no field at all

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    moderator.refresh_from_db()
    assert moderator.preferences["queue_shortcuts"] is False
    page = signed_in.get(QUEUE).content.decode()
    assert 'data-shortcuts="off"' in page
    assert 'name="queue_shortcuts" value="on">' in page
    assert "Single-key shortcuts are off in the queue." in page

    signed_in.post(SHORTCUTS, {"queue_shortcuts": "on"})
    moderator.refresh_from_db()
    assert queue_shortcuts_enabled(moderator)
    assert 'data-shortcuts="on"' in signed_in.get(QUEUE).content.decode()


def test_the_switch_keeps_the_moderators_other_preferences(
    signed_in: Client, moderator: User
) -> None:
    User.objects.filter(pk=moderator.pk).update(preferences={"display": "flat", "sort": "oldest"})
    signed_in.post(SHORTCUTS, {})
    moderator.refresh_from_db()
    assert moderator.preferences == {"display": "flat", "sort": "oldest", "queue_shortcuts": False}


def test_the_queues_script_gets_the_switch_answered_in_json_and_no_message_left_over(
    signed_in: Client, moderator: User
) -> None:
    response = signed_in.post(SHORTCUTS, {}, headers=AS_SCRIPT)
    assert response.status_code == 200
    assert response.json() == {
        "queue_shortcuts": False,
        "message": "Single-key shortcuts are off in the queue.",
    }
    assert list(get_messages(response.wsgi_request)) == []


def test_only_moderators_have_the_switch(client: Client, reader: User) -> None:
    client.force_login(reader)
    assert client.post(SHORTCUTS, {}).status_code == 403
    reader.refresh_from_db()
    assert "queue_shortcuts" not in reader.preferences
    with pytest.raises(NotAllowed):
        services.save_queue_shortcuts(moderator=reader, enabled=False)


def test_visitors_are_sent_to_log_in_and_reads_are_refused(client: Client, moderator: User) -> None:
    response = client.post(SHORTCUTS, {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(moderator)
    assert client.get(SHORTCUTS).status_code == 405


def test_the_switch_passes_the_write_guard_and_a_refusal_answers_the_script_in_json(
    signed_in: Client, moderator: User, settings: Any
) -> None:
    none = (Window(0, DAY),)
    settings.BROADSHEET_RATE_LIMITS = {
        "moderation": replace(MODERATION, per_account=none, per_address=none)
    }
    page = signed_in.post(SHORTCUTS, {})
    assert page.status_code == 429
    assert "You are moderating too" in page.content.decode()
    script = signed_in.post(SHORTCUTS, {}, headers=AS_SCRIPT)
    assert script.status_code == 429
    assert script.json()["error"] == "rate_limited"
    assert int(script["Retry-After"]) >= 1
    moderator.refresh_from_db()
    assert "queue_shortcuts" not in moderator.preferences


# Removing asks first without the script; with it, the script's Undo time is the question


def test_deleting_from_a_comments_button_asks_first_and_changes_nothing_until_confirmed(
    signed_in: Client, held: list[Comment]
) -> None:
    comment = held[0]
    url = reverse("moderation:comment_action", args=[comment.pk, "delete"])

    asked = signed_in.post(url, {"next": QUEUE})

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Delete comment #1?" in page
    assert "Silt" in page
    assert 'name="confirmed" value="1"' in page
    assert f'action="{url}"' in page
    assert states(held) == [CommentState.HELD, CommentState.HELD]
    assert not ModerationAction.objects.exists()

    done = signed_in.post(url, {"next": QUEUE, "confirmed": "1"})

    assert done.status_code == 302
    assert states(held) == [CommentState.DELETED, CommentState.HELD]


def test_rejecting_selected_comments_asks_once_for_all_of_them(
    signed_in: Client, held: list[Comment]
) -> None:
    ids = [comment.pk for comment in held]
    asked = signed_in.post(QUEUE, {"comment": ids, "action": "reject"})
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Reject 2 comments as spam?" in page
    assert "Silt" in page and "Deal" in page
    assert states(held) == [CommentState.HELD, CommentState.HELD]

    signed_in.post(QUEUE, {"comment": ids, "action": "reject", "confirmed": "1"})
    assert states(held) == [CommentState.SPAM, CommentState.SPAM]  # into the spam folder


def test_approving_needs_no_confirmation(signed_in: Client, held: list[Comment]) -> None:
    response = signed_in.post(QUEUE, {"comment": [held[0].pk], "action": "approve"})
    assert response.status_code == 302
    assert states(held) == [CommentState.VISIBLE, CommentState.HELD]


def test_a_comment_removed_meanwhile_is_not_asked_about_again(
    signed_in: Client, moderator: User, held: list[Comment]
) -> None:
    services.moderate_comment(comment_id=held[0].pk, moderator=moderator, action="delete")
    response = signed_in.post(
        reverse("moderation:comment_action", args=[held[0].pk, "delete"]), follow=True
    )
    assert "Comment #1 was already removed by mo_moderator" in response.content.decode()


def test_the_script_sends_removals_confirmed_and_reads_each_outcome(
    signed_in: Client, moderator: User, held: list[Comment]
) -> None:
    ids = [comment.pk for comment in held]
    unconfirmed = signed_in.post(QUEUE, {"comment": ids, "action": "delete"}, headers=AS_SCRIPT)
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["error"] == "unconfirmed"
    assert states(held) == [CommentState.HELD, CommentState.HELD]

    services.moderate_comment(comment_id=held[1].pk, moderator=moderator, action="approve")
    response = signed_in.post(
        QUEUE, {"comment": ids, "action": "delete", "confirmed": "1"}, headers=AS_SCRIPT
    )

    assert response.status_code == 200
    first, second = response.json()["outcomes"]
    assert first == {
        "comment": held[0].pk,
        "changed": True,
        "message": "You deleted comment #1.",
        "state": "deleted",
    }
    assert second["comment"] == held[1].pk
    assert second["changed"] is True  # a shown comment may still be deleted
    assert list(get_messages(response.wsgi_request)) == []


def test_the_undo_time_is_at_least_ten_seconds(signed_in: Client, held: list[Comment]) -> None:
    assert views.UNDO_SECONDS >= 10
    page = signed_in.get(QUEUE).content.decode()
    assert f'data-undo-seconds="{views.UNDO_SECONDS}"' in page
    assert f"with Undo for {views.UNDO_SECONDS} seconds" in page


# A failed submit: the server's own words in an error summary, no browser bubble


def test_acting_on_nothing_selected_shows_an_error_summary(
    signed_in: Client, held: list[Comment]
) -> None:
    response = signed_in.post(QUEUE, {"action": "delete"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="error-summary" role="alert"' in page
    assert "Select at least one comment first." in page
    assert "Silt" in page  # the queue is shown again below it

    script = signed_in.post(QUEUE, {"action": "approve"}, headers=AS_SCRIPT)
    assert script.status_code == 422
    assert script.json() == {
        "error": "nothing_selected",
        "detail": "Select at least one comment first.",
    }


def test_an_unknown_action_is_explained_in_the_summary(
    signed_in: Client, held: list[Comment]
) -> None:
    response = signed_in.post(QUEUE, {"comment": [held[0].pk], "action": "explode"})
    assert response.status_code == 422
    assert "Unknown action &#39;explode&#39;" in response.content.decode()
    assert states(held) == [CommentState.HELD, CommentState.HELD]


def test_the_queues_forms_leave_checking_to_the_server(
    signed_in: Client, held: list[Comment]
) -> None:
    assert " required" not in signed_in.get(QUEUE).content.decode()
