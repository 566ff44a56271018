"""Text no database stores (NUL, lone surrogates) gets a 4xx saying what and where, on every
way in: addresses, query strings, form fields, cookies, JSON strings, and the services.

Run on SQLite and PostgreSQL alike: PostgreSQL refuses NUL in text, and used to answer these
requests with its "database is not answering" 503; a surrogate failed in the sanitizer (500).
"""

from __future__ import annotations

import html
import json
from dataclasses import replace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.accounts.models import User
from broadsheet.api.tests.conftest import token_header
from broadsheet.discussion import services
from broadsheet.discussion.models import Comment, DiscussionSettings
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import InvalidInput
from broadsheet.guard.ratelimits import COMMENT, DAY, Window
from broadsheet.input_text import unstorable_in
from broadsheet.publishing import services as publishing
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

NUL = "\x00"
SURROGATE = "\ud800"


@pytest.fixture
def post(editor: User) -> Post:
    return make_post(editor, "Budget vote delayed")


@pytest.fixture
def plain_client() -> Client:
    return Client(raise_request_exception=False)


def assert_page_says(response: Any, *fragments: str) -> None:
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    page = html.unescape(response.content.decode())
    for fragment in fragments:
        assert fragment in page


def assert_json_says(response: Any, status: int, *fragments: str) -> None:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == "invalid_character"
    for fragment in fragments:
        assert fragment in body["detail"]


# Addresses, query strings, cookies and form fields (theme.input_check)


@pytest.mark.parametrize(
    "address",
    ["/author/a%00b/", "/accounts/people/a%00b/", "/section/a%00/", "/posts/a%00b/", "/tag/%00/"],
)
def test_an_address_with_a_nul_is_refused_saying_so(plain_client, address):
    assert_page_says(plain_client.get(address), "The address contains a NUL character")


def test_a_query_parameter_with_a_nul_is_refused_naming_it(plain_client):
    response = plain_client.get("/moderation/log/?page=1%00")
    assert_page_says(response, "The query parameter 'page' contains a NUL character")


def test_the_api_refuses_a_nul_in_its_address_or_query_in_json(plain_client, post):
    assert_json_says(plain_client.get("/api/posts?status=draft%00"), 400, "'status'", "NUL")
    response = plain_client.get(f"/api/posts/{post.pk}%00")
    assert_json_says(response, 400, "The address contains a NUL character")
    assert response.json()["error"] == "invalid_character"


def test_a_session_cookie_with_a_nul_is_refused_before_the_session_is_read(plain_client):
    plain_client.cookies["sessionid"] = "abcdefghij\x00klmnop"
    assert_page_says(plain_client.get("/"), "The cookie 'sessionid'", "NUL")


def test_a_comment_form_field_with_a_nul_is_refused_and_nothing_is_saved(client, post, reader):
    client.force_login(reader)
    response = client.post(post.get_absolute_url(), {"subject": "Hi", "body": f"Bad{NUL}text"})
    assert_page_says(response, "The form field 'body' contains a NUL character")
    assert not Comment.objects.exists()


def test_the_log_in_form_with_a_nul_is_refused_before_any_lookup(plain_client):
    response = plain_client.post("/accounts/login/", {"username": f"a{NUL}b", "password": "x"})
    assert_page_says(response, "The form field 'username'", "NUL")


def test_the_admin_search_with_a_nul_is_refused(client, admin_user):
    client.force_login(admin_user)
    assert_page_says(client.get("/admin/publishing/post/?q=a%00b"), "query parameter", "NUL")


# JSON strings (api.inputs): 400, as in an address or a query, naming the field


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
@pytest.mark.parametrize("field", ["body", "subject", "submission_key"])
def test_a_comment_through_the_api_with_unstorable_text_is_refused_naming_the_field(
    client, post, reader, field, bad
):
    body = {"body": "Fine words.", field: f"a{bad}b"}
    response = client.post(
        f"/api/posts/{post.pk}/comments",
        data=json.dumps(body),
        content_type="application/json",
        headers=token_header(reader),
    )
    assert_json_says(response, 400, f"{field}: contains a")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_an_anonymous_comment_with_an_unstorable_name_is_refused(client, post, bad):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})
    body = {"body": "Hello", "name": f"Sam{bad}", "email": "sam@example.org"}
    response = client.post(
        f"/api/posts/{post.pk}/comments", data=json.dumps(body), content_type="application/json"
    )
    assert_json_says(response, 400, "name: contains a")


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_an_edit_through_the_api_with_unstorable_text_is_refused(client, post, reader, bad):
    comment = make_comment(post, reader, "First words.")
    response = client.patch(
        f"/api/comments/{comment.pk}",
        data=json.dumps({"body": f"New{bad}"}),
        content_type="application/json",
        headers=token_header(reader),
    )
    assert_json_says(response, 400, "body: contains a")
    comment.refresh_from_db()
    assert comment.body == "First words."


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
@pytest.mark.parametrize("field", ["title", "intro", "body", "byline", "section"])
def test_a_post_through_the_api_with_unstorable_text_is_refused(client, editor, field, bad):
    body = {"title": "A title", "intro": "An intro.", field: f"x{bad}y"}
    response = client.post(
        "/api/posts", data=json.dumps(body), content_type="application/json",
        headers=token_header(editor),
    )  # fmt: skip
    assert_json_says(response, 400, f"{field}: contains a")
    assert not Post.objects.exists()


