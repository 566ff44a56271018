"""The named cast of users that tests across apps share, and a site theme to install."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet import configuration
from broadsheet.accounts import services
from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.discussion import fragments

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
def page_queries(client: Client) -> Callable[..., list[str]]:
    """GET a page (after one warm-up request) and return the SQL it ran, for query-count pins.

    The page cache is emptied before the measured request, so that it is rendered (what a
    change costs); `cached=True` measures a request the page cache answers."""

    def run(url: str, *, cached: bool = False) -> list[str]:
        assert client.get(url).status_code == 200
        if not cached:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    return run


def same_query_count(small: list[str], large: list[str]) -> bool:
    if len(small) != len(large):
        print("Queries at the small size:", *small, sep="\n  ")
        print("Queries at the large size:", *large, sep="\n  ")
    return len(small) == len(large)


@dataclass(frozen=True)
class SiteTheme:
    """A BROADSHEET_THEME_DIR for one test: files written here replace the built-in ones."""

    path: Path
    settings: Any  # pytest-django's settings fixture, which undoes every change after the test

    def write(self, name: str, text: str) -> Path:
        """Add `templates/…` or `static/…` to the theme, then start afresh as a restart would."""
        file = self.path / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text)
        self.reload()
        return file

    def reload(self) -> None:
        """New template engines and finders reading the theme, as settings.py builds them.

        Setting TEMPLATES and STATICFILES_DIRS makes Django drop its engines and finders; the
        fragment templates are cached apart, by name, so they are dropped here.
        """
        templates = copy.deepcopy(self.settings.TEMPLATES)
        jinja2 = next(engine for engine in templates if engine["BACKEND"].endswith("Jinja2"))
        jinja2["DIRS"] = configuration.theme_subdirectories(
            self.path, configuration.THEME_TEMPLATES
        )
        self.settings.TEMPLATES = templates
        self.settings.STATICFILES_DIRS = configuration.theme_subdirectories(
            self.path, configuration.THEME_STATIC
        )
        fragments._template.cache_clear()


@pytest.fixture
def site_theme(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SiteTheme]:
    """An empty theme folder in use; tests add the files they override with `write`."""
    folder = tmp_path / "site-theme"
    (folder / configuration.THEME_TEMPLATES).mkdir(parents=True)
    (folder / configuration.THEME_STATIC).mkdir()
    monkeypatch.setenv("BROADSHEET_THEME_DIR", str(folder))
    theme_dir = configuration.theme_directory()
    assert theme_dir is not None
    settings.BROADSHEET_THEME_DIR = theme_dir
    theme = SiteTheme(path=theme_dir, settings=settings)
    theme.reload()
    yield theme
    # Later tests in this process must not render with the theme's cached templates.
    fragments._template.cache_clear()
