"""What `python -m bench.serving` measured, and how it is shown: tables on the terminal, the
section of docs/performance.md between its markers, and the plot of server time against
thread size next to it."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import load
from bench.__main__ import REPORT, cpu_model, current_commit, replace_section
from bench.writers import percentile

MARKER = "<!-- bench:serving -->"
PLOT = REPORT.with_name("performance-thread-size.png")
# Issue 10's targets, for the table that says which this run met.
TARGET_WARM_SHARE_OF_NGINX = 0.5  # at 1,000 comments
TARGET_COLD_P50_MS = {1_000: 40, 20_000: 800}
TARGET_QUERIES = 10
TARGET_POSTING_P99_MS = {"sqlite": 300, "postgres": 100}
TARGET_RSS_MB = 200  # at 20,000 comments


def p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p99(values: list[float]) -> float:
    return percentile(sorted(values), 0.99) if values else float("nan")


@dataclass
class Sequential:
    """Requests one at a time: the time of each is the server's, plus a local round trip."""

    milliseconds: list[float]

    @property
    def p50(self) -> float:
        return p50(self.milliseconds)

    @property
    def p99(self) -> float:
        return p99(self.milliseconds)


@dataclass
class Posting:
    marker: str  # in every posted comment's text, followed by x and its number
    latencies_ms: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    last_number: int = -1  # the latest comment (by schedule) the API accepted
    last_url: str = ""
    visible: bool | None = None  # the next anonymous read of that comment's link showed it

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


@dataclass
class ThreadResult:
    engine: str
    size: int
    facts: dict[str, Any]  # from bench/serving_site.py: the thread's shape and SQL queries
    raw_bytes: int
    sent_bytes: int  # with Accept-Encoding: gzip
    static_gzip_bytes: int
    cold: Sequential
    warm_sequential: Sequential
    warm: load.WrkResult
    signed_in: load.WrkResult
    reads_while_posting: load.WrkResult
    posting: Posting
    static: load.WrkResult
    rss_before_mb: list[float]  # each worker's, when this size's measurements began
    rss_mb: list[float]  # each worker's peak while this size was measured

    @property
    def share_of_static(self) -> float:
        return self.warm.requests_per_second / self.static.requests_per_second


def describe(result: load.WrkResult) -> str:
    errors = f", {result.errors} errors" if result.errors else ""
    return (
        f"{result.requests_per_second:,.1f} req/s, p50 {result.p50_ms:.1f} ms, "
        f"p99 {result.p99_ms:.1f} ms ({result.requests:,} requests{errors})"
    )


# --- tables -----------------------------------------------------------------------------------

SUMMARY_HEADERS = [
    "comments",
    "engine",
    "cold p50 ms",
    "warm req/s",
    "nginx req/s",
    "warm / nginx",
    "signed-in req/s",
    "posting p50 / p99 ms",
    "next read shows it",
    "KB page / sent / nginx gzip",
    "SQL cold / warm / signed-in",
    "worker RSS MB before / peak",
]
DETAIL_HEADERS = [
    "comments",
    "engine",
    "measure",
    "req/s",
    "p50 ms",
    "p99 ms",
    "requests",
    "errors",
]
TARGET_HEADERS = ["target", "engine", "measured", ""]


def kilobytes(count: int) -> str:
    return f"{count / 1024:,.0f}"


def share(ratio: float) -> str:
    """A percentage with two significant digits when it is small (0.12%, not 0.1%)."""
    return f"{ratio:.1%}" if ratio >= 0.01 else f"{ratio:.2%}"


