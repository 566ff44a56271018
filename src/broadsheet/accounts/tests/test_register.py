"""Registering: a reader's account, logged in at once, with a confirmation link mailed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from broadsheet.accounts import services
from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role, role_of
from broadsheet.accounts.tests.conftest import Post, field_errors, link_in, page_text
from broadsheet.conftest import PASSWORD
from broadsheet.errors import InvalidInput

pytestmark = pytest.mark.django_db

REGISTER = reverse("accounts:register")


def form(**changes: str) -> dict[str, str]:
    data = {
        "username": "new_reader",
        "email": "new.reader@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(changes)
    return data


def test_registering_creates_an_unconfirmed_reader_and_logs_them_in(
    client: Client, post_and_commit: Post, mailoutbox: list[mail.EmailMessage]
) -> None:
    response = post_and_commit(REGISTER, form())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:own_profile")
    user = User.objects.get(username="new_reader")
    assert user.email == "new.reader@example.org"
    assert not user.email_confirmed
    assert role_of(user) is Role.READER
    assert not user.is_staff
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_registering_mails_a_confirmation_link_that_confirms_the_address(
    client: Client, post_and_commit: Post, mailoutbox: list[mail.EmailMessage]
) -> None:
    post_and_commit(REGISTER, form())

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.reader@example.org"]
    assert "\n" not in message.subject
    assert "Confirm your address" in message.subject
    assert "new_reader" in str(message.body)

    response = client.get(link_in(message, "/accounts/confirm/"))

    assert response.status_code == 302
    assert User.objects.get(username="new_reader").email_confirmed


def test_the_welcome_message_names_the_address_the_link_went_to(
    client: Client, post_and_commit: Post
) -> None:
    post_and_commit(REGISTER, form())

    response = client.get(reverse("accounts:own_profile"), follow=True)

    assert "We have sent a link to new.reader@example.org" in page_text(response)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("username", "RITA_READER", "The username 'RITA_READER' is taken."),
        (
            "email",
            "Rita_Reader@EXAMPLE.org",
            "An account with the email Rita_Reader@EXAMPLE.org exists already.",
        ),
    ],
)
def test_a_taken_username_or_email_is_refused_whatever_its_case(
    client: Client,
    reader: User,
    mailoutbox: list[mail.EmailMessage],
    field: str,
    value: str,
    expected: str,
) -> None:
    response = client.post(REGISTER, form(**{field: value}))

    assert response.status_code == 200
    assert field_errors(response, field) == [expected]
    assert User.objects.count() == 1
    assert mailoutbox == []


def test_a_refused_form_keeps_what_was_typed_except_the_passwords(client: Client) -> None:
    response = client.post(REGISTER, form(username="bad name!", email="kept@example.org"))

    html = page_text(response)
    assert 'value="bad name!"' in html
    assert 'value="kept@example.org"' in html
    assert PASSWORD not in html
    assert field_errors(response, "username")[0].startswith("Enter a valid username")
    assert '<a href="#id_username">Username: Enter a valid username' in html


def test_mismatched_passwords_are_refused_and_nothing_is_created(client: Client) -> None:
    response = client.post(REGISTER, form(password2=PASSWORD + "!"))

    assert field_errors(response, "password2") == [
        "The two passwords differ; please type them again."
    ]
    assert not User.objects.filter(username="new_reader").exists()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("83920174659", "entirely numeric"),
        ("new_reader_1", "too similar to the username"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(
    client: Client, password: str, reason: str
) -> None:
    response = client.post(REGISTER, form(password1=password, password2=password))

    errors = field_errors(response, "password1")
    assert any(reason in error for error in errors), errors
    assert not User.objects.filter(username="new_reader").exists()


def test_empty_fields_are_each_marked_and_summarized(client: Client) -> None:
    response = client.post(REGISTER, {})

    html = page_text(response)
    assert 'class="error-summary"' in html
    for field in ("username", "email", "password1", "password2"):
        assert f'<a href="#id_{field}">' in html
        assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html


def test_logged_in_people_are_sent_to_their_profile_instead(client: Client, reader: User) -> None:
    client.force_login(reader)

    response = client.get(REGISTER)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:own_profile")


def test_a_huge_form_is_refused_before_anything_is_saved(client: Client, settings: Any) -> None:
    response = client.post(REGISTER, form(username="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE)))

    assert response.status_code == 400
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("username", "email", "code"),
    [
        ("has space", "ok@example.org", "username_invalid"),
        ("fine", "x" * 250 + "@example.org", "email_invalid"),
    ],
)
def test_register_reader_checks_input_the_form_never_sees(
    username: str, email: str, code: str
) -> None:
    site = services.SiteAddress(name="Broadsheet", root_url="https://example.org/")

    with pytest.raises(InvalidInput) as refused:
        services.register_reader(username=username, email=email, password=PASSWORD, site=site)

    assert refused.value.code == code
    assert not User.objects.exists()
