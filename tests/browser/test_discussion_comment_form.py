"""A reader joins the discussion: registers, previews and posts a comment, replies inline."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from broadsheet.conftest import PASSWORD, make_user
from broadsheet.discussion import services as discussion
from broadsheet.publishing.models import Post


def test_a_new_reader_registers_previews_a_comment_and_lands_on_it(
    page: Page, site_url: str, post: Post
) -> None:
    page.goto(f"{site_url}/accounts/register/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Email").fill("rosa@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".messages")).to_contain_text("Welcome, rosa.")

    page.goto(f"{site_url}{post.get_absolute_url()}")
    form = page.locator("#reply-form")
    expect(form.get_by_role("heading")).to_have_text("Post a comment")
    form.get_by_label("Subject").fill("The delay costs money")
    form.get_by_label("Comment", exact=True).fill("Every month of delay is **real** money.")
    form.get_by_role("button", name="Preview").click()

    preview = page.locator(".comment-preview")
    expect(preview).to_be_visible()
    expect(preview.locator("strong")).to_have_text("real")
    expect(form.get_by_label("Comment", exact=True)).to_have_value(
        "Every month of delay is **real** money."
    )
    form.get_by_role("button", name="Post").click()

    expect(page).to_have_url(re.compile(r"\?comment=\d+#comment-\d+$"))
    comment_id = page.url.rsplit("#comment-", 1)[1]
    comment = page.locator(f"article#comment-{comment_id}")
    expect(comment).to_be_visible()
    expect(comment).to_be_in_viewport()
    expect(comment.locator(".comment__subject")).to_have_text("The delay costs money")
    expect(comment.locator(".comment__body strong")).to_have_text("real")
    expect(comment.locator(".comment__byline")).to_contain_text("by rosa")
    # Posted, the draft is gone: the form below is empty again.
    expect(page.locator("#reply-form").get_by_label("Comment", exact=True)).to_have_value("")


def test_a_reply_opens_inline_survives_a_reload_and_appears_under_its_parent(
    page: Page, log_in: Callable[..., None], post: Post
) -> None:
    other = make_user("other_reader")
    parent = discussion.post_comment(
        post=post, author=other, subject="Who voted to delay?", body="Does anyone know?"
    )
    discussion.post_comment(post=post, author=other, subject="A second thought", body="Later.")
    make_user("rosa")
    log_in(page, "rosa", post.get_absolute_url())

    parent_comment = page.locator(f"article#comment-{parent.pk}")
    form = page.locator("#reply-form")
    parent_comment.get_by_role("link", name="Reply").click()

    # The form moves under the comment it answers, which its title names.
    expect(page.locator(f"#comment-{parent.pk} + #reply-form")).to_have_count(1)
    expect(form.get_by_role("heading")).to_have_text("Reply to #1 Who voted to delay?")
    expect(form.get_by_label("Comment", exact=True)).to_be_focused()
    expect(form.locator("input[name=parent]")).to_have_value(str(parent.pk))

    # Escape takes it back to the end of the thread, answering no one.
    page.keyboard.press("Escape")
    expect(page.locator(f"#comment-{parent.pk} + #reply-form")).to_have_count(0)
    expect(form.get_by_role("heading")).to_have_text("Post a comment")
    expect(form.locator("input[name=parent]")).to_have_value("")

    parent_comment.get_by_role("link", name="Reply").click()
    page.keyboard.type("The finance committee did, 5 to 2.")
    page.reload()

    expect(page.locator(f"#comment-{parent.pk} + #reply-form")).to_have_count(1)
    expect(form.get_by_label("Comment", exact=True)).to_have_value(
        "The finance committee did, 5 to 2."
    )
    expect(form.locator("input[name=parent]")).to_have_value(str(parent.pk))
    form.get_by_role("button", name="Post").click()

    expect(page).to_have_url(re.compile(r"\?comment=\d+#comment-\d+$"))
    reply_id = page.url.rsplit("#comment-", 1)[1]
    reply = page.locator(
        f"li:has(> #comment-{parent.pk}) > ol.comments__replies article#comment-{reply_id}"
    )
    expect(reply).to_be_visible()
    expect(reply.locator(".comment__body")).to_have_text("The finance committee did, 5 to 2.")
    expect(form.get_by_label("Comment", exact=True)).to_have_value("")

    reply.get_by_role("link", name="Parent").click()
    expect(page).to_have_url(re.compile(rf"#comment-{parent.pk}$"))
    assert page.evaluate("location.hash") == f"#comment-{parent.pk}"
    expect(parent_comment).to_be_in_viewport()


def test_a_comment_that_is_not_posted_says_why_first_and_takes_the_focus(
    page: Page, log_in: Callable[..., None], post: Post, settings: Any
) -> None:
    settings.BROADSHEET_FORM_MIN_SECONDS = 0
    make_user("rosa")
    log_in(page, "rosa", post.get_absolute_url())
    form = page.locator("#reply-form")
    form.get_by_label("Subject").fill("Half a thought")
    form.get_by_role("button", name="Post").click()  # the body is empty

    summary = page.locator("#comment-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your comment is not posted yet")
    summary.get_by_role("link", name="Comment: The comment is empty").click()
    expect(form.get_by_label("Comment", exact=True)).to_be_focused()
    expect(form.get_by_label("Subject")).to_have_value("Half a thought")


def test_without_javascript_the_servers_message_is_what_the_reader_sees(
    log_in: Callable[..., None], fresh_page: Callable[..., Page], post: Post, settings: Any
) -> None:
    settings.BROADSHEET_FORM_MIN_SECONDS = 0
    settings.DEBUG = False
    make_user("rosa")
    page = fresh_page(java_script_enabled=False)
    log_in(page, "rosa", post.get_absolute_url())
    form = page.locator("#reply-form")
    form.get_by_label("Comment", exact=True).fill("")
    with page.expect_navigation():  # no browser bubble stops the form
        form.get_by_role("button", name="Post").click()

    summary = page.locator("#comment-errors")
    expect(summary).to_contain_text("The comment is empty: write something in the body.")
    expect(summary).to_be_in_viewport()  # the address's #reply-form scrolls it into view
