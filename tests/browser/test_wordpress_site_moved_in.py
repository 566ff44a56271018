"""A reader follows links from a WordPress site that was imported from its export file."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from broadsheet.interop.records import Source
from broadsheet.interop.writer import run_import
from broadsheet.interop.wxr import read_wxr

EXPORT = (
    Path(__file__).resolve().parents[2] / "src/broadsheet/interop/tests/fixtures/wxr/site-1.2.xml"
)


def test_old_wordpress_links_land_on_the_post_the_comment_and_the_section(
    page: Page, site_url: str
) -> None:
    run_import(source=Source.WORDPRESS, records=read_wxr(EXPORT))

    # The old permalink (the blog lived under /blog/) with a fragment for a reply five deep.
    page.goto(f"{site_url}/2025/11/04/ferry-timetable/#comment-505")
    expect(page.locator("h1")).to_contain_text("Ferry timetable changes")
    reply = page.locator("#comment-505")
    expect(reply).to_contain_text("Fifth level down")
    expect(reply).to_be_in_viewport()

    # WordPress's short link and a nested category's address.
    page.goto(f"{site_url}/?p=101#comment-502")
    expect(page.locator("#comment-502")).to_contain_text("Thanks, Jo.")
    page.goto(f"{site_url}/category/news/local/harbour/")
    assert page.url.endswith("/section/harbour/")
