"""Log-in lockout (django-axes): wrong passwords pause one username from one address."""

from __future__ import annotations

from typing import Any

import axes.utils
import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.accounts.tests.conftest import link_in
from broadsheet.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.20"
PAUSED = "Log-in paused"


def log_in(client: Client, user: User, password: str, *, ip: str = HOME, url: str = LOGIN) -> Any:
    return client.post(url, {"username": user.username, "password": password}, REMOTE_ADDR=ip)


def guess_wrong(client: Client, user: User, times: int, **where: Any) -> Any:
    response = None
    for guess in range(times):
        response = log_in(client, user, f"guess {guess}", **where)
    return response


def assert_paused(response: Any) -> None:
    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert PAUSED in html
    assert "for 15 minutes" in html
    assert 'class="site-header"' in html  # the site's own page, not a bare message


def test_four_wrong_passwords_are_refused_as_wrong_and_the_fifth_pauses_log_in(
    client: Client, reader: User
) -> None:
    fourth = guess_wrong(client, reader, 4)
    assert fourth.status_code == 200
    assert PAUSED not in fourth.content.decode()

    assert_paused(guess_wrong(client, reader, 1))


def test_while_paused_the_right_password_is_refused_too(client: Client, reader: User) -> None:
    guess_wrong(client, reader, settings.AXES_FAILURE_LIMIT)

    response = log_in(client, reader, PASSWORD)

    assert_paused(response)
    assert "_auth_user_id" not in client.session


def test_the_pause_holds_one_username_at_one_address_only(client: Client, reader: User) -> None:
    other = make_user("other_reader")
    guess_wrong(client, reader, settings.AXES_FAILURE_LIMIT)

    assert log_in(Client(), reader, PASSWORD, ip=ELSEWHERE).status_code == 302
    assert log_in(Client(), other, PASSWORD).status_code == 302


def test_after_the_cool_off_the_right_password_works(client: Client, reader: User) -> None:
    guess_wrong(client, reader, settings.AXES_FAILURE_LIMIT)
    assert_paused(log_in(client, reader, PASSWORD))

    for attempt in AccessAttempt.objects.all():  # as if the cool-off had passed
        attempt.attempt_time -= settings.AXES_COOLOFF_TIME
        attempt.save()

    assert log_in(client, reader, PASSWORD).status_code == 302


def test_an_admin_resets_the_pause(client: Client, reader: User) -> None:
    guess_wrong(client, reader, settings.AXES_FAILURE_LIMIT)

    axes.utils.reset(username=reader.username)

    assert log_in(client, reader, PASSWORD).status_code == 302


def test_the_right_password_forgives_earlier_slips(client: Client, reader: User) -> None:
    guess_wrong(client, reader, settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, reader, PASSWORD).status_code == 302
    client.logout()

    assert guess_wrong(Client(), reader, settings.AXES_FAILURE_LIMIT - 1).status_code == 200


def test_a_new_password_from_a_mailed_link_ends_the_pause(
    client: Client, reader: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    guess_wrong(client, reader, settings.AXES_FAILURE_LIMIT)
    client.post(reverse("accounts:password_reset"), {"email": reader.email})
    form_page = client.get(link_in(mailoutbox[0], "/accounts/password/reset/"), follow=True)
    new_password = "a brand new passphrase 77"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )

    assert log_in(client, reader, new_password).status_code == 302


def test_the_admin_log_in_pauses_too_with_the_sites_page(client: Client) -> None:
    admin = make_user("ada_admin", Role.ADMIN)
    guess_wrong(client, admin, settings.AXES_FAILURE_LIMIT, url=ADMIN_LOGIN)

    response = log_in(client, admin, PASSWORD, url=ADMIN_LOGIN)

    assert_paused(response)
    assert "_auth_user_id" not in client.session
