"""What every site page knows: the site settings, the reader, messages and the CSP nonce."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest

from broadsheet.accounts.permissions import can_edit_posts, is_moderator
from broadsheet.moderation.selectors import queue_count
from broadsheet.page_versions import remembered_for_site
from broadsheet.publishing.bylines import site_clock
from broadsheet.publishing.models import Section
from broadsheet.publishing.selectors import site_settings_of


def _nav_sections() -> list[Section]:
    return remembered_for_site("nav-sections", lambda: list(Section.objects.all()))


def page_context(request: HttpRequest) -> dict[str, Any]:
    site = site_settings_of(request)
    return {
        "site": site,
        "clock": site_clock(site),
        "user": request.user,
        "messages": get_messages(request),
        "nav_sections": _nav_sections,
        "can_edit_posts": can_edit_posts(request.user),
        # Called by the header only for moderators: one count query on their pages.
        "moderation_queue_count": queue_count,
        "is_moderator": is_moderator(request.user),
    }
