"""`broadsheet demo`: a small invented site showing every element of both reference pages.

Safe to run again: each piece is looked up by its slug or name first, so a second run adds
nothing and changes nothing an owner edited since.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from broadsheet.accounts import services as account_services
from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.publishing import services
from broadsheet.publishing.demo_texts import (
    CONTRIBUTE_SLUG,
    DEMO_POSTS,
    DEMO_SECTIONS,
    DEMO_TAGS,
)
from broadsheet.publishing.models import Post, PostStatus, Section, SiteSettings, Tag

DEMO_ADMIN = "admin"
DEMO_AUTHORS = [
    ("mara_quill", "Mara Quill", "mara.quill@example.org", "Covers courts, prisons and policing."),
    (
        "t_okafor",
        "Tobi Okafor",
        "t.okafor@example.org",
        "Writes on regional politics and diplomacy.",
    ),
]
# What the first demo runs set: a placeholder address outside the site. A later run points
# the box at the demo's own page about it, unless the owner has set an address of their own.
OLD_CONTRIBUTE_URL = "https://example.org/contribute"


def admin_login_file() -> Path:
    return Path(settings.VAR_DIR) / "admin-login.txt"


def _ensure_user(
    username: str, email: str, role: Role, bio: str = "", display_name: str = ""
) -> tuple[User, str | None]:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing, None
    password = secrets.token_urlsafe(12)
    user = account_services.create_user(
        username=username, email=email, password=password, role=role, email_confirmed=True
    )
    if bio or display_name:
        user.bio, user.display_name = bio, display_name
        user.save(update_fields=["bio", "display_name"])
    return user, password


def contribute_page() -> str:
    """The demo's page on what the Contribute box is for, where the box leads.

    A path on the site itself, so that it works at whatever address the demo is served.
    """
    return reverse("discussion:post", kwargs={"slug": CONTRIBUTE_SLUG})


@transaction.atomic
def build_demo_site() -> str:
    created: list[str] = []
    admin, admin_password = _ensure_user(DEMO_ADMIN, "admin@example.org", Role.ADMIN)
    if admin_password:
        admin_login_file().write_text(f"{DEMO_ADMIN} {admin_password}\n")
        admin_login_file().chmod(0o600)
        created.append("admin account")
    authors = {}
    for username, display_name, email, bio in DEMO_AUTHORS:
        authors[username], _ = _ensure_user(username, email, Role.EDITOR, bio, display_name)

    site, site_created = SiteSettings.objects.get_or_create(pk=1)
    if site_created or site.name == "Broadsheet":
        site.name = "The Lantern Ledger"
        site.tagline = (
            "The online magazine with daily coverage of courts, prisons, policing "
            "and the politics around them"
        )
        site.contribute_url = contribute_page()
        site.time_zone = "America/New_York"
        site.save()
        created.append("site settings")
    elif site.contribute_url == OLD_CONTRIBUTE_URL:
        site.contribute_url = contribute_page()
        site.save(update_fields=["contribute_url"])
        created.append("a Contribute link to the demo's own page")

    sections = {}
    for position, (slug, name, description) in enumerate(DEMO_SECTIONS):
        sections[slug], made = Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        if made:
            created.append(f"section {name}")
    tags = {}
    for slug, name in DEMO_TAGS:
        tags[slug], _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name})

    now = timezone.now()
    for spec in DEMO_POSTS:
        if Post.objects.filter(slug=spec["slug"]).exists():
            continue
        services.create_post(
            editor=admin,
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            body=spec.get("body", ""),
            authors=[authors[name] for name in spec["authors"]],
            byline=spec.get("byline", ""),
            section=sections[spec["section"]] if "section" in spec else None,
            tags=[tags[slug] for slug in spec.get("tags", [])],
            status=spec.get("status", PostStatus.PUBLISHED),
            publish_at=now - timedelta(hours=spec["hours_ago"]),
            open_thread=spec.get("open_thread", False),
            comments_open=spec.get("comments_open", True),
            video_url=spec.get("video_url", ""),
            video_title=spec.get("video_title", ""),
            sticky=spec.get("sticky", False),
            comment_style=spec.get("comment_style", ""),
        )
        created.append(f"post “{spec['title']}”")

    if not created:
        return "The demo content is in place already; nothing was added."
    return "Added " + ", ".join(created) + "."
