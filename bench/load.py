"""The load generator and the servers of `python -m bench.serving`: wrk, nginx, and the
processes `broadsheet serve` starts.

wrk and nginx are Debian's (`make bench` installs them when they are missing). Each runs as
a process of its own, in a process group of its own, so that the benchmark can end it and
whatever it started, whatever happens to the benchmark.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

HTTP_TIMEOUT_SECONDS = 120  # one request for a 20,000-comment page on a busy machine
# wrk counts a request slower than its --timeout as an error and leaves it out of the
# latencies; a big page under 16 connections takes seconds, and must be measured, not dropped.
WRK_TIMEOUT_SECONDS = 60
WRK_GRACE_SECONDS = 30  # wrk stops itself after --duration; this long more and it is killed
STOP_GRACE_SECONDS = 25  # `broadsheet serve` gives its children 10 s
TOOLS = {"wrk": "wrk", "nginx": "nginx"}  # program -> Debian package
SBIN = ("/usr/sbin", "/sbin")


def find_program(name: str) -> str | None:
    """The program's path; nginx lives in /usr/sbin, which a user's PATH may lack."""
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(SBIN))


def missing_tools() -> list[str]:
    return [package for program, package in TOOLS.items() if find_program(program) is None]


# --- HTTP, as a browser or a reader's script makes it ---------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names; Set-Cookie values joined by "\n"
    body: bytes  # as sent on the wire (compressed when Content-Encoding says so)
    seconds: float  # from sending the request to the last byte of the answer

    def text(self) -> str:
        body = self.body
        if self.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode("utf-8", errors="replace")

    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        for line in self.headers.get("set-cookie", "").split("\n"):
            if line:
                jar.load(line)
        return {name: morsel.value for name, morsel in jar.items()}


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = HTTP_TIMEOUT_SECONDS,
) -> Answer:
    """One request on a new connection; redirects are answers, not followed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
        seconds = time.perf_counter() - started
        names: dict[str, str] = {}
        for name, value in response.getheaders():
            key = name.lower()
            names[key] = f"{names[key]}\n{value}" if key in names else value
        return Answer(response.status, names, content, seconds)
    finally:
        connection.close()


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


# --- wrk --------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors (timeouts included) and answers other than 2xx or 3xx
    seconds: float


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNIT_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    """wrk's report with --latency: requests/s, the 50% and 99% latencies, counts, errors."""
    latencies = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+),", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if total is None or rate is None:
        raise RuntimeError(f"wrk's output could not be read:\n{output}")
    errors = sum(
        int(count)
        for count in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)
        + re.findall(r"Non-2xx or 3xx responses: (\d+)", output)
    )
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        p50_ms=_milliseconds(latencies["50"]) if "50" in latencies else float("nan"),
        p99_ms=_milliseconds(latencies["99"]) if "99" in latencies else float("nan"),
        requests=int(total.group(1)),
        errors=errors,
        seconds=_milliseconds(total.group(2) + total.group(3)) / 1000,
    )


