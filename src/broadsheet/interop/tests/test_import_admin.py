"""The admin's import page: an admin uploads an export, the worker runs it, the page follows."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from broadsheet.accounts.models import User
from broadsheet.discussion.models import Comment
from broadsheet.errors import NotAllowed
from broadsheet.interop import uploads
from broadsheet.interop.import_runs import (
    ImportProgress,
    check_can_import,
    current_progress,
    start_import_run,
)
from broadsheet.interop.models import ImportFormat, ImportRun, ImportState
from broadsheet.interop.records import Source
from broadsheet.interop.tasks import run_import_task
from broadsheet.interop.tests.test_writer import model_counts
from broadsheet.interop.uploads import FileKind, UploadRefused, kind_of
from broadsheet.interop.writer import run_import
from broadsheet.interop.wxr import read_wxr
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post
from broadsheet.worker import run_worker

FIXTURES = Path(__file__).parent / "fixtures"
SITE = FIXTURES / "wxr" / "site-1.2.xml"
UPLOAD_PAGE = "/admin/interop/importrun/add/"
RUNS_PAGE = "/admin/interop/importrun/"


def upload(client: Client, name: str, content: bytes, **fields: Any) -> HttpResponse:
    data = {"format": "wxr", "file": SimpleUploadedFile(name, content), **fields}
    response: HttpResponse = client.post(UPLOAD_PAGE, data)
    return response


def run_page(run: ImportRun) -> str:
    return f"/admin/interop/importrun/{run.pk}/change/"


def run_queued_imports() -> list[str]:
    """What the worker does with each queued import, in this test's transaction."""
    states = []
    for queued in DBTaskResult.objects.filter(task_path=run_import_task.module_path):
        states.append(run_import_task.call(*queued.task_result.args))
        queued.delete()
    return states


def site_counts() -> dict[str, int]:
    """Rows of everything an import writes, without the record of the runs themselves."""
    counts = model_counts()
    del counts["interop.ImportRun"]
    return counts


@pytest.fixture
def admin_client(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


@pytest.fixture
def start(
    admin_client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Callable[..., ImportRun]:
    """Uploads a fixture through the page as the admin; gives the run it queued."""

    def through_the_page(path: Path, **fields: Any) -> ImportRun:
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(admin_client, path.name, path.read_bytes(), **fields)
        run = ImportRun.objects.get()
        assert response.status_code == 302
        assert response["Location"] == run_page(run)
        return run

    return through_the_page


# What the page takes.


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b'<?xml version="1.0" encoding="UTF-8"?>\n<rss>', FileKind.XML),
        (codecs.BOM_UTF8 + b"\n  <rss version='2.0'>", FileKind.XML),
        (codecs.BOM_UTF16_LE + '<?xml version="1.0"?>'.encode("utf-16-le"), FileKind.XML),
        (b"<?xml version='1.0' encoding='ISO-8859-1'?><rss>caf\xe9", FileKind.XML),
        (b"PK\x03\x04\x14\x00\x00\x00", FileKind.ZIP),
        (b'  {"format": "broadsheet"}', FileKind.JSON),
        (b"<!DOCTYPE html><html><body>", FileKind.WEB_PAGE),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", FileKind.OTHER),
        (b"https://example.org/a/,hello-world\n", FileKind.TEXT),
    ],
)
def test_a_files_kind_is_read_from_its_first_bytes(head: bytes, kind: FileKind) -> None:
    assert kind_of(head) is kind


