"""Reads on accounts: the people a page is about."""

from __future__ import annotations

from broadsheet.accounts.models import User
from broadsheet.errors import NotFound


def person_named(username: str) -> User:
    """The active account called `username`; closed accounts have no public page."""
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None:
        raise NotFound(f"Nobody here goes by the name {username!r}.")
    return person