def wrk_command(
    url: str, *, duration: float, connections: int, threads: int, headers: dict[str, str]
) -> list[str]:
    command = [
        find_program("wrk") or "wrk",
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        f"--timeout={WRK_TIMEOUT_SECONDS}s",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    return [*command, url]


def start_wrk(command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - Debian's wrk, with arguments the benchmark made
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )


def finish_wrk(process: subprocess.Popen[str], duration: float) -> WrkResult:
    try:
        output, _ = process.communicate(timeout=duration + WRK_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        stop_group(process)
        raise RuntimeError("wrk did not finish in time") from None
    finally:
        stop_group(process)
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{output}")
    return parse_wrk(output)


def run_wrk(
    url: str, *, duration: float, connections: int, threads: int, headers: dict[str, str]
) -> WrkResult:
    command = wrk_command(
        url, duration=duration, connections=connections, threads=threads, headers=headers
    )
    return finish_wrk(start_wrk(command), duration)


# --- processes --------------------------------------------------------------------------------


def stop_group(process: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    """End a child that leads its own process group, and everything in that group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name, in parentheses, may hold spaces: the fields after it are fixed.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def descendants_of(pid: int) -> list[int]:
    found, waiting = [], [pid]
    while waiting:
        for child in children_of(waiting.pop()):
            found.append(child)
            waiting.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _status_megabytes(pid: int, field: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_megabytes(pid: int) -> float | None:
    """VmRSS: the memory the process holds now."""
    return _status_megabytes(pid, "VmRSS")


def peak_rss_megabytes(pid: int) -> float | None:
    """VmHWM: the most memory the process has held at once since it started, or since
    reset_peak_rss."""
    return _status_megabytes(pid, "VmHWM")


def reset_peak_rss(pid: int) -> None:
    """Start VmHWM again from what the process holds now (Linux 4.0 and later), so that a
    peak belongs to one thread size and not to whatever the process served before."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def process_group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


# --- nginx -------------------------------------------------------------------------------------

NGINX_CONFIG = """\
worker_processes {workers};
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{http}
}}
"""
NGINX_START_SECONDS = 20


class NginxServer:
    """nginx with a configuration of its own, in a folder of its own, on its own port; the
    system's nginx service, if any, is not touched. Subclasses write the `http` block's
    servers (`http_block`)."""

    folder_prefix = "broadsheet-bench-nginx-"

    def __init__(self, port: int, workers: int) -> None:
        self.port = port
        self.workers = workers
        self.prefix = Path(tempfile.mkdtemp(prefix=self.folder_prefix))
        self.process: subprocess.Popen[bytes] | None = None

    def http_block(self) -> str:
        raise NotImplementedError

    def prepare(self) -> None:
        """Make what the configuration names (files to serve), before nginx starts."""

    def __enter__(self) -> Self:
        # nginx's workers run as `nobody` when started by root: they must read the folder.
        self.prefix.chmod(0o755)
        self.prepare()
        config = self.prefix / "nginx.conf"
        config.write_text(
            NGINX_CONFIG.format(workers=self.workers, prefix=self.prefix, http=self.http_block())
        )
        self.process = subprocess.Popen(  # noqa: S603 - Debian's nginx, our configuration
            [find_program("nginx") or "nginx", "-p", str(self.prefix), "-c", str(config),
             "-e", str(self.prefix / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        try:
            self._wait_until_answering()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_answering(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + NGINX_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"nginx did not start: {error.strip()}")
            with contextlib.suppress(OSError):
                fetch(f"http://127.0.0.1:{self.port}/", timeout=2)
                return
            time.sleep(0.1)
        raise RuntimeError(f"nginx did not answer within {NGINX_START_SECONDS} s")

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGQUIT)  # finish and stop, workers too
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            stop_group(self.process)
            self.process = None
        shutil.rmtree(self.prefix, ignore_errors=True)


class StaticServer(NginxServer):
    """nginx serving files the benchmark saves, Broadsheet's own bytes: the ceiling. Each page
    is `<name>.html` and, for `gzip_static`, `<name>.html.gz`."""

    def __init__(self, port: int, workers: int) -> None:
        super().__init__(port, workers)
        self.root = self.prefix / "root"

    def prepare(self) -> None:
        self.root.mkdir(mode=0o755)

    def http_block(self) -> str:
        return f"""\
    default_type text/html;
    charset utf-8;
    gzip_static on;
    server {{
        listen 127.0.0.1:{self.port};
        root {self.root};
        etag on;
    }}"""

    def publish(self, name: str, html: bytes) -> tuple[str, int]:
        """Save the page and its gzip copy; its URL and the gzip copy's size."""
        page = self.root / f"{name}.html"
        page.write_bytes(html)
        compressed = gzip.compress(html, compresslevel=9, mtime=0)
        page.with_name(page.name + ".gz").write_bytes(compressed)
        for path in (page, page.with_name(page.name + ".gz")):
            path.chmod(0o644)
        return f"http://127.0.0.1:{self.port}/{name}.html", len(compressed)


def tool_version(name: str) -> str:
    """`nginx/1.22.1`, `wrk debian/4.1.0-3+b2 [epoll]`: the first line `-v` prints."""
    program = find_program(name)
    if program is None:
        return f"{name} missing"
    output = subprocess.run(  # noqa: S603 - Debian's nginx or wrk
        [program, "-v"], capture_output=True, text=True, check=False
    )
    lines = (output.stdout + output.stderr).strip().splitlines() or [name]
    return lines[0].removeprefix("nginx version: ").split(" Copyright")[0].strip()
