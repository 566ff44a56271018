"""A reader rates another reader's comment without leaving the page, and only when they say so."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Locator, Page, Request, expect

from broadsheet.accounts.roles import Role
from broadsheet.conftest import make_user
from broadsheet.discussion import services as discussion
from broadsheet.discussion.models import Comment, Rating
from broadsheet.publishing.models import Post, PostStatus
from broadsheet.publishing.services import create_post

OpenRating = Callable[[Locator, str], Locator]


def _story_with_a_comment() -> tuple[Post, Comment]:
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
    return post, comment


def _reader_on_the_story(
    page: Page, log_in: Callable[..., None], username: str, role: Role = Role.READER
) -> Comment:
    """A story with another reader's comment, and `username` logged in and reading it."""
    post, comment = _story_with_a_comment()
    make_user(username, role)
    log_in(page, username, post.get_absolute_url())
    # thread.js (a module) has run: Rate goes through the script, not the page's own form.
    page.wait_for_load_state("load")
    return comment


def _rating_requests(page: Page) -> list[Request]:
    sent: list[Request] = []
    page.on("request", lambda request: sent.append(request) if "/rat" in request.url else None)
    return sent


def test_a_rating_shows_at_once_without_a_reload_and_stays_after_one(
    page: Page, log_in: Callable[..., None], open_rating: OpenRating
) -> None:
    comment = _reader_on_the_story(page, log_in, "rosa")
    article = page.locator(f"article#comment-{comment.pk}")
    shown = article.locator("[data-rating]")
    expect(shown).to_have_text("(none / 0)")
    page.evaluate("window.stillTheSamePage = true")

    open_rating(article, "comment #1").select_option("4")
    with page.expect_response(f"**/api/comments/{comment.pk}/rating") as answer:
        article.get_by_role("button", name="Rate").click()
    assert answer.value.request.method == "PUT"
    assert answer.value.status == 200

    expect(shown).to_have_text("(4.00 / 1)")
    expect(page.get_by_role("status").filter(has_text="You rated comment #1 4")).to_have_text(
        "You rated comment #1 4. Its rating is now (4.00 / 1)."
    )
    assert page.evaluate("window.stillTheSamePage") is True

    page.reload()
    expect(shown).to_have_text("(4.00 / 1)")
    # The reader's own rating comes with their parts of the page (one JSON request).
    expect(article.get_by_role("link", name="Rate comment #1")).to_contain_text("(yours: 4)")
    expect(open_rating(article, "comment #1")).to_have_value("4")
    assert page.evaluate("window.stillTheSamePage") is None


def test_arrow_keys_through_the_ratings_send_nothing_and_enter_sends_the_choice(
    page: Page, log_in: Callable[..., None], open_rating: OpenRating
) -> None:
    comment = _reader_on_the_story(page, log_in, "rosa")
    sent = _rating_requests(page)
    select = open_rating(page.locator(f"article#comment-{comment.pk}"), "comment #1")

    expect(select).to_be_focused()  # the form opens ready for the keyboard
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(select).to_have_value("3")  # the keys did move through the options
    page.keyboard.press("ArrowUp")
    expect(select).to_have_value("2")
    page.wait_for_timeout(500)  # long enough for a request that should not happen
    assert sent == []
    assert not Rating.objects.exists()

    with page.expect_response(f"**/api/comments/{comment.pk}/rating"):
        page.keyboard.press("Enter")
    assert [request.method for request in sent] == ["PUT"]
    assert Rating.objects.get().value == 2
    expect(select).to_be_focused()


def test_a_trusted_readers_0_asks_first_and_cancelling_sends_nothing(
    page: Page, log_in: Callable[..., None], open_rating: OpenRating
) -> None:
    comment = _reader_on_the_story(page, log_in, "tess", Role.TRUSTED)
    sent = _rating_requests(page)
    article = page.locator(f"article#comment-{comment.pk}")
    select = open_rating(article, "comment #1")
    rate = article.get_by_role("button", name="Rate")

    select.select_option("0")
    rate.click()
    dialog = page.get_by_role("dialog", name="Rate comment #1 0 (hide)?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Keep it visible")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(rate).to_be_focused()
    expect(select).to_have_value("")
    assert sent == []

    select.select_option("0")
    rate.click()
    with page.expect_response(f"**/api/comments/{comment.pk}/rating"):
        dialog.get_by_role("button", name="Rate 0 (hide)").click()
    expect(article.locator("[data-rating]")).to_have_text("(0.00 / 1)")
    assert Rating.objects.get().value == 0
