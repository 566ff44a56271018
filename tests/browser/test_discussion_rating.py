"""A reader rates another reader's comment without leaving the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from broadsheet.accounts.roles import Role
from broadsheet.conftest import PASSWORD, make_user
from broadsheet.discussion import services as discussion
from broadsheet.publishing.models import PostStatus
from broadsheet.publishing.services import create_post


def test_a_rating_shows_at_once_without_a_reload_and_stays_after_one(
    page: Page, site_url: str
) -> None:
    post = create_post(
        editor=make_user("ed_editor", Role.EDITOR),
        title="Sheriff Answers the Auditors",
        intro="A written reply, point by point.",
        status=PostStatus.PUBLISHED,
    ).post
    comment = discussion.post_comment(
        post=post,
        author=make_user("other_reader"),
        subject="Point four is evasive",
        body="It answers a different question.",
    )
    make_user("rosa")
    page.goto(f"{site_url}/accounts/login/?next={post.get_absolute_url()}")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{site_url}{post.get_absolute_url()}")

    article = page.locator(f"article#comment-{comment.pk}")
    shown = article.locator("[data-rating]")
    expect(shown).to_have_text("(none / 0)")
    # The select does the rating; its button is only for browsers without the script.
    expect(article.get_by_role("button", name="Rate")).to_be_hidden()
    page.evaluate("window.stillTheSamePage = true")

    with page.expect_response(f"**/api/comments/{comment.pk}/rating") as answer:
        article.get_by_label("Rate comment #1").select_option("4")
    assert answer.value.request.method == "PUT"
    assert answer.value.status == 200

    expect(shown).to_have_text("(4.00 / 1)")
    expect(page.get_by_role("status").filter(has_text="You rated comment #1 4")).to_have_text(
        "You rated comment #1 4. Its rating is now (4.00 / 1)."
    )
    assert page.evaluate("window.stillTheSamePage") is True

    page.reload()
    expect(shown).to_have_text("(4.00 / 1)")
    expect(article.get_by_label("Rate comment #1")).to_have_value("4")
    assert page.evaluate("window.stillTheSamePage") is None
