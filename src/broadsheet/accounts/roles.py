"""Roles are Django groups with permissions; a user holds exactly one role.

reader < trusted < moderator < editor < admin. Editors publish; moderators moderate the
discussion; admins do everything. Later issues add the discussion and moderation permissions
to ROLE_PERMISSIONS, and sync_role_groups keeps the groups equal to this table.
"""

from __future__ import annotations

import enum
from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, Permission

from broadsheet.accounts.models import User
from broadsheet.errors import InvalidInput


class Role(enum.StrEnum):
    READER = "reader"
    TRUSTED = "trusted"
    MODERATOR = "moderator"
    EDITOR = "editor"
    ADMIN = "admin"


ROLE_ORDER = [Role.READER, Role.TRUSTED, Role.MODERATOR, Role.EDITOR, Role.ADMIN]

EDITOR_PERMISSIONS = [
    "publishing.add_post",
    "publishing.change_post",
    "publishing.delete_post",
    "publishing.view_post",
    "publishing.publish_post",
    "publishing.add_section",
    "publishing.change_section",
    "publishing.view_section",
    "publishing.add_tag",
    "publishing.change_tag",
    "publishing.view_tag",
]

MODERATOR_PERMISSIONS = [
    "discussion.moderate_comment",
    "discussion.view_comment",
    "discussion.change_comment",
    "guard.add_ban",
    "guard.change_ban",
    "guard.view_ban",
    "moderation.view_flag",
    "moderation.view_moderationaction",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.READER: [],
    Role.TRUSTED: [],
    Role.MODERATOR: MODERATOR_PERMISSIONS,
    Role.EDITOR: EDITOR_PERMISSIONS + MODERATOR_PERMISSIONS,
    Role.ADMIN: [],  # admins are superusers
}
STAFF_ROLES = {Role.MODERATOR, Role.EDITOR, Role.ADMIN}


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        names = ", ".join(role.value for role in ROLE_ORDER)
        raise InvalidInput(f"Unknown role {value!r}; choose one of {names}.") from None


def sync_role_groups() -> None:
    for role in ROLE_ORDER:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted: list[Permission] = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def sync_role_groups_after_migrate(**kwargs: Any) -> None:
    sync_role_groups()


def role_of(user: User) -> Role:
    """The user's role, looked up once per user object (a page asks several times), as
    Django keeps their permissions; `set_role` forgets it."""
    cached: Role | None = getattr(user, ROLE_CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    role = _looked_up_role(user)
    setattr(user, ROLE_CACHE_ATTRIBUTE, role)
    return role


ROLE_CACHE_ATTRIBUTE = "_broadsheet_role"


def forget_role(user: User) -> None:
    user.__dict__.pop(ROLE_CACHE_ATTRIBUTE, None)


def _looked_up_role(user: User) -> Role:
    if user.is_superuser:
        return Role.ADMIN
    names = {group.name for group in user.groups.all()}
    for role in reversed(ROLE_ORDER):
        if role.value in names:
            return role
    return Role.READER


def has_role_at_least(user: User | AnonymousUser, role: Role) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    return ROLE_ORDER.index(role_of(user)) >= ROLE_ORDER.index(role)
