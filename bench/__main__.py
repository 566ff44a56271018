"""Measure the comment write path and the thread page, and write docs/performance.md.

First the time to write a whole generated thread through `discussion.services.post_comments`
(the path imports, the demo and posting all take), for each --load-sizes. Then, for each
thread size and display mode: the server time of a cold post page (no page cache; rendered
by Django in this process, without network), as the median over N requests, and its SQL
query count.

    python -m bench [--sizes 1000 10000] [--load-sizes 20000] [--requests 20]
                    [--database-url URL] [--no-write]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "docs" / "performance.md"
MARKER = "<!-- bench:thread-page -->"
LOAD_MARKER = "<!-- bench:comment-load -->"
LOAD_TARGET_SECONDS = {20_000: 20}
TARGETS_MS = {1_000: 60, 10_000: 600}


@dataclass
class Measurement:
    size: int
    display: str
    median_ms: float
    p90_ms: float
    queries: int
    kilobytes: int


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--load-sizes", type=int, nargs="*", default=[20_000])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", default="", help="default: a new SQLite file")
    parser.add_argument("--no-write", action="store_true", help="print only")
    return parser.parse_args()


def set_up_django(database_url: str) -> None:
    var_dir = tempfile.mkdtemp(prefix="broadsheet-bench-")
    os.environ["BROADSHEET_VAR_DIR"] = var_dir
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{var_dir}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "broadsheet.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


@dataclass
class Load:
    size: int
    prepare_seconds: float  # generating the sample text: not part of the write path
    write_seconds: float


def make_people() -> tuple[Any, list[Any]]:
    from broadsheet.accounts import services as accounts
    from broadsheet.accounts.roles import Role

    editor = accounts.create_user(
        username="bench_editor",
        email="bench@example.org",
        password="bench password 1",
        role=Role.EDITOR,
        check_password_strength=False,
    )
    readers = [
        accounts.create_user(
            username=f"reader{number}",
            email=f"reader{number}@example.org",
            password="bench password 1",
            check_password_strength=False,
        )
        for number in range(50)
    ]
    return editor, readers


def new_open_thread(editor: Any, title: str) -> Any:
    from broadsheet.publishing import services as publishing

    return publishing.create_post(
        editor=editor,
        title=title,
        intro="An open thread for the benchmark.",
        status="published",
        open_thread=True,
    ).post


def measure_loads(sizes: list[int], editor: Any, readers: list[Any]) -> list[Load]:
    """Write each generated thread in one post_comments call (as an import would)."""
    from broadsheet.discussion.sample_threads import sample_comments
    from broadsheet.discussion.services import post_comments

    loads = []
    for size in sizes:
        post = new_open_thread(editor, f"Loaded thread with {size} comments")
        started = time.perf_counter()
        comments = sample_comments(authors=readers, count=size, seed=size)
        prepared = time.perf_counter()
        post_comments(post=post, comments=comments, imported=True)
        written = time.perf_counter()
        loads.append(Load(size, prepared - started, written - prepared))
        print(
            f"wrote {size:,} comments through post_comments in {written - prepared:.1f} s "
            f"({size / (written - prepared):,.0f} a second; sample text took "
            f"{prepared - started:.1f} s)",
            flush=True,
        )
    return loads


def build_threads(sizes: list[int], editor: Any, readers: list[Any]) -> dict[int, str]:
    from broadsheet.discussion.sample_threads import generate_thread

    urls = {}
    for size in sizes:
        post = new_open_thread(editor, f"Open thread with {size} comments")
        started = time.perf_counter()
        generate_thread(post=post, authors=readers, count=size, seed=size)
        print(f"generated {size} comments in {time.perf_counter() - started:.1f} s", flush=True)
        urls[size] = post.get_absolute_url()
    return urls


def measure(url: str, size: int, display: str, requests: int) -> Measurement:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    page_url = f"{url}?display={display}"
    response = client.get(page_url)  # warm the code path, not a page cache (there is none)
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(page_url)
    query_count = len(captured.captured_queries)
    times = []
    for _ in range(requests):
        reset_queries()
        started = time.perf_counter()
        response = client.get(page_url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return Measurement(
        size=size,
        display=display,
        median_ms=statistics.median(times),
        p90_ms=times[int(len(times) * 0.9) - 1],
        queries=query_count,
        kilobytes=len(response.content) // 1024,
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def machine_description(database_url: str) -> str:
    cpu = cpu_model()
    database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite (WAL)"
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{database}, {platform.system()} {platform.release()}"
    )


def current_commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    ).stdout.strip()


def replace_section(marker: str, section: str) -> None:
    """Put `section` (which starts and ends with `marker`) in the report, replacing the old."""
    text = REPORT.read_text() if REPORT.exists() else "# Performance\n\n"
    if marker in text:
        before, _, rest = text.partition(marker)
        _, _, after = rest.partition(marker)
        text = before + section + after
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    REPORT.write_text(text)


def write_load_report(loads: list[Load], command: str, machine: str) -> None:
    lines = [
        LOAD_MARKER,
        "## Writing comments in bulk",
        "",
        f"Command: `{command}` at commit {current_commit() or 'unknown'}, "
        f"{time.strftime('%Y-%m-%d')}.",
        f"Machine: {machine}.",
        "",
        "One `discussion.services.post_comments` call per thread, as an import makes it: "
        "numbers, depths, sanitized HTML, stored fragments, ratings and counts, in one "
        "transaction. Generating the sample text is timed apart and not included.",
        "",
        "| comments | write s | comments a second | target s | sample text s |",
        "|---:|---:|---:|---:|---:|",
    ]
    for load in loads:
        lines.append(
            f"| {load.size:,} | {load.write_seconds:.1f} | "
            f"{load.size / load.write_seconds:,.0f} | {LOAD_TARGET_SECONDS.get(load.size, '')} | "
            f"{load.prepare_seconds:.1f} |"
        )
    lines.append(LOAD_MARKER)
    replace_section(LOAD_MARKER, "\n".join(lines))


def write_report(rows: list[Measurement], command: str, machine: str) -> None:
    commit = current_commit()
    lines = [
        MARKER,
        "## Thread page, cold (no page cache), server time",
        "",
        f"Command: `{command}` at commit {commit or 'unknown'}, {time.strftime('%Y-%m-%d')}.",
        f"Machine: {machine}.",
        "",
        "| comments | display | median ms | p90 ms | target ms | SQL queries | page KB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        target = TARGETS_MS.get(row.size, "")
        lines.append(
            f"| {row.size:,} | {row.display} | {row.median_ms:.1f} | {row.p90_ms:.1f} | "
            f"{target} | {row.queries} | {row.kilobytes:,} |"
        )
    lines.append(MARKER)
    replace_section(MARKER, "\n".join(lines))


def main() -> int:
    arguments = parse_arguments()
    set_up_django(arguments.database_url)
    from broadsheet.discussion.display import DisplayMode

    editor, readers = make_people()
    loads = measure_loads(arguments.load_sizes, editor, readers)
    urls = build_threads(arguments.sizes, editor, readers)
    # As broadsheet.wsgi does once the application is loaded: what exists now lives for the
    # whole process, and the collector should not walk it again on every request.
    gc.collect()
    gc.freeze()
    rows = []
    for size, url in urls.items():
        for display in DisplayMode:
            row = measure(url, size, display.value, arguments.requests)
            rows.append(row)
            print(
                f"{size:>6} comments  {display.value:<9} median {row.median_ms:7.1f} ms  "
                f"p90 {row.p90_ms:7.1f} ms  {row.queries} queries  {row.kilobytes} KB",
                flush=True,
            )
    if not arguments.no_write:
        command = (
            "make bench" if len(sys.argv) == 1 else "python -m bench " + " ".join(sys.argv[1:])
        )
        machine = machine_description(os.environ["DATABASE_URL"])
        if loads:
            write_load_report(loads, command, machine)
        write_report(rows, command, machine)
        print(f"wrote {REPORT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
