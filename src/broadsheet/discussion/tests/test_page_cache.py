"""Post pages come from the page cache: anonymous readers get a stored, pre-compressed page
with an ETag, every kind of change shows on the next read, and signed-in readers get the same
cached thread with their own parts beside it."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator

import brotli  # type: ignore[import-untyped]
import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from broadsheet.accounts.roles import Role
from broadsheet.accounts.services import SiteAddress, update_profile
from broadsheet.conftest import make_user, same_query_count
from broadsheet.discussion import page_cache, services
from broadsheet.discussion.models import Comment, CommentState, DiscussionSettings
from broadsheet.discussion.page_cache import accepted_encoding
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.publishing import services as publishing
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(editor):
    return make_post(editor, "County jail audit")


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[[], object]:
    """Run what a write announces, as its commit would (tests run inside one transaction)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def read(client: Client, post: Post, query: str = "", **headers: str):
    return client.get(post.get_absolute_url() + query, headers=headers)


def text_of(client: Client, post: Post, query: str = "") -> str:
    response = read(client, post, query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_anonymous_read_comes_from_the_cache(client, post, reader):
    make_comment(post, reader, "First thoughts on the audit.")
    first = read(client, post)
    second = read(client, post)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert first.content == second.content
    assert "First thoughts on the audit." in second.content.decode()
    assert second["ETag"].startswith('W/"')
    assert second["Last-Modified"].endswith("GMT")
    assert second["Cache-Control"] == "no-cache"
    assert "Accept-Encoding" in second["Vary"]


def test_a_matching_etag_gets_304_and_a_change_gets_the_new_page(client, post, reader, committed):
    make_comment(post, reader, "Before.")
    etag = read(client, post)["ETag"]
    not_modified = read(client, post, **{"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    with committed():
        make_comment(post, reader, "After.")
    changed = read(client, post, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "After." in changed.content.decode()


def test_if_modified_since_is_answered_too(client, post, reader):
    last_modified = read(client, post)["Last-Modified"]
    assert read(client, post, **{"If-Modified-Since": last_modified}).status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert read(client, post, **{"If-Modified-Since": old}).status_code == 200


def test_pages_are_compressed_once_in_each_encoding_the_client_takes(client, post, reader):
    make_comment(post, reader, "Compressed words.")
    plain = read(client, post).content
    assert "Content-Encoding" not in read(client, post)
    as_gzip = read(client, post, **{"Accept-Encoding": "gzip, deflate"})
    assert as_gzip["Content-Encoding"] == "gzip"
    assert gzip.decompress(as_gzip.content) == plain
    as_brotli = read(client, post, **{"Accept-Encoding": "gzip, deflate, br"})
    assert as_brotli["Content-Encoding"] == "br"
    assert brotli.decompress(as_brotli.content) == plain
    assert len(as_brotli.content) < len(plain) / 2
    assert int(as_brotli["Content-Length"]) == len(as_brotli.content)


def test_a_cache_hit_reads_only_the_encoding_it_sends():
    """Every host reads pages from one shared Redis: a hit must not fetch both bodies. A client
    that takes neither gets the gzip body, decompressed when sent."""
    html = "<p>" + "a thread's words " * 2_000 + "</p>"
    page_cache.store("post-page:0123abcd", HttpResponse(html), last_modified=1_700_000_000)
    for header, encoding in (("br, gzip", "br"), ("gzip", "gzip"), ("", "gzip")):
        request = RequestFactory().get("/", headers={"Accept-Encoding": header})
        stored = page_cache.load("post-page:0123abcd", request)
        assert stored is not None
        assert list(stored.bodies) == [encoding]
        assert stored.etag == 'W/"0123abcd"'
    unstored = RequestFactory().get("/", headers={"Accept-Encoding": "gzip"})
    assert page_cache.load("post-page:another", unstored) is None


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("", ""),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("br, gzip", "br"),
        ("*", "br"),
        ("identity", ""),
        ("gzip;q=0", ""),
        ("gzip;q=nonsense", ""),
    ],
)
def test_the_encoding_follows_the_clients_weights(header, chosen):
    assert accepted_encoding(header) == chosen


def _every_kind_of_change(post: Post, reader, editor, moderator) -> Iterator[tuple[str, str]]:
    """Each write path, and a text its result shows on the post page."""
    comment = make_comment(post, reader, "The audit skipped two counties.", subject="Skipped")
    yield "a comment", "The audit skipped two counties."
    make_comment(post, editor, "Which two?", parent=comment)
    yield "a reply", "Which two?"
    services.edit_comment(
        comment=comment, editor=reader, subject="Skipped", body="It skipped three.", language=""
    )
    yield "an edit", "It skipped three."
    services.rate_comment(comment=comment, rater=editor, value=4)
    yield "a rating", "(4.00 / 1)"
    services.set_comment_state(comment=comment, state=CommentState.HIDDEN, moderator=moderator)
    yield "a moderator's hide", "Hidden comment (#1)"
    services.set_comment_state(comment=comment, state=CommentState.VISIBLE, moderator=moderator)
    yield "a moderator's restore", "It skipped three."
    services.set_comments_open(post=post, user=editor, is_open=False)
    yield "closing the thread", "Comments are closed."
    publishing.update_post(
        editor=editor, post=post, changes={"title": "County jail audit, revised"}
    )
    yield "an edit of the post", "County jail audit, revised"
    update_profile(
        user=reader,
        bio="",
        email=reader.email,
        current_password="",
        site=SiteAddress(name="Broadsheet", root_url="http://testserver/"),
        display_name="Rita Reyes",
    )
    yield "a new display name", "Rita Reyes"
    services.delete_comment(comment=comment, user=reader)
    yield "a deletion", "[deleted]"


def test_every_kind_of_change_shows_on_the_next_anonymous_read(
    client, post, reader, editor, moderator, committed
):
    changes = _every_kind_of_change(post, reader, editor, moderator)
    while True:
        text_of(client, post)  # the page as it was, now cached
        with committed():
            step = next(changes, None)
        if step is None:
            break
        what, shown = step
        response = read(client, post)
        assert response["X-Page-Cache"] == "miss", what
        assert shown in response.content.decode(), what


def test_a_change_to_the_settings_shows_at_once(client, post, reader):
    make_comment(post, reader, "Numbers matter.", subject="Numbers")
    assert "(#1)" in text_of(client, post)
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"comment_style": "blog"})
    assert "(#1)" not in text_of(client, post)


