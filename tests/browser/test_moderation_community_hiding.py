"""Trusted readers rate a comment down to 0 and the community hides it from everyone else."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion import services as discussion
from broadsheet.publishing.models import PostStatus
from broadsheet.publishing.services import create_post


def test_three_trusted_readers_rating_0_hide_a_comment_from_anonymous_visitors(
    log_in: Callable[..., None],
    fresh_page: Callable[..., Page],
    site_url: str,
    open_rating: Callable[..., Locator],
) -> None:
    post = create_post(
        editor=make_user("ed_editor", Role.EDITOR),
        title="Sheriff Answers the Auditors",
        intro="A written reply, point by point.",
        status=PostStatus.PUBLISHED,
    ).post
    comment = discussion.post_comment(
        post=post,
        author=make_user("troll"),
        subject="Buy my miracle cure",
        body="It fixes budgets and backs.",
    )
    address = post.get_absolute_url()

    for number, username in enumerate(["tess", "tom", "tara"], start=1):
        make_user(username, Role.TRUSTED)
        page = fresh_page()
        log_in(page, username, address)
        page.wait_for_load_state("load")  # thread.js (a module) has run: Rate asks first

        article = page.locator(f"article#comment-{comment.pk}")
        select = open_rating(article, "comment #1")
        expect(select.locator("option[value='0']")).to_have_text("0 (hide)")
        page.evaluate("window.stillTheSamePage = true")
        select.select_option("0")
        article.get_by_role("button", name="Rate").click()
        with page.expect_response(f"**/api/comments/{comment.pk}/rating") as answer:
            page.get_by_role("dialog").get_by_role("button", name="Rate 0 (hide)").click()
        assert answer.value.request.method == "PUT"
        assert answer.value.status == 200
        expect(article.locator("[data-rating]")).to_have_text(f"(0.00 / {number})")
        assert page.evaluate("window.stillTheSamePage") is True
        page.context.close()

    visitor = fresh_page()
    visitor.goto(f"{site_url}{address}")
    hidden = visitor.locator(f"#comment-{comment.pk}")
    expect(hidden).to_have_class("comment-hidden")
    expect(hidden).to_contain_text("Hidden comment (#1)")
    expect(visitor.get_by_text("Buy my miracle cure")).to_have_count(0)
    expect(visitor.get_by_text("It fixes budgets and backs.")).to_have_count(0)
