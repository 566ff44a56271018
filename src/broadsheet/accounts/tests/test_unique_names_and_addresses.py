"""No two accounts share a username or an email address, whatever their case.

The services check first, for a message a person can act on; the database's constraints
hold even for writes that skip the services, and turn a lost race into the same message.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from broadsheet.accounts import services
from broadsheet.accounts.models import User
from broadsheet.conftest import PASSWORD
from broadsheet.errors import Conflict

pytestmark = pytest.mark.django_db

SITE = services.SiteAddress(name="Broadsheet", root_url="https://example.org/")


def miss_the_first_check(monkeypatch: pytest.MonkeyPatch, check_name: str) -> None:
    """Let the service's first look for a rival find nothing, as when the rival commits
    between that look and the save."""
    real_check = getattr(services, check_name)
    calls = 0

    def check(*args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls > 1:
            real_check(*args, **kwargs)

    monkeypatch.setattr(services, check_name, check)


def test_the_database_refuses_a_username_differing_only_in_case(reader: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Rita_Reader", email="other@example.org")

    assert User.objects.count() == 1


def test_the_database_refuses_an_email_differing_only_in_case(reader: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="someone_else", email="RITA_READER@Example.org")

    assert User.objects.count() == 1


def test_any_number_of_accounts_may_have_no_email(db: None) -> None:
    User.objects.create(username="first", email="")
    User.objects.create(username="second", email="")

    assert User.objects.filter(email="").count() == 2


def test_model_validation_explains_a_taken_username_or_email(reader: User) -> None:
    with pytest.raises(ValidationError) as refused:
        User(username="RITA_READER", email="Rita_Reader@example.org").validate_constraints()

    assert sorted(refused.value.messages) == [
        "A user with that email address already exists.",
        "A user with that username already exists.",
    ]


@pytest.mark.parametrize(
    ("check_name", "username", "email", "code"),
    [
        ("_check_username_is_free", "RITA_READER", "new@example.org", "username_taken"),
        ("_check_email_is_free", "new_reader", "Rita_Reader@EXAMPLE.org", "email_taken"),
    ],
)
def test_a_registration_losing_the_race_gets_the_usual_conflict(
    monkeypatch: pytest.MonkeyPatch,
    reader: User,
    check_name: str,
    username: str,
    email: str,
    code: str,
) -> None:
    miss_the_first_check(monkeypatch, check_name)

    with pytest.raises(Conflict) as refused:
        services.create_user(username=username, email=email, password=PASSWORD)

    assert refused.value.code == code
    assert User.objects.count() == 1


def test_an_email_change_losing_the_race_gets_the_usual_conflict(
    monkeypatch: pytest.MonkeyPatch, reader: User, editor: User
) -> None:
    miss_the_first_check(monkeypatch, "_check_email_is_free")

    with pytest.raises(Conflict) as refused:
        services.update_profile(
            user=editor,
            bio="",
            email="RITA_READER@example.org",
            current_password=PASSWORD,
            site=SITE,
        )

    assert refused.value.code == "email_taken"
    editor.refresh_from_db()
    assert editor.email == "ed_editor@example.org"
