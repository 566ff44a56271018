"""Which display mode and order a reader sees: the URL, else their saved choice, else defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from broadsheet.discussion.display import DisplayMode
from broadsheet.discussion.models import DiscussionSettings, OverflowMode
from broadsheet.discussion.tree import SortOrder

DEFAULT_DISPLAY = DisplayMode.NESTED
DEFAULT_SORT = SortOrder.OLDEST
CHOICE_COOKIE = "broadsheet_thread_view"
CHOICE_COOKIE_AGE = 365 * 24 * 3600  # a reader's layout choice should outlive a session


@dataclass(frozen=True)
class ThreadView:
    display: DisplayMode
    sort: SortOrder
    from_url: bool


def _display(value: Any) -> DisplayMode | None:
    try:
        return DisplayMode(str(value))
    except ValueError:
        return None


def _sort(value: Any) -> SortOrder | None:
    try:
        return SortOrder(str(value))
    except ValueError:
        return None


def saved_choice(request: HttpRequest) -> tuple[DisplayMode | None, SortOrder | None]:
    user = request.user
    if user.is_authenticated:
        preferences = user.preferences or {}
        return _display(preferences.get("display")), _sort(preferences.get("sort"))
    display, _, sort = request.COOKIES.get(CHOICE_COOKIE, "").partition(":")
    return _display(display), _sort(sort)


RATING_ORDERS = {SortOrder.HIGHEST, SortOrder.LOWEST}


def default_display_for(settings: DiscussionSettings, comment_count: int) -> DisplayMode:
    """The display a reader who has chosen none gets: threaded (replies as one-line entries)
    for a thread past the site's overflow size in the threaded overflow mode, as Scoop's
    commentmode_overflow did; otherwise the usual default."""
    if (
        settings.overflow_mode == OverflowMode.THREADED
        and 0 < settings.overflow_after < comment_count
    ):
        return DisplayMode.THREADED
    return DEFAULT_DISPLAY


def thread_view_for(
    request: HttpRequest, *, ratings: bool = True, default_display: DisplayMode = DEFAULT_DISPLAY
) -> ThreadView:
    """The reader's view of a thread: the URL's choice, else their saved one, else the
    default (default_display_for a big thread). On a site without ratings, the orders by
    rating fall back to the default."""
    url_display = _display(request.GET.get("display"))
    url_sort = _sort(request.GET.get("sort"))
    saved_display, saved_sort = saved_choice(request)
    sort = url_sort or saved_sort or DEFAULT_SORT
    if not ratings and sort in RATING_ORDERS:
        sort = DEFAULT_SORT
    return ThreadView(
        display=url_display or saved_display or default_display,
        sort=sort,
        from_url=bool(url_display or url_sort),
    )
