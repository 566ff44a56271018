"""Thread pages served by `broadsheet serve`, side by side with nginx serving the same bytes.

For each engine (SQLite; PostgreSQL with Redis) the benchmark makes a site of its own (a new
var folder, database and Redis database, removed at the end), writes threads of each size
through the bulk write path (`bench/serving_site.py`), starts `broadsheet serve` as a user
would, with rate limits off (BROADSHEET_RATE_LIMIT_SCALE=0), and measures each thread page
from separate processes:

- cold: one request at a time, the shared cache emptied before each (Redis's database
  flushed; on SQLite, the file cache's folder emptied): the server time of a page nobody
  has asked for since the thread last changed;
- warm: one request at a time without emptying it; then wrk, 16 connections;
- signed in: wrk with the session cookie of a reader who logged in through the login form;
- posting: a reader posts comments through the JSON API at a steady rate while wrk reads
  the same thread; then the next anonymous read of the last comment's link must show it;
- nginx: the same HTML (and its gzip copy, `gzip_static on`) as a static file: the ceiling.

wrk sends `Accept-Encoding: gzip` everywhere. The SQL queries of each page are counted in
the preparing process, against the same database. The table goes to the terminal and to
docs/performance.md, the plot of server time against thread size next to it.

    python -m bench.serving [--sizes 100 1000 5000 20000] [--engines sqlite postgres]
                            [--duration 10] [--connections 16] [--post-rate 5] [--no-write]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from bench import load
from bench.__main__ import REPO, REPORT
from bench.serving_report import (
    PLOT,
    Posting,
    RunFacts,
    Sequential,
    ThreadResult,
    describe,
    p50,
    p99,
    terminal_summary,
    write_plot,
    write_report,
)
from bench.writers import free_port

DEFAULT_SIZES = [100, 1_000, 5_000, 20_000]
ENGINES = ["sqlite", "postgres"]
DEFAULT_DURATION = 10.0  # seconds per wrk run
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
REDIS_DATABASES = range(15, 0, -1)  # the bench takes the highest empty one; 0 is everyone's
PREPARE_SECONDS = 1800  # migrate, 300 readers and the threads: 20,000 comments take ~30 s
SERVER_START_SECONDS = 300  # collectstatic and the spam model: ~10 s idle, 100 s at load 14
START_PROGRESS_SECONDS = 15  # how often a slow start says it is still going
SEQUENTIAL_MINIMUM = 3  # requests, however long they take
POSTING_THREADS = 8  # enough to keep the rate while one answer is slow


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.serving",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=ENGINES)
    parser.add_argument(
        "--duration", type=float, default=DEFAULT_DURATION, help="seconds per wrk run"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--post-rate", type=float, default=5, help="comments a second")
    parser.add_argument(
        "--sequential", type=int, default=10, help="cold and warm one-at-a-time requests"
    )
    parser.add_argument("--workers", type=int, default=2, help="broadsheet serve --workers")
    parser.add_argument("--threads", type=int, default=4, help="broadsheet serve --threads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="to create the DB")
    parser.add_argument(
        "--redis-url", default=DEFAULT_REDIS_URL, help="with a /N database: that one (empty)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    arguments = parser.parse_args(argv)
    arguments.sizes = sorted(set(arguments.sizes))
    return arguments


# --- progress ---------------------------------------------------------------------------------

STARTED = time.monotonic()


def say(message: str) -> None:
    elapsed = int(time.monotonic() - STARTED)
    print(f"[{elapsed // 60:02d}:{elapsed % 60:02d}] {message}", flush=True)


# --- an engine's site -------------------------------------------------------------------------


@dataclass
class Site:
    engine: str
    environment: dict[str, str]
    clear_cache: Callable[[], None]
    description: str


def base_environment(var_dir: str) -> dict[str, str]:
    environment = {
        **os.environ,
        "BROADSHEET_VAR_DIR": var_dir,
        "BROADSHEET_RATE_LIMIT_SCALE": "0",  # a load test (docs/configuration.md)
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "DEBUG", "BROADSHEET_ENV", "SECRET_KEY"):
        environment.pop(name, None)
    # The checkout's sources and bench/ first, as `python -m bench.serving` found them.
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return environment


@contextlib.contextmanager
def sqlite_site() -> Iterator[Site]:
    var_dir = tempfile.mkdtemp(prefix="broadsheet-bench-serving-")
    environment = base_environment(var_dir)
    environment["DATABASE_URL"] = f"sqlite:///{var_dir}/bench.sqlite3"
    cache_dir = Path(var_dir) / "cache"

    def clear_cache() -> None:
        if cache_dir.is_dir():
            for entry in cache_dir.iterdir():
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()

    try:
        yield Site("sqlite", environment, clear_cache, "SQLite (WAL), file cache")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def _empty_redis_database(base_url: str) -> tuple[str, Any]:
    import redis

    parts = urllib.parse.urlsplit(base_url)
    wanted = [int(parts.path.strip("/"))] if parts.path.strip("/") else list(REDIS_DATABASES)
    for number in wanted:
        url = urllib.parse.urlunsplit(parts._replace(path=f"/{number}"))
        client = redis.Redis.from_url(url, socket_timeout=5)
        if client.dbsize() == 0:
            return url, client
        client.close()
    raise RuntimeError(
        f"no empty Redis database among {wanted} at {base_url}; the benchmark empties the one "
        "it uses, so it takes only an empty one (choose one with --redis-url redis://host/N)"
    )


@contextlib.contextmanager
def postgres_site(admin_url: str, redis_url: str) -> Iterator[Site]:
    import psycopg
    from psycopg import sql

    name = f"broadsheet_bench_{os.getpid()}_{int(time.time())}"
    admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=10)
    server_version = admin.execute("SHOW server_version").fetchone()
    redis_database_url, redis_client = _empty_redis_database(redis_url)
    redis_version = redis_client.info("server").get("redis_version", "?")
    var_dir = tempfile.mkdtemp(prefix="broadsheet-bench-serving-")
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    environment = base_environment(var_dir)
    environment["DATABASE_URL"] = urllib.parse.urlunsplit(
        urllib.parse.urlsplit(admin_url)._replace(path=f"/{name}")
    )
    environment["REDIS_URL"] = redis_database_url
    try:
        yield Site(
            "postgres",
            environment,
            lambda: redis_client.flushdb(),
            f"PostgreSQL {server_version[0] if server_version else '?'}, "
            f"Redis {redis_version} ({redis_database_url})",
        )
    finally:
        with contextlib.suppress(Exception):
            redis_client.flushdb()
            redis_client.close()
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()
        shutil.rmtree(var_dir, ignore_errors=True)


def open_site(
    engine: str, arguments: argparse.Namespace
) -> contextlib.AbstractContextManager[Site]:
    if engine == "sqlite":
        return sqlite_site()
    return postgres_site(arguments.postgres_url, arguments.redis_url)


def prepare(
    site: Site, sizes: list[int], seed: int, *, timeout: float = PREPARE_SECONDS
) -> dict[str, Any]:
    """Migrate, make the readers and write the threads, in a process of the site's own."""
    command = [
        sys.executable, "-m", "bench.serving_site",
        "--sizes", *map(str, sizes), "--seed", str(seed),
    ]  # fmt: skip
    finished = subprocess.run(  # noqa: S603 - this interpreter running the bench's own module
        command,
        env=site.environment,
        stdout=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
        cwd=REPO,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"preparing the {site.engine} site failed ({finished.returncode})")
    result: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


