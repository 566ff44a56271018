"""The honeypot and the minimum time on the comment and registration forms; the API has neither."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from broadsheet.accounts.models import User
from broadsheet.api.tests.conftest import token_header
from broadsheet.conftest import PASSWORD
from broadsheet.discussion.models import Comment
from broadsheet.guard.honeypot import (
    COMMENT_FORM,
    HONEYPOT_FIELD,
    MAX_AGE,
    MIN_SECONDS,
    REGISTRATION_FORM,
    SALT,
    SHOWN_AT_FIELD,
    GuardedForm,
)
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

QUICK = "That was quick: please check your comment and post it again."
EXPIRED = "This form has expired: please check your comment and post it again."


@pytest.fixture(autouse=True)
def _real_minimum_time(settings: Any) -> None:
    """The real rule, whatever a test-wide set-up relaxes."""
    settings.BROADSHEET_FORM_MIN_SECONDS = None


@pytest.fixture
def post(editor: User) -> Post:
    return make_post(editor, "Budget vote delayed")


@pytest.fixture
def reader_client(client: Client, reader: User) -> Client:
    client.force_login(reader)
    return client


def shown_at_in(html: str) -> str:
    found = re.search(rf'name="{SHOWN_AT_FIELD}" value="([^"]+)"', html)
    assert found, "no shown_at field in the page"
    return found.group(1)


def signed_seconds_ago(form: GuardedForm, seconds: float) -> str:
    """A shown_at value as the site would have written it `seconds` ago."""

    class EarlierSigner(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time() - seconds))

    return EarlierSigner(salt=f"{SALT}.{form.name}").sign_object(round(time.time() - seconds, 3))


def comment_form(post: Post, body: str, *, shown_at: str, **more: str) -> dict[str, str]:
    return {"body": body, "post": "1", SHOWN_AT_FIELD: shown_at, **more}


def comment_url(post: Post) -> str:
    return reverse("discussion:post_comment", kwargs={"slug": post.slug})


def test_the_comment_form_has_a_honeypot_hidden_from_people_and_the_time_it_was_shown(
    reader_client: Client, post: Post
) -> None:
    html = reader_client.get(post.get_absolute_url()).content.decode()

    form = html[html.index('id="reply-form"') :]
    form = form[: form.index("</form>")]
    assert re.search(
        r'<div class="visually-hidden" aria-hidden="true">\s*'
        r'<label for="id_website">Leave this empty</label>'
        r'<input type="text" name="website" tabindex="-1" autocomplete="off" id="id_website">',
        form,
    ), form
    assert signing.loads(shown_at_in(form), salt=f"{SALT}.comment") == pytest.approx(
        time.time(), abs=5
    )


def test_a_person_who_takes_their_time_posts(reader_client: Client, post: Post) -> None:
    shown_at = signed_seconds_ago(COMMENT_FORM, MIN_SECONDS + 1)

    response = reader_client.post(comment_url(post), comment_form(post, "Hi.", shown_at=shown_at))

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_posting_faster_than_a_person_types_is_refused_and_keeps_the_text(
    reader_client: Client, post: Post
) -> None:
    shown_at = shown_at_in(reader_client.get(post.get_absolute_url()).content.decode())

    response = reader_client.post(
        comment_url(post), comment_form(post, "My quick words.", shown_at=shown_at)
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert QUICK in html
    assert "My quick words." in html
    assert shown_at_in(html) == shown_at  # the clock keeps running from the first showing
    assert Comment.objects.count() == 0


def test_a_filled_honeypot_is_refused_keeps_the_text_and_comes_back_empty(
    reader_client: Client, post: Post
) -> None:
    shown_at = signed_seconds_ago(COMMENT_FORM, 60)

    response = reader_client.post(
        comment_url(post),
        comment_form(post, "Buy now.", shown_at=shown_at, **{HONEYPOT_FIELD: "https://spam"}),
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "A field that people leave empty was filled in" in html
    assert "please check your comment and post it again." in html
    assert "Buy now." in html
    assert "https://spam" not in html
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("case", ["missing", "forged", "another form's", "too old"])
def test_a_missing_forged_or_stale_time_is_refused_and_a_fresh_one_given(
    reader_client: Client, post: Post, case: str
) -> None:
    shown_at = {
        "missing": "",
        "forged": signing.dumps(time.time() - 60, key="not the site's", salt=f"{SALT}.comment"),
        "another form's": signed_seconds_ago(REGISTRATION_FORM, 60),
        "too old": signed_seconds_ago(COMMENT_FORM, MAX_AGE.total_seconds() + 60),
    }[case]

    response = reader_client.post(comment_url(post), comment_form(post, "Kept.", shown_at=shown_at))

    html = response.content.decode()
    assert EXPIRED in html
    assert "Kept." in html
    fresh = signing.loads(shown_at_in(html), salt=f"{SALT}.comment")
    assert fresh == pytest.approx(time.time(), abs=5)
    assert Comment.objects.count() == 0


def test_preview_resets_nothing(reader_client: Client, post: Post) -> None:
    shown_at = shown_at_in(reader_client.get(post.get_absolute_url()).content.decode())

    preview = reader_client.post(
        comment_url(post), {"body": "Draft", "preview": "1", SHOWN_AT_FIELD: shown_at}
    )

    assert preview.status_code == 200
    assert shown_at_in(preview.content.decode()) == shown_at


def test_the_api_has_neither_honeypot_nor_minimum_time(
    client: Client, post: Post, reader: User
) -> None:
    response = client.post(
        f"/api/posts/{post.pk}/comments",
        {"body": "From a script, at once."},
        content_type="application/json",
        headers=token_header(reader),
    )

    assert response.status_code == 201, response.content


# Registration


def registration(**more: str) -> dict[str, str]:
    return {
        "username": "new_reader",
        "email": "new.reader@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **more,
    }


def test_the_registration_form_has_the_honeypot_and_the_time(client: Client) -> None:
    html = client.get(reverse("accounts:register")).content.decode()

    assert '<label for="id_website">Leave this empty</label>' in html
    assert signing.loads(shown_at_in(html), salt=f"{SALT}.register") == pytest.approx(
        time.time(), abs=5
    )


def test_registering_faster_than_a_person_types_is_refused(client: Client) -> None:
    url = reverse("accounts:register")
    shown_at = shown_at_in(client.get(url).content.decode())

    response = client.post(url, registration(**{SHOWN_AT_FIELD: shown_at}))

    html = response.content.decode()
    assert "That was quick: please check the form and send it again." in html
    assert 'value="new_reader"' in html
    assert not User.objects.filter(username="new_reader").exists()


def test_registering_with_the_honeypot_filled_is_refused(client: Client) -> None:
    shown_at = signed_seconds_ago(REGISTRATION_FORM, 60)

    response = client.post(
        reverse("accounts:register"),
        registration(**{SHOWN_AT_FIELD: shown_at, HONEYPOT_FIELD: "x"}),
    )

    assert "A field that people leave empty was filled in" in response.content.decode()
    assert not User.objects.filter(username="new_reader").exists()


def test_a_person_who_takes_their_time_registers(client: Client) -> None:
    shown_at = signed_seconds_ago(REGISTRATION_FORM, MIN_SECONDS + 1)

    response = client.post(reverse("accounts:register"), registration(shown_at=shown_at))

    assert response.status_code == 302
    assert User.objects.filter(username="new_reader").exists()


def test_tests_may_relax_the_minimum_time_and_nothing_else(
    client: Client, settings: Any, post: Post, reader: User
) -> None:
    settings.BROADSHEET_FORM_MIN_SECONDS = 0
    client.force_login(reader)

    posted = client.post(comment_url(post), {"body": "No time given.", "post": "1"})
    trapped = client.post(
        comment_url(post), {"body": "Spam.", "post": "1", HONEYPOT_FIELD: "filled"}
    )

    assert posted.status_code == 302
    assert trapped.status_code == 422
    assert Comment.objects.count() == 1
