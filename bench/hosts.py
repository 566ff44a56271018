"""Two `broadsheet serve` hosts behind one nginx, sharing one PostgreSQL and one Redis.

This is the harness of the two-host test (tests/hosts/test_two_hosts.py) and of the
throughput figures with one host and with two (`python -m bench.hosts`, part of `make bench`).
It needs root: it makes network namespaces.

The machine is laid out as a small data centre would be:

    wrk / the test ──> nginx 127.0.0.1:P (round robin) ──┬──> host a: 10.203.N.2:8000 (netns)
                                                       └──> host b: 10.203.N.3:8000 (netns)
    both hosts ──> 10.203.N.1 (the bridge, root namespace) ──> socat ──> PostgreSQL, Redis

- Each host is a network namespace of its own (`ip netns`) with one end of a veth pair and
  its own address; the other ends hang on a bridge in the root namespace, which holds
  10.203.N.1. A host sees only its own address and the bridge: it cannot reach the other
  host's processes or 127.0.0.1 of the machine, as a separate machine could not.
- PostgreSQL and Redis stay where the machine's owner configured them, on 127.0.0.1 of the
  root namespace, which no namespace can reach. The hosts reach them over the network, as
  app servers reach their database machine: at the bridge address, where `socat` (Debian's)
  forwards each connection to the service. Why socat and not PostgreSQL's Unix socket: both
  services go the same way, and the services' own access rules (pg_hba's lines for
  127.0.0.1) and configuration are used unchanged; why not a forwarder in Python: it would
  be the slowest part of the throughput run.
- The hosts share what a real deployment shares: DATABASE_URL, REDIS_URL and SECRET_KEY
  (without it each host would make its own under its var folder, and a session signed by one
  would be refused by the other). Each has its own var folder (collected static files, mail),
  as each machine has its own disk. BROADSHEET_TRUSTED_PROXIES=1: nginx is the one proxy, and
  the client's address is the last entry of X-Forwarded-For.
- What a deploy does once is done once, from the root namespace, before any host starts:
  the site is migrated and filled (bench/serving_site.py), and the spam filter's model is
  fitted and stored in the database (`broadsheet manage train_spam_model`). Each host's
  `broadsheet serve` would fit it itself when none is stored, and store it, so a host
  started after another finds it; but hosts started together on a fresh site would each
  spend the fit (30 to 60 s of CPU on a busy machine). With the model stored, both hosts
  start at once; each still collects and compresses its own static files (about 30 s of
  CPU), as each machine of a real site does.
- nginx (Debian's, a configuration and folder of its own, its own port) balances round robin
  over both hosts on one port and sends everything to host a on another, and says which
  host answered in an X-Served-By header (for the test; a production site would not show
  its internal addresses: deploy/nginx.conf).

Everything is removed on the way out, after an error or Ctrl-C too: nginx, the servers, the
forwarders, the namespaces and their veths, the bridge, the database, the Redis database and
the temporary folders. A run killed outright (SIGKILL) leaves its namespaces and bridge,
named after its process id; the next run removes those of processes that no longer exist.

    python -m bench.hosts [--size 1000] [--duration 10] [--connections 16] [--no-write]
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import load
from bench.__main__ import REPO, current_commit, replace_section
from bench.serving import (
    DEFAULT_POSTGRES_URL,
    DEFAULT_REDIS_URL,
    GZIP,
    BroadsheetServer,
    Site,
    postgres_site,
    prepare,
    say,
    stop_on_signal,
    warm_up,
)
from bench.serving_report import describe, machine_lines, markdown_table, text_table
from bench.writers import free_port

HOST_NAMES = ("a", "b")
HOST_PORT = 8000  # each host has a network of its own: both use the same port
SUBNET_PREFIX = "10.203"  # 10.203.N.0/24, the first N no address or route of the machine uses
NAMESPACE_PATTERN = re.compile(r"^broadsheet-(\d+)-[a-z]$")
BRIDGE_PATTERN = re.compile(r"^bsbr(\d+)$")
COMMAND_SECONDS = 60  # one `ip` or `broadsheet` command, on a busy machine
SPAM_MODEL_SECONDS = 300  # the fit: ~10 s on an idle machine, a minute or more on a busy one
TOOLS = {"ip": "iproute2", "nginx": "nginx", "socat": "socat"}  # program -> Debian package
SERVED_BY = "x-served-by"
MARKER = "<!-- bench:hosts -->"


# --- what the harness needs -------------------------------------------------------------------


def missing_tools() -> list[str]:
    return [package for program, package in TOOLS.items() if load.find_program(program) is None]


def unavailable_reason(postgres_url: str, redis_url: str) -> str | None:
    """Why two hosts cannot be set up here, in a sentence; None when they can."""
    if os.geteuid() != 0:
        return "needs root to make network namespaces (ip netns)"
    missing = missing_tools()
    if missing:
        return f"needs Debian's {', '.join(missing)} (scripts/apt-install {' '.join(missing)})"
    try:
        import psycopg

        psycopg.connect(postgres_url, connect_timeout=5).close()
    except Exception as error:
        return f"PostgreSQL is not reachable at {postgres_url}: {error}"
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_timeout=5).ping()
    except Exception as error:
        return f"Redis is not reachable at {redis_url}: {error}"
    return None


# --- commands ---------------------------------------------------------------------------------


def run(
    command: list[str],
    *,
    environment: dict[str, str] | None = None,
    timeout: float = COMMAND_SECONDS,
) -> str:
    """Run a command to its end, bounded in time; its output, or an error that shows it."""
    finished = subprocess.run(  # noqa: S603 - ip, socat and broadsheet, with our arguments
        command,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=REPO,
    )
    if finished.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({finished.returncode}): "
            f"{(finished.stderr or finished.stdout).strip()}"
        )
    return finished.stdout


def ip(*arguments: str) -> str:
    return run([load.find_program("ip") or "ip", *arguments])


def broadsheet(site: Site, *arguments: str, timeout: float = COMMAND_SECONDS) -> str:
    """A `broadsheet` command run against the site, from the root namespace (an operator's
    shell on one of the machines)."""
    installed = Path(sys.executable).with_name("broadsheet")
    program = [str(installed)] if installed.exists() else [sys.executable, "-m", "broadsheet.cli"]
    return run([*program, *arguments], environment=site.environment, timeout=timeout).strip()


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- the network ------------------------------------------------------------------------------


@dataclass
class Network:
    """A bridge in the root namespace and one namespace per host, each joined to the bridge
    by a veth pair. Names carry this process's id, so that a later run can tell a leftover
    of a run that is gone from one still running."""

    names: tuple[str, ...] = HOST_NAMES
    tag: str = field(default_factory=lambda: str(os.getpid()))
    subnet: ipaddress.IPv4Network | None = None
    made: list[tuple[str, str]] = field(default_factory=list)  # ("netns" | "link", name)

    @property
    def bridge(self) -> str:
        return f"bsbr{self.tag}"

    def namespace(self, name: str) -> str:
        return f"broadsheet-{self.tag}-{name}"

    @property
    def gateway(self) -> str:
        """The root namespace's address on the bridge, where the hosts find the services."""
        assert self.subnet is not None
        return str(self.subnet.network_address + 1)

    def address(self, name: str) -> str:
        assert self.subnet is not None
        return str(self.subnet.network_address + 2 + self.names.index(name))

    def __enter__(self) -> Network:
        remove_leftovers()
        self.subnet = free_subnet()
        try:
            self._make()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _make(self) -> None:
        assert self.subnet is not None
        ip("link", "add", self.bridge, "type", "bridge")
        self.made.append(("link", self.bridge))
        ip("addr", "add", f"{self.gateway}/{self.subnet.prefixlen}", "dev", self.bridge)
        ip("link", "set", self.bridge, "up")
        for name in self.names:
            namespace, outside, inside = self.namespace(name), f"bsh{self.tag}{name}", "eth0"
            ip("netns", "add", namespace)
            self.made.append(("netns", namespace))
            # Made as `bsn…` in the root namespace (names there must be unique), then moved
            # into the host's namespace and renamed, as a machine's one interface would be.
            ip("link", "add", outside, "type", "veth", "peer", "name", f"bsn{self.tag}{name}")
            self.made.append(("link", outside))
            ip("link", "set", f"bsn{self.tag}{name}", "netns", namespace)
            ip("-n", namespace, "link", "set", f"bsn{self.tag}{name}", "name", inside)
            ip("link", "set", outside, "master", self.bridge, "up")
            ip("-n", namespace, "addr", "add", f"{self.address(name)}/24", "dev", inside)
            ip("-n", namespace, "link", "set", inside, "up")
            ip("-n", namespace, "link", "set", "lo", "up")

    def wrapper(self, name: str) -> tuple[str, ...]:
        """The command prefix that runs a program in the host's namespace."""
        return (load.find_program("ip") or "ip", "netns", "exec", self.namespace(name))

    def __exit__(self, *exc_info: object) -> None:
        # Deleting a namespace deletes the veth end inside it and so its pair.
        for kind, name in reversed(self.made):
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                if kind == "netns":
                    ip("netns", "delete", name)
                elif link_exists(name):
                    ip("link", "delete", name)
        self.made.clear()