# --- broadsheet serve -------------------------------------------------------------------------


class BroadsheetServer:
    """`broadsheet serve` in a session of its own. It starts granian and the background
    worker, each in a group of its own; on the way out it is asked to stop them (SIGTERM,
    as a service manager would), and whatever group is left is killed."""

    def __init__(
        self,
        site: Site,
        workers: int,
        threads: int,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        wrapper: tuple[str, ...] = (),
        name: str = "broadsheet serve",
    ) -> None:
        self.site = site
        self.host = host
        self.port = port or free_port()
        self.workers = workers
        self.threads = threads
        self.wrapper = wrapper  # a command that runs serve somewhere else: `ip netns exec NS`
        self.name = name
        self.base_url = f"http://{host}:{self.port}"
        self.log_path = Path(site.environment["BROADSHEET_VAR_DIR"]) / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.groups: set[int] = set()

    def command(self) -> list[str]:
        installed = Path(sys.executable).with_name("broadsheet")
        program = (
            [str(installed)] if installed.exists() else [sys.executable, "-m", "broadsheet.cli"]
        )
        return [
            *self.wrapper, *program, "serve",
            "--host", self.host, "--port", str(self.port),
            "--workers", str(self.workers), "--threads", str(self.threads),
        ]  # fmt: skip

    def __enter__(self) -> BroadsheetServer:
        self.start()
        try:
            self.wait_until_serving()
        except BaseException:
            self.__exit__()
            raise
        return self

    def start(self) -> None:
        """Start `broadsheet serve` without waiting for it (`wait_until_serving` does), so
        that several servers can start at once; `__exit__` stops it either way."""
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - the project's own command
                self.command(),
                env=self.site.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=REPO,
            )

    def wait_until_serving(self) -> None:
        assert self.process is not None
        started = time.monotonic()
        told = started
        while time.monotonic() < started + SERVER_START_SECONDS:
            self._remember_groups()
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} ended with exit code {self.process.returncode}:\n"
                    + self.log_tail()
                )
            with contextlib.suppress(OSError):
                if load.fetch(f"{self.base_url}/api/", timeout=5).status == 200:
                    self._remember_groups()
                    return
            if time.monotonic() - told >= START_PROGRESS_SECONDS:
                told = time.monotonic()
                logged = self.log_tail().splitlines()
                doing = logged[-1] if logged else "collecting static files"
                say(f"{self.name}: still starting after {told - started:.0f} s ({doing})")
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer within {SERVER_START_SECONDS} s")

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])
        return ""

    def _remember_groups(self) -> None:
        if self.process is None:
            return
        for pid in load.descendants_of(self.process.pid):
            group = load.process_group(pid)
            if group is not None and group != os.getpgid(0):
                self.groups.add(group)

    def worker_pids(self) -> list[int]:
        """granian's worker processes: below granian's main process, below serve."""
        assert self.process is not None
        workers = []
        for child in load.children_of(self.process.pid):
            if "granian" in load.command_line(child):
                workers += load.descendants_of(child)
        return workers

    def __exit__(self, *exc_info: object) -> None:
        if self.process is None:
            return
        self._remember_groups()
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=load.STOP_GRACE_SECONDS)
        load.stop_group(self.process)
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        self.process = None


