"""Concurrent writers: how long posting a comment takes while many readers post at once.

Serves a fresh site with `broadsheet serve` (rate limits off for the load test:
BROADSHEET_RATE_LIMIT_SCALE=0), then N threads post comments through the JSON API with their
own tokens for S seconds, and the latencies of the answers are summarised and written to
docs/performance.md.

    python -m bench.writers [--writers 16] [--seconds 20] [--database-url URL] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from bench.__main__ import REPORT, current_commit, machine_description, replace_section

MARKER = "<!-- bench:concurrent-writers -->"
P99_TARGET_SECONDS = 1.0
SERVER_START_SECONDS = 60


@dataclass
class Result:
    writers: int
    seconds: float
    latencies: list[float]
    failures: dict[str, int]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.writers", description=__doc__)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--database-url", default="", help="default: a new SQLite file")
    parser.add_argument("--no-write", action="store_true", help="print only")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare_site(environment: dict[str, str], writers: int) -> tuple[int, list[str]]:
    """Migrate, and make a post and one account with a token per writer: (post id, tokens)."""
    script = f"""
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from broadsheet.accounts import services as accounts
from broadsheet.accounts.roles import Role
from broadsheet.publishing import services as publishing
editor = accounts.create_user(username="load_editor", email="load@example.org",
    password="load password 1", role=Role.EDITOR, check_password_strength=False)
post = publishing.create_post(editor=editor, title="Open thread under load",
    intro="Everyone posts at once.", status="published", open_thread=True).post
tokens = []
for number in range({writers}):
    reader = accounts.create_user(username=f"writer{{number}}", email=f"w{{number}}@example.org",
        password="load password 1", email_confirmed=True, check_password_strength=False)
    tokens.append(accounts.get_or_create_api_token(user=reader).key)
print(json.dumps({{"post": post.pk, "tokens": tokens}}))
"""
    output = subprocess.run(  # noqa: S603 - this interpreter running the benchmark's own script
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    ).stdout
    prepared = json.loads(output.strip().splitlines()[-1])
    return int(prepared["post"]), list(prepared["tokens"])


def wait_for_server(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"broadsheet serve ended with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"broadsheet serve did not answer within {SERVER_START_SECONDS} s")


def post_comments(
    url: str,
    token: str,
    until: float,
    latencies: list[float],
    failures: dict[str, int],
    lock: threading.Lock,
) -> None:
    number = 0
    while time.monotonic() < until:
        number += 1
        body = json.dumps({"body": f"Comment {number} from a writer under load."}).encode()
        request = urllib.request.Request(  # noqa: S310 - a local server the benchmark started
            url,
            data=body,
            method="POST",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
                outcome = "" if response.status == 201 else f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            outcome = f"HTTP {error.code}"
        except (urllib.error.URLError, OSError) as error:
            outcome = type(error).__name__
        elapsed = time.perf_counter() - started
        with lock:
            if outcome:
                failures[outcome] = failures.get(outcome, 0) + 1
            else:
                latencies.append(elapsed)


def run_load(writers: int, seconds: float, database_url: str) -> Result:
    var_dir = tempfile.mkdtemp(prefix="broadsheet-bench-writers-")
    environment = {
        **os.environ,
        "BROADSHEET_VAR_DIR": var_dir,
        "DATABASE_URL": database_url or f"sqlite:///{var_dir}/bench.sqlite3",
        "BROADSHEET_RATE_LIMIT_SCALE": "0",
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
    }
    environment.pop("REDIS_URL", None)
    post_id, tokens = prepare_site(environment, writers)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - this interpreter serving the benchmark's site
        [sys.executable, "-m", "broadsheet.cli", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_server(port, server)
        url = f"http://127.0.0.1:{port}/api/posts/{post_id}/comments"
        latencies: list[float] = []
        failures: dict[str, int] = {}
        lock = threading.Lock()
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(
                target=post_comments, args=(url, token, until, latencies, failures, lock)
            )
            for token in tokens
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return Result(writers, seconds, latencies, failures)


def percentile(sorted_values: list[float], share: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def summary(result: Result) -> dict[str, float]:
    values = sorted(result.latencies)
    return {
        "posted": len(values),
        "per_second": len(values) / result.seconds,
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": values[-1],
    }


def write_report(result: Result, command: str, machine: str) -> None:
    numbers = summary(result)
    failures = ", ".join(f"{count} {kind}" for kind, count in result.failures.items()) or "none"
    lines = [
        MARKER,
        "## Posting under concurrent writers",
        "",
        f"Command: `{command}` at commit {current_commit() or 'unknown'}, "
        f"{time.strftime('%Y-%m-%d')}.",
        f"Machine: {machine}.",
        "",
        f"`broadsheet serve` (2 workers, 4 threads each) with rate limits off; {result.writers} "
        f"writers post comments through the JSON API for {result.seconds:g} s, each waiting for "
        "its answer before the next.",
        "",
        "| writers | comments posted | a second | p50 ms | p95 ms | p99 ms | max ms | "
        "p99 target ms | failures |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        f"| {result.writers} | {numbers['posted']:,.0f} | {numbers['per_second']:.1f} | "
        f"{numbers['p50'] * 1000:.0f} | {numbers['p95'] * 1000:.0f} | "
        f"{numbers['p99'] * 1000:.0f} | {numbers['max'] * 1000:.0f} | "
        f"{P99_TARGET_SECONDS * 1000:.0f} | {failures} |",
        MARKER,
    ]
    replace_section(MARKER, "\n".join(lines))


def main() -> int:
    arguments = parse_arguments()
    print(f"{arguments.writers} writers posting for {arguments.seconds:g} s...", flush=True)
    result = run_load(arguments.writers, arguments.seconds, arguments.database_url)
    if not result.latencies:
        print(f"no comment was posted; failures: {result.failures}", file=sys.stderr)
        return 1
    numbers = summary(result)
    print(
        f"posted {numbers['posted']:,.0f} comments ({numbers['per_second']:.1f} a second): "
        f"p50 {numbers['p50'] * 1000:.0f} ms, p95 {numbers['p95'] * 1000:.0f} ms, "
        f"p99 {numbers['p99'] * 1000:.0f} ms, max {numbers['max'] * 1000:.0f} ms; "
        f"failures: {result.failures or 'none'}",
        flush=True,
    )
    if not arguments.no_write:
        database = arguments.database_url or "sqlite"
        command = (
            "make bench"
            if len(sys.argv) == 1
            else "python -m bench.writers " + " ".join(sys.argv[1:])
        )
        write_report(result, command, machine_description(database))
        print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