def link_exists(name: str) -> bool:
    return Path("/sys/class/net", name).exists()


def free_subnet() -> ipaddress.IPv4Network:
    """The first 10.203.N.0/24 that no address or route of the machine touches."""
    used = ip("-o", "-4", "addr", "show") + ip("-4", "route", "show", "table", "all")
    taken = []
    for text in re.findall(r"\b(\d+\.\d+\.\d+\.\d+(?:/\d+)?)", used):
        with contextlib.suppress(ValueError):
            taken.append(ipaddress.ip_network(text, strict=False))
    for number in range(256):
        subnet = ipaddress.IPv4Network(f"{SUBNET_PREFIX}.{number}.0/24")
        # A wider route (10.0.0.0/8, say) loses to the bridge's more specific one: no clash.
        if not any(subnet.overlaps(other) for other in taken if other.prefixlen >= 16):
            return subnet
    raise RuntimeError(f"no free {SUBNET_PREFIX}.N.0/24 subnet on this machine")


def remove_leftovers() -> None:
    """Remove the namespaces and bridges of earlier runs whose process is gone (a run killed
    outright cannot clean up). A namespace that still holds processes is left alone."""
    for line in ip("netns", "list").splitlines():
        name = line.split()[0] if line.split() else ""
        found = NAMESPACE_PATTERN.match(name)
        if found and not process_exists(int(found.group(1))):
            if ip("netns", "pids", name).strip():
                say(f"leaving namespace {name}: processes still run in it")
                continue
            say(f"removing namespace {name}, left by an earlier run")
            ip("netns", "delete", name)
    with contextlib.suppress(OSError):
        for entry in Path("/sys/class/net").iterdir():
            found = BRIDGE_PATTERN.match(entry.name)
            if found and not process_exists(int(found.group(1))):
                say(f"removing bridge {entry.name}, left by an earlier run")
                ip("link", "delete", entry.name)


