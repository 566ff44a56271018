"""Fixtures for tests that run the `broadsheet` command in a fresh process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def site_env(tmp_path: Path) -> dict[str, str]:
    """A private embedded site: its own SQLite file and var/ folder, whatever the suite uses."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "SECRET_KEY",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; never for a real site
        }
    }
    env["BROADSHEET_VAR_DIR"] = str(tmp_path / "var")
    return env