def summary_rows(results: list[ThreadResult]) -> list[list[str]]:
    rows = []
    for result in results:
        queries = result.facts["queries"]
        posted = result.posting.latencies_ms
        rows.append(
            [
                f"{result.size:,}",
                result.engine,
                f"{result.cold.p50:,.1f}",
                f"{result.warm.requests_per_second:,.1f}",
                f"{result.static.requests_per_second:,.0f}",
                share(result.share_of_static),
                f"{result.signed_in.requests_per_second:,.1f}",
                f"{p50(posted):,.0f} / {p99(posted):,.0f}",
                {True: "yes", False: "NO", None: "-"}[result.posting.visible],
                f"{kilobytes(result.raw_bytes)} / {kilobytes(result.sent_bytes)} / "
                f"{kilobytes(result.static_gzip_bytes)}",
                f"{queries['cold']} / {queries['warm']} / {queries['signed_in']}",
                ", ".join(
                    f"{before:,.0f} / {peak:,.0f}"
                    for before, peak in zip(result.rss_before_mb, result.rss_mb, strict=True)
                )
                or "-",
            ]
        )
    return rows


def detail_rows(results: list[ThreadResult]) -> list[list[str]]:
    rows = []
    for result in results:
        head = [f"{result.size:,}", result.engine]
        for name, one in (
            ("cold, one at a time", result.cold),
            ("warm, one at a time", result.warm_sequential),
        ):
            timings = [f"{one.p50:,.1f}", f"{one.p99:,.1f}", str(len(one.milliseconds))]
            rows.append([*head, name, "", *timings, "0"])
        for name, run in (
            ("warm anonymous, wrk", result.warm),
            ("signed in, wrk", result.signed_in),
            ("reads while posting, wrk", result.reads_while_posting),
            ("nginx static, wrk", result.static),
        ):
            rate = f"{run.requests_per_second:,.1f}"
            timings = [f"{run.p50_ms:,.1f}", f"{run.p99_ms:,.1f}", f"{run.requests:,}"]
            rows.append([*head, name, rate, *timings, str(run.errors)])
        posting = result.posting
        name = f"posting at {posting.rate:.1f}/s"
        timings = [f"{posting.rate:.1f}", f"{p50(posting.latencies_ms):,.1f}"]
        timings += [f"{p99(posting.latencies_ms):,.1f}", str(len(posting.latencies_ms))]
        rows.append([*head, name, *timings, str(sum(posting.failures.values()))])
    return rows


def target_rows(results: list[ThreadResult]) -> list[list[str]]:
    """Issue 10's targets next to what this run measured."""
    rows = []

    def add(target: str, result: ThreadResult, measured: str, met: bool) -> None:
        rows.append([target, result.engine, measured, "met" if met else "not met"])

    for result in results:
        size = f"{result.size:,}"
        if result.size == 1_000:
            ratio = result.share_of_static
            target = "warm 1,000: at least 50% of nginx's req/s"
            add(target, result, share(ratio), ratio >= TARGET_WARM_SHARE_OF_NGINX)
        if result.size in TARGET_COLD_P50_MS:
            limit = TARGET_COLD_P50_MS[result.size]
            cold = result.cold.p50
            add(f"cold {size}: p50 at most {limit} ms", result, f"{cold:,.1f} ms", cold <= limit)
        most = max(result.facts["queries"].values())
        target = f"SQL queries at {size}: at most {TARGET_QUERIES}"
        add(target, result, str(most), most <= TARGET_QUERIES)
        limit = TARGET_POSTING_P99_MS[result.engine]
        slowest = p99(result.posting.latencies_ms)
        shown = bool(result.posting.visible)
        target = f"posting at {size} under reads: p99 at most {limit} ms, next read shows it"
        measured = f"{slowest:,.0f} ms, {'shown' if shown else 'NOT shown'}"
        add(target, result, measured, slowest <= limit and shown)
        if result.size == 20_000 and result.rss_mb:
            peak = max(result.rss_mb)
            target = f"worker peak RSS at 20,000: under {TARGET_RSS_MB} MB"
            add(target, result, f"{peak:,.0f} MB", peak < TARGET_RSS_MB)
    return rows


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    return "\n".join([line(headers), "-+-".join("-" * width for width in widths)] + [
        line(row) for row in rows
    ])  # fmt: skip