# --- one thread page --------------------------------------------------------------------------

GZIP = {"Accept-Encoding": "gzip"}


def sequential(
    url: str, *, count: int, limit_seconds: float, before: Callable[[], None] | None = None
) -> Sequential:
    """`count` requests one after the other (fewer when they take longer than the limit,
    but at least SEQUENTIAL_MINIMUM), `before` called before each."""
    times: list[float] = []
    deadline = time.monotonic() + limit_seconds
    while len(times) < count and (len(times) < SEQUENTIAL_MINIMUM or time.monotonic() < deadline):
        if before is not None:
            before()
        answer = load.fetch(url, headers=GZIP)
        if answer.status != 200:
            raise RuntimeError(f"{url} answered {answer.status}")
        times.append(answer.seconds * 1000)
    return Sequential(times)


@dataclass
class LoginForm:
    cookies: dict[str, str]  # the CSRF cookie
    token: str  # the form's CSRF token


def login_form(base_url: str) -> LoginForm:
    """The site's login form as a browser gets it; one form may be sent several times."""
    form = load.fetch(f"{base_url}/accounts/login/")
    text = form.text()
    marker = 'name="csrfmiddlewaretoken" value="'
    token = text.split(marker, 1)[1].split('"', 1)[0] if marker in text else ""
    return LoginForm(form.cookies(), token)


