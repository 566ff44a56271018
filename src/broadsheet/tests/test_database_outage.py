"""When the database goes away, readers get a clear 503 page instead of a stack trace, and
API clients the API's JSON error, both with Retry-After."""

from __future__ import annotations

import json
import subprocess
import sys

REQUEST_WITHOUT_DATABASE = """
import sys
import django
django.setup()
from django.test import Client
response = Client(raise_request_exception=False).get(sys.argv[1])
print(response.status_code, response.get("Retry-After"), response["Content-Type"])
print(response.content.decode())
"""


def request_without_database(site_env: dict[str, str], path: str) -> tuple[str, str]:
    """The status line and body of GET `path` while the database is unreachable."""
    env = {
        **site_env,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", REQUEST_WITHOUT_DATABASE, path],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status_line, body = result.stdout.split("\n", 1)
    return status_line, body


def test_pages_answer_503_with_retry_after_when_the_database_is_unreachable(site_env):
    status_line, body = request_without_database(site_env, "/")
    assert status_line == "503 30 text/html; charset=utf-8"
    assert "The database is not answering" in body
    assert "Nothing you saved was lost" in body


def test_the_api_answers_its_json_error_with_retry_after_when_the_database_is_unreachable(
    site_env,
):
    status_line, body = request_without_database(site_env, "/api/posts")
    assert status_line == "503 30 application/json"
    assert json.loads(body) == {
        "error": "unavailable",
        "detail": "The database is not answering. Nothing was lost; try again in a minute.",
    }
