"""Anonymous post pages are answered before Django once the page cache has one, until any
change to the thread or the site, and never to a reader with a session."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.client import ClientHandler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.discussion import services
from broadsheet.discussion.front_cache import BUILT_FROM_HEADER, FrontCache, entry_key
from broadsheet.discussion.models import DiscussionSettings
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


def django_wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Django as a WSGI application, through the test client's handler (which keeps the
    test's transaction open where the production handler would close the connection)."""
    response = ClientHandler(enforce_csrf_checks=False)(environ)
    headers = [*response.items()]
    headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
    start_response(f"{response.status_code} {response.reason_phrase}", headers)
    return [response.content]


@dataclass
class Answer:
    status: str
    headers: dict[str, str]
    body: bytes


@pytest.fixture
def front() -> Callable[..., Answer]:
    application = FrontCache(django_wsgi)

    def get(path: str, method: str = "GET", **headers: str) -> Answer:
        environ = RequestFactory().generic(method, path, headers=headers).environ
        caught: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
            caught.update(status=status, headers=dict(response_headers))

        body = b"".join(application(environ, start_response))
        return Answer(caught["status"], caught["headers"], body)

    return get


@pytest.fixture
def post(editor) -> Post:
    return make_post(editor, "Harbour dredging contract")


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[[], object]:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_third_anonymous_read_is_answered_before_django(front, post, reader):
    make_comment(post, reader, "The dredging bid came in low.")
    url = post.get_absolute_url()
    first, second = front(url), front(url)
    assert (first.headers["X-Page-Cache"], second.headers["X-Page-Cache"]) == ("miss", "front")
    with CaptureQueriesContext(connection) as queries:
        third = front(url)
    assert third.headers["X-Page-Cache"] == "front"
    assert len(queries) == 0
    assert third.body == first.body
    assert b"The dredging bid came in low." in third.body
    for answer in (first, second, third):
        assert BUILT_FROM_HEADER not in answer.headers
        assert answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["ETag"] == first.headers["ETag"]


def test_every_change_to_the_thread_shows_on_the_next_read(front, post, reader, committed):
    comment = make_comment(post, reader, "Before the change.")
    url = post.get_absolute_url()
    front(url)
    assert front(url).headers["X-Page-Cache"] == "front"
    with committed():
        services.edit_comment(
            comment=comment, editor=reader, subject="", body="After the change.", language=""
        )
    after = front(url)
    assert after.headers["X-Page-Cache"] != "front"
    assert b"After the change." in after.body
    assert front(url).headers["X-Page-Cache"] == "front"
    with committed():
        make_comment(post, reader, "A second voice.")
    assert b"A second voice." in front(url).body


def test_a_matching_etag_gets_304_before_django(front, post, reader, committed):
    make_comment(post, reader, "Dredging starts in May.")
    url = post.get_absolute_url()
    etag = front(url).headers["ETag"]
    front(url)
    not_modified = front(url, **{"If-None-Match": etag})
    assert not_modified.status.startswith("304")
    assert not_modified.headers["X-Page-Cache"] == "front"
    assert not_modified.body == b""
    with committed():
        make_comment(post, reader, "Delayed to June.")
    changed = front(url, **{"If-None-Match": etag})
    assert changed.status.startswith("200")
    assert b"Delayed to June." in changed.body


def test_each_encoding_has_its_own_entry(front, post):
    url = post.get_absolute_url()
    for encoding in ("br", "gzip", ""):
        front(url, **{"Accept-Encoding": encoding})
        again = front(url, **{"Accept-Encoding": encoding})
        assert again.headers["X-Page-Cache"] == "front"
        assert again.headers.get("Content-Encoding", "") == encoding


def test_a_page_is_not_answered_past_the_moment_its_comments_close(front, post):
    """Time alone closes a thread (the site's age setting): no change announces it."""
    settings = DiscussionSettings.current()
    settings.close_comments_after_days = 1
    settings.save()
    Post.objects.filter(pk=post.pk).update(
        publish_at=timezone.now() - timedelta(days=1) + timedelta(seconds=1.5)
    )
    url = post.get_absolute_url()
    front(url)
    open_page = front(url)
    assert open_page.headers["X-Page-Cache"] == "front"
    assert b"Comments are closed" not in open_page.body
    time.sleep(1.6)
    closed_page = front(url)
    assert closed_page.headers["X-Page-Cache"] != "front"
    assert b"Comments are closed" in closed_page.body


def test_readers_with_a_session_or_a_choice_in_the_address_go_through_django(front, post):
    url = post.get_absolute_url()
    front(url)
    assert front(url, Cookie="sessionid=abc").headers["X-Page-Cache"] != "front"
    assert front(url, Cookie="messages=xyz").headers["X-Page-Cache"] != "front"
    chosen = front(url + "?display=flat")
    assert "Set-Cookie" in chosen.headers
    assert front(url + "?display=flat").headers["X-Page-Cache"] != "front"
    assert front(url, method="HEAD").headers["X-Page-Cache"] == "front"


@pytest.mark.parametrize(
    ("method", "path", "cookie", "keyed"),
    [
        ("GET", "/posts/some-story/", "", True),
        ("GET", "/posts/some-story/?page=2", "csrftoken=abc", True),
        ("POST", "/posts/some-story/", "", False),
        ("GET", "/posts/some-story/?display=flat", "", False),
        ("GET", "/posts/some-story/", "sessionid=abc", False),
        ("GET", "/section/news/", "", False),
        ("GET", "/posts/some-story/?page=" + "9" * 300, "", False),
    ],
)
def test_which_requests_have_an_entry(method, path, cookie, keyed):
    environ = RequestFactory().generic(method, path, headers={"Cookie": cookie}).environ
    assert (entry_key(environ) is not None) == keyed


def test_keys_differ_by_host_encoding_page_and_display_choice():
    def key(path: str = "/posts/a/", **headers: str) -> str | None:
        return entry_key(RequestFactory().get(path, headers=headers).environ)

    keys = {
        key(),
        key(**{"Accept-Encoding": "gzip"}),
        key("/posts/a/?page=2"),
        key(Cookie="broadsheet_thread_view=flat:newest"),
        key(Host="other.example"),
    }
    assert len(keys) == 5
    assert key("/posts/a/?page=2&comment=3") == key("/posts/a/?comment=3&page=2")


def test_if_modified_since_is_answered_before_django_too(front, post):
    url = post.get_absolute_url()
    last_modified = front(url).headers["Last-Modified"]
    front(url)
    not_modified = front(url, **{"If-Modified-Since": last_modified})
    assert not_modified.status.startswith("304")
    assert not_modified.headers["X-Page-Cache"] == "front"
    older = front(url, **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert older.status.startswith("200")
