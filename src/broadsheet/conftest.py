"""The named cast of users that tests across apps share."""

from __future__ import annotations

import pytest

from broadsheet.accounts import services
from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role

PASSWORD = "correct horse battery staple 42"  # noqa: S105 - a test fixture


def make_user(username: str, role: Role = Role.READER) -> User:
    return services.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        role=role,
        email_confirmed=True,
        check_password_strength=False,
    )


@pytest.fixture
def reader(db: None) -> User:
    return make_user("rita_reader")


@pytest.fixture
def editor(db: None) -> User:
    return make_user("ed_editor", Role.EDITOR)


@pytest.fixture
def moderator(db: None) -> User:
    return make_user("mo_moderator", Role.MODERATOR)


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("ada_admin", Role.ADMIN)
