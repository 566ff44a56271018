"""Page B's discussion as a reader sees it in the Blog style: numbered responses, nested
replies, names and dates, no ratings; each comment read in its own language."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from broadsheet.conftest import make_user
from broadsheet.discussion.demo import (
    ANALYSIS_DISCUSSION,
    STORY_DISCUSSION,
    demo_readers,
    use_comment_style,
    write_conversation,
)
from broadsheet.publishing.models import CommentStyle, Post

PAGE_B = "ceasefire-talks-resume-as-envoys-meet"
PAGE_A = "county-jail-audit-finds-gaps-in-medical-checks"


def _discussions() -> None:
    people = demo_readers()
    write_conversation(Post.objects.get(slug=PAGE_B), people, ANALYSIS_DISCUSSION)
    write_conversation(Post.objects.get(slug=PAGE_A), people, STORY_DISCUSSION)


def test_the_blog_style_shows_page_bs_numbered_nested_discussion(
    page: Page, demo_site: str
) -> None:
    _discussions()
    use_comment_style(CommentStyle.BLOG)
    page.goto(f"{demo_site}/posts/{PAGE_B}/")

    expect(page.get_by_role("heading", name="6 Responses")).to_be_visible()
    responses = page.locator("ol.comments > li")
    expect(responses).to_have_count(3)
    markers = responses.evaluate_all(
        "items => items.map(item => getComputedStyle(item).display + ' '"
        " + getComputedStyle(item.parentElement).listStyleType)"
    )
    assert markers == ["list-item decimal"] * 3  # the browser numbers them 1, 2, 3
    first = responses.nth(0)
    expect(first.locator(":scope > article .comment__author")).to_have_text("Karim Ibrahim")
    expect(first.locator(":scope > ol.comments__replies > li")).to_have_count(2)
    expect(first.locator("ol.comments__replies .comment__author")).to_have_text(
        ["Amélie Durand", "Karim Ibrahim"]
    )
    expect(page.locator("[data-rating]")).to_have_count(0)
    expect(page.locator(".comment__number")).to_have_count(0)
    expect(page.get_by_text("Comments are closed.")).to_be_visible()


def test_french_and_arabic_comments_are_read_in_their_language(page: Page, demo_site: str) -> None:
    _discussions()
    page.goto(f"{demo_site}/posts/{PAGE_B}/")

    french = page.locator("article.comment").filter(has_text="Merci pour ce résumé")
    expect(french.locator(".comment__body")).to_have_attribute("lang", "fr")
    arabic = page.locator("article.comment").filter(has_text="الموعد لم يُحدَّد بعد")
    expect(arabic.locator(".comment__body")).to_have_attribute("lang", "ar")
    # Page B's post is in the Blog style: the author's own title is part of the text.
    expect(arabic.locator(".comment__body .comment__title")).to_have_text("شكراً على المتابعة")
    # The site's words around them stay in the page's language.
    expect(arabic.locator(".comment__author")).not_to_have_attribute("lang", "ar")
    direction = arabic.locator(".comment__body").evaluate(
        "body => getComputedStyle(body).direction"
    )
    assert direction == "rtl"


def test_bylines_and_comment_heads_show_display_names_in_the_scoop_style(
    page: Page, demo_site: str
) -> None:
    _discussions()
    page.goto(f"{demo_site}/posts/{PAGE_A}/")

    expect(page.locator(".post__header .byline").get_by_role("link")).to_have_text("Mara Quill")
    reply = page.locator("article.comment").filter(has_text="They are public records")
    expect(reply.locator(".comment__byline")).to_contain_text("by Karim Ibrahim on ")
    expect(page.locator("article.comment").first.locator(".comment__byline")).to_contain_text(
        "by civic_reader on "
    )


def test_a_blog_reply_opens_under_the_response_and_names_its_author(
    page: Page, log_in: Callable[..., None], demo_site: str
) -> None:
    _discussions()
    use_comment_style(CommentStyle.BLOG)
    make_user("rosa")
    address = f"/posts/{PAGE_A}/"
    log_in(page, "rosa", address)
    page.wait_for_load_state("load")  # thread.js has run: Reply opens the form in place

    response = page.locator("article.comment").filter(has_text="They are public records")
    response.get_by_role("link", name="Reply").click()
    form = page.locator("#reply-form")
    expect(form.get_by_role("heading", level=3)).to_have_text("Reply to Karim Ibrahim")
    expect(form.get_by_label("Subject")).to_have_count(0)
    expect(form.get_by_label("Comment", exact=True)).to_be_focused()
    expect(form.get_by_label("Language")).to_have_value("detect")
