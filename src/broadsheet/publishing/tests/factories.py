"""Small factories for posts, sections and tags."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.publishing import services
from broadsheet.publishing.models import Post, PostStatus, Section, Tag


def make_section(name: str = "Justice", slug: str | None = None) -> Section:
    return Section.objects.create(name=name, slug=slug or name.lower())


def make_tag(name: str = "jails") -> Tag:
    return Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def make_post(
    editor: User,
    title: str = "A story",
    *,
    hours_ago: float = 1,
    publish_at: datetime | None = None,
    status: str = PostStatus.PUBLISHED,
    **fields: Any,
) -> Post:
    fields.setdefault("intro", "An intro paragraph.")
    when = publish_at or (timezone.now() - timedelta(hours=hours_ago))
    return services.create_post(
        editor=editor, title=title, status=status, publish_at=when, **fields
    ).post
