"""The `broadsheet` command: serve the site, load demo content, manage users and tokens."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from collections.abc import Callable, Sequence

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


def serve(args: argparse.Namespace) -> int:
    # Collect, hash and compress static files here, once, for the workers to serve.
    os.environ["BROADSHEET_STATIC_COLLECTED"] = "1"
    _setup_django()
    from django.core.management import call_command

    problem = _port_problem(args.host, args.port)
    if problem:
        print(f"broadsheet serve: {problem}", file=sys.stderr)
        return 2
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Broadsheet is serving http://{args.host}:{args.port}/ with {args.workers} worker(s)")
    command = [
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
    os.execv(sys.executable, command)  # noqa: S606 - replaces this process with the server


def demo(args: argparse.Namespace) -> int:
    _setup_django()
    from broadsheet.discussion.demo import build_demo_discussions, use_comment_style
    from broadsheet.discussion.models import CommentStyle
    from broadsheet.publishing.demo import build_demo_site

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
