"""The API takes JSON types as they are: numbers are integers, flags are booleans, text is
text, and times are ISO 8601 strings. `{"value": false}` used to be taken as a rating of 0,
which hides a comment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.api.tests.conftest import Send
from broadsheet.conftest import make_user
from broadsheet.discussion.models import Comment, Rating
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.moderation.models import Flag
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(editor: User) -> Comment:
    return make_comment(make_post(editor, "Budget vote delayed"), editor, "A point.")


def assert_refused(response: Any, *fragments: str) -> None:
    assert response.status_code == 422, response.content
    assert response.json()["error"] == "invalid"
    for fragment in fragments:
        assert fragment in response.json()["detail"]


@pytest.mark.parametrize("value", [False, True, "3", 3.0, 4.5, None, [3]])
def test_a_rating_is_an_integer_and_nothing_else(send: Send, comment, value):
    trusted = make_user("trusted_rater", Role.TRUSTED)  # who may give 0, which False once was
    response = send("put", f"/api/comments/{comment.pk}/rating", {"value": value}, user=trusted)
    assert_refused(response, "value: Input should be a valid integer")
    assert not Rating.objects.exists()


def test_a_whole_number_rating_is_taken(send: Send, comment, reader):
    response = send("put", f"/api/comments/{comment.pk}/rating", {"value": 3}, user=reader)
    assert response.status_code == 200, response.content
    assert Rating.objects.get().value == 3


@pytest.mark.parametrize("parent", ["1", 1.0, True])
def test_a_reply_names_its_parent_by_an_integer(send: Send, comment, reader, parent):
    body = {"body": "An answer.", "parent": parent}
    response = send("post", f"/api/posts/{comment.post_id}/comments", body, user=reader)
    assert_refused(response, "parent: Input should be a valid integer")
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("body", [7, True, ["a"], {"text": "a"}])
def test_text_fields_take_strings_only(send: Send, comment, reader, body):
    response = send("post", f"/api/posts/{comment.post_id}/comments", {"body": body}, user=reader)
    assert_refused(response, "body: Input should be a valid string")


@pytest.mark.parametrize(
    ("field", "value"), [("sticky", 1), ("open_thread", "true"), ("comments_open", 0)]
)
def test_flags_of_a_post_are_booleans(send: Send, editor, field, value):
    body = {"title": "A title", "intro": "An intro.", field: value}
    assert_refused(
        send("post", "/api/posts", body, user=editor), f"{field}: Input should be a valid boolean"
    )
    assert not Post.objects.exists()


def test_a_flags_reason_is_one_of_the_words_and_its_note_text(send: Send, comment, reader):
    url = f"/api/comments/{comment.pk}/flag"
    assert_refused(send("post", url, {"reason": "spam", "note": 5}, user=reader), "note")
    assert_refused(send("post", url, {"reason": "spam", "extra": 1}, user=reader), "extra")
    assert not Flag.objects.exists()


@pytest.mark.parametrize("publish_at", [0, 1_700_000_000, True])
def test_a_publish_time_is_a_string_not_a_number(send: Send, editor, publish_at):
    body = {"title": "A title", "intro": "An intro.", "publish_at": publish_at}
    assert_refused(send("post", "/api/posts", body, user=editor), "publish_at: a time is a string")


def test_a_publish_time_with_any_offset_python_knows_is_stored_in_utc(send: Send, editor):
    # PostgreSQL takes offsets up to 15:59; this one used to fail in the database (503).
    body = {"title": "A title", "intro": "An intro.", "publish_at": "2030-03-06T14:41:31-22:38"}
    response = send("post", "/api/posts", body, user=editor)
    assert response.status_code == 201, response.content
    assert Post.objects.get().publish_at == datetime(2030, 3, 7, 13, 19, 31, tzinfo=UTC)


def test_a_publish_time_before_the_year_1_in_utc_is_refused(send: Send, editor):
    body = {"title": "A title", "intro": "An intro.", "publish_at": "0001-01-01T00:00:00+01:00"}
    assert_refused(send("post", "/api/posts", body, user=editor), "publish_at: a time after")