# --- the way to the services ------------------------------------------------------------------


class Forwarder:
    """socat listening on the bridge address, passing each connection to a service on the
    root namespace's 127.0.0.1: how the hosts reach PostgreSQL and Redis."""

    def __init__(self, listen_host: str, target: str) -> None:
        self.listen_host = listen_host
        self.target = target  # host:port
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Forwarder:
        with socket.socket() as probe:
            probe.bind((self.listen_host, 0))
            self.port = int(probe.getsockname()[1])
        self.process = subprocess.Popen(  # noqa: S603 - Debian's socat, our arguments
            [
                load.find_program("socat") or "socat",
                f"TCP-LISTEN:{self.port},bind={self.listen_host},reuseaddr,fork,backlog=512",
                f"TCP:{self.target}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its forks for each connection share its group
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"socat for {self.target} stopped: {error.strip()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection((self.listen_host, self.port), timeout=1),
            ):
                return self
            time.sleep(0.05)
        self.__exit__()
        raise RuntimeError(f"socat for {self.target} did not listen within 10 s")

    @property
    def address(self) -> str:
        return f"{self.listen_host}:{self.port}"

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None:
            load.stop_group(self.process)
            self.process = None


def through(url: str, forwarder: Forwarder) -> str:
    """The same URL, its host and port replaced by the forwarder's."""
    parts = urllib.parse.urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{forwarder.address}" if credentials else forwarder.address
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def target_of(url: str, default_port: int) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.hostname or '127.0.0.1'}:{parts.port or default_port}"


# --- nginx in front ---------------------------------------------------------------------------


