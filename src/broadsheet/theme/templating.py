"""The Jinja2 environment for site pages: URL reversing, static files and site formats."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment, StrictUndefined

from broadsheet.publishing.bylines import format_site_datetime, render_byline


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def url_prefix(name: str, **kwargs: Any) -> str:
    """The start of a URL, up to its first argument, to build many links with one reverse."""
    full = reverse(name, kwargs=kwargs)
    marker = "/" + str(next(iter(kwargs.values())))
    return full[: full.index(marker) + 1]


def environment(**options: Any) -> Environment:
    options.setdefault("autoescape", True)
    options["undefined"] = StrictUndefined
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(**options)  # noqa: S701 - autoescape is set just above
    env.globals.update(
        {"url": url, "url_prefix": url_prefix, "static": static, "byline": render_byline}
    )
    env.filters.update({"site_datetime": format_site_datetime})
    return env
