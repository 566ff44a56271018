"""Imported threads on the post page: pingbacks apart, old anchors landing, the same queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from broadsheet.conftest import same_query_count
from broadsheet.discussion.models import Comment, DiscussionSettings
from broadsheet.discussion.services import NewComment, post_comments
from broadsheet.discussion.tests.test_post_page import MAX_THREAD_PAGE_QUERIES
from broadsheet.interop.records import CommentKind as RecordKind
from broadsheet.interop.records import (
    ImportedComment,
    ImportedPost,
    Record,
    Source,
)
from broadsheet.interop.writer import run_import
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db
WHEN = datetime(2011, 3, 1, 9, 0, tzinfo=UTC)


def thread_records(comments: int, *, pingbacks: int = 2, first_id: int = 500) -> list[Record]:
    """A post with `comments` comments (every third a reply to the one before) and pingbacks."""
    records: list[Record] = [ImportedPost(key="1", title="Busy", slug="busy", intro="Hi")]
    for number in range(comments):
        parent = f"c{number - 1}" if number % 3 == 2 else None
        records.append(
            ImportedComment(
                key=f"c{number}",
                post_key="1",
                parent_key=parent,
                body=f"Comment number {number}",
                author_name=f"Reader {number}",
                created=WHEN + timedelta(minutes=number),
                original_id=str(first_id + number),
            )
        )
    for number in range(pingbacks):
        records.append(
            ImportedComment(
                key=f"p{number}",
                post_key="1",
                body="[…] a good read […]",
                author_name=f"Other blog {number}",
                author_url=f"https://blog{number}.example/linking-post/",
                kind=RecordKind.PINGBACK if number % 2 == 0 else RecordKind.TRACKBACK,
                created=WHEN + timedelta(minutes=number, seconds=30),
                original_id=str(first_id + 10_000 + number),
            )
        )
    return records


def page_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_pingbacks_are_listed_apart_after_the_conversation(client: Client) -> None:
    run_import(source=Source.WORDPRESS, records=thread_records(4))
    page = page_of(client, "/posts/busy/")
    conversation, _, after = page.partition("Pingbacks and trackbacks")
    assert after, "the pingbacks have their own list"
    assert "Other blog 0" not in conversation and "Other blog 1" in after
    assert 'href="https://blog0.example/linking-post/" rel="nofollow ugc noopener"' in after
    assert 'id="comment-10500"' in after  # their old anchors land too
    # Not entries of the thread: its list holds the four comments only.
    assert conversation.count('class="comments__item"') == 4


def test_old_comment_anchors_are_on_the_page_whether_the_ids_were_free_or_taken(
    client: Client, editor: object
) -> None:
    other = make_post(editor, "Written here")  # type: ignore[arg-type]
    taken = post_comments(post=other, comments=[NewComment(author=editor, body="x")] * 3)  # type: ignore[arg-type]
    records = thread_records(2, pingbacks=0, first_id=taken[0].pk)  # both ids taken
    records += [
        ImportedComment(key="free", post_key="1", body="Mine", original_id="7777", created=WHEN)
    ]
    run_import(source=Source.WORDPRESS, records=records)
    page = page_of(client, "/posts/busy/")
    for old_id in (taken[0].pk, taken[1].pk, 7777):
        assert len(re.findall(f'id="comment-{old_id}"', page)) == 1, old_id
    assert Comment.objects.filter(pk=7777, body="Mine").exists()


def test_an_old_anchor_on_a_later_page_of_a_long_thread_is_found_by_its_old_id(
    client: Client,
) -> None:
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"overflow_after": 10})
    run_import(source=Source.WORDPRESS, records=thread_records(40, pingbacks=0))
    last = Comment.objects.get(body="Comment number 39")
    first_page = page_of(client, "/posts/busy/")
    assert f'id="comment-{last.pk}"' not in first_page
    # What thread.js asks for when the page lacks the anchor of an old link's #comment-N.
    holding = page_of(client, f"/posts/busy/?comment={last.pk}")
    assert f'id="comment-{last.pk}"' in holding


def test_the_anchor_of_a_taken_id_finds_its_page_too(client: Client, editor: object) -> None:
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"overflow_after": 10})
    other = make_post(editor, "Written here")  # type: ignore[arg-type]
    post_comments(post=other, comments=[NewComment(author=editor, body="x")] * 60)  # type: ignore[arg-type]
    first_taken = Comment.objects.order_by("pk").first()
    assert first_taken is not None
    run_import(
        source=Source.WORDPRESS,
        records=thread_records(40, pingbacks=0, first_id=first_taken.pk),
    )
    last = Comment.objects.get(body="Comment number 39")
    assert last.original_anchor and last.pk != int(last.original_anchor)
    holding = page_of(client, f"/posts/busy/?comment={last.original_anchor}")
    assert f'id="comment-{last.original_anchor}"' in holding


def test_imported_threads_cost_the_same_queries_at_any_size(
    page_queries: Callable[..., list[str]],
) -> None:
    run_import(source=Source.WORDPRESS, records=thread_records(10))
    post = Post.objects.get(slug="busy")
    views = [f"{post.get_absolute_url()}?display={display}" for display in ("nested", "flat")]
    small = {url: page_queries(url) for url in views}
    run_import(source=Source.WORDPRESS, records=thread_records(600, pingbacks=30))
    for url in views:
        large = page_queries(url)
        assert same_query_count(small[url], large), url
        assert len(large) <= MAX_THREAD_PAGE_QUERIES, "\n".join(large)
