"""Every write's entry points, HTML and API, check its rate limit before the service runs.

Each test lowers one limit to one write a day, makes the write twice, and shows that the
second is refused with the limit's message (429 and Retry-After) and changes nothing.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from broadsheet.accounts import services
from broadsheet.accounts.models import User
from broadsheet.api.tests.conftest import token_header
from broadsheet.conftest import PASSWORD
from broadsheet.discussion.models import Comment, CommentState, DiscussionSettings, Rating
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.guard.ratelimits import (
    COMMENT,
    COMMENT_DELETE,
    COMMENT_EDIT,
    DAY,
    LOGIN,
    MINUTE,
    PASSWORD_RESET,
    PROFILE_EDIT,
    RATING,
    REGISTER,
    RESEND_CONFIRMATION,
    RateLimit,
    Window,
)
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_form_timing(settings: Any) -> None:
    """The honeypot's minimum time has its own tests (test_honeypot.py)."""
    settings.BROADSHEET_FORM_MIN_SECONDS = 0


@pytest.fixture
def post(editor: User) -> Post:
    return make_post(editor, "Budget vote delayed")


def one_a_day(settings: Any, limit: RateLimit) -> None:
    """From now on, one `limit` write a day per account, and one per address."""
    once = (Window(1, DAY),)
    changed = replace(limit, per_account=once if limit.per_account else (), per_address=once)
    settings.BROADSHEET_RATE_LIMITS = {**settings.BROADSHEET_RATE_LIMITS, limit.name: changed}


def refusal(doing: str) -> re.Pattern[str]:
    # "too fast" when the day's window ends within the hour (late in the UTC day)
    return re.compile(
        rf"You are {doing} too (often|fast): try again in \d+ (hour|minute|second)s?\."
    )


def assert_slowed_down(response: Any, doing: str) -> None:
    assert response.status_code == 429, response.content[:2000]
    assert 1 <= int(response["Retry-After"]) <= DAY
    assert refusal(doing).search(response.content.decode())


def send_json(client: Client, method: str, url: str, body: Any, user: User) -> Any:
    return getattr(client, method)(
        url,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers=token_header(user),
    )


def assert_api_slowed_down(response: Any, doing: str) -> None:
    assert response.status_code == 429, response.content
    assert 1 <= int(response["Retry-After"]) <= DAY
    body = response.json()
    assert body["error"] == "rate_limited"
    assert refusal(doing).fullmatch(body["detail"])


# Comments on the post page


def test_the_comment_form_refuses_a_second_comment_and_keeps_its_text(
    client: Client, settings: Any, post: Post, reader: User
) -> None:
    one_a_day(settings, COMMENT)
    client.force_login(reader)
    url = reverse("discussion:post_comment", kwargs={"slug": post.slug})
    assert client.post(url, {"body": "First thought.", "post": "1"}).status_code == 302

    response = client.post(url, {"body": "Second thought, typed with care.", "post": "1"})

    assert_slowed_down(response, "posting")
    assert "Second thought, typed with care." in response.content.decode()
    assert Comment.objects.count() == 1


def test_the_edit_form_refuses_a_second_edit(
    client: Client, settings: Any, post: Post, reader: User
) -> None:
    one_a_day(settings, COMMENT_EDIT)
    comment = make_comment(post, reader, "Frist draft")
    client.force_login(reader)
    url = reverse("discussion:edit_comment", kwargs={"comment_id": comment.pk})
    assert client.post(url, {"body": "First draft"}).status_code == 302

    response = client.post(url, {"body": "First draft, again"})

    assert_slowed_down(response, "editing comments")
    assert "First draft, again" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "First draft"


def test_the_delete_button_refuses_a_second_delete(
    client: Client, settings: Any, post: Post, reader: User
) -> None:
    one_a_day(settings, COMMENT_DELETE)
    first, second = make_comment(post, reader, "One"), make_comment(post, reader, "Two")
    client.force_login(reader)
    client.post(reverse("discussion:delete_comment", kwargs={"comment_id": first.pk}))

    response = client.post(reverse("discussion:delete_comment", kwargs={"comment_id": second.pk}))

    assert_slowed_down(response, "deleting comments")
    second.refresh_from_db()
    assert second.state != CommentState.DELETED


def test_the_rating_form_refuses_a_second_rating(
    client: Client, settings: Any, post: Post, reader: User, editor: User
) -> None:
    one_a_day(settings, RATING)
    comment = make_comment(post, editor, "Rate me")
    client.force_login(reader)
    url = reverse("discussion:rate_comment", kwargs={"comment_id": comment.pk})
    assert client.post(url, {"value": "4"}).status_code == 302

    response = client.post(url, {"value": "clear"})

    assert_slowed_down(response, "rating comments")
    assert Rating.objects.filter(comment=comment, rater=reader, value=4).exists()


# Comments through the API


def test_the_api_refuses_a_second_comment(
    client: Client, settings: Any, post: Post, reader: User
) -> None:
    one_a_day(settings, COMMENT)
    url = f"/api/posts/{post.pk}/comments"
    assert send_json(client, "post", url, {"body": "One."}, reader).status_code == 201

    response = send_json(client, "post", url, {"body": "Two."}, reader)

    assert_api_slowed_down(response, "posting")
    assert Comment.objects.count() == 1


def test_the_api_counts_commenters_without_an_account_by_address(
    client: Client, settings: Any, post: Post
) -> None:
    one_a_day(settings, COMMENT)
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})
    url = f"/api/posts/{post.pk}/comments"
    body = {"body": "Hello.", "name": "Ann", "email": "ann@example.org"}
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201, first.content

    response = client.post(url, {**body, "body": "Again."}, content_type="application/json")

    assert_api_slowed_down(response, "posting")


