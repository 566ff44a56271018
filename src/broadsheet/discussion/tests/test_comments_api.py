"""The discussion API: a thread in display order, and comments written, edited, deleted, rated.

The rules themselves are tested on the services (test_post_comment.py, test_rate_comment.py);
these tests pin what the API adds: addresses, the JSON shapes, statuses, authentication and
the query count of the thread.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import get_random_string

from broadsheet.accounts.models import User
from broadsheet.api.tests.conftest import token_header
from broadsheet.conftest import make_user, same_query_count
from broadsheet.discussion import services
from broadsheet.discussion.models import (
    MAX_COMMENT_LENGTH,
    Comment,
    CommentState,
    DiscussionSettings,
    Rating,
)
from broadsheet.discussion.tests.factories import ENGLISH, FRENCH, make_comment
from broadsheet.publishing.models import Post, PostStatus
from broadsheet.publishing.tests.factories import make_post
from broadsheet.screening.models import ScreeningSettings

pytestmark = pytest.mark.django_db

COMMENT_FIELDS = {
    "id", "number", "parent", "depth", "subject", "body_html", "author", "author_display",
    "language", "created", "edited", "rating", "state", "kind",
}  # fmt: skip


@pytest.fixture
def post(editor: User) -> Post:
    return make_post(editor, "Budget vote delayed")


@pytest.fixture
def send(client: Client) -> Any:
    """send("post", url, {...}, user=reader): a JSON request, with the user's token if given."""

    def run(method: str, url: str, body: Any = None, *, user: User | None = None) -> Any:
        return getattr(client, method)(
            url,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=token_header(user) if user is not None else {},
        )

    return run


def thread_url(post: Post, query: str = "") -> str:
    return f"/api/posts/{post.pk}/comments{query}"


def numbers(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def assert_error(response: Any, status: int, code: str, *fragments: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == code
    for fragment in fragments:
        assert fragment in body["detail"]


def allow_anonymous_comments() -> None:
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})


def publish_anonymous_comments() -> None:
    """Anonymous comments shown at once instead of held for a moderator."""
    allow_anonymous_comments()
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_anonymous_comments": False})


def with_display_name(user: User, name: str) -> User:
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


# Reading a thread


def test_the_thread_lists_each_comment_with_its_author_rating_and_place(
    client, post, reader, editor
):
    top = make_comment(post, reader, "**Bail** data, please.", subject="Publish it")
    reply = make_comment(post, editor, "Agreed.", parent=top)
    services.rate_comment(comment=top, rater=editor, value=4)

    response = client.get(thread_url(post))

    assert response.status_code == 200
    data = response.json()
    assert {key: value for key, value in data.items() if key != "items"} == {
        "comment_count": 2,
        "comments_open": True,
        "closed_reason": None,
        "display": "nested",
        "sort": "oldest",
        "pingbacks": [],  # imported from blogs only
    }
    first, second = data["items"]
    assert set(first) == COMMENT_FIELDS
    assert first["id"] == top.pk
    assert first["number"] == 1
    assert first["parent"] is None
    assert first["depth"] == 0
    assert first["subject"] == "Publish it"
    assert first["body_html"] == "<p><strong>Bail</strong> data, please.</p>\n"
    assert first["author"] == "rita_reader"
    assert first["author_display"] == "rita_reader"  # no display name set: the username
    assert first["language"] is None  # too short to tell
    assert abs(datetime.fromisoformat(first["created"]) - top.created) < timedelta(milliseconds=1)
    assert first["edited"] is None
    assert first["rating"] == {"average": 4.0, "count": 1}
    assert first["state"] == "visible"
    assert (second["id"], second["parent"], second["depth"]) == (reply.pk, top.pk, 1)
    assert second["author"] == "ed_editor"
    assert second["rating"] == {"average": None, "count": 0}


def test_the_average_rating_is_rounded_to_two_decimals(client, post, reader, editor, moderator):
    comment = make_comment(post, reader)
    for rater, value in [(editor, 5), (moderator, 4), (make_user("third"), 4)]:
        services.rate_comment(comment=comment, rater=rater, value=value)
    [item] = client.get(thread_url(post)).json()["items"]
    assert item["rating"] == {"average": 4.33, "count": 3}


