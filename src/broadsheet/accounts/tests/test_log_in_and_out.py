"""Logging in (confirmed or not) and logging out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from broadsheet.accounts import services
from broadsheet.accounts.models import User
from broadsheet.accounts.tests.conftest import page_text
from broadsheet.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def test_the_login_page_links_to_register_and_password_reset(client: Client) -> None:
    html = page_text(client.get(LOGIN))

    assert f'href="{reverse("accounts:register")}"' in html
    assert f'href="{reverse("accounts:password_reset")}"' in html
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html


def test_the_right_password_starts_a_session_and_follows_next(client: Client, reader: User) -> None:
    response = client.post(
        LOGIN, {"username": "rita_reader", "password": PASSWORD, "next": "/open-threads/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/open-threads/"
    assert client.session["_auth_user_id"] == str(reader.pk)


def test_next_may_not_lead_off_the_site(client: Client, reader: User) -> None:
    response = client.post(
        LOGIN, {"username": "rita_reader", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("publishing:front_page")


def test_a_wrong_password_is_refused_and_the_username_kept(client: Client, reader: User) -> None:
    response = client.post(LOGIN, {"username": "rita_reader", "password": "wrong"})

    html = page_text(response)
    assert response.status_code == 200
    assert "Please enter a correct username and password" in html
    assert 'value="rita_reader"' in html
    assert "_auth_user_id" not in client.session


def test_unconfirmed_readers_may_log_in_and_are_asked_to_confirm(client: Client) -> None:
    services.create_user(
        username="nina_new", email="nina@example.org", password=PASSWORD, email_confirmed=False
    )

    response = client.post(LOGIN, {"username": "nina_new", "password": PASSWORD}, follow=True)

    assert "_auth_user_id" in client.session
    assert "Your address nina@example.org is not confirmed yet" in page_text(response)


def test_confirmed_readers_get_no_reminder(client: Client, reader: User) -> None:
    response = client.post(LOGIN, {"username": "rita_reader", "password": PASSWORD}, follow=True)

    assert "_auth_user_id" in client.session
    assert "not confirmed" not in page_text(response)


def test_logging_out_takes_a_post_and_ends_the_session(client: Client, reader: User) -> None:
    client.force_login(reader)
    logout = reverse("accounts:logout")

    assert client.get(logout).status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post(logout)

    assert response["Location"] == reverse("publishing:front_page")
    assert "_auth_user_id" not in client.session