def markdown_table(headers: list[str], rows: list[list[str]], text_columns: int = 2) -> str:
    """The first `text_columns` columns left-aligned, the numbers right-aligned."""
    alignments = ["---" if index < text_columns else "---:" for index in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(alignments) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def terminal_summary(results: list[ThreadResult]) -> str:
    return "\n\n".join(
        [
            text_table(SUMMARY_HEADERS, summary_rows(results)),
            text_table(DETAIL_HEADERS, detail_rows(results)),
            text_table(TARGET_HEADERS, target_rows(results)),
        ]
    )


# --- docs/performance.md ----------------------------------------------------------------------


def machine_lines(sites: list[str]) -> list[str]:
    memory = "?"
    with contextlib.suppress(OSError, IndexError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    return [
        f"Machine: {os.cpu_count()} cores ({cpu_model()}), {memory} RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"granian {importlib.metadata.version('granian')}, {load.tool_version('wrk')}, "
        f"{load.tool_version('nginx')}.",
        f"Engines: {'; '.join(sites)}.",
    ]


@dataclass
class RunFacts:
    command: str
    full_run: bool
    sites: list[str]
    load_averages: tuple[float, float]  # at the start and at the end
    settings: str  # what the servers and the load generator were told, in a sentence


def write_report(results: list[ThreadResult], facts: RunFacts, plot_written: bool) -> None:
    shortest = min(result.facts["body_characters"][0] for result in results)
    longest = max(result.facts["body_characters"][2] for result in results)
    kind = (
        "Full run."
        if facts.full_run
        else "**Smoke run** (fewer sizes, engines or seconds than `make bench`: it shows that "
        "the benchmark works, not what the code can do)."
    )
    lines = [
        MARKER,
        "## Serving thread pages, side by side with nginx",
        "",
        kind,
        f"Command: `{facts.command}` at commit {current_commit() or 'unknown'}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}.",
        *machine_lines(facts.sites),
        f"Load average {facts.load_averages[0]:.1f} at the start and "
        f"{facts.load_averages[1]:.1f} at the end: other work shares this machine, so compare "
        "runs made one after the other.",
        "",
        f"{facts.settings} The threads: about a third replies, up to 8 deep, 300 authors, half "
        f"rated, bodies of {shortest}-{longest} characters with links and quotes.",
        "",
        markdown_table(SUMMARY_HEADERS, summary_rows(results)),
        "",
        "Each measure:",
        "",
        markdown_table(DETAIL_HEADERS, detail_rows(results), text_columns=3),
        "",
        "Issue 10's targets:",
        "",
        markdown_table(TARGET_HEADERS, target_rows(results), text_columns=4),
    ]
    if plot_written:
        lines += ["", f"![Server time of a thread page against its size]({PLOT.name})"]
    lines.append(MARKER)
    replace_section(MARKER, "\n".join(lines))


def write_plot(results: list[ThreadResult]) -> bool:
    """Server time (one request at a time) against thread size, both axes logarithmic, with
    issue 10's cold targets; False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
    except ImportError:
        return False
    figure, axes = pyplot.subplots(figsize=(7.5, 4.8), dpi=110)
    for engine in sorted({result.engine for result in results}):
        mine = [result for result in results if result.engine == engine]
        sizes = [result.size for result in mine]
        cold = [result.cold.p50 for result in mine]
        warm = [result.warm_sequential.p50 for result in mine]
        axes.plot(sizes, cold, marker="o", label=f"{engine}: cold, p50")
        axes.plot(sizes, warm, marker="s", linestyle="--", label=f"{engine}: warm, p50")
    target_sizes, target_ms = zip(*sorted(TARGET_COLD_P50_MS.items()), strict=True)
    axes.plot(
        target_sizes,
        target_ms,
        linestyle=":",
        marker="x",
        color="black",
        label="issue 10's target, cold",
    )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("comments in the thread")
    axes.set_ylabel("server time, ms (one request at a time)")
    axes.set_title("Thread page: server time against thread size")
    axes.grid(visible=True, which="both", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(PLOT, metadata={"Software": None})
    pyplot.close(figure)
    return True