def send_login(
    base_url: str, form: LoginForm, username: str, password: str
) -> tuple[load.Answer, dict[str, str]]:
    """Send the login form filled in: the answer, and the cookies a browser then holds.
    Behind a load balancer the form and the answer may come from different hosts."""
    answer = load.fetch(
        f"{base_url}/accounts/login/",
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": load.cookie_header(form.cookies),
            "Referer": f"{base_url}/accounts/login/",
        },
        body=urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": form.token}
        ).encode(),
    )
    return answer, {**form.cookies, **answer.cookies()}


def log_in(base_url: str, username: str, password: str) -> dict[str, str]:
    """Log in through the site's login form, as a browser does: the session's cookies."""
    answer, cookies = send_login(base_url, login_form(base_url), username, password)
    if answer.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"logging in as {username} failed: {answer.status}")
    return cookies


def post_at_steady_rate(
    *,
    url: str,
    token: str,
    rate: float,
    seconds: float,
    reply_to: int,
    marker: str,
) -> Posting:
    """Post `rate` comments a second for `seconds` through the JSON API, each started on
    schedule (not after the previous answer), alternately top-level and a reply to a comment
    near the top of the page."""
    posting = Posting(marker=marker)
    lock = threading.Lock()
    count = max(1, int(rate * seconds))
    started = time.monotonic()

    def post(number: int) -> None:
        time.sleep(max(0.0, started + number / rate - time.monotonic()))
        body: dict[str, Any] = {
            "body": f"Posted under load, comment {number} ({marker}x{number}). The figures in "
            "the county's report do not match what the council said at the hearing; I read "
            "the appendix twice and the totals differ by a third. Has anyone asked the "
            "auditor's office which one is right?",
            "submission_key": f"{marker}-{number}",
        }
        if number % 2:
            body["parent"] = reply_to
        try:
            answer = load.fetch(
                url,
                method="POST",
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
                body=json.dumps(body).encode(),
            )
            outcome = "" if answer.status == 201 else f"HTTP {answer.status}"
        except OSError as error:
            answer, outcome = None, type(error).__name__
        with lock:
            if outcome or answer is None:
                posting.failures[outcome] = posting.failures.get(outcome, 0) + 1
                return
            posting.latencies_ms.append(answer.seconds * 1000)
            if number > posting.last_number:
                posting.last_number = number
                posting.last_url = json.loads(answer.body)["url"]

    with ThreadPoolExecutor(max_workers=POSTING_THREADS) as pool:
        list(pool.map(post, range(count)))
    posting.seconds = time.monotonic() - started
    return posting


def warm_up(server: BroadsheetServer, thread: dict[str, Any], token: str) -> None:
    """A comment and a page in every worker process, before anything is measured, on a
    thread of their own: a process's first comment loads the spam filter's and the language
    detector's models (seconds), its first page compiles the templates. A site that has
    been up for a minute has paid both; the benchmark measures what it pays after that."""
    requests = 4 * server.workers  # the server, not the benchmark, chooses the process

    def comment_and_read(number: int) -> None:
        load.fetch(
            f"{server.base_url}/api/posts/{thread['post_id']}/comments",
            method="POST",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            body=json.dumps({"body": f"Warming up, comment {number}."}).encode(),
        )
        load.fetch(server.base_url + thread["url"], headers=GZIP)

    with ThreadPoolExecutor(max_workers=requests) as pool:
        list(pool.map(comment_and_read, range(requests)))