def test_the_api_refuses_a_second_edit(
    client: Client, settings: Any, post: Post, reader: User
) -> None:
    one_a_day(settings, COMMENT_EDIT)
    comment = make_comment(post, reader, "Frist")
    url = f"/api/comments/{comment.pk}"
    assert send_json(client, "patch", url, {"body": "First"}, reader).status_code == 200

    response = send_json(client, "patch", url, {"body": "First!"}, reader)

    assert_api_slowed_down(response, "editing comments")
    comment.refresh_from_db()
    assert comment.body == "First"


def test_the_api_refuses_a_second_delete(
    client: Client, settings: Any, post: Post, reader: User
) -> None:
    one_a_day(settings, COMMENT_DELETE)
    first, second = make_comment(post, reader, "One"), make_comment(post, reader, "Two")
    send_json(client, "delete", f"/api/comments/{first.pk}", None, reader)

    response = send_json(client, "delete", f"/api/comments/{second.pk}", None, reader)

    assert_api_slowed_down(response, "deleting comments")
    second.refresh_from_db()
    assert second.state != CommentState.DELETED


def test_the_api_refuses_a_second_rating_and_a_second_taking_back(
    client: Client, settings: Any, post: Post, reader: User, editor: User
) -> None:
    one_a_day(settings, RATING)
    comment = make_comment(post, editor, "Rate me")
    url = f"/api/comments/{comment.pk}/rating"
    assert send_json(client, "put", url, {"value": 4}, reader).status_code == 200

    assert_api_slowed_down(send_json(client, "put", url, {"value": 5}, reader), "rating comments")
    assert_api_slowed_down(send_json(client, "delete", url, None, reader), "rating comments")
    assert Rating.objects.get(comment=comment, rater=reader).value == 4


# Accounts


def registration(username: str) -> dict[str, str]:
    return {
        "username": username,
        "email": f"{username}@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def test_registration_refuses_a_second_account_from_one_address_and_keeps_the_form(
    settings: Any,
) -> None:
    one_a_day(settings, REGISTER)
    url = reverse("accounts:register")
    assert Client().post(url, registration("first_one")).status_code == 302

    response = Client().post(url, registration("second_one"))

    assert_slowed_down(response, "creating accounts")
    assert 'value="second_one"' in response.content.decode()
    assert not User.objects.filter(username="second_one").exists()


def test_login_refuses_a_second_attempt_from_one_address_before_checking_the_password(
    client: Client, settings: Any, reader: User
) -> None:
    one_a_day(settings, LOGIN)
    url = reverse("accounts:login")
    client.post(url, {"username": reader.username, "password": "not it"})

    response = client.post(url, {"username": reader.username, "password": PASSWORD})

    assert_slowed_down(response, "logging in")
    assert "_auth_user_id" not in client.session


def test_the_admin_log_in_refuses_the_21st_wrong_password_from_one_address(
    client: Client, admin_user: User
) -> None:
    """The real limit (20 a minute per address), over many usernames, so that django-axes's
    lock of one username after 5 failures plays no part."""
    if MINUTE - time.time() % MINUTE < 10:  # all 21 in one clock minute
        time.sleep(MINUTE - time.time() % MINUTE)
    url = reverse("admin:login")
    answers = [
        client.post(url, {"username": f"guess_{n}", "password": "wrong"}).status_code
        for n in range(21)
    ]
    assert answers[:20] == [200] * 20  # the form again, "Please enter the correct …"
    response = client.post(url, {"username": admin_user.username, "password": PASSWORD})
    assert_slowed_down(response, "logging in")  # the 22nd: even the right password waits
    assert answers[20] == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_refuses_a_second_mail_from_one_address(
    client: Client, settings: Any, reader: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    one_a_day(settings, PASSWORD_RESET)
    url = reverse("accounts:password_reset")
    assert client.post(url, {"email": reader.email}).status_code == 302

    response = client.post(url, {"email": reader.email})

    assert_slowed_down(response, "asking for password resets")
    assert len(mailoutbox) == 1


def test_resending_the_confirmation_link_is_refused_with_a_message(
    client: Client, settings: Any, mailoutbox: list[mail.EmailMessage]
) -> None:
    one_a_day(settings, RESEND_CONFIRMATION)
    newcomer = services.create_user(
        username="nina_new", email="nina@example.org", password=PASSWORD, email_confirmed=False
    )
    client.force_login(newcomer)
    url = reverse("accounts:resend_confirmation")
    client.post(url)
    # The service's own minute between two links passes: only the rate limit is left.
    cache.delete(services._resend_key(newcomer))
    mails_before = len(mailoutbox)

    response = client.post(url, follow=True)

    assert refusal("asking for confirmation links").search(response.content.decode())
    assert len(mailoutbox) == mails_before


def test_the_profile_form_refuses_a_second_change_and_keeps_the_text(
    client: Client, settings: Any, reader: User
) -> None:
    one_a_day(settings, PROFILE_EDIT)
    client.force_login(reader)
    url = reverse("accounts:edit_profile")
    form = {"email": reader.email, "current_password": ""}
    assert client.post(url, {**form, "bio": "Reads the paper."}).status_code == 302

    response = client.post(url, {**form, "bio": "Reads the paper every day."})

    assert_slowed_down(response, "changing your profile")
    assert "Reads the paper every day." in response.content.decode()
    reader.refresh_from_db()
    assert reader.bio == "Reads the paper."
