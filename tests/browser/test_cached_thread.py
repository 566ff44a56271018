"""A thread served from the page cache: a signed-in reader rates and replies on the shared
thread, the next anonymous visitor sees the reply at once, and without JavaScript each
comment's own page has the controls."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from broadsheet.conftest import make_user
from broadsheet.discussion import services as discussion
from broadsheet.discussion.models import Comment, Rating
from broadsheet.publishing.models import Post


def _warm_anonymous_cache(visitor: Page, address: str) -> None:
    first = visitor.goto(address)
    assert first is not None and first.headers["x-page-cache"] == "miss"
    again = visitor.request.get(address)
    assert again.headers["x-page-cache"] == "hit"


def test_a_signed_in_reader_rates_and_replies_on_the_cached_thread(
    page: Page,
    post: Post,
    site_url: str,
    log_in: Callable[..., None],
    fresh_page: Callable[..., Page],
    open_rating: Callable[[Locator, str], Locator],
) -> None:
    comment = discussion.post_comment(
        post=post, author=make_user("kay"), subject="Two counties", body="Which two were left out?"
    )
    address = post.get_absolute_url()
    visitor = fresh_page()
    _warm_anonymous_cache(visitor, f"{site_url}{address}")

    make_user("rosa")
    log_in(page, "rosa", address)
    page.wait_for_load_state("load")  # thread.js has run and asked for the reader's parts
    article = page.locator(f"article#comment-{comment.pk}")
    expect(article.locator("form")).to_have_count(0)  # the thread carries no forms

    open_rating(article, "comment #1").select_option("5")
    with page.expect_response(f"**/api/comments/{comment.pk}/rating"):
        article.get_by_role("button", name="Rate").click()
    expect(article.locator("[data-rating]")).to_have_text("(5.00 / 1)")

    article.get_by_role("link", name="Reply").click()
    form = page.locator("#reply-form")
    expect(form.get_by_role("heading", level=3)).to_contain_text("Reply to")
    form.get_by_label("Comment", exact=True).fill("Kane and Lorain, per the appendix.")
    form.get_by_role("button", name="Post").click()
    expect(page.get_by_role("paragraph").filter(has_text="Kane and Lorain, per")).to_be_visible()
    reply = Comment.objects.get(parent=comment)
    assert Rating.objects.get(comment=comment).value == 5

    # The next anonymous read shows both, from a page rendered afresh.
    fresh = visitor.request.get(f"{site_url}{address}")
    assert fresh.headers["x-page-cache"] == "miss"
    visitor.reload()
    expect(visitor.locator(f"article#comment-{reply.pk}")).to_contain_text("Kane and Lorain")
    expect(visitor.locator(f"article#comment-{comment.pk} [data-rating]")).to_have_text(
        "(5.00 / 1)"
    )


def test_without_javascript_a_comments_own_page_has_its_controls(
    post: Post, site_url: str, log_in: Callable[..., None], fresh_page: Callable[..., Page]
) -> None:
    comment = discussion.post_comment(
        post=post, author=make_user("kay"), subject="Two counties", body="Which two were left out?"
    )
    make_user("rosa")
    reader = fresh_page(java_script_enabled=False)
    log_in(reader, "rosa", post.get_absolute_url())
    reader.locator(f"article#comment-{comment.pk}").get_by_role("link", name="Rate").click()
    expect(reader).to_have_url(f"{site_url}/comments/{comment.pk}/#rate")
    reader.get_by_label("Your rating").select_option("4")
    reader.get_by_role("button", name="Rate").click()
    expect(reader).to_have_url(f"{site_url}{comment.get_absolute_url()}")
    assert Rating.objects.get(comment=comment).value == 4

    reader.goto(f"{site_url}/comments/{comment.pk}/")
    reader.get_by_label("Comment", exact=True).fill("Kane and Lorain.")
    reader.get_by_role("button", name="Post").click()
    expect(reader.get_by_role("paragraph").filter(has_text="Kane and Lorain.")).to_be_visible()
    assert Comment.objects.get(parent=comment).body == "Kane and Lorain."