@pytest.mark.django_db
def test_the_admin_index_leads_to_the_upload_page_which_has_the_admins_look(
    admin_client: Client,
) -> None:
    index = admin_client.get("/admin/").content.decode()
    assert UPLOAD_PAGE in index and "Site imports" in index

    page = admin_client.get(UPLOAD_PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<div id="site-name">' in html  # admin/base_site.html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    for label in ("Format", "Export file", "Dry run", "Old site&#x27;s time zone", "Thread map"):
        assert label in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("format", "name", "content", "message"),
    [
        ("wxr", "export.xml", b'{"posts": []}', "this file is a JSON"),
        ("wxr", "export.xml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "this file is binary data"),
        ("wxr", "export.xml", b"<!DOCTYPE html><html><p>Log in", "this file is a web page"),
        ("disqus", "disqus.zip", b"PK\x03\x04\x14\x00\x00\x00", "this file is a ZIP"),
        ("wxr", "export.xml", b"title,date\nHello,2020\n", "this file is neither XML nor JSON"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused_with_the_reason(
    admin_client: Client, format: str, name: str, content: bytes, message: str
) -> None:
    response = upload(admin_client, name, content, format=format)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"{name} is not an export of this kind" in html and message in html
    assert not ImportRun.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_file_too_big_for_the_page_is_refused_with_the_limit_and_the_command_to_use(
    admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_IMPORT_FILE_SIZE", 10_000)
    response = upload(admin_client, SITE.name, SITE.read_bytes())

    html = response.content.decode()
    assert "site-1.2.xml is 27,837 bytes: this page takes files up to 10,000 bytes." in html
    assert "broadsheet import wxr FILE" in html
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_the_real_limit_is_half_a_gigabyte() -> None:
    big = SimpleUploadedFile("huge.xml", b"<rss/>")
    big.size = 512 * 1024 * 1024 + 1
    with pytest.raises(UploadRefused, match=r"huge.xml is 512 MB: this page takes files up to"):
        uploads.check_import_file(big, format=ImportFormat.WXR)


@pytest.mark.django_db
def test_options_are_checked_and_those_of_the_other_format_refused(admin_client: Client) -> None:
    wrong_zone = upload(admin_client, SITE.name, SITE.read_bytes(), time_zone="Mars/Olympus")
    assert "&#x27;Mars/Olympus&#x27; is not a time zone" in wrong_zone.content.decode()

    map_for_wxr = upload(
        admin_client,
        SITE.name,
        SITE.read_bytes(),
        map_file=SimpleUploadedFile("map.csv", b"1,hello\n"),
    )
    assert "This option is not for WordPress (WXR) exports." in map_for_wxr.content.decode()

    binary_map = upload(
        admin_client,
        "disqus.xml",
        (FIXTURES / "disqus_export.xml").read_bytes(),
        format="disqus",
        map_file=SimpleUploadedFile("map.csv", b"\x00\x01\x02"),
    )
    assert "map.csv is not a thread map" in binary_map.content.decode()
    assert not ImportRun.objects.exists()


# Who may import.


@pytest.mark.django_db
def test_visitors_and_readers_are_sent_to_the_admins_log_in(client: Client, reader: User) -> None:
    for who in (None, reader):
        if who is not None:
            client.force_login(who)
        for page in (UPLOAD_PAGE, RUNS_PAGE):
            response = client.get(page)
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")
        refused = upload(client, SITE.name, SITE.read_bytes())
        assert refused.status_code == 302 and refused["Location"].startswith("/admin/login/")
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_editors_may_not_import(client: Client, editor: User) -> None:
    client.force_login(editor)
    assert client.get(UPLOAD_PAGE).status_code == 403
    assert upload(client, SITE.name, SITE.read_bytes()).status_code == 403
    assert "Site imports" not in client.get("/admin/").content.decode()
    with pytest.raises(NotAllowed, match=r"Only the site's admins may import a site\."):
        check_can_import(editor)
    with pytest.raises(NotAllowed):
        start_import_run(
            actor=editor,
            format=ImportFormat.WXR,
            file=SimpleUploadedFile(SITE.name, SITE.read_bytes()),
        )
    assert not ImportRun.objects.exists()


# Running an import.


@pytest.mark.django_db
def test_an_uploaded_export_is_queued_then_run_by_the_worker_and_its_summary_shown(
    admin_client: Client, admin_user: User, start: Callable[..., ImportRun]
) -> None:
    run = start(SITE)

    assert run.state == ImportState.QUEUED and run.started_by == admin_user
    assert Path(run.file.path).read_bytes() == SITE.read_bytes()
    assert Path(run.file.path).parent.name == "imports"
    queued_page = admin_client.get(run_page(run)).content.decode()
    assert "Queued: waiting for the background worker" in queued_page
    assert '<meta http-equiv="refresh" content="2">' in queued_page
    assert not Post.objects.exists()

    counted = run_import(source=Source.WORDPRESS, records=read_wxr(SITE), dry_run=True).created
    assert run_queued_imports() == ["done"]

    run.refresh_from_db()
    assert run.state == ImportState.DONE and run.error == ""
    created = dict(run.summary["created"])
    assert created["post"] == 7 and created["comment"] == 9
    # In the writer's order, on PostgreSQL too (whose jsonb sorts an object's keys).
    assert run.summary["created"] == [[kind, count] for kind, count in counted.items()]
    assert Post.objects.count() == 8 and Comment.objects.count() == 11  # posts, a page
    assert run.progress > 0 and run.progress_updated is not None
    assert run.started is not None and run.finished is not None
    assert not run.file  # the export (readers' addresses) is not kept once read
    page = admin_client.get(run_page(run)).content.decode()
    assert "Import finished" in page and 'http-equiv="refresh"' not in page
    assert '<th scope="row">comment</th><td>9</td><td></td>' in page
    assert '<th scope="row">post</th><td>7</td>' in page
    listing = admin_client.get(RUNS_PAGE).content.decode()
    assert "WordPress (WXR): site-1.2.xml" in listing and "done" in listing


@pytest.mark.django_db
def test_a_broken_export_fails_with_its_error_and_leaves_the_site_as_it_was(
    admin_client: Client, start: Callable[..., ImportRun]
) -> None:
    run = start(FIXTURES / "wxr" / "malformed-midway.xml")
    before = site_counts()

    assert run_queued_imports() == ["failed"]

    run.refresh_from_db()
    assert run.state == ImportState.FAILED
    assert (
        run.error.startswith("line 29, <wp:comment>: this is not well-formed XML")
        and run.summary == {}
    )
    assert site_counts() == before
    page = admin_client.get(run_page(run)).content.decode()
    assert "Failed: nothing was imported, the site is as it was" in page
    assert escape(run.error) in page


@pytest.mark.django_db
def test_an_export_wordpress_would_refuse_fails_with_wordpresss_reason(
    start: Callable[..., ImportRun],
) -> None:
    run = start(FIXTURES / "wxr" / "plain-rss.xml")  # XML, so the page takes it; not WXR

    assert run_queued_imports() == ["failed"]
    run.refresh_from_db()
    assert "wxr_version" in run.error
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_a_worker_that_cannot_see_the_uploaded_file_says_so(
    start: Callable[..., ImportRun],
) -> None:
    """At scale the worker may run on another machine than the web host that took the
    upload: it must share the media folder."""
    run = start(SITE)
    Path(run.file.path).unlink()

    assert run_queued_imports() == ["failed"]
    run.refresh_from_db()
    assert run.error.startswith("The uploaded file is not on the machine the worker runs on")


@pytest.mark.django_db
def test_a_dry_run_says_what_it_would_create_and_creates_nothing(
    admin_client: Client, start: Callable[..., ImportRun]
) -> None:
    run = start(SITE, dry_run="on")
    before = site_counts()

    assert run_queued_imports() == ["done"]

    run.refresh_from_db()
    assert run.dry_run and dict(run.summary["created"])["post"] == 7
    assert site_counts() == before
    page = admin_client.get(run_page(run)).content.decode()
    assert "Dry run finished: nothing was written" in page
    assert '<th scope="col">Would create</th>' in page


@pytest.mark.django_db
def test_a_disqus_export_lists_each_thread_it_left_out_with_the_reason(
    admin_client: Client, start: Callable[..., ImportRun]
) -> None:
    run = start(FIXTURES / "disqus_export.xml", format="disqus")

    assert run_queued_imports() == ["done"]

    run.refresh_from_db()
    assert run.summary["skipped"]  # no post here for any of its threads
    page = admin_client.get(run_page(run)).content.decode()
    what, why = run.summary["skipped"][0]
    assert f"Skipped ({len(run.summary['skipped'])})" in page
    assert f"<li>{what}: {why}</li>".replace("'", "&#x27;") in page


@pytest.mark.django_db
def test_a_thread_map_attaches_a_disqus_thread_that_matches_no_post(
    admin_client: Client, editor: User, start: Callable[..., ImportRun]
) -> None:
    found_again = make_post(editor, "Found again", slug="found-again")
    run = start(
        FIXTURES / "disqus_export.xml",
        format="disqus",
        map_file=SimpleUploadedFile("map.csv", b"Disqus thread,post\n203,found-again\n"),
    )
    assert Path(run.map_file.path).read_bytes().endswith(b"203,found-again\n")

    assert run_queued_imports() == ["done"]

    assert Comment.objects.get(author_name="Lost Soul").post == found_again
    run.refresh_from_db()
    assert not run.map_file


@pytest.mark.django_db
def test_the_zip_wordpress_com_hands_over_is_taken(
    tmp_path: Path, start: Callable[..., ImportRun]
) -> None:
    zipped = tmp_path / "export.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("site.wordpress.2024-01-01.000.xml", SITE.read_bytes())
    start(zipped)

    assert run_queued_imports() == ["done"]
    assert Post.objects.count() == 8


# Progress.


@pytest.mark.django_db
def test_a_running_imports_page_shows_the_records_read_so_far_and_reloads(
    admin_client: Client, start: Callable[..., ImportRun]
) -> None:
    run = start(SITE)
    ImportRun.objects.filter(pk=run.pk).update(state=ImportState.RUNNING)
    run.refresh_from_db()
    progress = ImportProgress(run.pk)

    progress(1_200)
    progress(1_300)  # within the second: counted, not yet stored

    assert progress.latest == 1_300
    assert current_progress(run)[0] == 1_200
    page = admin_client.get(run_page(run)).content.decode()
    assert "1,200" in page and "counted 0 s ago" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Running" in page


@pytest.mark.django_db
def test_a_run_whose_worker_stopped_says_so_after_ten_minutes_without_a_count(
    admin_client: Client, start: Callable[..., ImportRun]
) -> None:
    run = start(SITE)
    eleven_minutes_ago = timezone.now() - timedelta(minutes=11)
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportState.RUNNING, started=eleven_minutes_ago
    )
    assert "the worker running this import has probably stopped" in (
        admin_client.get(run_page(run)).content.decode()
    )

    ImportProgress(run.pk)(100)  # counting again
    assert "probably stopped" not in admin_client.get(run_page(run)).content.decode()


@pytest.mark.django_db
def test_once_finished_the_count_is_the_rows_and_the_cache_is_emptied(
    start: Callable[..., ImportRun],
) -> None:
    run = start(SITE)
    run_queued_imports()

    run.refresh_from_db()
    assert cache.get(f"interop:import-run:{run.pk}:progress") is None
    assert current_progress(run) == (run.progress, run.progress_updated)
    assert run.progress >= 7 + 9  # at least the posts and comments, read one by one


# The worker itself, with committed rows, as `broadsheet serve` runs it.


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_import(admin_user: User) -> None:
    run = start_import_run(
        actor=admin_user,
        format=ImportFormat.WXR,
        file=SimpleUploadedFile(SITE.name, SITE.read_bytes()),
    )

    run_worker(batch=True, verbosity=0)

    run.refresh_from_db()
    assert run.state == ImportState.DONE
    assert Post.objects.count() == 8
    assert DBTaskResult.objects.get(task_path=run_import_task.module_path).status == "SUCCESSFUL"
