"""Resetting a forgotten password through a mailed link."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from broadsheet.accounts.models import User
from broadsheet.accounts.tests.conftest import link_in, page_text
from broadsheet.conftest import PASSWORD

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "a brand new passphrase 77"


def test_the_mail_holds_a_full_link_that_sets_a_new_password(
    client: Client, reader: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    response = client.post(RESET, {"email": "RITA_READER@example.org"})

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["rita_reader@example.org"]
    assert message.subject == "Reset your password at Broadsheet"
    assert "Hello rita_reader," in str(message.body)

    form_page = client.get(link_in(message, "/accounts/password/reset/"), follow=True)
    assert "Choose a new password" in page_text(form_page)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert done.redirect_chain[-1][0] == reverse("accounts:password_reset_complete")
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)


def test_the_mail_is_plain_text_even_for_names_html_would_escape(
    client: Client, reader: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    User.objects.filter(pk=reader.pk).update(username="o'brien")

    client.post(RESET, {"email": "rita_reader@example.org"})

    assert "Hello o'brien," in str(mailoutbox[0].body)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: Client, reader: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    response = client.post(RESET, {"email": "nobody@example.org"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:password_reset_done")
    assert "If an account uses the address you gave" in page_text(response)
    assert mailoutbox == []


def test_a_used_link_says_so_and_changes_nothing(
    client: Client, reader: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    client.post(RESET, {"email": "rita_reader@example.org"})
    link = link_in(mailoutbox[0], "/accounts/password/reset/")
    reader.set_password("changed meanwhile 12")
    reader.save()

    response = client.get(link, follow=True)

    assert "This link did not work" in page_text(response)
    assert 'name="new_password1"' not in page_text(response)
    reader.refresh_from_db()
    assert reader.check_password("changed meanwhile 12")
    assert not reader.check_password(PASSWORD)
