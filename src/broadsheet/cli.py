"""The `broadsheet` command: serve the site, run the worker, load demo content, manage users
and tokens, score files with the spam filter, import sites from elsewhere, and export and
import the whole site."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from broadsheet.interop.records import Record, Source

PRODUCTION_SERVER = "granian"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise SystemExit(f"broadsheet: configuration error: {error}") from error


def _port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port, or None when it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is in use by another program; stop it or choose "
                    f"another port with --port"
                )
            return f"cannot listen on {host}:{port}: {error.strerror}"
    return None


STATIC_STAMP = ".broadsheet-collected"


def _static_sources_digest() -> str:
    """A digest of every static file the finders would collect (where from, size, time) and
    of how they are stored: what changes when a deploy, a theme or a package changes them."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"{settings.STATIC_URL}\0{settings.STORAGES['staticfiles']}\n".encode())
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            source = storage.path(path)
            stat = os.stat(source)
            digest.update(f"{path}\0{source}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _collect_static_files_when_changed() -> None:
    """Collect, hash and compress the static files, unless the files collected last time came
    from exactly the same sources: compressing them all again (django-ninja's API-docs assets
    among them) took most of a start's 47 s."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp = root / STATIC_STAMP
    wanted = _static_sources_digest()
    manifest_name = getattr(staticfiles_storage, "manifest_name", None)
    manifest_there = manifest_name is None or (root / manifest_name).exists()
    if manifest_there and stamp.exists() and stamp.read_text() == wanted:
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(wanted)


def serve(args: argparse.Namespace) -> int:
    # Collect, hash and compress static files here, once, for the workers to serve.
    os.environ["BROADSHEET_STATIC_COLLECTED"] = "1"
    _setup_django()

    problem = _port_problem(args.host, args.port)
    if problem:
        print(f"broadsheet serve: {problem}", file=sys.stderr)
        return 2
    _collect_static_files_when_changed()
    _store_spam_model_before_serving()
    print(f"Broadsheet is serving http://{args.host}:{args.port}/ with {args.workers} worker(s)")
    server = [
        sys.executable, "-m", PRODUCTION_SERVER,
        "--interface", "wsgi",
        "--host", args.host,
        "--port", str(args.port),
        "--workers", str(args.workers),
        "--blocking-threads", str(args.threads),
        "--no-ws",
        "--log-level", "warning",
        "broadsheet.wsgi:application",
    ]  # fmt: skip
    worker = [sys.executable, "-m", "broadsheet.cli", "worker"]
    return run_together(server=server, companion=worker)


# How long the server and the worker get to finish what they are doing once asked to stop.
STOP_GRACE_SECONDS = 10


def run_together(*, server: list[str], companion: list[str]) -> int:
    """Run the web server and the background worker until the server stops.

    Both run in process groups of their own, so that a Ctrl-C reaches this process alone and
    is passed on to each child exactly once (a second SIGINT would make the worker abandon
    its task). When the server ends, so does the worker; if the worker ends on its own, the
    site goes on serving (comments are still screened; retraining waits) and says so.
    """
    stopping: list[int] = []

    def stop(signum: int, frame: object) -> None:
        stopping.append(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _supervise(server, companion, stopping)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _supervise(server: list[str], companion: list[str], stopping: list[int]) -> int:
    children = [
        subprocess.Popen(command, start_new_session=True)  # noqa: S603 - our own interpreter
        for command in (server, companion)
    ]
    web, worker = children
    warned = False
    while web.poll() is None and not stopping:
        if worker.poll() is not None and not warned:
            print(
                f"broadsheet serve: the worker stopped (exit code {worker.returncode}); the site "
                "goes on serving, background work waits. Start it with: broadsheet worker",
                file=sys.stderr,
            )
            warned = True
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT if stopping[:1] == [signal.SIGINT] else signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        # Whatever the child left in its group (granian's worker processes, when a Ctrl-C
        # came while granian was still starting) goes too: nothing may keep the port.
        _signal_group(child, signal.SIGKILL)
    return 0 if stopping else int(web.returncode or 0)


def _store_spam_model_before_serving() -> None:
    """A fresh site has no stored spam model yet, and each web process would fit the seed
    model itself on its first comment (seconds of CPU, in a reader's request). Fitting it
    once here, before the server starts, lets them all load the stored one."""
    from broadsheet.screening.spam import spam_model_outdated, train_spam_model

    if spam_model_outdated():
        print("Fitting the spam filter's model (a few seconds, once)...", flush=True)
        train_spam_model()


def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    """Send `signum` to the child's process group (it leads one: start_new_session)."""
    with contextlib.suppress(ProcessLookupError):  # the group has ended already
        os.killpg(child.pid, signum)


def worker(args: argparse.Namespace) -> int:
    _setup_django()
    from broadsheet.worker import run_worker

    run_worker(batch=args.batch, verbosity=args.verbosity)
    return 0


def spam_score(args: argparse.Namespace) -> int:
    _setup_django()
    from broadsheet.errors import BroadsheetError
    from broadsheet.screening.spam_dataset import read_labelled_file
    from broadsheet.screening.spam_scoring import (
        render_score_report,
        score_labelled_comments,
        site_rules,
    )

    try:
        comments = read_labelled_file(args.file)
    except BroadsheetError as error:
        print(f"broadsheet spam score: {error.message}", file=sys.stderr)
        return 2
    show_progress = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        # One line rewritten in place: a counter needs no progress-bar library.
        print(f"\rScoring: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr)

    report = score_labelled_comments(
        comments, rules=site_rules(), progress=progress if show_progress else None
    )
    print(render_score_report(report))
    return 0


def demo(args: argparse.Namespace) -> int:
    _setup_django()
    from broadsheet.discussion.demo import build_demo_discussions, use_comment_style
    from broadsheet.publishing.demo import build_demo_site
    from broadsheet.publishing.models import CommentStyle

    print(build_demo_site())
    print(build_demo_discussions())
    if args.comment_style:
        print(use_comment_style(CommentStyle(args.comment_style)))
    return 0


def user_add(args: argparse.Namespace) -> int:
    _setup_django()
    from broadsheet.accounts import services
    from broadsheet.accounts.roles import parse_role
    from broadsheet.errors import BroadsheetError

    try:
        user = services.create_user(
            username=args.name,
            email=args.email,
            password=args.password,
            role=parse_role(args.role),
            email_confirmed=True,
        )
    except BroadsheetError as error:
        print(f"broadsheet user add: {error.message}", file=sys.stderr)
        return 2
    print(f"Created {user.username} ({args.role.lower()}).")
    return 0


def token(args: argparse.Namespace) -> int:
    _setup_django()
    from broadsheet.accounts import services
    from broadsheet.accounts.models import User

    user = User.objects.filter(username=args.name).first()
    if user is None:
        print(f"broadsheet token: there is no user {args.name!r}", file=sys.stderr)
        return 2
    print(services.get_or_create_api_token(user=user).key)
    return 0


# What one import format does with its arguments: the source it reads and its records (a
# generator is best: the writer streams it). Called once Django is set up, so it may query.
ReadRecords = Callable[[argparse.Namespace], "tuple[Source, Iterable[Record]]"]


def run_import_command(args: argparse.Namespace, *, read: ReadRecords) -> int:
    """The part every `broadsheet import FORMAT` shares: read, write in one transaction (or
    roll back a dry run), print the summary; a file's problem is one line and exit code 2."""
    _setup_django()
    from broadsheet.errors import BroadsheetError
    from broadsheet.interop.writer import run_import, summary_text

    try:
        source, records = read(args)
        summary = run_import(
            source=source,
            records=records,
            dry_run=args.dry_run,
            show_progress=not args.quiet,
        )
        # What the reader itself left out (threads matching no post, comments on polls) is
        # known once it has read everything, which the writer just made it do.
        reader_report = getattr(args, "reader_report", None)
        if reader_report is not None:
            summary.skipped += reader_report.skipped
            summary.notes += reader_report.notes
    except BroadsheetError as error:
        # ImportFileError says where (line, element); nothing was written.
        print(
            f"broadsheet import {args.import_format}: {error.message}\n"
            "Nothing was imported: the site is as it was.",
            file=sys.stderr,
        )
        return 2
    except OSError as error:
        print(f"broadsheet import {args.import_format}: {error}", file=sys.stderr)
        return 2
    print(summary_text(summary))
    return 0


def add_import_format(
    imports: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    help: str,
    read: ReadRecords,
) -> argparse.ArgumentParser:
    """Add `broadsheet import NAME` with the shared options (--dry-run, --quiet); the caller
    adds the format's own arguments to the parser returned, which `read` then finds in args."""
    parser = imports.add_parser(name, help=help, description=help)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="do everything, print the summary, then roll back: nothing is written",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress while importing, only the summary"
    )
    parser.set_defaults(handler=lambda args: run_import_command(args, read=read))
    return parser


def _read_scoop(args: argparse.Namespace) -> tuple[Source, Iterable[Record]]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from broadsheet.interop.records import ImportFileError, ImportSummary, Source
    from broadsheet.interop.scoop import read_scoop

    time_zone = None
    if args.time_zone:
        try:
            time_zone = ZoneInfo(args.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ImportFileError(f"--time-zone {args.time_zone!r} is no time zone") from error
    args.reader_report = ImportSummary()
    return Source.SCOOP, read_scoop(
        args.database_url,
        archive_url=args.archive,
        time_zone=time_zone,
        report=args.reader_report,
    )


def _read_disqus(args: argparse.Namespace) -> tuple[Source, Iterable[Record]]:
    from broadsheet.interop.disqus import read_disqus, read_thread_map
    from broadsheet.interop.records import ImportSummary, Source

    mapping = read_thread_map(args.map) if args.map else None
    args.reader_report = ImportSummary()
    return Source.DISQUS, read_disqus(args.file, mapping=mapping, report=args.reader_report)


def _add_import_formats(imports: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Each format's subcommand: its name, its arguments, and the function that reads it."""
    scoop = add_import_format(
        imports,
        "scoop",
        help="read a Scoop site's MySQL/MariaDB database: users, sections, topics, stories, "
        "diaries, comments with their ratings, and old addresses",
        read=_read_scoop,
    )
    scoop.add_argument(
        "database_url", metavar="DATABASE_URL", help="mysql://user:password@host/database"
    )
    scoop.add_argument(
        "--archive",
        metavar="ARCHIVE_URL",
        help="the site's archive database, where Scoop moved old stories and their comments",
    )
    scoop.add_argument(
        "--time-zone",
        help="the zone the Scoop server's clock kept, such as America/New_York (default: "
        "the one Scoop's time_zone site control names)",
    )
    disqus = add_import_format(
        imports,
        "disqus",
        help="read a Disqus XML export: comments join the posts their threads were on here",
        read=_read_disqus,
    )
    disqus.add_argument("file", type=Path, metavar="FILE", help="the export (.xml)")
    disqus.add_argument(
        "--map",
        type=Path,
        metavar="CSV",
        help="attach threads that match no post: rows of (Disqus link or thread id, "
        "post slug or address)",
    )
    wxr = add_import_format(
        imports,
        "wxr",
        help="a WordPress or WordPress.com export (WXR 1.0 to 1.2: Tools > Export > All content)",
        read=_read_wxr,
    )
    wxr.add_argument(
        "files",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="the export (.xml), several, or the .zip WordPress.com hands over",
    )
    wxr.add_argument(
        "--path-prefix",
        metavar="PATH",
        help="the path the old site lived under, taken off old addresses before they redirect "
        "(default: read from the export's base_blog_url; give '' to keep paths whole)",
    )
    wxr.add_argument(
        "--permalink-structure",
        default="",
        metavar="SHAPE",
        help="the old site's permalink setting, e.g. /%%year%%/%%monthnum%%/%%postname%%/, "
        "for old addresses the export's links do not show",
    )
    wxr.add_argument("--category-base", default="category", metavar="WORD")
    wxr.add_argument("--tag-base", default="tag", metavar="WORD")
    wxr.add_argument("--author-base", default="author", metavar="WORD")
    wxr.add_argument(
        "--time-zone",
        metavar="ZONE",
        help="the old site's time zone, for dates written without GMT (default: this site's)",
    )


def _read_wxr(args: argparse.Namespace) -> tuple[Source, Iterable[Record]]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from broadsheet.errors import InvalidInput
    from broadsheet.interop.records import Source
    from broadsheet.interop.wxr import PermalinkOptions, read_wxr_files

    try:
        time_zone = ZoneInfo(args.time_zone) if args.time_zone else None
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput(f"--time-zone: {args.time_zone!r} is not a time zone.") from error
    for path in args.files:
        if not path.is_file():
            raise OSError(f"{path}: no such file")
    permalinks = PermalinkOptions(
        path_prefix=args.path_prefix,
        structure=args.permalink_structure,
        category_base=args.category_base.strip("/"),
        tag_base=args.tag_base.strip("/"),
        author_base=args.author_base.strip("/"),
    )
    return Source.WORDPRESS, read_wxr_files(args.files, permalinks=permalinks, time_zone=time_zone)


class ProgressLines:
    """Where a long export or import is: one line rewritten in place on a terminal; in a log
    (not a terminal), a line per table and one per PLAIN_EVERY rows, so that it stays short."""

    PLAIN_EVERY = 50_000

    def __init__(self, verb: str) -> None:
        self.verb = verb
        self.on_terminal = sys.stderr.isatty()
        self.reported: dict[str, int] = {}

    def __call__(self, what: str, done: int, total: int | None) -> None:
        finished = total is not None and done >= total
        of_total = f" of {total:,}" if total is not None else ""
        text = f"{self.verb} {what}: {done:,}{of_total}"
        if self.on_terminal:
            print(f"\r\033[K{text}", end="\n" if finished else "", file=sys.stderr, flush=True)
            return
        step = done // self.PLAIN_EVERY
        if finished or step > self.reported.get(what, 0):
            self.reported[what] = step
            print(text, file=sys.stderr, flush=True)


def export_json(args: argparse.Namespace) -> int:
    _setup_django()
    from broadsheet.interop.site_json import export_site

    target = Path(args.file)
    # Written beside the target and moved into place at the end: an export that fails half
    # way leaves no half file, and never damages the previous one.
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as file:
            summary = export_site(file, progress=ProgressLines("Exporting"))
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        print(f"broadsheet export json: cannot write {target}: {error.strerror}", file=sys.stderr)
        return 2
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    print(f"{summary} Written to {target}.")
    return 0


def import_json(args: argparse.Namespace) -> int:
    _setup_django()
    from broadsheet.errors import BroadsheetError
    from broadsheet.interop.site_json import import_site

    try:
        with Path(args.file).open(encoding="utf-8") as file:
            summary = import_site(file, progress=ProgressLines("Importing"))
    except OSError as error:
        print(f"broadsheet import json: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    except BroadsheetError as error:
        print(f"broadsheet import json: {error.message} Nothing was imported.", file=sys.stderr)
        return 2
    print(summary)
    return 0


def manage(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["broadsheet manage", *args.arguments])
    return 0


HIGHEST_PORT = 65_535
MOST_WORKERS = 64  # far beyond what one machine's cores serve well; a typo, not a plan


def port_number(text: str) -> int:
    """A TCP port from the command line, or a one-line argparse error."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= HIGHEST_PORT:
        raise argparse.ArgumentTypeError(f"{port} is not a port: use 1 to {HIGHEST_PORT}")
    return port


def count_from_one(most: int) -> Callable[[str], int]:
    def count(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not 1 <= number <= most:
            raise argparse.ArgumentTypeError(f"{number} is out of range: use 1 to {most}")
        return number

    return count


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broadsheet",
        description="Run and administer a Broadsheet site. Configuration comes from the "
        "environment: DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, SITE_TIME_ZONE, "
        "EMAIL_URL, BROADSHEET_ENV, BROADSHEET_THEME_DIR.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve_parser = commands.add_parser("serve", help="serve the site with the production server")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=port_number, default=8000)
    serve_parser.add_argument(
        "--workers",
        type=count_from_one(MOST_WORKERS),
        default=2,
        help="worker processes (default 2)",
    )
    serve_parser.add_argument(
        "--threads",
        type=count_from_one(MOST_WORKERS),
        default=4,
        help="threads per worker for requests (default 4)",
    )
    serve_parser.set_defaults(handler=serve)

    worker_parser = commands.add_parser(
        "worker", help="run background tasks (spam filter training, emptying the spam folder)"
    )
    worker_parser.add_argument(
        "--batch", action="store_true", help="run the queued tasks, then stop"
    )
    worker_parser.add_argument("--verbosity", type=int, default=1, choices=[0, 1, 2])
    worker_parser.set_defaults(handler=worker)

    spam_parser = commands.add_parser("spam", help="the spam filter")
    spam_commands = spam_parser.add_subparsers(dest="spam_command", required=True, metavar="ACTION")
    score_parser = spam_commands.add_parser(
        "score",
        help="score a CSV file (text,label[,author_name,author_url,kind]) as the site's filter "
        "would score each row from a first-time commenter; saves nothing",
    )
    score_parser.add_argument("file", type=Path, help="a UTF-8 CSV file with a header line")
    score_parser.set_defaults(handler=spam_score)

    demo_parser = commands.add_parser("demo", help="add the demo content (safe to run again)")
    demo_parser.add_argument(
        "--comment-style",
        choices=["scoop", "blog"],
        help="show the comments as on a Scoop site, with ratings (page A, the default), or "
        "as on a blog, without (page B)",
    )
    demo_parser.set_defaults(handler=demo)

    user_parser = commands.add_parser("user", help="manage accounts")
    user_commands = user_parser.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add_parser = user_commands.add_parser("add", help="create an account")
    add_parser.add_argument("name")
    add_parser.add_argument("--email", required=True)
    add_parser.add_argument("--password", required=True)
    add_parser.add_argument(
        "--role", default="reader", help="reader, trusted, moderator, editor or admin"
    )
    add_parser.set_defaults(handler=user_add)

    token_parser = commands.add_parser("token", help="print a user's API token, creating it once")
    token_parser.add_argument("name")
    token_parser.set_defaults(handler=token)

    export_parser = commands.add_parser("export", help="write the site to a file")
    export_formats = export_parser.add_subparsers(
        dest="export_format", required=True, metavar="FORMAT"
    )
    export_json_parser = export_formats.add_parser(
        "json",
        help="the whole site (settings, accounts, posts, comments, moderation, redirects) as "
        "Broadsheet's own JSON format (docs/export-format.md)",
    )
    export_json_parser.add_argument("file", type=Path, help="the file to write (replaced)")
    export_json_parser.set_defaults(handler=export_json)

    import_parser = commands.add_parser(
        "import",
        help="bring posts, comments, people and old links in from another site "
        "(safe to run again: what was imported is not imported twice)",
    )
    imports = import_parser.add_subparsers(dest="import_format", required=True, metavar="FORMAT")
    _add_import_formats(imports)
    import_json_parser = imports.add_parser(
        "json",
        help="a whole site exported by `broadsheet export json`, into this empty site: all "
        "of it or nothing",
    )
    import_json_parser.add_argument("file", type=Path, help="the file to read")
    import_json_parser.set_defaults(handler=import_json)

    manage_parser = commands.add_parser("manage", help="run a Django management command")
    manage_parser.add_argument("arguments", nargs=argparse.REMAINDER)
    manage_parser.set_defaults(handler=manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except Exception as error:
        from django.db import DatabaseError

        if isinstance(error, DatabaseError):
            print(f"broadsheet: the database is not available: {error}".strip(), file=sys.stderr)
            return 3
        raise


if __name__ == "__main__":
    raise SystemExit(main())
