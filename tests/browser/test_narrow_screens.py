"""On a phone the sidebar follows the article and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

PHONE_WIDTH = 390


@pytest.mark.parametrize(
    ("path", "main_selector"),
    [
        ("/posts/county-jail-audit-finds-gaps-in-medical-checks/", "article.post"),
        ("/", "main"),
    ],
)
def test_at_phone_width_the_sidebar_comes_below_the_article_and_nothing_overflows(
    page: Page, demo_site: str, path: str, main_selector: str
) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    page.goto(f"{demo_site}{path}")

    article = page.locator(main_selector).bounding_box()
    sidebar = page.locator(".sidebar-box").bounding_box()
    assert article is not None and sidebar is not None
    assert sidebar["y"] >= article["y"] + article["height"]
    assert sidebar["x"] + sidebar["width"] <= PHONE_WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
