"""Roles as groups, and how passwords are stored."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.test import Client

from broadsheet.accounts import services
from broadsheet.accounts.models import User
from broadsheet.accounts.roles import ROLE_ORDER, Role, has_role_at_least, role_of, sync_role_groups
from broadsheet.conftest import make_user

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_after_migrate_and_editors_may_publish() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in ROLE_ORDER}
    editor_permissions = set(
        Group.objects.get(name="editor").permissions.values_list("codename", flat=True)
    )
    assert {"add_post", "change_post", "publish_post"} <= editor_permissions
    assert not Group.objects.get(name="reader").permissions.exists()


def test_syncing_the_groups_again_restores_removed_permissions() -> None:
    Group.objects.get(name="editor").permissions.clear()

    sync_role_groups()

    assert Group.objects.get(name="editor").permissions.filter(codename="publish_post").exists()


def test_a_new_reader_holds_exactly_the_reader_role(reader: User) -> None:
    assert list(reader.groups.values_list("name", flat=True)) == ["reader"]
    assert role_of(reader) is Role.READER
    assert not reader.is_staff
    assert not reader.has_perm("publishing.change_post")


def test_set_role_replaces_the_previous_role_and_sets_the_staff_flags() -> None:
    user = make_user("sam_shifting")

    services.set_role(user=user, role=Role.EDITOR)
    user = User.objects.get(pk=user.pk)
    assert (role_of(user), user.is_staff, user.is_superuser) == (Role.EDITOR, True, False)
    assert user.has_perm("publishing.publish_post")

    services.set_role(user=user, role=Role.ADMIN)
    user = User.objects.get(pk=user.pk)
    assert (role_of(user), user.is_staff, user.is_superuser) == (Role.ADMIN, True, True)

    services.set_role(user=user, role=Role.TRUSTED)
    user = User.objects.get(pk=user.pk)
    assert list(user.groups.values_list("name", flat=True)) == ["trusted"]
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_roles_are_ordered_from_reader_to_admin(
    reader: User, moderator: User, editor: User, admin_user: User
) -> None:
    assert has_role_at_least(moderator, Role.TRUSTED)
    assert has_role_at_least(editor, Role.MODERATOR)
    assert not has_role_at_least(reader, Role.TRUSTED)
    assert not has_role_at_least(moderator, Role.EDITOR)
    assert has_role_at_least(admin_user, Role.EDITOR)


def test_the_profile_page_names_the_role(client: Client, moderator: User) -> None:
    html = client.get(f"/accounts/people/{moderator.username}/").content.decode()

    assert "<dd>Moderator</dd>" in html


def test_passwords_are_stored_with_argon2(settings: Any) -> None:
    # The test suite swaps in a fast hasher, so read the configured list from the module.
    configured = importlib.import_module("broadsheet.settings").PASSWORD_HASHERS
    assert configured[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"

    settings.PASSWORD_HASHERS = configured
    stored = make_password("a passphrase")

    assert stored.startswith("argon2$")
    assert check_password("a passphrase", stored)
