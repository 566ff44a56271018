"""An editor writes a post in the admin and finds it on the site."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

TITLE = "Council Publishes Its Jail Inspection Notes"


def test_an_editor_publishes_a_post_with_a_quote_and_a_fold_from_the_admin(
    page: Page, site_url: str, editor_login: Any
) -> None:
    page.goto(f"{site_url}/admin/login/")
    page.get_by_label("Username").fill(editor_login.username)
    page.get_by_label("Password").fill(editor_login.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{site_url}/admin/")

    page.goto(f"{site_url}/admin/publishing/post/add/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_intro").fill(
        "The council released its notes on Monday.\n\n> quoted source\n\nMore after the fold."
    )
    page.locator("#id_body").fill("The extended part, below the fold.")
    page.locator("#id_status").select_option(label="Published")
    expect(page.locator("#id_authors_to option")).to_have_text([editor_login.username])
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(site_url)
    summary = page.locator("article.post-summary").filter(
        has=page.get_by_role("heading", name=TITLE)
    )
    expect(summary).to_be_visible()
    summary.get_by_role("link", name="[More...]").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".post__intro blockquote")).to_have_text("quoted source")
    expect(page.locator("#more")).to_contain_text("The extended part, below the fold.")
