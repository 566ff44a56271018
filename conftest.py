"""Test-wide set-up: a private var/ folder and cache per test process, and fast passwords."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

# Tests keep their secret key and mail apart from a developer's running site. (In
# pytest-xdist workers Django may read its settings before this line runs; the cache, which
# must not be shared between workers, is therefore set per process in the fixture below.)
os.environ["BROADSHEET_VAR_DIR"] = tempfile.mkdtemp(prefix="broadsheet-test-var-")
PROCESS_CACHE_DIR = tempfile.mkdtemp(prefix="broadsheet-test-cache-")
PROCESS_TAG = f"test-{os.getpid()}"

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_cache_and_fast_passwords(settings: Any) -> Iterator[None]:
    from django.core.cache import cache

    cache_config = dict(settings.CACHES["default"])
    if cache_config["BACKEND"].endswith("FileBasedCache"):
        cache_config["LOCATION"] = PROCESS_CACHE_DIR
    else:  # a shared server (Redis): keep each process's keys apart
        cache_config["KEY_PREFIX"] = PROCESS_TAG
    settings.CACHES = {**settings.CACHES, "default": cache_config}
    # Argon2 is deliberately slow; the hasher itself is checked in accounts' tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Test clients post forms at once; moderation/tests/test_honeypot.py tests the real rule.
    settings.BROADSHEET_FORM_MIN_SECONDS = 0
    cache.clear()
    yield
    cache.clear()
