"""Test-wide set-up: a private var/ folder, a clean cache per test, and a cast of users."""

from __future__ import annotations

import os
import tempfile

# Before Django reads its settings: tests keep their secret key, mail and file cache apart
# from a developer's running site.
# Every process gets its own (pytest-xdist workers inherit the parent's environment).
os.environ["BROADSHEET_VAR_DIR"] = tempfile.mkdtemp(prefix="broadsheet-test-var-")

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords_and_clean_cache(settings: object) -> object:
    from django.core.cache import cache

    # Argon2 is deliberately slow; the hasher itself is checked in accounts' tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    cache.clear()
    yield
    cache.clear()