@pytest.fixture
def rated_thread(post, reader, editor, moderator) -> Post:
    """#1 top (rated 3), #2 top (5), #3 reply to #1 (unrated), #4 top (1), #5 reply to #1 (4)."""
    first = make_comment(post, reader)
    second = make_comment(post, reader)
    make_comment(post, reader, parent=first)
    fourth = make_comment(post, reader)
    fifth = make_comment(post, reader, parent=first)
    for comment, value in [(first, 3), (second, 5), (fourth, 1), (fifth, 4)]:
        services.rate_comment(comment=comment, rater=editor, value=value)
    return post


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [1, 3, 5, 2, 4]),
        ("?display=nested&sort=oldest", [1, 3, 5, 2, 4]),
        ("?display=threaded", [1, 3, 5, 2, 4]),
        ("?display=minimal", [1, 3, 5, 2, 4]),
        ("?sort=newest", [4, 2, 1, 5, 3]),
        ("?sort=highest", [2, 1, 5, 3, 4]),
        ("?sort=lowest", [4, 1, 5, 3, 2]),
        ("?display=flat", [1, 2, 3, 4, 5]),
        ("?display=flat&sort=newest", [5, 4, 3, 2, 1]),
        ("?display=flat&sort=highest", [2, 5, 1, 4, 3]),
        ("?display=flat&sort=lowest", [4, 1, 5, 2, 3]),
    ],
)
def test_comments_come_in_the_display_order_asked_for(client, rated_thread, query, expected):
    response = client.get(thread_url(rated_thread, query))
    assert numbers(response) == expected


def test_the_envelope_names_the_display_and_order_used(client, rated_thread):
    data = client.get(thread_url(rated_thread, "?display=flat&sort=highest")).json()
    assert (data["display"], data["sort"]) == ("flat", "highest")


@pytest.mark.parametrize(
    ("query", "fragments"),
    [
        ("?display=tree", ["display", "'nested'", "'threaded'", "'minimal'", "'flat'"]),
        ("?sort=best", ["sort", "'oldest'", "'newest'", "'highest'", "'lowest'"]),
    ],
)
def test_an_unknown_display_or_order_is_refused_with_the_allowed_values(
    client, post, query, fragments
):
    assert_error(client.get(thread_url(post, query)), 422, "invalid", *fragments)


def test_a_deleted_comment_stays_as_a_placeholder_only_while_it_holds_replies(
    client, post, reader, editor
):
    holder = make_comment(post, reader, "Held together.")
    make_comment(post, editor, "A reply.", parent=holder)
    lonely = make_comment(post, reader, "Alone.")
    services.delete_comment(comment=holder, user=reader)
    services.delete_comment(comment=lonely, user=reader)

    data = client.get(thread_url(post)).json()

    placeholder, reply = data["items"]
    assert placeholder["id"] == holder.pk
    assert placeholder["state"] == "deleted"
    assert placeholder["body_html"] == ""
    assert placeholder["author"] is None
    assert placeholder["subject"] == "[deleted]"
    assert reply["parent"] == holder.pk
    assert data["comment_count"] == 1
    assert numbers(client.get(thread_url(post, "?display=flat"))) == [2]


def test_anonymous_commenters_are_shown_by_the_name_they_gave(client, post):
    publish_anonymous_comments()
    make_comment(post, AnonymousUser(), anonymous_name="Sam", anonymous_email="sam@example.org")
    [item] = client.get(thread_url(post)).json()["items"]
    assert item["author"] == "Sam"


def test_a_closed_thread_says_so_and_why(client, post, reader):
    make_comment(post, reader)
    Post.objects.filter(pk=post.pk).update(comments_open=False)
    data = client.get(thread_url(post)).json()
    assert data["comments_open"] is False
    assert data["closed_reason"] == "Comments are closed."
    assert len(data["items"]) == 1  # still readable


def test_a_thread_closed_by_the_sites_age_limit_says_so(client, editor):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"close_comments_after_days": 30})
    old = make_post(editor, "Old", hours_ago=24 * 31)
    data = client.get(thread_url(old)).json()
    assert data["comments_open"] is False
    assert "close 30 days after" in data["closed_reason"]


def test_comments_of_a_draft_or_a_missing_post_are_not_found(client, editor, reader):
    draft = make_post(editor, "Draft", status=PostStatus.DRAFT)
    assert_error(client.get(thread_url(draft)), 404, "not_found", f"no post {draft.pk}")
    assert_error(client.get(thread_url(draft), headers=token_header(reader)), 404, "not_found")
    assert client.get(thread_url(draft), headers=token_header(editor)).status_code == 200
    assert_error(client.get("/api/posts/999999/comments"), 404, "not_found")