def test_an_admin_change_moves_every_page_on(client, post, admin_user):
    text_of(client, post)
    assert read(client, post)["X-Page-Cache"] == "hit"
    staff = Client()
    staff.force_login(admin_user)
    answer = staff.post(
        "/admin/publishing/section/add/",
        {"name": "Courts", "slug": "courts", "description": "", "position": "0"},
    )
    assert answer.status_code == 302
    again = read(client, post)
    assert again["X-Page-Cache"] == "miss"
    assert "Courts" in again.content.decode()


def test_a_waiting_message_is_never_cached_or_served_from_the_cache(client, post):
    text_of(client, post)
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(messages.INFO, "You are logged out.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    with_message = read(client, post)
    assert "You are logged out." in with_message.content.decode()
    assert "X-Page-Cache" not in with_message
    after = read(client, post)
    assert after["X-Page-Cache"] == "hit"
    assert "You are logged out." not in after.content.decode()


def test_signed_in_readers_share_the_cached_thread_without_per_comment_forms(
    client, post, reader, editor
):
    for number in range(5):
        make_comment(post, editor, f"Comment number {number}.")
    client.force_login(reader)
    html = text_of(client, post)
    discussion = html[html.index('<section id="comments"') :]
    comments = discussion[: discussion.index('<div class="discussion__reader"')]
    assert comments.count("<form") == 1  # the Display and Sort controls only
    assert 'name="csrfmiddlewaretoken"' not in comments
    assert comments.count('class="comment__rate"') == 5
    assert comments.count('class="comment__reply"') == 5
    # One rating form and one comment form for the whole page.
    assert discussion.count('id="rate-form"') == 1
    assert discussion.count('id="reply-form"') == 1


def test_the_readers_own_parts_come_in_one_small_json_request(
    client, post, reader, editor, trusted
):
    theirs = make_comment(post, editor, "An editor's note.")
    own = make_comment(post, reader, "A reader's reply.", parent=theirs)
    services.rate_comment(comment=theirs, rater=reader, value=5)
    client.force_login(reader)
    state = client.get(f"/posts/{post.slug}/reader/").json()
    assert state == {
        "signed_in": True,
        "moderator": False,
        "trusted": False,
        "own_ratings": {str(theirs.pk): 5},
        "own_comments": [own.pk],
        "editable": [own.pk],
    }
    assert client.get(f"/posts/{post.slug}/reader/")["Cache-Control"] == "private, no-store"
    assert Client().get(f"/posts/{post.slug}/reader/").json() == {"signed_in": False}


def test_readers_who_see_more_get_the_thread_rendered_for_them(client, post, reader, moderator):
    held = make_comment(post, reader, "Waiting for a moderator.")
    Comment.objects.filter(pk=held.pk).update(state=CommentState.HELD)
    make_comment(post, make_user("other"), "Plain and visible.")
    assert "Waiting for a moderator." not in text_of(client, post)
    client.force_login(reader)
    assert "Waiting for a moderator." in text_of(client, post)  # their own, held
    client.force_login(moderator)
    assert "Waiting for a moderator." in text_of(client, post)
    client.force_login(make_user("someone"))
    assert "Waiting for a moderator." not in text_of(client, post)


@pytest.fixture
def trusted(db):
    return make_user("tess", Role.TRUSTED)


def test_trusted_readers_and_moderators_each_share_their_own_cached_thread(
    client, post, reader, trusted, moderator
):
    """Hidden comments in full for trusted readers, held ones for moderators: one rendering
    per audience, never shown to another audience."""
    hidden = make_comment(post, reader, "Rated out of sight.")
    Comment.objects.filter(pk=hidden.pk).update(state=CommentState.HIDDEN)
    held = make_comment(post, make_user("newcomer"), "Held for review.")
    Comment.objects.filter(pk=held.pk).update(state=CommentState.HELD)
    sharing = {"trusted": [trusted, make_user("tom", Role.TRUSTED)], "moderators": [moderator]}
    with CaptureQueriesContext(connection) as first_trusted:
        client.force_login(trusted)
        seen = text_of(client, post)
    assert "Rated out of sight." in seen
    assert "Held for review." not in seen
    client.force_login(sharing["trusted"][1])
    with CaptureQueriesContext(connection) as second_trusted:
        assert "Rated out of sight." in text_of(client, post)
    # The second trusted reader's thread came from the cache: no comment query.
    assert len(second_trusted) < len(first_trusted)
    client.force_login(moderator)
    seen = text_of(client, post)
    assert "Held for review." in seen
    client.force_login(make_user("plain"))
    seen = text_of(client, post)
    assert "Rated out of sight." not in seen
    assert "Held for review." not in seen
    client.logout()
    assert "Held for review." not in text_of(client, post)


def test_a_cached_page_costs_a_constant_few_queries(post, reader, editor, page_queries):
    from broadsheet.discussion.sample_threads import generate_thread

    generate_thread(post=post, authors=[reader, editor], count=10)
    small = page_queries(post.get_absolute_url(), cached=True)
    generate_thread(post=post, authors=[reader, editor], count=1990, seed=2)
    Post.objects.filter(pk=post.pk).update(comment_count=2000)
    large = page_queries(post.get_absolute_url(), cached=True)
    assert same_query_count(small, large)
    assert len(large) <= 5, "\n".join(large)


def test_one_reader_renders_a_missing_page_while_the_others_wait_for_it(client, post, reader):
    from django.core.cache import cache

    from broadsheet.discussion import page_cache

    assert page_cache.claim_render("post-page:example")
    assert not page_cache.claim_render("post-page:example")  # another request renders it
    page_cache.store_text("post-page:example", "<ol>the thread</ol>")
    assert page_cache.wait_for("post-page:example", page_cache.load_text) == "<ol>the thread</ol>"
    page_cache.release_render("post-page:example")
    assert page_cache.claim_render("post-page:example")
    # A renderer that is gone frees the waiters: they render the page themselves.
    cache.delete("post-page:example")
    page_cache.release_render("post-page:example")
    assert page_cache.wait_for("post-page:example", page_cache.load_text) is None
    # And a page request that finds the page being rendered waits, then serves it.
    make_comment(post, reader, "Waited for.")
    first = read(client, post)
    assert first["X-Page-Cache"] == "miss"
    assert read(client, post)["X-Page-Cache"] == "hit"


def test_a_signed_in_readers_cached_page_costs_a_constant_ten_queries_at_most(
    client, post, reader, editor, page_queries
):
    from broadsheet.discussion.sample_threads import generate_thread

    client.force_login(make_user("regular"))
    generate_thread(post=post, authors=[reader, editor], count=10)
    small = page_queries(post.get_absolute_url(), cached=True)
    generate_thread(post=post, authors=[reader, editor], count=1990, seed=2)
    Post.objects.filter(pk=post.pk).update(comment_count=2000)
    large = page_queries(post.get_absolute_url(), cached=True)
    assert same_query_count(small, large)
    assert len(large) <= 10, "\n".join(large)
