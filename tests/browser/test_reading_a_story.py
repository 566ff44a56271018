"""A reader goes from the front page to a story and on to the next one."""

from __future__ import annotations

from playwright.sync_api import Page, expect

AUDIT_TITLE = "County Jail Audit Finds Gaps in Medical Checks"


def test_a_reader_follows_more_to_the_story_then_the_next_story_link(
    page: Page, demo_site: str
) -> None:
    page.goto(demo_site)
    audit = page.locator("article.post-summary").filter(
        has=page.get_by_role("heading", name=AUDIT_TITLE)
    )
    audit.get_by_role("link", name="[More...]").click()

    expect(page).to_have_url(
        f"{demo_site}/posts/county-jail-audit-finds-gaps-in-medical-checks/#more"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(AUDIT_TITLE)
    quoted_source = page.locator(".post__intro blockquote")
    expect(quoted_source).to_be_visible()
    expect(quoted_source).to_contain_text("auditors examined 2,140 intake files")
    extended_part = page.locator("#more")
    expect(extended_part).to_be_visible()
    expect(extended_part).to_contain_text("Harrow County Detention Center")
    expect(extended_part.locator("ol > li")).to_have_count(4)

    next_story = page.locator(".story-nav a[rel=next]")
    next_title = next_story.inner_text().removesuffix(">").strip()
    next_address = next_story.get_attribute("href")
    assert next_title and next_address
    next_story.click()

    expect(page).to_have_url(f"{demo_site}{next_address}")
    expect(page.get_by_role("heading", level=1)).to_have_text(next_title)