def test_the_thread_costs_the_same_queries_for_3_and_30_comments(client, post, reader, editor):
    authors = [
        with_display_name(reader, "Rita Reyes"),
        make_user("nora_novak"),  # no display name: shown by username
        AnonymousUser(),
    ]
    publish_anonymous_comments()

    def add_comments(count: int) -> None:
        previous = None
        for index in range(count):
            parent = previous if index % 3 else None
            author = authors[index % 3]
            anonymous = {"anonymous_name": "Sam", "anonymous_email": "s@ex.org"}
            previous = make_comment(
                post,
                author,
                f"Comment {index}: {FRENCH if index % 2 else ENGLISH}",
                parent=parent,
                **(anonymous if isinstance(author, AnonymousUser) else {}),
            )
            if index % 2:
                services.rate_comment(comment=previous, rater=editor, value=1 + index % 5)

    def queries(headers: dict[str, str]) -> list[str]:
        url = thread_url(post, "?sort=highest")
        assert client.get(url, headers=headers).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, headers=headers)
        assert response.status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    signed_in = token_header(editor)
    add_comments(3)
    small, small_signed_in = queries({}), queries(signed_in)
    add_comments(27)
    large, large_signed_in = queries({}), queries(signed_in)

    items = client.get(thread_url(post)).json()["items"]
    assert len(items) == 30
    assert {item["author_display"] for item in items} == {"Rita Reyes", "nora_novak", "Sam"}
    assert {item["language"] for item in items} == {"en", "fr"}
    assert same_query_count(small, large)
    assert same_query_count(small_signed_in, large_signed_in)
    # site and discussion settings, the post with its authors and tags, the comments
    assert len(small) <= 6


# Posting a comment


def test_a_reader_posts_a_comment_with_a_token(send, post, reader):
    response = send(
        "post", thread_url(post), {"subject": "Bail", "body": "*Publish* it."}, user=reader
    )

    assert response.status_code == 201, response.content
    data = response.json()
    comment = Comment.objects.get()
    assert data == {
        "id": comment.pk,
        "number": 1,
        "url": f"http://testserver/posts/budget-vote-delayed/?comment={comment.pk}"
        f"#comment-{comment.pk}",
        "language": None,
    }
    assert comment.author == reader
    assert comment.subject == "Bail"
    assert comment.body_html == "<p><em>Publish</em> it.</p>\n"


def test_a_reply_names_its_parent(send, post, reader, editor):
    top = make_comment(post, editor)
    response = send("post", thread_url(post), {"body": "Reply.", "parent": top.pk}, user=reader)
    assert response.status_code == 201, response.content
    reply = Comment.objects.get(pk=response.json()["id"])
    assert (reply.parent_id, reply.depth, reply.number) == (top.pk, 1, 2)


def test_the_same_submission_key_posts_once(send, post, reader):
    body = {"body": "Once.", "submission_key": "key-1"}
    first = send("post", thread_url(post), body, user=reader)
    again = send("post", thread_url(post), body, user=reader)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Comment.objects.count() == 1


def test_an_anonymous_caller_must_sign_in_to_comment(send, post):
    response = send("post", thread_url(post), {"body": "Hello."})
    assert_error(response, 401, "unauthorized", "Token")
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    assert not Comment.objects.exists()


def test_where_the_site_allows_it_anonymous_callers_comment_with_a_name_and_email(send, post):
    allow_anonymous_comments()
    assert_error(send("post", thread_url(post), {"body": "Hi."}), 422, "invalid", "Give a name")
    assert_error(
        send("post", thread_url(post), {"body": "Hi.", "name": "Sam", "email": "no"}),
        422,
        "invalid",
        "e-mail",
    )
    assert not Comment.objects.exists()

    response = send(
        "post", thread_url(post), {"body": "Hi.", "name": "Sam", "email": "sam@example.org"}
    )

    assert response.status_code == 201, response.content
    comment = Comment.objects.get()
    assert (comment.author, comment.author_name, comment.author_email) == (
        None,
        "Sam",
        "sam@example.org",
    )