def measure_thread(
    *,
    site: Site,
    server: BroadsheetServer,
    nginx: load.StaticServer,
    thread: dict[str, Any],
    poster: dict[str, str],
    arguments: argparse.Namespace,
) -> ThreadResult:
    engine, size = site.engine, int(thread["size"])
    url = server.base_url + thread["url"]
    label = f"{engine} {size:,}"
    wrk = {
        "duration": arguments.duration,
        "connections": arguments.connections,
        "threads": arguments.wrk_threads,
    }

    workers = server.worker_pids()
    rss_before = []
    for pid in workers:
        load.reset_peak_rss(pid)
        rss_before.append(load.rss_megabytes(pid) or 0.0)
    plain = load.fetch(url)
    sent = load.fetch(url, headers=GZIP)
    if plain.status != 200 or sent.status != 200:
        raise RuntimeError(f"{url} answered {plain.status} / {sent.status}")
    static_url, static_gzip = nginx.publish(f"{engine}-{size}", plain.body)
    say(
        f"{label}: page {len(plain.body) / 1024:,.0f} KB, sent {len(sent.body) / 1024:,.0f} KB "
        f"with gzip accepted ({sent.headers.get('content-encoding', 'not compressed')}); "
        f"SQL queries {thread['queries']}"
    )

    cold = sequential(
        url, count=arguments.sequential, limit_seconds=arguments.duration, before=site.clear_cache
    )
    say(f"{label}: cold (cache emptied first) p50 {cold.p50:.1f} ms over {len(cold.milliseconds)}")
    load.fetch(url, headers=GZIP)
    warm_sequential = sequential(url, count=arguments.sequential, limit_seconds=arguments.duration)
    say(f"{label}: warm one at a time p50 {warm_sequential.p50:.1f} ms")

    warm = load.run_wrk(url, headers=GZIP, **wrk)
    say(f"{label}: warm, wrk {describe(warm)}")

    cookies = log_in(server.base_url, poster["username"], poster["password"])
    signed_in_headers = {**GZIP, "Cookie": load.cookie_header(cookies)}
    page = load.fetch(url, headers=signed_in_headers)
    if page.status != 200 or "/accounts/logout/" not in page.text():
        raise RuntimeError(f"the signed-in page of {url} does not show the reader signed in")
    signed_in = load.run_wrk(url, headers=signed_in_headers, **wrk)
    say(f"{label}: signed in, wrk {describe(signed_in)}")

    readers = load.start_wrk(load.wrk_command(url, headers=GZIP, **wrk))
    try:
        posting = post_at_steady_rate(
            url=f"{server.base_url}/api/posts/{thread['post_id']}/comments",
            token=poster["token"],
            rate=arguments.post_rate,
            seconds=max(1.0, arguments.duration - 1),
            reply_to=int(thread["reply_to"]),
            marker=f"loadmark{os.getpid()}n{size}",
        )
    finally:
        reads_while_posting = load.finish_wrk(readers, arguments.duration)
    if posting.last_url:
        shown = load.fetch(posting.last_url, headers=GZIP)
        posting.visible = (
            shown.status == 200 and f"{posting.marker}x{posting.last_number})" in shown.text()
        )
    say(
        f"{label}: posting {posting.rate:.1f}/s p50 {p50(posting.latencies_ms):.0f} ms "
        f"p99 {p99(posting.latencies_ms):.0f} ms, failures {posting.failures or 'none'}, "
        f"next read shows it: {posting.visible}; reads meanwhile {describe(reads_while_posting)}"
    )

    static = load.run_wrk(static_url, headers=GZIP, **wrk)
    say(f"{label}: nginx, same bytes, wrk {describe(static)}")
    rss = [load.peak_rss_megabytes(pid) or 0.0 for pid in workers]
    say(
        f"{label}: worker RSS before this thread "
        f"{', '.join(f'{value:.0f}' for value in rss_before)} MB, peak while serving it "
        f"{', '.join(f'{value:.0f}' for value in rss)} MB"
    )
    return ThreadResult(
        engine=engine,
        size=size,
        facts=thread,
        raw_bytes=len(plain.body),
        sent_bytes=len(sent.body),
        static_gzip_bytes=static_gzip,
        cold=cold,
        warm_sequential=warm_sequential,
        warm=warm,
        signed_in=signed_in,
        reads_while_posting=reads_while_posting,
        posting=posting,
        static=static,
        rss_before_mb=rss_before,
        rss_mb=rss,
    )


