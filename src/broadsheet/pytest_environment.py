"""A pytest plugin, loaded first (`-p broadsheet.pytest_environment` in pyproject.toml): the
tests keep their state (secret key, mail, collected static files, cache) in temporary
folders, never in the checkout's var/, and remove them when the run ends.

It must run before pytest-django reads the settings, which happens before any conftest.py
is imported; hence a plugin rather than conftest code. pytest-xdist's workers inherit the
folder from the process that started them, and only that process removes it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

OWNER_VARIABLE = "BROADSHEET_TEST_VAR_OWNER"


def _temporary_folder(prefix: str) -> str:
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


if OWNER_VARIABLE not in os.environ:
    os.environ["BROADSHEET_VAR_DIR"] = _temporary_folder("broadsheet-test-var-")
    os.environ[OWNER_VARIABLE] = str(os.getpid())

# Each process has its own cache: the tests clear it, and must not clear another's.
PROCESS_CACHE_DIR = _temporary_folder("broadsheet-test-cache-")


def pytest_unconfigure() -> None:
    """pytest-xdist ends its workers without running atexit: remove what this process made."""
    shutil.rmtree(PROCESS_CACHE_DIR, ignore_errors=True)
    if os.environ.get(OWNER_VARIABLE) == str(os.getpid()):
        shutil.rmtree(os.environ["BROADSHEET_VAR_DIR"], ignore_errors=True)