def test_a_signed_in_caller_comments_as_themselves_even_where_anonymous_comments_are_allowed(
    send, post, reader
):
    allow_anonymous_comments()
    response = send("post", thread_url(post), {"body": "Me.", "name": "Someone"}, user=reader)
    assert response.status_code == 201, response.content
    comment = Comment.objects.get()
    assert (comment.author, comment.author_name) == (reader, "")


def test_a_closed_post_refuses_comments_with_the_reason(send, post, reader):
    Post.objects.filter(pk=post.pk).update(comments_open=False)
    response = send("post", thread_url(post), {"body": "Too late."}, user=reader)
    assert_error(response, 403, "comments_closed", "Comments are closed.")
    assert not Comment.objects.exists()


def test_an_old_post_refuses_comments_when_the_site_closes_them_after_some_days(
    send, editor, reader
):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"close_comments_after_days": 30})
    old = make_post(editor, "Old", hours_ago=24 * 31)
    response = send("post", thread_url(old), {"body": "Too late."}, user=reader)
    assert_error(response, 403, "comments_closed", "close 30 days after")


def test_a_draft_or_missing_post_takes_no_comments(send, editor, reader):
    draft = make_post(editor, "Draft", status=PostStatus.DRAFT)
    assert_error(send("post", thread_url(draft), {"body": "x"}, user=reader), 404, "not_found")
    assert_error(send("post", thread_url(draft), {"body": "x"}, user=editor), 404, "not_found")
    assert_error(
        send("post", "/api/posts/999999/comments", {"body": "x"}, user=reader), 404, "not_found"
    )
    assert not Comment.objects.exists()


def test_a_reply_to_a_missing_comment_or_one_on_another_post_is_refused(send, post, editor, reader):
    elsewhere = make_comment(make_post(editor, "Elsewhere"), reader)
    assert_error(
        send("post", thread_url(post), {"body": "x", "parent": 999999}, user=reader),
        422,
        "invalid",
        "does not exist",
    )
    assert_error(
        send("post", thread_url(post), {"body": "x", "parent": elsewhere.pk}, user=reader),
        422,
        "invalid",
        "another post",
    )
    assert not Comment.objects.filter(post=post).exists()


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ({"body": ""}, ["body: this is empty"]),
        ({"body": "   \n "}, ["The comment is empty"]),
        ({"body": "x" * (MAX_COMMENT_LENGTH + 1)}, ["the limit is 20,000"]),
        (
            {"subject": "s" * 101, "body": "x"},
            ["subject: the limit is 100 characters"],
        ),
        ({"subject": "No body"}, ["body: Field required"]),
        ({"body": "x", "parent": "first"}, ["parent"]),
        ({"body": "x", "colour": "red"}, ["colour"]),
        ({"body": "x", "submission_key": "k" * 65}, ["submission_key"]),
    ],
)
def test_bad_comments_are_refused_saying_what_is_wrong(send, post, reader, body, fragments):
    response = send("post", thread_url(post), body, user=reader)
    assert_error(response, 422, "invalid", *fragments)
    assert not Comment.objects.exists()