class LoadBalancer(load.NginxServer):
    """nginx proxying to the hosts: round robin over all of them on `port`, to the first one
    alone on `single_port`. It passes the client's address in X-Forwarded-For, keeps
    connections to the hosts open, and says which host answered (X-Served-By)."""

    folder_prefix = "broadsheet-bench-balancer-"

    def __init__(self, upstreams: list[str], workers: int) -> None:
        super().__init__(free_port(), workers)
        self.upstreams = upstreams  # host:port
        self.single_port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def single_url(self) -> str:
        return f"http://127.0.0.1:{self.single_port}"

    def http_block(self) -> str:
        every = "\n".join(f"        server {upstream};" for upstream in self.upstreams)
        return f"""\
    upstream broadsheet_hosts {{
{every}
        keepalive 32;
    }}
    upstream broadsheet_one_host {{
        server {self.upstreams[0]};
        keepalive 32;
    }}
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    # A page up to 1 MB is held in memory; bigger ones are passed on as they come, never
    # written to a temporary file (nginx's workers, as nobody, could not write our folder).
    proxy_buffers 64 16k;
    proxy_max_temp_file_size 0;
    add_header X-Served-By $upstream_addr always;
    server {{
        listen 127.0.0.1:{self.port};
        location / {{ proxy_pass http://broadsheet_hosts; }}
    }}
    server {{
        listen 127.0.0.1:{self.single_port};
        location / {{ proxy_pass http://broadsheet_one_host; }}
    }}"""


# --- the whole set-up -------------------------------------------------------------------------


@dataclass
class Hosts:
    site: Site  # the environment of the root namespace: an operator's shell
    network: Network
    servers: dict[str, BroadsheetServer]  # by host name: "a", "b"
    balancer: LoadBalancer
    prepared: dict[str, Any]  # bench/serving_site.py's JSON: the poster, the threads

    def host_named(self, served_by: str) -> str:
        """The host name ("a" or "b") behind an X-Served-By value (`10.203.N.3:8000`)."""
        for name, server in self.servers.items():
            if served_by == f"{server.host}:{server.port}":
                return name
        raise LookupError(f"no host answers at {served_by!r}")


def host_environment(
    site: Site,
    *,
    var_dir: Path,
    database: Forwarder,
    cache: Forwarder,
    allowed_hosts: list[str],
    rate_limit_scale: float,
    replica: bool,
) -> dict[str, str]:
    environment = dict(site.environment)
    environment.update(
        {
            "BROADSHEET_VAR_DIR": str(var_dir),
            "DATABASE_URL": through(site.environment["DATABASE_URL"], database),
            "REDIS_URL": through(site.environment["REDIS_URL"], cache),
            "ALLOWED_HOSTS": ",".join(allowed_hosts),
            "BROADSHEET_TRUSTED_PROXIES": "1",
            "BROADSHEET_RATE_LIMIT_SCALE": f"{rate_limit_scale:g}",
        }
    )
    if replica:
        # The primary again, through a connection of its own: a replica that is never
        # behind, so that reads go through the router's second connection (db_routers.py).
        environment["DATABASE_REPLICA_URL"] = environment["DATABASE_URL"]
    return environment


