"""Test-wide set-up: a private cache per test process, and fast passwords.

The temporary var/ folder and cache folder come from broadsheet.pytest_environment, a plugin
loaded before the settings are read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from broadsheet.pytest_environment import PROCESS_CACHE_DIR

PROCESS_TAG = f"test-{os.getpid()}"


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
