"""Video links become a player address that loads only after a click."""

from __future__ import annotations

import pytest

from broadsheet.errors import InvalidInput
from broadsheet.publishing.embeds import parse_video_url


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=aBcD3fGh1jK",
        "https://youtube.com/watch?v=aBcD3fGh1jK&t=30",
        "https://m.youtube.com/watch?v=aBcD3fGh1jK",
        "https://youtu.be/aBcD3fGh1jK",
        "https://www.youtube.com/embed/aBcD3fGh1jK",
        "https://www.youtube.com/shorts/aBcD3fGh1jK",
    ],
)
def test_youtube_links_of_every_shape_use_the_no_cookie_player(url):
    embed = parse_video_url(url)
    assert embed.provider == "YouTube"
    assert embed.video_id == "aBcD3fGh1jK"
    assert embed.player_url.startswith("https://www.youtube-nocookie.com/embed/aBcD3fGh1jK")


def test_vimeo_links_use_the_do_not_track_player():
    embed = parse_video_url("https://vimeo.com/123456789")
    assert embed.player_url == "https://player.vimeo.com/video/123456789?autoplay=1&dnt=1"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/watch?v=aBcD3fGh1jK",
        "https://www.youtube.com/watch?v=<script>",
        "https://vimeo.com/not-a-number",
        "javascript:alert(1)",
        "",
    ],
)
def test_other_links_are_refused_with_a_message(url):
    with pytest.raises(InvalidInput):
        parse_video_url(url)
