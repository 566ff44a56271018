"""A WordPress export imported end to end: the reader, the writer and the site's old links."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.test import Client

from broadsheet import cli
from broadsheet.accounts.models import User
from broadsheet.discussion.models import Comment, CommentKind, CommentState
from broadsheet.interop.models import Redirect
from broadsheet.interop.records import ImportFileError, Source
from broadsheet.interop.tests.test_writer import model_counts
from broadsheet.interop.writer import run_import
from broadsheet.interop.wxr import read_wxr, read_wxr_files
from broadsheet.publishing.models import Post, PostStatus, Section

FIXTURES = Path(__file__).parent / "fixtures" / "wxr"
SITE = FIXTURES / "site-1.2.xml"


def import_file(path: Path, *, dry_run: bool = False) -> dict[str, int]:
    summary = run_import(source=Source.WORDPRESS, records=read_wxr(path), dry_run=dry_run)
    return summary.created


@pytest.mark.django_db
def test_a_wordpress_site_comes_in_with_its_posts_people_and_discussion() -> None:
    created = import_file(SITE)

    assert created == {
        "user": 3, "redirect": 36, "section": 5, "tag": 3, "post": 7, "page": 1,
        "comment": 9, "pingback": 1, "trackback": 1,
    }  # fmt: skip
    mara = User.objects.get(username="mara")
    assert mara.display_name == "Mara Quill" and not mara.has_usable_password()
    post = Post.objects.get(slug="ferry-timetable")
    assert post.status == PostStatus.PUBLISHED and post.sticky
    assert post.section == Section.objects.get(slug="news")
    assert Section.objects.get(slug="harbour").name == "News & Views / Local / Harbour"
    assert sorted(post.tags.values_list("slug", flat=True)) == ["ferries", "timetables"]
    assert list(post.authors.all()) == [mara]
    assert "<p>Mind the <em>early</em> crossing.</p>" in post.intro_html
    assert "<li>06:10</li>" in post.body_html
    assert Post.objects.get(title="Flood defences: the plan").video_url == (
        "https://www.youtube.com/watch?v=Fl00dPlan01"
    )
    assert Post.objects.get(slug="budget").status == PostStatus.DRAFT
    assert Post.objects.get(slug="regatta-preview").status == PostStatus.SCHEDULED

    comments = {c.pk: c for c in Comment.objects.filter(post=post)}
    # Their WordPress ids are their ids here, so old "#comment-505" links still land.
    chain = [comments[key] for key in (501, 502, 503, 504, 505)]
    assert [c.depth for c in chain] == [0, 1, 2, 3, 4]
    assert [c.parent_id for c in chain[1:]] == [501, 502, 503, 504]
    assert comments[502].author == mara
    assert comments[501].author_name == "Jo Bank" and comments[501].ip_address == "203.0.113.7"
    assert [comments[k].state for k in (503, 506, 507, 508)] == [
        CommentState.HELD, CommentState.SPAM, CommentState.DELETED, CommentState.DELETED
    ]  # fmt: skip
    assert (comments[509].kind, comments[510].kind) == (CommentKind.PINGBACK, CommentKind.TRACKBACK)
    assert "\\o/" in Comment.objects.get(pk=520).body_html


@pytest.mark.django_db
def test_old_wordpress_addresses_answer_with_permanent_redirects(client: Client) -> None:
    import_file(SITE)
    post = Post.objects.get(slug="ferry-timetable").get_absolute_url()
    page = Post.objects.get(slug="about").get_absolute_url()
    expected = {
        "/2025/11/04/ferry-timetable/": post,
        "/?p=101": post,
        "/2025/11/04/winter-ferry-times/": post,
        "/?page_id=2": page,
        "/about/": page,
        "/category/news/local/harbour/": "/section/harbour/",
        "/category/harbour/": "/section/harbour/",
        "/?cat=4": "/section/news/",
        "/feed/": "/",
    }
    found = {}
    for old in expected:
        response = client.get(old)
        found[old] = (response.status_code, response.get("Location"))
    assert found == {old: (301, new) for old, new in expected.items()}
    # Addresses that are the same here need no redirect: the pages answer themselves.
    for same in ("/tag/ferries/", "/author/mara/"):
        assert client.get(same).status_code == 200


@pytest.mark.django_db
def test_importing_the_same_file_again_creates_nothing() -> None:
    import_file(SITE)
    before = model_counts()
    assert import_file(SITE) == {}
    assert model_counts() == before


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_says_what_it_would_make() -> None:
    before = model_counts()
    assert import_file(SITE, dry_run=True)["comment"] == 9
    assert model_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["malformed-midway.xml", "missing-parent.xml"])
def test_a_file_that_breaks_halfway_leaves_the_site_as_it_was(name: str) -> None:
    import_file(SITE)
    before = model_counts()
    with pytest.raises(ImportFileError):
        import_file(FIXTURES / name)
    assert model_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["wxr-1.0.xml", "wxr-1.1.xml", "wordpress-com.xml", "other-tool.xml"]
)
def test_each_flavour_of_export_imports(name: str) -> None:
    created = import_file(FIXTURES / name)
    assert created["post"] + created.get("page", 0) >= 1
    assert created["comment"] >= 1


@pytest.mark.django_db
def test_the_command_imports_a_file_and_reports_a_broken_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["import", "wxr", str(FIXTURES / "wxr-1.1.xml"), "--quiet"]) == 0
    assert "Created: " in capsys.readouterr().out
    assert Post.objects.filter(slug="bells-rung").exists()

    before = model_counts()
    assert cli.main(["import", "wxr", str(FIXTURES / "billion-laughs.xml"), "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "line 1: the file declares XML entities; they are refused" in error
    assert model_counts() == before


@pytest.mark.django_db
def test_the_command_takes_the_old_sites_prefix_and_time_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["import", "wxr", str(SITE), "--quiet", "--time-zone", "Mars/Olympus"]) == 2
    assert "'Mars/Olympus' is not a time zone" in capsys.readouterr().err

    argv = ["import", "wxr", str(SITE), "--quiet", "--path-prefix", ""]
    assert cli.main([*argv, "--time-zone", "America/New_York"]) == 0
    post = Post.objects.get(slug="ferry-timetable")
    assert Redirect.objects.get(old_path="/blog/2025/11/04/ferry-timetable/").new_path == (
        post.get_absolute_url()
    )
    # Written 13:00 in New York with no GMT date: 18:00 UTC.
    assert Comment.objects.get(pk=505).created.hour == 18


@pytest.mark.django_db
def test_a_wordpress_com_zip_of_several_exports_imports_whole(tmp_path: Path) -> None:
    bundle = tmp_path / "ledger.wordpress.2026-03-06.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.write(SITE, "ledger.wordpress.2026-03-06.000.xml")
        archive.write(FIXTURES / "wxr-1.1.xml", "ledger.wordpress.2026-03-06.001.xml")
    created = run_import(source=Source.WORDPRESS, records=read_wxr_files([bundle])).created
    assert created["post"] == 7 + 1 and created["page"] == 1 + 1
    assert Post.objects.filter(slug="bells-rung").exists()


def test_an_error_in_one_of_several_files_names_the_file(tmp_path: Path) -> None:
    bundle = tmp_path / "export.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.write(FIXTURES / "wxr-1.1.xml", "a.xml")
        archive.write(FIXTURES / "missing-parent.xml", "b.xml")
        archive.writestr("notes.txt", "not an export")
    with pytest.raises(ImportFileError) as raised:
        list(read_wxr_files([bundle]))
    assert str(raised.value).startswith("export.zip: b.xml, line 18, <wp:comment>: comment 31")
    assert (raised.value.line, raised.value.element) == (18, "wp:comment")