@contextlib.contextmanager
def two_hosts(
    *,
    postgres_url: str = DEFAULT_POSTGRES_URL,
    redis_url: str = DEFAULT_REDIS_URL,
    sizes: tuple[int, ...] = (30,),
    seed: int = 1,
    workers: int = 2,
    threads: int = 4,
    balancer_workers: int = 1,
    rate_limit_scale: float = 0,
    replica: bool = False,
    prepare_seconds: float = 600,
) -> Iterator[Hosts]:
    """A prepared site served by two hosts behind nginx; everything removed on the way out.

    `rate_limit_scale` is the hosts' BROADSHEET_RATE_LIMIT_SCALE: 0 (no limits) for the
    throughput run, a small number for a test that reaches a limit in a few requests.
    `replica` gives the hosts a DATABASE_REPLICA_URL naming the primary itself."""
    with contextlib.ExitStack() as stack:
        stack.callback(say, "stopped: nginx, hosts, forwarders, namespaces, database, Redis db")
        site = stack.enter_context(postgres_site(postgres_url, redis_url))
        # One key for every host and for the operator's commands: what `SECRET_KEY` in
        # deploy/broadsheet.env is for.
        site.environment["SECRET_KEY"] = secrets.token_urlsafe(64)
        say(f"preparing the site ({site.description})")
        prepared = prepare(site, list(sizes), seed, timeout=prepare_seconds)
        network = stack.enter_context(Network())
        say(f"network {network.subnet}: hosts {', '.join(map(network.address, HOST_NAMES))}")
        database = stack.enter_context(
            Forwarder(network.gateway, target_of(site.environment["DATABASE_URL"], 5432))
        )
        cache = stack.enter_context(
            Forwarder(network.gateway, target_of(site.environment["REDIS_URL"], 6379))
        )
        addresses = [network.address(name) for name in HOST_NAMES]
        # The operator's one-off commands of a deploy, before any host starts (docs/deploy.md):
        # the model stored now is loaded by every host, where hosts started together on a
        # fresh site would each fit their own.
        say("fitting the spam filter's model once, for every host (up to a minute)")
        broadsheet(site, "manage", "train_spam_model", timeout=SPAM_MODEL_SECONDS)
        servers: dict[str, BroadsheetServer] = {}
        for name in HOST_NAMES:
            var_dir = Path(site.environment["BROADSHEET_VAR_DIR"]) / f"host-{name}"
            var_dir.mkdir()
            host_site = Site(
                f"host {name}",
                host_environment(
                    site,
                    var_dir=var_dir,
                    database=database,
                    cache=cache,
                    allowed_hosts=["127.0.0.1", "localhost", *addresses],
                    rate_limit_scale=rate_limit_scale,
                    replica=replica,
                ),
                site.clear_cache,
                site.description,
            )
            servers[name] = BroadsheetServer(
                host_site,
                workers,
                threads,
                host=network.address(name),
                port=HOST_PORT,
                wrapper=network.wrapper(name),
                name=f"host {name}",
            )
            stack.push(servers[name].__exit__)
            servers[name].start()
        say("starting both hosts (each collects and compresses its static files: ~1 minute)")
        started = time.monotonic()
        for name, server in servers.items():
            server.wait_until_serving()
            seconds = time.monotonic() - started
            say(f"host {name} serving at {server.base_url} after {seconds:.0f} s")
        balancer = stack.enter_context(
            LoadBalancer([f"{address}:{HOST_PORT}" for address in addresses], balancer_workers)
        )
        say(f"nginx balancing at {balancer.url}, to host a alone at {balancer.single_url}")
        yield Hosts(site, network, servers, balancer, prepared)


# --- throughput with one host and with two ----------------------------------------------------


@dataclass
class Throughput:
    setup: str
    result: load.WrkResult


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.hosts",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--size", type=int, default=1_000, help="comments in the thread")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="broadsheet serve --workers")
    parser.add_argument("--threads", type=int, default=4, help="broadsheet serve --threads")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--no-write", action="store_true", help="print only")
    return parser.parse_args(argv)


def measure(hosts: Hosts, arguments: argparse.Namespace) -> list[Throughput]:
    thread = hosts.prepared["threads"][0]
    token = hosts.prepared["poster"]["token"]
    for server in hosts.servers.values():
        warm_up(server, hosts.prepared["warm_up"], token)
    path = thread["url"]
    wrk = {
        "duration": arguments.duration,
        "connections": arguments.connections,
        "threads": arguments.wrk_threads,
        "headers": GZIP,
    }
    first = hosts.servers["a"]
    runs = [
        ("one host, direct (no nginx)", f"{first.base_url}{path}"),
        ("one host behind nginx", f"{hosts.balancer.single_url}{path}"),
        ("two hosts behind nginx", f"{hosts.balancer.url}{path}"),
    ]
    for _, url in runs:  # the page is cached once, then every run reads it warm
        answer = load.fetch(url, headers=GZIP)
        if answer.status != 200:
            raise RuntimeError(f"{url} answered {answer.status}")
    results = []
    for setup, url in runs:
        result = load.run_wrk(url, **wrk)
        say(f"{setup}: {describe(result)}")
        results.append(Throughput(setup, result))
    return results


HEADERS = ["setup", "req/s", "p50 ms", "p99 ms", "requests", "errors"]


