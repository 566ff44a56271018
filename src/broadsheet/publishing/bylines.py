"""The line under a post's title: "By <author> | (<site>) | <date>", as the site sets it."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from string import Template

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from broadsheet.publishing.models import Post, SiteSettings


@dataclass(frozen=True)
class SiteClock:
    """Formats times in the site's zone and pattern; built once per page, called per comment."""

    zone: zoneinfo.ZoneInfo
    pattern: str

    def __call__(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return value.astimezone(self.zone).strftime(self.pattern)


def site_clock(site: SiteSettings) -> SiteClock:
    return SiteClock(zoneinfo.ZoneInfo(site.time_zone), site.date_format)


def format_site_datetime(value: object, site: SiteSettings) -> str:
    """A time in the site's zone and date format, e.g. "Wed Mar 08, 2017 at 01:44:31 PM EST"."""
    if value is None:
        return ""
    local = timezone.localtime(value)  # type: ignore[arg-type]
    return local.strftime(site.date_format)


def author_links(post: Post) -> SafeString:
    if post.byline:
        return escape(post.byline)
    # Each name isolated (dir="auto"): a name in Arabic must not reorder the " and " after it.
    return format_html_join(
        " and ",
        '<a href="{}" rel="author" dir="auto">{}</a>',
        (
            (reverse("publishing:author", kwargs={"username": author.username}), author.shown_name)
            for author in post.authors.all()
        ),
    )


def render_byline(post: Post, site: SiteSettings) -> SafeString:
    """The site's byline pattern with $authors, $site and $date filled in, all escaped."""
    date_html = ""
    if post.publish_at is not None:
        date_html = format_html(
            '<time datetime="{}">{}</time>',
            post.publish_at.isoformat(),
            format_site_datetime(post.publish_at, site),
        )
    pattern = Template(escape(site.byline_format))
    filled = pattern.safe_substitute(
        authors=author_links(post), site=escape(site.name), date=date_html
    )
    return mark_safe(filled)
