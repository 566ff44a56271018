"""The moderation API: queue and actions for moderators, flags for readers, the public log."""

from __future__ import annotations

import pytest

from broadsheet.accounts.services import get_or_create_api_token
from broadsheet.conftest import make_user
from broadsheet.discussion.models import CommentState
from broadsheet.discussion.tests.factories import FRENCH, make_comment
from broadsheet.guard.models import Ban
from broadsheet.moderation import services
from broadsheet.moderation.models import Flag
from broadsheet.publishing.tests.factories import make_post
from broadsheet.screening.models import ScreeningSettings

pytestmark = pytest.mark.django_db


def auth(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {get_or_create_api_token(user=user).key}"}


@pytest.fixture
def held(editor, reader):
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_first_comments": True})
    return make_comment(make_post(editor), reader, "First words")


def test_moderators_read_the_queue_with_reasons(client, held, moderator, reader):
    response = client.get("/api/moderation/queue", **auth(moderator))
    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == held.pk
    assert item["reasons"] == ["first comment of this reader"]
    forbidden = client.get("/api/moderation/queue", **auth(reader))
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == "forbidden"


def test_queue_items_carry_the_authors_shown_name_and_the_comments_language(
    client, editor, moderator, reader
):
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_first_comments": True})
    reader.display_name = "Rita Reyes"
    reader.save(update_fields=["display_name"])
    make_comment(make_post(editor), reader, FRENCH)
    [item] = client.get("/api/moderation/queue", **auth(moderator)).json()
    assert (item["author"], item["author_display"], item["language"]) == (
        "rita_reader", "Rita Reyes", "fr"
    )  # fmt: skip


def test_a_moderator_approves_through_the_api_and_a_second_time_changes_nothing(
    client, held, moderator
):
    url = f"/api/moderation/comments/{held.pk}/approve"
    first = client.post(url, content_type="application/json", **auth(moderator))
    assert first.json() == {
        "changed": True,
        "message": "You approved comment #1.",
        "state": "visible",
    }
    again = client.post(url, content_type="application/json", **auth(moderator)).json()
    assert again["changed"] is False
    held.refresh_from_db()
    assert held.state == CommentState.VISIBLE


def test_unknown_actions_get_422(client, held, moderator):
    response = client.post(
        f"/api/moderation/comments/{held.pk}/explode",
        content_type="application/json",
        **auth(moderator),
    )
    assert response.status_code == 422


def test_readers_flag_once_through_the_api(client, editor, reader):
    comment = make_comment(make_post(editor), editor)
    url = f"/api/comments/{comment.pk}/flag"
    created = client.post(url, {"reason": "spam"}, content_type="application/json", **auth(reader))
    assert created.status_code == 201
    again = client.post(url, {"reason": "spam"}, content_type="application/json", **auth(reader))
    assert again.status_code == 409
    assert Flag.objects.count() == 1


def test_a_banned_reader_posting_through_the_api_gets_403_with_the_reason(
    client, editor, moderator
):
    post = make_post(editor)
    banned = make_user("banned_one")
    services.ban_reader(user=banned, moderator=moderator, reason="spamming links")
    response = client.post(
        f"/api/posts/{post.pk}/comments",
        {"body": "let me in"},
        content_type="application/json",
        **auth(banned),
    )
    assert response.status_code == 403
    assert response.json() == {
        "error": "banned",
        "detail": "You cannot post here for good: spamming links",
    }
    assert Ban.objects.count() == 1


def test_the_log_is_public(client, held, moderator):
    services.moderate_comment(comment_id=held.pk, moderator=moderator, action="reject")
    data = client.get("/api/moderation/log").json()
    [entry] = data["items"]
    assert entry["action"] == "reject"
    assert entry["moderator"] == moderator.username
    assert "First words" not in str(data)
