"""`broadsheet spam score`, `broadsheet worker`, and the worker that `broadsheet serve` starts,
run as a site owner runs them: in fresh processes, on a site of their own."""

from __future__ import annotations

import csv
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from broadsheet.cli import run_together
from broadsheet.tests.test_cli import BROADSHEET, free_port, run

ROWS = [
    ("Here is the source: https://www.cbo.gov/publication/59946", "ham", "source", "", ""),
    ("I disagree with the second point; the survey was tiny.", "ham", "reply", "Ann", ""),
    ("Great post!", "ham", "reply", "Jo Smith", ""),
    (
        "Contact Mr Kevin on Telegram @kevin_recovery or WhatsApp +1 (415) 555 0188, he got "
        "my bitcoin back.",
        "spam",
        "recovery",
        "",
        "",
    ),
    ("Thanks for sharing!", "spam", "author_url", "Cheap Pills", "https://cheap-pills.xyz"),
]


def write_csv(path: Path, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def migrated_env(site_env: dict[str, str]) -> dict[str, str]:
    run(site_env, "manage", "migrate", "--no-input", "-v", "0")
    return site_env


def count_rows(env: dict[str, str], model: str) -> int:
    code = f"from broadsheet.screening.models import {model}; print({model}.objects.count())"
    return int(run(env, "manage", "shell", "-c", code).stdout.strip().splitlines()[-1])


def test_spam_score_prints_tables_and_ends_with_a_json_summary_and_saves_nothing(
    migrated_env, tmp_path
):
    header = ("text", "label", "kind", "author_name", "author_url")
    scored = run(migrated_env, "spam", "score", str(write_csv(tmp_path / "c.csv", ROWS, header)))
    lines = scored.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    assert list(summary) == ["ham", "spam"]  # the file's own labels, in the file's order
    assert summary["ham"]["count"] == 3 and summary["spam"]["count"] == 2
    assert set(summary["ham"]) == {"count", "held", "rejected"}
    assert summary["ham"]["held"] + summary["ham"]["rejected"] == 0
    assert summary["spam"]["held"] + summary["spam"]["rejected"] == 2
    assert any(line.startswith("spam / recovery") for line in lines)  # by kind
    assert "Scoring" not in scored.stderr  # progress only on a terminal
    for model in ("SpamExample", "SpamModel", "RememberedSpam", "ScreeningSettings"):
        assert count_rows(migrated_env, model) == 0


def test_spam_score_takes_any_labels_and_needs_no_kind(migrated_env, tmp_path):
    rows = [("A fair point.", "genuine"), ("Buy cheap viagra at https://pills.xyz", "junk")]
    path = write_csv(tmp_path / "plain.csv", rows, ("text", "label"))
    lines = run(migrated_env, "spam", "score", str(path)).stdout.strip().splitlines()
    assert list(json.loads(lines[-1])) == ["genuine", "junk"]
    assert not any(" / " in line for line in lines)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "line 1: the file is empty"),
        (b"text,kind\nhello,reply\n", "line 1: the header has no label column"),
        (b"text,label\nfine,ham\ncaf\xe9,ham\n", "line 3: not UTF-8 text (byte 0xe9)"),
        (b'text,label\nfine,ham\n"two\nlines",ham\nthree,ham,extra\n', "line 5: expected 2 fields"),
        (b"text,label\n", "line 2: the file has a header but no comments"),
        (b"text,label\n,ham\n", "line 2: the text is empty"),
    ],
)
def test_spam_score_refuses_a_bad_file_in_one_line_naming_the_line(
    migrated_env, tmp_path, content, message
):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = run(migrated_env, "spam", "score", str(path), check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"broadsheet spam score: {path}, {message}")
    assert "Traceback" not in result.stderr
    missing = run(migrated_env, "spam", "score", str(tmp_path / "none.csv"), check=False)
    assert missing.returncode == 2 and "there is no such file" in missing.stderr


def test_the_worker_runs_queued_tasks_and_stores_the_seed_model(migrated_env):
    assert count_rows(migrated_env, "SpamModel") == 0
    run(migrated_env, "worker", "--batch", "--verbosity", "0")
    assert count_rows(migrated_env, "SpamModel") == 1


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_serve_starts_the_worker_and_one_ctrl_c_stops_both(migrated_env):
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [BROADSHEET, "serve", "--port", str(port), "--workers", "1"],
        env=migrated_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(lambda: listening(port), 180)  # it fits the first spam model first
        # The worker stores the seed model when it starts, so that no web process fits it.
        assert wait_for(lambda: count_rows(migrated_env, "SpamModel") == 1, 120)
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
        assert not listening(port)
    finally:
        if server.poll() is None:  # the test failed first: stop it the way a supervisor does,
            server.terminate()  # so that it stops granian and the worker too
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def test_run_together_stops_the_companion_when_the_server_ends():
    started = time.monotonic()
    code = run_together(
        server=[sys.executable, "-c", "import time; time.sleep(0.5); raise SystemExit(4)"],
        companion=[sys.executable, "-c", "import time; time.sleep(60)"],
    )
    assert code == 4
    assert time.monotonic() - started < 15
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored
