"""Changing one's password while logged in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from broadsheet.accounts.models import User
from broadsheet.accounts.tests.conftest import field_errors, page_text
from broadsheet.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:password_change")
NEW_PASSWORD = "a brand new passphrase 77"


def test_changing_the_password_needs_the_old_one_and_keeps_the_session(
    client: Client, reader: User
) -> None:
    client.force_login(reader)

    response = client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:password_change_done")
    assert "Password changed" in page_text(response)
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(reader.pk)


def test_a_wrong_old_password_changes_nothing(client: Client, reader: User) -> None:
    client.force_login(reader)

    response = client.post(
        CHANGE,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert field_errors(response, "old_password") == [
        "Your old password was entered incorrectly. Please enter it again."
    ]
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)


def test_the_change_form_labels_every_field_and_explains_the_rules(
    client: Client, reader: User
) -> None:
    client.force_login(reader)

    html = page_text(client.get(CHANGE))

    for field in ("old_password", "new_password1", "new_password2"):
        assert f'<label for="id_{field}">' in html
    assert "be a commonly used password.</li>" in html


def test_changing_the_password_needs_a_login(client: Client) -> None:
    response = client.get(CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
