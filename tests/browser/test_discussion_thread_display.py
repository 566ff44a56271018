"""A reader changes how the thread is shown; a closed thread takes no more comments."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion import services as discussion
from broadsheet.publishing.models import PostStatus
from broadsheet.publishing.services import create_post


@pytest.fixture
def editor(site_url: str) -> User:
    return make_user("ed_editor", Role.EDITOR)


def _rosa_reads(page: Page, log_in: Callable[..., None], then: str) -> None:
    make_user("rosa")
    log_in(page, "rosa", then)


def test_threaded_newest_first_reorders_the_thread_and_shortens_replies_to_one_line(
    page: Page, log_in: Callable[..., None], site_url: str, editor: User
) -> None:
    post = create_post(
        editor=editor,
        title="Turnout Figures Revised",
        intro="The clerk corrected two precincts.",
        status=PostStatus.PUBLISHED,
    ).post
    other = make_user("other_reader")
    older = discussion.post_comment(post=post, author=other, subject="Older", body="First.")
    reply = discussion.post_comment(
        post=post, author=editor, subject="A reply", body="To the first.", parent_id=older.pk
    )
    newer = discussion.post_comment(post=post, author=other, subject="Newer", body="Second.")
    address = post.get_absolute_url()
    _rosa_reads(page, log_in, address)

    top_level = page.locator("ol.comments > li > article.comment")
    expect(top_level).to_have_count(2)
    expect(top_level.locator(".comment__subject")).to_have_text(["Older", "Newer"])
    controls = page.locator("form.thread-controls")
    page.evaluate("window.stillTheSamePage = true")
    # Moving through the options reloads nothing (WCAG 3.2.2); Apply does.
    display = controls.get_by_label("Display")
    display.focus()
    page.keyboard.press("ArrowDown")
    expect(display).to_have_value("threaded")
    sort = controls.get_by_label("Sort")
    sort.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(sort).to_have_value("newest")
    page.wait_for_timeout(500)  # long enough for a navigation that should not happen
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page).to_have_url(f"{site_url}{address}")

    controls.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"\?display=threaded&sort=newest#comments$"))
    assert page.evaluate("window.stillTheSamePage") is None

    expect(controls.get_by_label("Display")).to_have_value("threaded")
    expect(controls.get_by_label("Sort")).to_have_value("newest")
    expect(top_level.locator(".comment__subject")).to_have_text(["Newer", "Older"])
    expect(page.locator("article.comment")).to_have_count(2)
    line = page.locator(f"li:has(> #comment-{older.pk}) > ol.comments__replies .comment-line")
    expect(line).to_have_count(1)
    expect(line).to_have_attribute("id", f"comment-{reply.pk}")
    expect(line.get_by_role("link")).to_have_text("A reply")
    expect(line).to_contain_text("by ed_editor")
    order = page.locator(".comments [id^=comment-]").evaluate_all(
        "elements => elements.map(element => element.id)"
    )
    assert order == [f"comment-{newer.pk}", f"comment-{older.pk}", f"comment-{reply.pk}"]


def test_a_closed_post_says_so_and_offers_no_comment_form(
    page: Page, log_in: Callable[..., None], editor: User
) -> None:
    post = create_post(
        editor=editor,
        title="Water Agreement Signed",
        intro="After two years of talks.",
        status=PostStatus.PUBLISHED,
    ).post
    discussion.post_comment(
        post=post, author=make_user("early_reader"), subject="Finally", body="Two years."
    )
    discussion.set_comments_open(post=post, user=editor, is_open=False)
    _rosa_reads(page, log_in, post.get_absolute_url())

    expect(page.locator(".discussion__closed")).to_have_text("Comments are closed.")
    expect(page.locator("#reply-form")).to_have_count(0)
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.locator("article.comment")).to_have_count(1)
    expect(page.get_by_role("link", name="Reply")).to_have_count(0)


def test_a_reader_folds_a_sub_thread_and_opens_it_again(
    page: Page, log_in: Callable[..., None], editor: User
) -> None:
    post = create_post(
        editor=editor,
        title="Oversight Board Reports",
        intro="Its first annual report.",
        status=PostStatus.PUBLISHED,
    ).post
    other = make_user("other_reader")
    root = discussion.post_comment(post=post, author=other, subject="Root", body="Start.")
    child = discussion.post_comment(
        post=post, author=editor, subject="Child", body="Answer.", parent_id=root.pk
    )
    discussion.post_comment(
        post=post, author=other, subject="Grandchild", body="Again.", parent_id=child.pk
    )
    _rosa_reads(page, log_in, post.get_absolute_url())

    root_comment = page.locator(f"article#comment-{root.pk}")
    replies = page.locator(f"li:has(> #comment-{root.pk}) > ol.comments__replies")
    fold = root_comment.get_by_role("button", name="Collapse 2 replies")
    expect(fold).to_have_attribute("aria-expanded", "true")
    fold.click()

    expect(replies).to_be_hidden()
    unfold = root_comment.get_by_role("button", name="Expand 2 replies")
    expect(unfold).to_have_attribute("aria-expanded", "false")
    unfold.click()
    expect(replies).to_be_visible()
    expect(replies.locator(f"article#comment-{child.pk}")).to_be_visible()