def rows(results: list[Throughput]) -> list[list[str]]:
    return [
        [
            item.setup,
            f"{item.result.requests_per_second:,.1f}",
            f"{item.result.p50_ms:,.1f}",
            f"{item.result.p99_ms:,.1f}",
            f"{item.result.requests:,}",
            str(item.result.errors),
        ]
        for item in results
    ]


def ratio_sentence(results: list[Throughput]) -> str:
    by_setup = {item.setup: item.result.requests_per_second for item in results}
    one, two = by_setup["one host behind nginx"], by_setup["two hosts behind nginx"]
    return f"Two hosts over one, both behind nginx: {two / one:.2f}x."


def write_report(
    results: list[Throughput],
    arguments: argparse.Namespace,
    command: str,
    sites: list[str],
    load_averages: tuple[float, float],
    warm_queries: int,
) -> None:
    cores = os.cpu_count() or 0
    lines = [
        MARKER,
        "## One host and two, behind nginx",
        "",
        f"Command: `{command}` at commit {current_commit() or 'unknown'}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}.",
        *machine_lines(sites),
        f"Load average {load_averages[0]:.1f} at the start and {load_averages[1]:.1f} at the "
        "end: other work shares this machine, so compare the rows of one run.",
        "",
        f"The warm anonymous page of a {arguments.size:,}-comment thread (cached, sent with "
        f"gzip), read by wrk with {arguments.connections} connections for "
        f"{arguments.duration:g} s a run. Each host is `broadsheet serve --workers "
        f"{arguments.workers} --threads {arguments.threads}` in a network namespace of its own "
        "(`bench/hosts.py`); both share one PostgreSQL and one Redis, which they reach through "
        "socat on the bridge address; nginx balances round robin with keep-alive connections "
        "to the hosts.",
        "",
        markdown_table(HEADERS, rows(results), text_columns=1),
        "",
        ratio_sentence(results),
        "",
        f"**Read this as correctness and overhead, not as scaling.** The two hosts are two "
        f"namespaces of one {cores}-core machine: they share its CPUs with nginx, wrk, socat, "
        "PostgreSQL and Redis, so a second host adds processes, not cores, and the most it "
        "can show is that nothing serialises the hosts (no lock, no host-local state) and what "
        "the proxy costs (direct against one host behind nginx). On separate machines each "
        "host brings its own cores; what they share is Redis (two reads a warm page: the "
        "version tokens, then the page in the one encoding it sends) and PostgreSQL "
        f"({warm_queries} small queries a warm page: the post, its authors and tags, and the "
        "settings rows). The two-host test "
        "(`tests/hosts/test_two_hosts.py`) shows the rest: comments, sessions, rate limits, "
        "the page-cache version and log-in lockouts hold across hosts. `docs/deploy.md` is "
        "the recipe.",
        MARKER,
    ]
    replace_section(MARKER, "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    reason = unavailable_reason(arguments.postgres_url, arguments.redis_url)
    if reason:
        # `make bench` goes on without this part; the figures in docs/performance.md stay.
        print(f"python -m bench.hosts: skipped, it {reason}", file=sys.stderr)
        return 0
    if load.find_program("wrk") is None:
        print("python -m bench.hosts needs Debian's wrk: scripts/apt-install wrk", file=sys.stderr)
        return 2
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop_on_signal)
    start_load = os.getloadavg()[0]
    try:
        with two_hosts(
            postgres_url=arguments.postgres_url,
            redis_url=arguments.redis_url,
            sizes=(arguments.size,),
            seed=arguments.seed,
            workers=arguments.workers,
            threads=arguments.threads,
            balancer_workers=arguments.workers,
        ) as hosts:
            results = measure(hosts, arguments)
            sites = [f"postgres: {hosts.site.description}"]
            warm_queries = int(hosts.prepared["threads"][0]["queries"]["warm"])
    except KeyboardInterrupt:
        say("interrupted: everything stopped and removed")
        return 130
    print()
    print(text_table(HEADERS, rows(results)))
    print(ratio_sentence(results))
    if not arguments.no_write:
        given = sys.argv[1:] if argv is None else argv
        command = "python -m bench.hosts " + " ".join(given) if given else "make bench"
        loads = (start_load, os.getloadavg()[0])
        write_report(results, arguments, command, sites, loads, warm_queries)
        say(f"wrote {Path('docs/performance.md')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
