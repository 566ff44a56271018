"""`broadsheet import FORMAT`: the part every format shares (options, summary, errors)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator

import pytest

from broadsheet import cli
from broadsheet.discussion.models import Comment
from broadsheet.interop.records import (
    ImportedComment,
    ImportedPost,
    ImportFileError,
    Record,
    Source,
)
from broadsheet.publishing.models import Post


def two_records(args: argparse.Namespace) -> tuple[Source, Iterable[Record]]:
    return Source.WORDPRESS, [
        ImportedPost(key="1", title=args.title, intro="Hello"),
        ImportedComment(key="a", post_key="1", body="Hi"),
    ]


def broken_halfway(args: argparse.Namespace) -> tuple[Source, Iterable[Record]]:
    def records() -> Iterator[Record]:
        yield ImportedPost(key="1", title="Kept?", intro="Hello")
        raise ImportFileError("not well-formed (invalid token)", line=42, element="item")

    return Source.WORDPRESS, records()


def parser_with(read: cli.ReadRecords) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="broadsheet")
    commands = parser.add_subparsers(dest="command")
    imports = commands.add_parser("import").add_subparsers(dest="import_format")
    cli.add_import_format(imports, "test", help="a test format", read=read).add_argument(
        "--title", default="From elsewhere"
    )
    return parser


def run(read: cli.ReadRecords, *argv: str) -> int:
    args = parser_with(read).parse_args(["import", "test", *argv])
    return int(args.handler(args))


@pytest.mark.django_db
def test_an_import_prints_what_it_created(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(two_records, "--title", "Moved in", "--quiet") == 0
    output = capsys.readouterr().out
    assert "Created: 1 post, 1 comment." in output
    assert Post.objects.get().title == "Moved in" and Comment.objects.count() == 1

    assert run(two_records, "--title", "Moved in", "--quiet") == 0
    assert "Nothing new to import." in capsys.readouterr().out


@pytest.mark.django_db
def test_a_dry_run_prints_the_summary_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(two_records, "--dry-run", "--quiet") == 0
    output = capsys.readouterr().out
    assert "Dry run: nothing was written." in output and "Would create: 1 post" in output
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_a_broken_file_exits_2_saying_where_and_leaves_the_site_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(broken_halfway, "--quiet") == 2
    error = capsys.readouterr().err
    assert "line 42, <item>: not well-formed" in error and "the site is as it was" in error
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_progress_off_a_terminal_is_plain_lines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from broadsheet.interop import progress
    from broadsheet.interop.records import ImportedTag

    monkeypatch.setattr(progress, "PROGRESS_EVERY", 200)

    def many(args: argparse.Namespace) -> tuple[Source, Iterable[Record]]:
        return Source.WORDPRESS, [ImportedTag(key=str(n), name=f"t{n}") for n in range(450)]

    assert run(many) == 0
    output = capsys.readouterr().out
    assert "Imported 200 records" in output and "Imported 400 records" in output
    assert "\r" not in output
