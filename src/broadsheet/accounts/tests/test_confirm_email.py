"""Confirming an email address through the signed link, and what a bad link shows."""

from __future__ import annotations

import time

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from broadsheet.accounts import services
from broadsheet.accounts.models import User
from broadsheet.accounts.tests.conftest import Post, link_in, page_text
from broadsheet.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer() -> User:
    return services.create_user(
        username="nina_new", email="nina@example.org", password=PASSWORD, email_confirmed=False
    )


def confirm_url(token: str) -> str:
    return reverse("accounts:confirm_email", kwargs={"token": token})


def token_made_seconds_ago(user: User, seconds: float, monkeypatch: pytest.MonkeyPatch) -> str:
    made_at = time.time() - seconds
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: made_at)
        return services.confirmation_token(user)


def test_the_link_confirms_the_address_and_asks_anonymous_readers_to_log_in(
    client: Client, newcomer: User
) -> None:
    response = client.get(confirm_url(services.confirmation_token(newcomer)), follow=True)

    newcomer.refresh_from_db()
    assert newcomer.email_confirmed
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "nina@example.org is confirmed for nina_new" in page_text(response)


def test_a_logged_in_reader_lands_on_their_profile(client: Client, newcomer: User) -> None:
    client.force_login(newcomer)

    response = client.get(confirm_url(services.confirmation_token(newcomer)))

    assert response["Location"] == reverse("accounts:own_profile")


def test_a_tampered_link_explains_itself_and_changes_nothing(
    client: Client, newcomer: User
) -> None:
    token = services.confirmation_token(newcomer)
    other = make_user("otto_other")
    forged = signing.TimestampSigner(salt="something else").sign_object(
        {"user": other.pk, "email": "otto_other@example.org"}
    )

    for bad in (token[:-2] + "xx", forged, "not-a-token"):
        response = client.get(confirm_url(bad))
        assert response.status_code == 422
        assert "This confirmation link is not valid" in page_text(response)
        assert "Your account and everything in it are as they were." in page_text(response)

    newcomer.refresh_from_db()
    assert not newcomer.email_confirmed
    assert User.objects.filter(email_confirmed=False).count() == 1


def test_a_link_older_than_three_days_has_expired(
    client: Client, newcomer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = token_made_seconds_ago(newcomer, 3 * 24 * 3600 + 60, monkeypatch)

    response = client.get(confirm_url(token))

    assert response.status_code == 422
    assert "This confirmation link has expired" in page_text(response)
    newcomer.refresh_from_db()
    assert not newcomer.email_confirmed


def test_a_link_still_works_a_minute_before_it_expires(
    client: Client, newcomer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = token_made_seconds_ago(newcomer, 3 * 24 * 3600 - 60, monkeypatch)

    client.get(confirm_url(token))

    newcomer.refresh_from_db()
    assert newcomer.email_confirmed


def test_a_link_for_an_earlier_address_no_longer_confirms(client: Client, newcomer: User) -> None:
    token = services.confirmation_token(newcomer)
    User.objects.filter(pk=newcomer.pk).update(email="nina@elsewhere.example")

    response = client.get(confirm_url(token))

    assert response.status_code == 422
    assert "an address the account no longer uses" in page_text(response)
    newcomer.refresh_from_db()
    assert not newcomer.email_confirmed


def test_confirming_twice_is_harmless(client: Client, newcomer: User) -> None:
    url = confirm_url(services.confirmation_token(newcomer))

    client.get(url)
    response = client.get(url)

    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.email_confirmed


def test_a_failed_link_offers_a_logged_in_reader_a_new_one(client: Client, newcomer: User) -> None:
    client.force_login(newcomer)

    response = client.get(confirm_url("broken"))

    assert f'action="{reverse("accounts:resend_confirmation")}"' in page_text(response)


def test_asking_again_mails_a_fresh_working_link_then_asks_to_wait(
    client: Client, newcomer: User, post_and_commit: Post, mailoutbox: list[mail.EmailMessage]
) -> None:
    client.force_login(newcomer)
    resend = reverse("accounts:resend_confirmation")

    post_and_commit(resend)
    response = post_and_commit(resend, follow=True)

    assert len(mailoutbox) == 1
    assert "A link was sent less than a minute ago" in page_text(response)
    client.get(link_in(mailoutbox[0], "/accounts/confirm/"))
    newcomer.refresh_from_db()
    assert newcomer.email_confirmed


def test_asking_again_when_confirmed_sends_nothing(
    client: Client, reader: User, post_and_commit: Post, mailoutbox: list[mail.EmailMessage]
) -> None:
    client.force_login(reader)

    response = post_and_commit(reverse("accounts:resend_confirmation"), follow=True)

    assert mailoutbox == []
    assert "rita_reader@example.org is confirmed already." in page_text(response)


def test_asking_again_needs_a_logged_in_post(client: Client, newcomer: User) -> None:
    resend = reverse("accounts:resend_confirmation")

    assert client.post(resend)["Location"].startswith(reverse("accounts:login"))
    client.force_login(newcomer)
    assert client.get(resend).status_code == 405
