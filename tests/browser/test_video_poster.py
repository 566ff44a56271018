"""A related video loads nothing from its provider until the reader clicks the poster."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

VIDEO_POST = "/posts/ceasefire-talks-resume-as-envoys-meet/"
PROVIDER = re.compile(r"youtube")


def test_the_player_is_requested_only_after_the_reader_clicks_the_poster(
    page: Page, demo_site: str
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # The network is closed here; the test checks what is asked for, not what arrives.
    page.route(PROVIDER, lambda route: route.abort())

    page.goto(f"{demo_site}{VIDEO_POST}", wait_until="networkidle")
    poster = page.locator(".video-poster")
    expect(poster).to_be_visible()
    expect(poster.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^https://www\.youtube\.com/watch")
    )
    assert not [url for url in requested if "youtube" in url]

    with page.expect_request(lambda request: "youtube-nocookie.com/embed/" in request.url):
        poster.click()

    player = page.locator("iframe.video-player")
    expect(player).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/aBcD3fGh1jK?autoplay=1"
    )
    expect(player).to_have_attribute(
        "title", "Envoys arrive for the second round of talks (press pool footage)"
    )
    expect(player).to_have_attribute("allow", "autoplay; encrypted-media; picture-in-picture")
    expect(player).to_have_attribute("allowfullscreen", "")
    expect(page.locator(".video-poster")).to_have_count(0)


def test_a_keyboard_reader_starts_the_player_with_enter_and_lands_on_it(
    page: Page, demo_site: str
) -> None:
    page.route(PROVIDER, lambda route: route.abort())
    page.goto(f"{demo_site}{VIDEO_POST}")

    page.locator(".video-poster__link").focus()
    page.keyboard.press("Enter")

    player = page.locator("iframe.video-player")
    expect(player).to_be_focused()
    expect(page).to_have_url(f"{demo_site}{VIDEO_POST}")