def test_strings_inside_lists_are_checked_too(client, editor):
    body = {"title": "A title", "intro": "An intro.", "tags": ["ok", f"b{NUL}d"]}
    response = client.post(
        "/api/posts", data=json.dumps(body), content_type="application/json",
        headers=token_header(editor),
    )  # fmt: skip
    assert_json_says(response, 400, "tags: contains a NUL character")


def post_json(client: Client, url: str, body: Any, user: User, method: str = "post") -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", headers=token_header(user)
    )


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_a_change_to_a_post_with_unstorable_text_is_refused(client, editor, post, bad):
    response = post_json(client, f"/api/posts/{post.pk}", {"title": f"New{bad}"}, editor, "patch")
    assert_json_says(response, 400, "title: contains a")
    post.refresh_from_db()
    assert post.title == "Budget vote delayed"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"body": "Fine.", f"sub{NUL}ject": "x"}, "request body: a field name contains a NUL"),
        ({"body": "Fine.", "extra": [f"a{SURROGATE}"]}, "the field 'extra' contains a lone"),
        (f"just{NUL}text", "request body: contains a NUL"),
    ],
)
def test_field_names_unknown_fields_and_bodies_that_are_no_object_are_checked_too(
    client, post, reader, body, says
):
    response = post_json(client, f"/api/posts/{post.pk}/comments", body, reader)
    assert_json_says(response, 400, says)


def test_unstorable_text_is_what_the_answer_names_when_the_body_is_wrong_in_other_ways_too(
    client, post, reader
):
    body = {"body": f"a{NUL}b", "subject": "x" * 1000, "parent": "one"}
    response = post_json(client, f"/api/posts/{post.pk}/comments", body, reader)
    assert_json_says(response, 400, "body: contains a NUL")
    assert "subject" not in response.json()["detail"]


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_flags_ratings_and_moderators_reasons_with_unstorable_text_are_refused(
    client, post, reader, moderator, bad
):
    comment = make_comment(post, moderator, "A comment.")
    url = f"/api/comments/{comment.pk}"
    flag = {"reason": "other", "note": f"n{bad}"}
    assert_json_says(post_json(client, f"{url}/flag", flag, reader), 400, "note: contains a")
    rating = post_json(client, f"{url}/rating", {"value": bad}, reader, "put")
    assert_json_says(rating, 400, "value: contains a")
    moderate = f"/api/moderation/comments/{comment.pk}/hide"
    assert_json_says(post_json(client, moderate, {"reason": bad}, moderator), 400, "contains a")
    comment.refresh_from_db()
    assert (comment.state, comment.rating_count, comment.flags.count()) == ("visible", 0, 0)


# The services, for callers without a request (the command line, importers)


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_the_comment_service_refuses_unstorable_text_in_each_field(post, reader, bad):
    for fields in ({"body": bad}, {"subject": bad}):
        with pytest.raises(InvalidInput, match="contains a"):
            make_comment(post, reader, **{"body": "ok", **fields})
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})
    with pytest.raises(InvalidInput, match="The name contains a"):
        make_comment(post, AnonymousUser(), anonymous_name=f"Sam{bad}", anonymous_email="s@ex.org")
    comment = make_comment(post, reader, "Fine.")
    with pytest.raises(InvalidInput, match="The comment contains a"):
        services.edit_comment(comment=comment, editor=reader, subject="", body=f"x{bad}")


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
@pytest.mark.parametrize("field", ["title", "intro", "body", "byline", "video_title"])
def test_the_post_service_refuses_unstorable_text(editor, field, bad):
    fields = {"title": "A title", "intro": "An intro.", field: f"x{bad}y"}
    with pytest.raises(InvalidInput, match="contains a"):
        publishing.create_post(editor=editor, **fields)
    assert not Post.objects.exists()


any_text = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),  # lone surrogates (category Cs) included
        st.sampled_from([NUL, SURROGATE, "\udfff", "\u202e", "*", "<", "\n"]),
    ),
    max_size=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(subject=any_text, body=any_text)
def test_any_text_through_the_comment_service_is_stored_or_refused_never_an_error(
    post, reader, subject, body
):
    try:
        comment = services.post_comment(post=post, author=reader, subject=subject, body=body)
    except InvalidInput:
        return
    comment.refresh_from_db()
    assert comment.body == body.strip()


@pytest.fixture
def unlimited_comments(settings: Any) -> None:
    plenty = (Window(1_000_000, DAY),)
    settings.BROADSHEET_RATE_LIMITS = {
        "comment": replace(COMMENT, per_account=plenty, per_address=plenty)
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(subject=any_text, body=any_text)
def test_any_text_through_the_api_gets_an_answer_never_a_server_error(
    client, post, reader, unlimited_comments, subject, body
):
    response = client.post(
        f"/api/posts/{post.pk}/comments",
        data=json.dumps({"subject": subject, "body": body}),
        content_type="application/json",
        headers=token_header(reader),
    )
    assert response.status_code in {201, 400, 422}, response.content[:500]
    unstorable = unstorable_in([subject, body]) is not None
    assert (response.status_code == 400) == unstorable, response.content[:500]
