"""Browser journeys: a real Chromium, driven by Playwright, against pytest-django's live server.

Playwright's own browser downloads are not used: the tests launch Debian's Chromium, and
fail (not skip) when it is missing, so a machine without it cannot pass the suite silently.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from broadsheet import conftest as cast
from broadsheet.accounts.roles import Role
from broadsheet.accounts.services import create_user
from broadsheet.publishing.demo import build_demo_site
from broadsheet.publishing.models import Post, PostStatus
from broadsheet.publishing.services import create_post

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a machine busy with two test processes and a server (CI's 2 cores), short
# enough that a missing element fails within the minute.
ACTION_TIMEOUT_MS = 30_000
PASSWORD = "a browser test password 7"

HERE = Path(__file__).parent


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the journeys `browser` and run them after every other test (see below why)."""
    journeys = [item for item in items if HERE in Path(item.path).parents]
    others = [item for item in items if HERE not in Path(item.path).parents]
    for item in journeys:
        item.add_marker(pytest.mark.browser)
    items[:] = others + journeys


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_calls_beside_playwrights_event_loop() -> Iterator[None]:
    """Let Django's ORM run in the thread where Playwright's sync API keeps an event loop.

    Django refuses database calls while a loop runs in the thread. The loop lives until the
    end of the session, so the journeys run last, and the variable is set only once they
    start: tests that launch `broadsheet` in a subprocess would otherwise inherit it, and
    `check --deploy` rejects it.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}; install it with "
            "'apt-get install chromium' (or run 'make browser-deps').",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url() -> None:
    """No base address: tests build theirs from the live server's, whose port is random.

    This also stands in for pytest-playwright's fallback fixture, which pytest deprecates.
    """
    return None


def _settle(page: Page) -> None:
    """Let the page's own requests finish (thread.js asks for the reader's parts after load),
    so that none reaches the live server while the test's database is emptied: on PostgreSQL
    that TRUNCATE and a request's SELECT can deadlock."""
    if page.is_closed():
        return
    with contextlib.suppress(PlaywrightError):  # a page that never settles is closed anyway
        page.wait_for_load_state("networkidle", timeout=10_000)
    page.close()


@pytest.fixture
def page(page: Page, site_url: str) -> Iterator[Page]:
    """Playwright's page, closed once its requests finish, before the database is emptied
    (asking for site_url sets this fixture up after the live server, so it ends first)."""
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    yield page
    _settle(page)


@pytest.fixture
def site_url(live_server: Any) -> str:
    """The live server's address; asking for it gives the test a transactional database."""
    return str(live_server.url)


@pytest.fixture
def post(site_url: str) -> Post:
    """A published story by the editor ed_editor, for the journeys about its discussion."""
    return create_post(
        editor=cast.make_user("ed_editor", Role.EDITOR),
        title="Council Delays the Jail Budget",
        intro="The vote moves to next month.",
        status=PostStatus.PUBLISHED,
    ).post


@pytest.fixture
def log_in(site_url: str) -> Callable[[Page, str, str], None]:
    """`log_in(page, username, then)`: a person of the cast (`make_user`, whose password all
    share) logs in on the site's page and lands on `then`."""

    def through_the_log_in_page(page: Page, username: str, then: str) -> None:
        page.goto(f"{site_url}/accounts/login/?next={then}")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password", exact=True).fill(cast.PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{site_url}{then}")

    return through_the_log_in_page


@pytest.fixture
def fresh_page(new_context: CreateContextCallback, site_url: str) -> Iterator[Callable[..., Page]]:
    """`fresh_page(**context)`: another person's browser, a context of its own with no cookies
    from the others (`java_script_enabled=False` for one without scripts)."""
    opened: list[Page] = []

    def open_page(**context: Any) -> Page:
        page = new_context(**context).new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        _settle(page)


@pytest.fixture
def demo_site(site_url: str) -> str:
    """The invented demo site (`broadsheet demo`), with its audit and video stories."""
    build_demo_site()
    return site_url


@dataclass(frozen=True)
class Login:
    username: str
    password: str


@pytest.fixture
def editor_login(site_url: str) -> Login:
    """An account with the editor role, and what to type on a login page."""
    user = create_user(
        username="ed_editor",
        email="ed_editor@example.org",
        password=PASSWORD,
        role=Role.EDITOR,
        email_confirmed=True,
        check_password_strength=False,
    )
    return Login(username=user.username, password=PASSWORD)


@pytest.fixture
def open_rating() -> Callable[[Locator, str], Locator]:
    """Opens the page's one rating form under a comment, by the comment's Rate link, and gives
    the form's list of values. `which` is how the page names the comment ("comment #1")."""

    def under(article: Locator, which: str) -> Locator:
        article.get_by_role("link", name=f"Rate {which}").click()
        return article.get_by_label(f"Your rating of {which}")

    return under
