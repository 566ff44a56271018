"""The `broadsheet` command, run as a site owner runs it: in a fresh process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BROADSHEET = str(Path(sys.executable).parent / "broadsheet")


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [BROADSHEET, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if check and result.returncode != 0:
        pytest.fail(f"broadsheet {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def migrated_env(site_env: dict[str, str]) -> dict[str, str]:
    run(site_env, "manage", "migrate", "--no-input", "-v", "0")
    return site_env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_help_lists_every_command(site_env):
    output = run(site_env, "--help").stdout
    for command in ("serve", "demo", "user", "token", "manage"):
        assert command in output


def test_demo_builds_the_site_once_and_a_second_run_adds_nothing(migrated_env):
    first = run(migrated_env, "demo").stdout
    assert "Added admin account" in first
    second = run(migrated_env, "demo").stdout
    assert "nothing was added" in second
    login = (Path(migrated_env["BROADSHEET_VAR_DIR"]) / "admin-login.txt").read_text().split()
    assert login[0] == "admin" and len(login[1]) >= 12


def test_user_add_and_token_print_the_same_token_every_time(migrated_env):
    created = run(
        migrated_env, "user", "add", "nadia", "--email", "n@example.org",
        "--password", "a long enough passphrase", "--role", "Editor",
    )  # fmt: skip
    assert "Created nadia (editor)" in created.stdout
    first = run(migrated_env, "token", "nadia").stdout.strip()
    assert len(first) >= 40
    assert run(migrated_env, "token", "nadia").stdout.strip() == first


def test_user_add_refuses_bad_input_with_a_message(migrated_env):
    bad_role = run(
        migrated_env, "user", "add", "x", "--email", "x@example.org",
        "--password", "pw long enough ok", "--role", "overlord", check=False,
    )  # fmt: skip
    assert bad_role.returncode == 2
    assert "Unknown role 'overlord'" in bad_role.stderr
    weak = run(
        migrated_env,
        "user",
        "add",
        "y",
        "--email",
        "y@example.org",
        "--password",
        "123",
        check=False,
    )
    assert weak.returncode == 2 and "Password:" in weak.stderr
    missing = run(migrated_env, "token", "nobody", check=False)
    assert missing.returncode == 2 and "no user 'nobody'" in missing.stderr


def test_a_bad_variable_stops_the_command_with_its_name(site_env):
    result = run({**site_env, "DATABASE_URL": "mysql://db/news"}, "manage", "check", check=False)
    assert result.returncode != 0
    assert "DATABASE_URL: unsupported database 'mysql'" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_reported_plainly(site_env):
    env = {**site_env, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing"}
    result = run(env, "demo", check=False)
    assert result.returncode == 3
    assert "the database is not available" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_passes_djangos_deploy_checks(site_env):
    env = {
        **site_env,
        "BROADSHEET_ENV": "production",
        "SECRET_KEY": "k" * 20 + "Zq9-x_Yw3" * 5,
        "ALLOWED_HOSTS": "news.example.org",
    }
    result = run(env, "manage", "check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_serve_refuses_a_port_in_use(migrated_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(migrated_env, "serve", "--port", str(port), check=False)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr


SERVER_START_SECONDS = 120
SERVER_STOP_SECONDS = 60  # granian lets its workers finish; slow on a busy machine


@contextmanager
def serving(env: dict[str, str]) -> Iterator[int]:
    """`broadsheet serve` on a free port, stopped afterwards; yields the port once it answers."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [BROADSHEET, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Generous: collecting static files and starting granian take seconds on a busy machine.
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"broadsheet serve ended early: {server.stderr.read()}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:  # not listening yet
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=SERVER_STOP_SECONDS)


def fetch(port: int, path: str, **headers: str) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        assert response.status == 200
        return response.read(), {key.lower(): value for key, value in response.headers.items()}


def first_stylesheet(page: str) -> str:
    return page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]


def test_serve_runs_the_production_server_with_compressed_static_files(migrated_env):
    run(migrated_env, "demo")
    with serving(migrated_env) as port:
        body, headers = fetch(port, "/")
        page = body.decode()
        assert "County Jail Audit" in page
        assert "granian" in headers.get("server", "").lower()
        stylesheet = first_stylesheet(page)
        assert (
            stylesheet.startswith("/static/theme/base.") and stylesheet != "/static/theme/base.css"
        )
        _, headers = fetch(port, stylesheet, **{"Accept-Encoding": "gzip"})
        assert headers.get("content-encoding") == "gzip"


def test_serve_uses_a_themes_templates_and_static_files_over_the_built_in_ones(
    migrated_env, tmp_path
):
    theme = tmp_path / "our-theme"
    header = theme / "templates" / "theme" / "_header.html"
    header.parent.mkdir(parents=True)
    header.write_text('<header class="site-header">Our own masthead</header>\n')
    stylesheet = theme / "static" / "theme" / "base.css"
    stylesheet.parent.mkdir(parents=True)
    stylesheet.write_text("/* our own base stylesheet */\n")
    # The site ran before without the theme, and the theme's file kept an older date than that
    # collected copy of the built-in one (rsync -a, tar and cp -p keep dates): collectstatic
    # skips copying it, but the hashed name pages link to is made from the theme's file.
    run(
        {**migrated_env, "BROADSHEET_STATIC_COLLECTED": "1"},
        "manage", "collectstatic", "--no-input", "-v", "0",
    )  # fmt: skip
    os.utime(stylesheet, (1_000_000_000, 1_000_000_000))

    with serving({**migrated_env, "BROADSHEET_THEME_DIR": str(theme)}) as port:
        page = fetch(port, "/")[0].decode()
        assert "Our own masthead" in page
        assert 'class="site-title"' not in page
        served, _ = fetch(port, first_stylesheet(page))
    assert served == b"/* our own base stylesheet */\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--port", "70000"], "argument --port: 70000 is not a port: use 1 to 65535"),
        (["--port", "http"], "argument --port: 'http' is not a port number"),
        (["--workers", "0"], "argument --workers: 0 is out of range: use 1 to 64"),
        (["--threads", "many"], "argument --threads: 'many' is not a whole number"),
    ],
)
def test_serve_refuses_impossible_arguments_in_one_line(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from broadsheet.cli import build_parser

    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["serve", *arguments])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"broadsheet serve: error: {message}"


@pytest.mark.django_db
def test_serve_stores_the_spam_filters_first_model_before_the_server_starts() -> None:
    from broadsheet.cli import _store_spam_model_before_serving
    from broadsheet.screening.models import SpamModel

    assert not SpamModel.objects.exists()
    _store_spam_model_before_serving()
    assert SpamModel.objects.count() == 1
    _store_spam_model_before_serving()  # up to date: nothing fitted again
    assert SpamModel.objects.count() == 1


def test_serve_collects_static_files_again_only_when_their_sources_change(settings, tmp_path):
    from broadsheet import cli

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    cli._collect_static_files_when_changed()
    collected = settings.STATIC_ROOT / "theme" / "base.css"
    assert collected.exists()
    collected.unlink()
    cli._collect_static_files_when_changed()  # same sources: nothing is collected again
    assert not collected.exists()
    theme_static = tmp_path / "theme-static"
    (theme_static / "theme").mkdir(parents=True)
    (theme_static / "theme" / "extra.css").write_text("/* a theme's own file */\n")
    settings.STATICFILES_DIRS = [theme_static]
    cli._collect_static_files_when_changed()  # a new source: collected again, in full
    assert collected.exists()
    assert (settings.STATIC_ROOT / "theme" / "extra.css").exists()
