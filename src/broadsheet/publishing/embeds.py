"""Turn a video page link into a player address that loads only when a reader clicks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from broadsheet.errors import InvalidInput

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^[0-9]{3,15}$")


@dataclass(frozen=True)
class VideoEmbed:
    provider: str
    video_id: str
    watch_url: str
    player_url: str


def parse_video_url(url: str) -> VideoEmbed:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path.strip("/")
    video_id = ""
    if host in {"youtube.com", "youtube-nocookie.com"}:
        if path == "watch":
            video_id = parse_qs(parts.query).get("v", [""])[0]
        elif path.startswith(("embed/", "shorts/", "live/")):
            video_id = path.split("/", 1)[1]
    elif host == "youtu.be":
        video_id = path
    if video_id:
        if not _YOUTUBE_ID.match(video_id):
            raise InvalidInput(f"{url!r} does not name a YouTube video.")
        return VideoEmbed(
            provider="YouTube",
            video_id=video_id,
            watch_url=f"https://www.youtube.com/watch?v={video_id}",
            # The no-cookie host sets no tracking cookies until the video plays.
            player_url=f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1",
        )
    if host in {"vimeo.com", "player.vimeo.com"}:
        video_id = path.rsplit("/", 1)[-1]
        if not _VIMEO_ID.match(video_id):
            raise InvalidInput(f"{url!r} does not name a Vimeo video.")
        return VideoEmbed(
            provider="Vimeo",
            video_id=video_id,
            watch_url=f"https://vimeo.com/{video_id}",
            player_url=f"https://player.vimeo.com/video/{video_id}?autoplay=1&dnt=1",
        )
    raise InvalidInput("Related video: only YouTube and Vimeo links can be embedded.")
