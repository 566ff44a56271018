"""System checks of the guard's configuration (shown by `check` and at every start)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def rate_limits_as_designed(**kwargs: Any) -> list[CheckMessage]:
    scale: float = settings.BROADSHEET_RATE_LIMIT_SCALE
    if scale == 1:
        return []
    what = "are off" if scale == 0 else f"are scaled by {scale:g}"
    return [
        Warning(
            f"Rate limits {what} (BROADSHEET_RATE_LIMIT_SCALE): spam and abuse are not slowed "
            "down. This is for load tests on a copy of a site, never for one readers use.",
            id="guard.W001",
        )
    ]