# --- the run ----------------------------------------------------------------------------------


def command_line(arguments: list[str]) -> str:
    return "make bench" if not arguments else "python -m bench.serving " + " ".join(arguments)


def settings_sentence(arguments: argparse.Namespace) -> str:
    return (
        f"`broadsheet serve --workers {arguments.workers} --threads {arguments.threads}`; wrk "
        f"with {arguments.connections} connections and {arguments.wrk_threads} threads, "
        f"{arguments.duration:g} s a run, `Accept-Encoding: gzip`; nginx with as many workers "
        f"as Broadsheet, `gzip_static on`, serving each page's own bytes. Cold and warm: "
        f"{arguments.sequential} requests one at a time (fewer when they take longer than a "
        f"run). Posting: {arguments.post_rate:g} comments a second through the JSON API while "
        f"wrk reads the same thread. Seed {arguments.seed}."
    )


def stop_on_signal(signum: int, frame: FrameType | None) -> None:
    """SIGTERM and SIGHUP end the run as Ctrl-C does: through every `finally`, so servers
    stop and databases are dropped."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    missing = load.missing_tools()
    if missing:
        print(
            f"python -m bench.serving needs Debian's {' and '.join(missing)}: "
            f"scripts/apt-install {' '.join(missing)} (make bench does it when run as root)",
            file=sys.stderr,
        )
        return 2
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop_on_signal)
    start_load = os.getloadavg()[0]
    say(
        f"sizes {', '.join(f'{size:,}' for size in arguments.sizes)}; engines "
        f"{', '.join(arguments.engines)}; {arguments.duration:g} s per wrk run"
    )
    results: list[ThreadResult] = []
    sites: list[str] = []
    skipped: list[str] = []
    try:
        with load.StaticServer(free_port(), arguments.workers) as nginx:
            for engine in arguments.engines:
                with contextlib.ExitStack() as cleanup:
                    try:
                        site = cleanup.enter_context(open_site(engine, arguments))
                    except Exception as error:  # no database or Redis to use: say so, go on
                        say(f"{engine}: skipped, {type(error).__name__}: {error}")
                        skipped.append(engine)
                        continue
                    cleanup.callback(say, f"{engine}: server stopped, database and cache removed")
                    sites.append(f"{engine}: {site.description}")
                    say(f"{engine}: writing the threads ({site.description})")
                    prepared = prepare(site, arguments.sizes, arguments.seed)
                    say(f"{engine}: starting broadsheet serve")
                    server = cleanup.enter_context(
                        BroadsheetServer(site, arguments.workers, arguments.threads)
                    )
                    say(f"{engine}: serving on {server.base_url}; warming up")
                    warm_up(server, prepared["warm_up"], prepared["poster"]["token"])
                    for thread in prepared["threads"]:
                        results.append(
                            measure_thread(
                                site=site,
                                server=server,
                                nginx=nginx,
                                thread=thread,
                                poster=prepared["poster"],
                                arguments=arguments,
                            )
                        )
    except KeyboardInterrupt:
        say("interrupted: servers stopped, databases dropped")
        return 130
    if not results:
        say(f"nothing was measured (skipped: {', '.join(skipped)})")
        return 1
    print()
    print(terminal_summary(results))
    print()
    if not arguments.no_write:
        plot_written = write_plot(results)
        if not plot_written:
            say("matplotlib is missing (pip install -e '.[dev]'): no plot")
        facts = RunFacts(
            command=command_line(sys.argv[1:] if argv is None else argv),
            full_run=arguments.sizes == DEFAULT_SIZES
            and arguments.engines == ENGINES
            and arguments.duration >= DEFAULT_DURATION,
            sites=sites,
            load_averages=(start_load, os.getloadavg()[0]),
            settings=settings_sentence(arguments),
        )
        write_report(results, facts, plot_written)
        written = [REPORT] + ([PLOT] if plot_written else [])
        say("wrote " + " and ".join(str(path.relative_to(REPO)) for path in written))
    if skipped:
        say(f"skipped: {', '.join(skipped)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
