"""A Scoop site, from its database through the writer to pages and old links that work."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from broadsheet import cli
from broadsheet.accounts.models import User
from broadsheet.discussion.models import Comment, CommentState
from broadsheet.discussion.services import NewComment, post_comments
from broadsheet.interop.records import ImportSummary, Source
from broadsheet.interop.scoop import read_scoop
from broadsheet.interop.writer import run_import
from broadsheet.publishing.models import Post, PostStatus
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

STORY = "2004/3/12/222115/671"


@pytest.fixture
def imported(scoop_database_url: str) -> ImportSummary:
    report = ImportSummary()
    summary = run_import(source=Source.SCOOP, records=read_scoop(scoop_database_url, report=report))
    summary.skipped += report.skipped
    return summary


def _comment(post: Post, subject: str) -> Comment:
    return Comment.objects.get(post=post, subject=subject)


def test_posts_sections_and_diaries_arrive(imported: ImportSummary) -> None:
    assert imported.created["post"] == 5
    story = Post.objects.get(title="Scoop is installed")
    assert story.status == PostStatus.PUBLISHED
    diary = Post.objects.get(title="My first diary")
    assert diary.section is not None and diary.section.name == "Diaries"
    assert Post.objects.get(title="A submission in the queue").status == PostStatus.DRAFT
    assert not Post.objects.get(title="Books of the year").comments_open


def test_threads_ratings_and_hiding_come_out_as_scoop_showed_them(
    imported: ImportSummary, client: Client
) -> None:
    story = Post.objects.get(title="Scoop is installed")
    first = _comment(story, "First!")
    assert (first.rating_average, first.rating_count) == (4.5, 2)
    reply = _comment(story, "Re: First!")
    deeper = _comment(story, "Anonymous reply")
    assert (reply.parent_id, deeper.parent_id) == (first.pk, reply.pk)
    assert deeper.author is None and deeper.author_name == "Anonymous Hero"
    assert _comment(story, "Spam spam").state == CommentState.HIDDEN
    assert _comment(story, "Editorial").state == CommentState.HELD
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert "(4.50 / 2)" in page.content.decode()


def test_comments_answer_at_their_scoop_cid_when_the_id_is_taken(
    editor: User, scoop_database_url: str, client: Client
) -> None:
    earlier = make_post(editor, "Written here first")
    written = [NewComment(author=editor, body="x", original_id=number) for number in (1, 2, 3)]
    assert [c.pk for c in post_comments(post=earlier, comments=written, imported=True)] == [
        1,
        2,
        3,
    ]
    run_import(source=Source.SCOOP, records=read_scoop(scoop_database_url))
    story = Post.objects.get(title="Scoop is installed")
    html = client.get(story.get_absolute_url()).content.decode()
    # The permalink /comments/<sid>/<cid> redirects to #comment-<cid> (see scoop.py).
    for cid in (1, 2, 3):
        assert Comment.objects.get(post=story, original_anchor=str(cid)).pk != cid
        assert f'id="comment-{cid}"' in html


def test_people_keep_their_names_mojo_and_no_password(imported: ImportSummary) -> None:
    rusty = User.objects.get(email="rusty@example.org")
    assert (rusty.username, rusty.display_name) == ("rusty", "Rusty Foster")
    assert (rusty.reputation, rusty.earned_trust) == (4.12, True)
    # Ada's comment was rated, years ago: Scoop's figure stands rather than none.
    ada = User.objects.get(email="ada@example.org")
    assert (ada.reputation, ada.earned_trust) == (4.5, False)
    assert not rusty.has_usable_password()
    assert User.objects.get(email="jose@example.org").username == "José"


def test_text_stored_either_way_reads_right(imported: ImportSummary) -> None:
    books = Post.objects.get(title="Books of the year")
    assert Comment.objects.filter(post=books, subject="café").exists()  # latin1
    assert "naïve" in _comment(books, "utf8 bytes").body_html  # UTF-8 bytes in latin1


def test_old_scoop_addresses_redirect(imported: ImportSummary, client: Client) -> None:
    story = Post.objects.get(title="Scoop is installed")
    for old in (f"/story/{STORY}", f"/comments/{STORY}"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, story.get_absolute_url())
    # Scoop's comment permalink: the fragment replaces the old link's bare "#3".
    response = client.get(f"/comments/{STORY}/3")
    assert (response.status_code, response["Location"]) == (
        301,
        f"{story.get_absolute_url()}#comment-3",
    )
    response = client.get(f"/?op=displaystory;sid={STORY}")
    assert (response.status_code, response["Location"]) == (301, story.get_absolute_url())
    ada = User.objects.get(email="ada@example.org")
    for old in ("/user/Ada Reader", "/user/uid:2"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert ada.username in response["Location"]
    assert client.get("/user/Jos%C3%A9").status_code == 301
    diary_section = Post.objects.get(title="My first diary").section
    assert diary_section is not None
    response = client.get("/section/Diary")
    assert (response.status_code, response["Location"]) == (301, diary_section.get_absolute_url())


def test_comments_on_polls_are_reported(imported: ImportSummary) -> None:
    assert any("967438565_opsmxIVg" in what for what, _ in imported.skipped)


def test_a_second_run_creates_nothing(imported: ImportSummary, scoop_database_url: str) -> None:
    counts = (Post.objects.count(), Comment.objects.count(), User.objects.count())
    again = run_import(source=Source.SCOOP, records=read_scoop(scoop_database_url))
    assert again.created == {}
    assert (Post.objects.count(), Comment.objects.count(), User.objects.count()) == counts


def test_a_dry_run_writes_nothing(scoop_database_url: str) -> None:
    summary = run_import(source=Source.SCOOP, records=read_scoop(scoop_database_url), dry_run=True)
    assert summary.created["comment"] == 8
    assert not Post.objects.exists() and not Comment.objects.exists()


def test_the_command_imports_and_reports(
    scoop_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", "scoop", scoop_database_url, "--quiet"]) == 0
    output = capsys.readouterr().out
    assert "Created: 4 users" in output and "8 comments" in output
    assert "1 comment on Scoop item 967438565_opsmxIVg" in output
    assert "time zone UTC (its time_zone site control: GMT)" in output
    assert Post.objects.count() == 5


def test_the_command_refuses_what_it_cannot_read(
    scoop_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = scoop_database_url.replace("mysql://root@", "mysql://nobody:wrong@")
    assert cli.main(["import", "scoop", wrong, "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "wrong user name or password" in error and "the site is as it was" in error
    assert cli.main(["import", "scoop", scoop_database_url, "--time-zone", "Mars/Olympus"]) == 2
    assert "no time zone" in capsys.readouterr().err
    assert not Post.objects.exists()


def test_the_command_reads_the_archive_too(
    scoop_database_url: str, mysql_database: Callable[..., str], client: Client
) -> None:
    archive_url = mysql_database("scoop_schema.sql", "scoop_archive_rows.sql")
    assert (
        cli.main(["import", "scoop", scoop_database_url, "--archive", archive_url, "--quiet"]) == 0
    )
    old = Post.objects.get(title="An archived story")
    assert Comment.objects.filter(post=old).count() == 2
    response = client.get("/story/2001/1/1/120000/100")
    assert (response.status_code, response["Location"]) == (301, old.get_absolute_url())
