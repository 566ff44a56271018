"""A moderator works through the queue: a first comment held for approval, a reader's flag."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from broadsheet.accounts.roles import Role
from broadsheet.conftest import PASSWORD, make_user
from broadsheet.discussion import services as discussion
from broadsheet.publishing.models import Post, PostStatus
from broadsheet.publishing.services import create_post
from broadsheet.screening.models import ScreeningSettings

ACTION_TIMEOUT_MS = 10_000


@pytest.fixture
def post(site_url: str) -> Post:
    return create_post(
        editor=make_user("ed_editor", Role.EDITOR),
        title="Council Delays the Jail Budget",
        intro="The vote moves to next month.",
        status=PostStatus.PUBLISHED,
    ).post


def _log_in(page: Page, site_url: str, username: str, then: str) -> None:
    page.goto(f"{site_url}/accounts/login/?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{site_url}{then}")


def _fresh_page(new_context: CreateContextCallback) -> Page:
    """Another person's browser: a context of its own, with no cookies from the others."""
    page = new_context().new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    return page


def test_a_held_first_comment_is_seen_by_everyone_once_a_moderator_approves_it(
    page: Page, new_context: CreateContextCallback, site_url: str, post: Post
) -> None:
    ScreeningSettings.objects.update_or_create(pk=1, defaults={"hold_first_comments": True})
    make_user("rosa")
    make_user("mo_moderator", Role.MODERATOR)
    address = post.get_absolute_url()

    _log_in(page, site_url, "rosa", address)
    form = page.locator("#reply-form")
    form.get_by_label("Subject").fill("The delay costs money")
    form.get_by_label("Comment", exact=True).fill("Every month of delay is real money.")
    form.get_by_role("button", name="Post").click()
    expect(page).to_have_url(re.compile(r"\?comment=\d+#comment-\d+$"))
    comment_id = page.url.rsplit("#comment-", 1)[1]
    own = page.locator(f"article#comment-{comment_id}")
    expect(own.locator(".comment__subject")).to_have_text("The delay costs money")
    expect(own.locator(".comment__notice")).to_contain_text("Awaiting moderation")

    visitor = _fresh_page(new_context)
    visitor.goto(f"{site_url}{address}")
    expect(visitor.locator("#comments")).to_be_visible()
    expect(visitor.locator(f"#comment-{comment_id}")).to_have_count(0)
    expect(visitor.get_by_text("The delay costs money")).to_have_count(0)
    expect(visitor.locator("#comments-title")).to_have_text("0 Responses")

    moderator = _fresh_page(new_context)
    _log_in(moderator, site_url, "mo_moderator", "/")
    queue_link = moderator.get_by_role("navigation", name="Account").get_by_role(
        "link", name=re.compile(r"^Queue")
    )
    expect(queue_link.locator(".badge")).to_have_text("1")
    queue_link.click()
    expect(moderator).to_have_url(f"{site_url}/moderation/queue/")
    item = moderator.locator(f".queue-item[data-comment-id='{comment_id}']")
    expect(item.locator(".queue-item__subject")).to_have_text("The delay costs money")
    expect(item.locator(".queue-item__meta")).to_contain_text("by rosa")
    item.get_by_role("button", name="Approve", exact=True).click()

    expect(moderator.locator(".messages")).to_contain_text("You approved comment #1.")

    visitor.reload()
    shown = visitor.locator(f"article#comment-{comment_id}")
    expect(shown.locator(".comment__subject")).to_have_text("The delay costs money")
    expect(shown.locator(".comment__body")).to_have_text("Every month of delay is real money.")
    expect(shown.locator(".comment__notice")).to_have_count(0)
    expect(visitor.locator("#comments-title")).to_have_text("1 Response")

    # Approved, the comment leaves the queue and its count.
    moderator.goto(f"{site_url}/moderation/queue/")
    expect(moderator.locator(".queue-item")).to_have_count(0)
    expect(moderator.get_by_text("Nothing is waiting.")).to_be_visible()
    expect(queue_link.locator(".badge")).to_have_text("0")


def test_a_flagged_comment_is_approved_from_the_keyboard_and_leaves_the_queue(
    page: Page, new_context: CreateContextCallback, site_url: str, post: Post
) -> None:
    comment = discussion.post_comment(
        post=post,
        author=make_user("other_reader"),
        subject="The councillors are crooks",
        body="All of them, every one.",
    )
    make_user("rosa")
    make_user("mo_moderator", Role.MODERATOR)

    _log_in(page, site_url, "rosa", post.get_absolute_url())
    page.locator(f"article#comment-{comment.pk}").get_by_role("link", name="Flag").click()
    expect(page).to_have_url(f"{site_url}/comments/{comment.pk}/flag/")
    expect(page.get_by_role("heading", name="Flag comment #1")).to_be_visible()
    page.get_by_label("Abuse or harassment").check()
    page.get_by_label("Anything a moderator should know").fill("Names no one")
    page.get_by_role("button", name="Flag", exact=True).click()
    expect(page).to_have_url(re.compile(rf"#comment-{comment.pk}$"))
    expect(page.locator(".messages")).to_contain_text(
        "Thank you: a moderator will look at this comment."
    )

    moderator = _fresh_page(new_context)
    _log_in(moderator, site_url, "mo_moderator", "/moderation/queue/")
    items = moderator.locator(".queue-item")
    expect(items).to_have_count(1)
    item = items.first
    expect(item).to_have_attribute("data-comment-id", str(comment.pk))
    expect(item.locator(".queue-item__reasons")).to_contain_text(
        "flagged: Abuse or harassment (Names no one)"
    )

    moderator.wait_for_load_state("load")  # queue.js (a module) has run: the keys are live
    moderator.keyboard.press("j")
    expect(item).to_be_focused()
    expect(item).to_have_class(re.compile(r"\bqueue-item--current\b"))
    moderator.keyboard.press("a")

    expect(moderator.locator(".messages")).to_contain_text("You approved comment #1.")
    expect(moderator.locator(".queue-item")).to_have_count(0)
    expect(moderator.get_by_text("Nothing is waiting.")).to_be_visible()
