"""An admin uploads a WordPress export in the admin, the worker imports it, and the run's page,
reloading itself, shows the summary; the posts are on the site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from broadsheet import conftest as cast
from broadsheet.accounts.roles import Role
from broadsheet.worker import run_worker

EXPORT = (
    Path(__file__).resolve().parents[2] / "src/broadsheet/interop/tests/fixtures/wxr/site-1.2.xml"
)


def test_an_admin_imports_a_wordpress_export_and_follows_it_to_its_summary(
    page: Page, site_url: str, log_in: Callable[[Page, str, str], None]
) -> None:
    cast.make_user("ada_admin", Role.ADMIN)
    log_in(page, "ada_admin", "/admin/")

    page.get_by_role("link", name="Site imports").click()
    page.get_by_role("link", name="Add site import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a site")
    page.get_by_label("WordPress (WXR)").check()
    page.get_by_label("Export file").set_input_files(EXPORT)
    page.get_by_role("button", name="Start the import").click()

    expect(page.locator("#import-state")).to_contain_text("Queued")
    run_worker(batch=True, verbosity=0)  # the worker `broadsheet serve` runs beside the site

    # No click: the page reloads itself until the run has ended.
    expect(page.locator("#import-state")).to_contain_text("Import finished", timeout=15_000)
    summary = page.locator("#import-summary")

    def created(kind: str) -> str | None:
        row = summary.locator("tr", has=page.get_by_role("rowheader", name=kind, exact=True))
        return row.get_by_role("cell").first.text_content()

    assert (created("post"), created("comment"), created("user")) == ("7", "9", "3")

    page.goto(f"{site_url}/2025/11/04/ferry-timetable/")
    expect(page.locator("h1")).to_contain_text("Ferry timetable changes")
