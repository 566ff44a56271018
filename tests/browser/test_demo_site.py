"""The demo holds up in a browser: nothing missing, a Contribute page, dated discussions."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import Page, Response, expect

from broadsheet.discussion.demo import STORY_DISCUSSION, demo_readers, write_conversation
from broadsheet.publishing.models import Post

PAGE_A = "county-jail-audit-finds-gaps-in-medical-checks"


def test_no_page_asks_for_something_missing_and_the_icon_shows(page: Page, demo_site: str) -> None:
    failed: list[str] = []

    def note(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", note)
    for path in ("/", f"/posts/{PAGE_A}/", "/favicon.ico"):
        page.goto(f"{demo_site}{path}")
    page.goto(f"{demo_site}/")
    icon = page.context.request.get(
        f"{demo_site}{page.locator('link[rel=icon]').get_attribute('href')}"
    )
    assert icon.status == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert failed == []


def test_contribute_leads_to_the_demos_page_about_the_box(page: Page, demo_site: str) -> None:
    page.goto(demo_site)
    page.get_by_role("link", name="Contribute To The Lantern Ledger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What the Contribute Box Is For")
    expect(page.locator(".post__intro")).to_contain_text("a reader-funded site asks for support")


def test_the_demo_discussion_is_dated_after_its_post_one_comment_at_a_time(
    page: Page, demo_site: str
) -> None:
    post = Post.objects.get(slug=PAGE_A)
    write_conversation(post, demo_readers(), STORY_DISCUSSION)
    page.goto(f"{demo_site}{post.get_absolute_url()}")

    published = datetime.fromisoformat(
        page.locator(".post__header time").get_attribute("datetime") or ""
    )
    shown = page.locator(".comment__byline time").evaluate_all(
        "times => times.map(time => [time.getAttribute('datetime'), time.textContent])"
    )
    assert len(shown) == len(STORY_DISCUSSION)
    moments = sorted(datetime.fromisoformat(value) for value, _ in shown)
    assert moments[0] > published
    assert len({text for _, text in shown}) == len(shown)  # no two read the same
