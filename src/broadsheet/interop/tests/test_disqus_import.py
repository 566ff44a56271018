"""A Disqus export joins the posts here: through the writer, on the site's pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from broadsheet import cli
from broadsheet.accounts.models import User
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.interop.disqus import read_disqus
from broadsheet.interop.models import ImportedObject, Redirect
from broadsheet.interop.records import ImportSummary, Source
from broadsheet.interop.writer import run_import
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "disqus_export.xml"


@pytest.fixture
def posts(editor: User) -> dict[str, Post]:
    """The three posts the export's threads were on: by address, by an old WordPress
    address, and by the WordPress plugin's identifier."""
    first = make_post(editor, "First post", slug="first-post")
    second = make_post(editor, "Second", slug="second-here")
    Redirect.objects.create(old_path="/2014/05/06/second/", new_path=second.get_absolute_url())
    third = make_post(editor, "Third", slug="third-here")
    ImportedObject.objects.create(
        source=Source.WORDPRESS, kind="post", key="123", object_id=third.pk
    )
    mapped = make_post(editor, "Found again", slug="found-again")
    return {"first": first, "second": second, "third": third, "mapped": mapped}


def _import(mapping: dict[str, str] | None = None) -> ImportSummary:
    report = ImportSummary()
    summary = run_import(
        source=Source.DISQUS, records=read_disqus(EXPORT, mapping=mapping, report=report)
    )
    summary.skipped += report.skipped
    return summary


def test_comments_join_their_posts_with_threads_authors_and_flags(
    posts: dict[str, Post],
) -> None:
    summary = _import()
    assert summary.created["comment"] == 6  # the lost thread's one is left out
    first = Comment.objects.get(post=posts["first"], author_name="Ann", parent=None)
    reply = Comment.objects.get(post=posts["first"], author_name="Guest")
    deeper = Comment.objects.get(post=posts["first"], parent=reply)
    assert (reply.parent_id, deeper.author_name) == (first.pk, "Ann")
    assert Comment.objects.get(post=posts["second"], author_name="Spammer").state == (
        CommentState.SPAM
    )
    assert Comment.objects.get(post=posts["second"], author_name="Regretful").state == (
        CommentState.DELETED
    )
    assert Comment.objects.filter(post=posts["third"], author_name="Zoë").exists()
    assert not Comment.objects.filter(author_name="Lost Soul").exists()


def test_hostile_html_is_sanitized(posts: dict[str, Post]) -> None:
    _import()
    reply = Comment.objects.get(post=posts["first"], author_name="Guest")
    assert "<script" not in reply.body_html and "onerror" not in reply.body_html
    assert "A reply" in reply.body_html


def test_the_unmatched_thread_is_reported_then_attached_with_a_map(
    posts: dict[str, Post],
) -> None:
    summary = _import()
    assert any("http://old.example.org/lost-page/" in what for what, _ in summary.skipped)
    again = _import(mapping={"http://old.example.org/lost-page/": "found-again"})
    assert again.created == {"comment": 1}  # only what was left out before
    assert Comment.objects.get(author_name="Lost Soul").post == posts["mapped"]


def test_comments_answer_at_their_disqus_anchor(posts: dict[str, Post], client: Client) -> None:
    _import()
    html = client.get(posts["first"].get_absolute_url()).content.decode()
    assert 'id="comment-300"' in html


def test_the_command_prints_the_unmatched_thread_and_reads_the_map(
    posts: dict[str, Post], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", "disqus", str(EXPORT), "--quiet", "--dry-run"]) == 0
    output = capsys.readouterr().out
    assert "Would create: 6 comments." in output
    assert "Disqus thread 203 (http://old.example.org/lost-page/)" in output
    assert not Comment.objects.exists()
    mapping = tmp_path / "map.csv"
    mapping.write_text("203,found-again\n", encoding="utf-8")
    assert cli.main(["import", "disqus", str(EXPORT), "--map", str(mapping), "--quiet"]) == 0
    assert "Created: 7 comments." in capsys.readouterr().out


def test_a_file_broken_midway_changes_nothing(
    posts: dict[str, Post], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", "disqus", str(FIXTURES / "disqus_broken.xml"), "--quiet"]) == 2
    assert "line 13" in capsys.readouterr().err
    assert not Comment.objects.exists()
