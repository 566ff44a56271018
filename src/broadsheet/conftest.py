"""The named cast of users that tests across apps share."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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


@pytest.fixture
def page_queries(client: Client) -> Callable[[str], list[str]]:
    """GET a page (after one warm-up request) and return the SQL it ran, for query-count pins."""

    def run(url: str) -> list[str]:
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    return run


def same_query_count(small: list[str], large: list[str]) -> bool:
    if len(small) != len(large):
        print("Queries at the small size:", *small, sep="\n  ")
        print("Queries at the large size:", *large, sep="\n  ")
    return len(small) == len(large)
