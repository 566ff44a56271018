"""`broadsheet export json` and `broadsheet import json`, as a site owner runs them (in this
process, on the test's database): a summary at the end, progress on stderr, a one-line
message and exit code 2 for a file that cannot be imported."""

from __future__ import annotations

import pytest

from broadsheet.cli import ProgressLines, main
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.interop.site_json import site_content
from broadsheet.interop.tests.test_site_json import empty_the_site
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_site(editor, reader):
    post = make_post(editor, "A story")
    make_comment(post, reader, "First.")


def test_export_then_import_into_an_empty_site(small_site, tmp_path, capsys):
    target = tmp_path / "site.json"
    assert main(["export", "json", str(target)]) == 0
    exported = capsys.readouterr()
    assert (
        "1 posts" in exported.out and "1 comments" in exported.out and str(target) in exported.out
    )
    assert "Exporting comments: 1 of 1" in exported.err
    assert not (tmp_path / "site.json.partial").exists()
    before = site_content()
    empty_the_site()

    assert main(["import", "json", str(target)]) == 0
    imported = capsys.readouterr()
    assert "Imported" in imported.out and "Rendered 1 comments." in imported.out
    assert site_content() == before
    again = tmp_path / "again.json"
    assert main(["export", "json", str(again)]) == 0
    assert again.read_bytes() == target.read_bytes()  # export, import, export: the same bytes


def test_import_refuses_a_site_that_has_content(small_site, tmp_path, capsys):
    target = tmp_path / "site.json"
    main(["export", "json", str(target)])
    capsys.readouterr()
    assert main(["import", "json", str(target)]) == 2
    error = capsys.readouterr().err
    assert "This site is not empty" in error and "Nothing was imported." in error


def test_import_names_the_place_where_a_file_stops_being_json(db, tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "broadsheet",\n "version": 1,,\n}', encoding="utf-8")
    assert main(["import", "json", str(broken)]) == 2
    error = capsys.readouterr().err
    assert "line 2, column 15" in error and "Nothing was imported." in error
    assert site_content() == {}


def test_import_says_when_the_file_is_missing_or_not_text(db, tmp_path, capsys):
    assert main(["import", "json", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    binary = tmp_path / "site.json"
    binary.write_bytes(b'{"format": "\xff\xfe"}')
    assert main(["import", "json", str(binary)]) == 2
    assert "The file is not UTF-8 text" in capsys.readouterr().err


def test_progress_in_a_log_is_a_line_per_table_and_per_many_rows(capsys, monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    progress = ProgressLines("Importing")
    for done in range(500, 120_001, 500):
        progress("comments", done, None)
    progress("comments", 120_000, 120_000)
    assert capsys.readouterr().err.splitlines() == [
        "Importing comments: 50,000",
        "Importing comments: 100,000",
        "Importing comments: 120,000 of 120,000",
    ]
