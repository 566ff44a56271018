"""When the database goes away, readers get a clear 503 page instead of a stack trace."""

from __future__ import annotations

import subprocess
import sys

REQUEST_WITHOUT_DATABASE = """
import django
django.setup()
from django.test import Client
response = Client(raise_request_exception=False).get("/")
print(response.status_code, response.get("Retry-After"))
print(response.content.decode())
"""


def test_pages_answer_503_with_retry_after_when_the_database_is_unreachable(site_env):
    env = {
        **site_env,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", REQUEST_WITHOUT_DATABASE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status_line, body = result.stdout.split("\n", 1)
    assert status_line == "503 30"
    assert "The database is not answering" in body
    assert "Nothing you saved was lost" in body
