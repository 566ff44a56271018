"""The files of docs/deploy.md's recipe work as written: nginx accepts deploy/nginx.conf,
Broadsheet accepts every variable of deploy/broadsheet.env (once SECRET_KEY is filled in),
and systemd accepts deploy/broadsheet.service."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import load

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CERTIFICATE_DIR = "/etc/letsencrypt/live/news.example.org"


@pytest.mark.skipif(
    load.find_program("nginx") is None or shutil.which("openssl") is None,
    reason="needs Debian's nginx and openssl",
)
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    subprocess.run(  # noqa: S603 - a throwaway certificate for the test
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
         "-subj", "/CN=news.example.org",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    site = (DEPLOY / "nginx.conf").read_text().replace(CERTIFICATE_DIR, str(tmp_path))
    (tmp_path / "site.conf").write_text(site)
    temporary = " ".join(
        f"{kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "main.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n    access_log off; {temporary}\n"
        f"    include {tmp_path}/site.conf;\n}}\n"
    )
    checked = subprocess.run(  # noqa: S603 - Debian's nginx, testing a configuration
        [load.find_program("nginx") or "nginx", "-t", "-p", str(tmp_path),
         "-c", str(tmp_path / "main.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def environment_file() -> dict[str, str]:
    variables = {}
    for line in (DEPLOY / "broadsheet.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            variables[name] = value
    return variables


def test_the_environment_file_configures_a_production_site_with_a_replica(
    tmp_path: Path,
) -> None:
    variables = environment_file()
    assert variables["SECRET_KEY"] == "", "the example must not ship a usable key"
    variables["SECRET_KEY"] = secrets.token_urlsafe(64)
    variables["BROADSHEET_VAR_DIR"] = str(tmp_path)
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, sorted(s.DATABASES), "
        "s.CACHES['default']['BACKEND'], s.BROADSHEET_TRUSTED_PROXIES, s.ALLOWED_HOSTS]))"
    )
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE", "REDIS", "BROADSHEET", "SECRET", "ALLOWED", "DEBUG"))
    }
    finished = subprocess.run(  # noqa: S603 - this interpreter, reading the settings
        [sys.executable, "-c", script],
        env={**environment, "DJANGO_SETTINGS_MODULE": "broadsheet.settings", **variables},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout.strip().splitlines()[-1]) == [
        False,
        True,
        ["default", "replica"],
        "django.core.cache.backends.redis.RedisCache",
        1,
        ["news.example.org"],
    ]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_unit() -> None:
    checked = subprocess.run(  # noqa: S603 - systemd's own checker
        ["systemd-analyze", "verify", str(DEPLOY / "broadsheet.service")],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # The program is not installed where the unit runs it on this machine: the one
    # complaint expected here.
    problems = [
        line
        for line in (checked.stdout + checked.stderr).splitlines()
        if line.strip() and "is not executable" not in line
    ]
    assert problems == []