@pytest.fixture
def browser(reader) -> tuple[Client, str]:
    """The site's own pages: signed in as the reader by session, enforcing CSRF."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    secret = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return client, secret


def test_a_signed_in_session_comments_with_the_csrf_token_and_not_without(browser, post, reader):
    client, secret = browser
    body = json.dumps({"body": "From the page."})

    refused = client.post(thread_url(post), data=body, content_type="application/json")
    assert_error(refused, 403, "csrf_failed")
    assert not Comment.objects.exists()

    response = client.post(
        thread_url(post),
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 201, response.content
    assert Comment.objects.get().author == reader


def test_where_anonymous_comments_are_allowed_a_session_still_needs_the_csrf_token(browser, post):
    allow_anonymous_comments()
    client, _ = browser
    body = json.dumps({"body": "Forged.", "name": "Sam", "email": "sam@example.org"})
    refused = client.post(thread_url(post), data=body, content_type="application/json")
    assert_error(refused, 403, "csrf_failed")
    assert not Comment.objects.exists()


# Editing and deleting


def comment_url(comment: Comment, suffix: str = "") -> str:
    return f"/api/comments/{comment.pk}{suffix}"


@pytest.fixture
def comment(post, reader) -> Comment:
    return make_comment(post, reader, "First words.", subject="A point")


def test_the_author_edits_their_comment_and_gets_it_back_as_the_thread_shows_it(
    send, comment, reader
):
    response = send(
        "patch", comment_url(comment), {"subject": "Better", "body": "*Sharper*."}, user=reader
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data) == COMMENT_FIELDS
    assert data["id"] == comment.pk
    assert data["subject"] == "Better"
    assert data["body_html"] == "<p><em>Sharper</em>.</p>\n"
    assert data["author"] == "rita_reader"
    assert data["edited"] is not None
    comment.refresh_from_db()
    assert (comment.subject, comment.body) == ("Better", "*Sharper*.")
    assert comment.edited is not None


def test_only_the_fields_sent_change(send, comment, reader):
    response = send("patch", comment_url(comment), {"body": "New words."}, user=reader)
    assert response.status_code == 200, response.content
    comment.refresh_from_db()
    assert (comment.subject, comment.body) == ("A point", "New words.")

    send("patch", comment_url(comment), {"subject": "New point"}, user=reader)
    comment.refresh_from_db()
    assert (comment.subject, comment.body) == ("New point", "New words.")


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ({}, ["Nothing to change"]),
        ({"body": " "}, ["The comment is empty"]),
        ({"subject": "s" * 101}, ["limit is 100"]),
        ({"body": None}, ["body"]),
        ({"body": "x", "state": "visible"}, ["state"]),
    ],
)
def test_a_bad_edit_is_refused_and_changes_nothing(send, comment, reader, body, fragments):
    assert_error(send("patch", comment_url(comment), body, user=reader), 422, "invalid", *fragments)
    comment.refresh_from_db()
    assert (comment.subject, comment.body, comment.edited) == ("A point", "First words.", None)


def test_after_the_edit_window_only_a_moderator_edits(send, comment, reader, moderator):
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timedelta(minutes=16))
    assert_error(
        send("patch", comment_url(comment), {"body": "Late."}, user=reader),
        403,
        "forbidden",
        "15 minutes",
    )
    response = send("patch", comment_url(comment), {"body": "Tidied."}, user=moderator)
    assert response.status_code == 200, response.content
    comment.refresh_from_db()
    assert comment.body == "Tidied."


def test_another_reader_may_not_edit_or_delete(send, comment):
    stranger = make_user("stranger")
    assert_error(
        send("patch", comment_url(comment), {"body": "Mine now."}, user=stranger),
        403,
        "forbidden",
        "Only the author or a moderator",
    )
    assert_error(send("delete", comment_url(comment), user=stranger), 403, "forbidden")
    comment.refresh_from_db()
    assert (comment.body, comment.state) == ("First words.", CommentState.VISIBLE)


def test_anonymous_callers_may_not_edit_delete_or_rate(send, comment):
    for method, suffix, body in [
        ("patch", "", {"body": "x"}),
        ("delete", "", None),
        ("put", "/rating", {"value": 3}),
        ("delete", "/rating", None),
    ]:
        assert_error(send(method, comment_url(comment, suffix), body), 401, "unauthorized")
    comment.refresh_from_db()
    assert (comment.body, comment.state, comment.rating_count) == (
        "First words.",
        CommentState.VISIBLE,
        0,
    )


def test_the_author_deletes_their_comment(send, post, comment, reader, editor):
    make_comment(post, editor, "A reply.", parent=comment)

    response = send("delete", comment_url(comment), user=reader)

    assert response.status_code == 204
    assert response.content == b""
    comment.refresh_from_db()
    assert (comment.state, comment.body) == (CommentState.DELETED, "")
    placeholder = send("get", thread_url(post)).json()["items"][0]
    assert (placeholder["id"], placeholder["state"]) == (comment.pk, "deleted")


def test_a_moderator_deletes_anyones_comment_and_a_deleted_one_cannot_be_edited(
    send, comment, moderator, reader
):
    assert send("delete", comment_url(comment), user=moderator).status_code == 204
    comment.refresh_from_db()
    assert comment.state == CommentState.DELETED
    assert_error(
        send("patch", comment_url(comment), {"body": "Back."}, user=reader),
        403,
        "forbidden",
        "deleted comment cannot be edited",
    )


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("patch", "", {"body": "x"}),
        ("delete", "", None),
        ("put", "/rating", {"value": 3}),
        ("delete", "/rating", None),
    ],
)
def test_a_missing_comment_is_not_found(send, reader, method, suffix, body):
    response = send(method, f"/api/comments/999999{suffix}", body, user=reader)
    assert_error(response, 404, "not_found", "no comment 999999")


# Rating


def test_a_reader_rates_a_comment_and_gets_its_new_rating(send, post, comment, editor, moderator):
    first = send("put", comment_url(comment, "/rating"), {"value": 5}, user=editor)
    assert first.status_code == 200, first.content
    assert first.json() == {"id": comment.pk, "rating": {"average": 5.0, "count": 1}}

    second = send("put", comment_url(comment, "/rating"), {"value": 2}, user=moderator)
    assert second.json()["rating"] == {"average": 3.5, "count": 2}

    changed = send("put", comment_url(comment, "/rating"), {"value": 3}, user=editor)
    assert changed.json()["rating"] == {"average": 2.5, "count": 2}
    assert Rating.objects.count() == 2

    [item] = send("get", thread_url(post)).json()["items"]
    assert item["rating"] == {"average": 2.5, "count": 2}


def test_a_reader_takes_their_rating_back(send, post, comment, editor, moderator):
    send("put", comment_url(comment, "/rating"), {"value": 5}, user=editor)
    send("put", comment_url(comment, "/rating"), {"value": 2}, user=moderator)

    response = send("delete", comment_url(comment, "/rating"), user=editor)

    assert response.status_code == 200, response.content
    assert response.json() == {"id": comment.pk, "rating": {"average": 2.0, "count": 1}}
    again = send("delete", comment_url(comment, "/rating"), user=editor)
    assert again.json()["rating"] == {"average": 2.0, "count": 1}
    send("delete", comment_url(comment, "/rating"), user=moderator)
    [item] = send("get", thread_url(post)).json()["items"]
    assert item["rating"] == {"average": None, "count": 0}


@pytest.mark.parametrize(
    ("body", "status", "code", "fragment"),
    [
        ({"value": 0}, 403, "forbidden", "trusted readers"),
        ({"value": 6}, 422, "invalid", "value: the highest is 5"),
        ({"value": -1}, 422, "invalid", "value: the lowest is 0"),
        ({"value": "lots"}, 422, "invalid", "value"),
        ({}, 422, "invalid", "value: Field required"),
    ],
)
def test_bad_ratings_are_refused(send, comment, body, status, code, fragment):
    ordinary_reader = make_user("ordinary_rater")
    response = send("put", comment_url(comment, "/rating"), body, user=ordinary_reader)
    assert_error(response, status, code, fragment)
    assert not Rating.objects.exists()


def test_nobody_rates_their_own_comment(send, comment, reader):
    response = send("put", comment_url(comment, "/rating"), {"value": 5}, user=reader)
    assert_error(response, 403, "forbidden", "your own comment")
    assert not Rating.objects.exists()


def test_a_rating_from_the_session_needs_the_csrf_token(browser, editor, post):
    client, secret = browser
    comment = make_comment(post, editor)
    url = comment_url(comment, "/rating")
    body = json.dumps({"value": 4})
    assert_error(client.put(url, data=body, content_type="application/json"), 403, "csrf_failed")
    assert not Rating.objects.exists()
    response = client.put(
        url, data=body, content_type="application/json", headers={"X-CSRFToken": secret}
    )
    assert response.status_code == 200, response.content
    assert response.json()["rating"] == {"average": 4.0, "count": 1}


# Languages and names


def test_each_comment_carries_its_language_and_the_name_the_site_shows(
    send, post, reader, editor, moderator
):
    with_display_name(reader, "Rita Reyes")
    publish_anonymous_comments()
    french = make_comment(post, reader, FRENCH)
    short = make_comment(post, editor, "Agreed.", parent=french)
    anonymous = make_comment(
        post, AnonymousUser(), ENGLISH, anonymous_name="Sam", anonymous_email="sam@ex.org"
    )
    gone = make_comment(post, reader, ENGLISH, parent=short)
    make_comment(post, editor, "Holds the deleted one in its place.", parent=gone)
    services.delete_comment(comment=gone, user=moderator)

    items = {item["id"]: item for item in send("get", thread_url(post)).json()["items"]}

    def shown(comment: Comment) -> tuple[str | None, str | None, str | None]:
        item = items[comment.pk]
        return item["author"], item["author_display"], item["language"]

    assert shown(french) == ("rita_reader", "Rita Reyes", "fr")
    assert shown(short) == ("ed_editor", "ed_editor", None)
    assert shown(anonymous) == ("Sam", "Sam", "en")
    assert shown(gone) == (None, None, None)


def test_a_comment_posted_without_a_language_gets_the_one_its_text_tells(send, post, reader):
    response = send("post", thread_url(post), {"body": FRENCH}, user=reader)

    assert response.status_code == 201, response.content
    assert response.json()["language"] == "fr"
    assert Comment.objects.get().language == "fr"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("pt-br", "pt-BR"), ("zh_hant", "zh-Hant"), ("fr", "fr"), ("detect", "en"), ("", "en")],
)
def test_a_comment_posted_with_a_language_keeps_it_in_its_usual_case(
    send, post, reader, sent, stored
):
    response = send("post", thread_url(post), {"body": ENGLISH, "language": sent}, user=reader)

    assert response.status_code == 201, response.content
    assert response.json()["language"] == stored
    assert Comment.objects.get().language == stored
    [item] = send("get", thread_url(post)).json()["items"]
    assert item["language"] == stored


def test_a_language_sent_as_null_is_told_from_the_text(send, post, reader):
    response = send("post", thread_url(post), {"body": FRENCH, "language": None}, user=reader)
    assert response.status_code == 201, response.content
    assert response.json()["language"] == "fr"


@pytest.mark.parametrize(
    ("language", "fragment"),
    [
        ("French", "language: not a language tag"),
        ("fr-", "language: not a language tag"),
        ("x" * 17, "language: the limit is 16 characters"),
        (7, "language: Input should be a valid string"),
    ],
)
def test_a_language_that_is_no_language_tag_is_refused(send, post, reader, language, fragment):
    response = send("post", thread_url(post), {"body": ENGLISH, "language": language}, user=reader)
    assert_error(response, 422, "invalid", fragment)
    assert not Comment.objects.exists()


def test_an_edit_tells_the_language_again_unless_it_is_sent(send, post, reader):
    comment = make_comment(post, reader, ENGLISH, language="en-GB")

    kept = send("patch", comment_url(comment), {"body": FRENCH, "language": "fr-CA"}, user=reader)
    assert kept.status_code == 200, kept.content
    assert kept.json()["language"] == "fr-CA"

    told = send("patch", comment_url(comment), {"body": ENGLISH}, user=reader)
    assert told.json()["language"] == "en"
    comment.refresh_from_db()
    assert comment.language == "en"


def test_an_edit_may_change_only_the_language(send, post, reader):
    comment = make_comment(post, reader, FRENCH, subject="Une précision")

    response = send("patch", comment_url(comment), {"language": "fr-BE"}, user=reader)

    assert response.status_code == 200, response.content
    comment.refresh_from_db()
    assert (comment.language, comment.subject, comment.body) == ("fr-BE", "Une précision", FRENCH)
    refused = send("patch", comment_url(comment), {"language": "Belgian"}, user=reader)
    assert_error(refused, 422, "invalid", "language: not a language tag")


# The schema


def test_the_openapi_schema_documents_the_comment_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert set(paths["/api/posts/{post_id}/comments"]) == {"get", "post"}
    assert set(paths["/api/comments/{comment_id}"]) == {"patch", "delete"}
    assert set(paths["/api/comments/{comment_id}/rating"]) == {"put", "delete"}
    assert "security" not in paths["/api/posts/{post_id}/comments"]["get"]
    assert {"ApiTokenAuth": []} in paths["/api/posts/{post_id}/comments"]["post"]["security"]
    assert {"403", "422"} <= set(paths["/api/posts/{post_id}/comments"]["post"]["responses"])
    parameters = {
        parameter["name"]: parameter
        for parameter in paths["/api/posts/{post_id}/comments"]["get"]["parameters"]
    }
    assert {"display", "sort"} <= set(parameters)
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    for name in ("CommentIn", "CommentChangesIn"):
        language = schemas[name]["properties"]["language"]
        assert {"type": "string", "maxLength": 16} in language["anyOf"], name
        assert "BCP 47" in language["description"]
    for name in ("CommentOut", "CommentCreatedOut"):
        assert "language" in schemas[name]["required"], name
    assert "author_display" in schemas["CommentOut"]["required"]
