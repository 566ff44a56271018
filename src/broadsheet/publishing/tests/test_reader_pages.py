"""Readers see published posts on the front page, post pages and list pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from broadsheet.conftest import same_query_count
from broadsheet.publishing.models import PostStatus, SiteSettings
from broadsheet.publishing.tests.factories import make_post, make_section, make_tag

pytestmark = pytest.mark.django_db


def test_front_page_lists_newest_published_posts_with_more_link_and_comment_count(client, editor):
    make_post(editor, "Older story", hours_ago=5)
    make_post(editor, "Newer story", hours_ago=1, body="The extended part.")
    page = client.get("/").content.decode()
    assert page.index("Newer story") < page.index("Older story")
    assert "[More...]" in page
    assert page.count("[More...]") == 1  # only the post with an extended part
    assert "0 comments" in page


def test_sticky_posts_come_first(client, editor):
    make_post(editor, "Pinned notice", hours_ago=50, sticky=True)
    make_post(editor, "Fresh story", hours_ago=1)
    page = client.get("/").content.decode()
    assert page.index("Pinned notice") < page.index("Fresh story")


def test_drafts_and_future_posts_stay_off_the_front_page_until_their_time(client, editor):
    make_post(editor, "A draft", status=PostStatus.DRAFT)
    future = make_post(editor, "Tomorrow's story", publish_at=timezone.now() + timedelta(days=1))
    page = client.get("/").content.decode()
    assert "A draft" not in page
    assert "Tomorrow" not in page
    assert client.get(future.get_absolute_url()).status_code == 404

    one_minute_ago = timezone.now() - timedelta(minutes=1)
    type(future).objects.filter(pk=future.pk).update(publish_at=one_minute_ago)
    assert "Tomorrow" in client.get("/").content.decode()  # no cron job: checked on read
    assert client.get(future.get_absolute_url()).status_code == 200


def test_editors_preview_drafts_with_a_banner(client, editor):
    draft = make_post(editor, "Work in progress", status=PostStatus.DRAFT)
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this post is draft" in response.content.decode()


def test_front_page_paginates(client, editor):
    SiteSettings.objects.update_or_create(pk=1, defaults={"posts_per_page": 2})
    for number in range(5):
        make_post(editor, f"Story number {number}", hours_ago=number + 1)
    first = client.get("/").content.decode()
    third = client.get("/?page=3").content.decode()
    assert "Story number 0" in first and "Story number 2" not in first
    assert "Story number 4" in third
    assert "Page 3 of 3" in third
    assert client.get("/?page=999").status_code == 200  # past the end: the last page


def test_post_page_shows_intro_body_byline_and_neighbours(client, editor):
    before = make_post(editor, "The story before", hours_ago=10)
    post = make_post(
        editor, "The story", hours_ago=5, intro="> quoted source", body="Below the fold."
    )
    after = make_post(editor, "The story after", hours_ago=1)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "<blockquote>" in page
    assert 'id="more"' in page and "Below the fold." in page
    assert f'rel="prev" href="{before.get_absolute_url()}">&lt; The story before</a>' in page
    assert f'rel="next" href="{after.get_absolute_url()}">The story after &gt;</a>' in page
    assert (
        f'By <a href="/author/{editor.username}/" rel="author" dir="auto">{editor.username}</a>'
        in page
    )


def test_byline_override_and_site_format(client, editor):
    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={"name": "The Ledger", "time_zone": "America/New_York"},
    )
    when = datetime(2017, 3, 8, 18, 44, 31, tzinfo=UTC)
    post = make_post(editor, "Analysis", publish_at=when, byline="Nadia <Haddad>")
    page = client.get(post.get_absolute_url()).content.decode()
    assert "By Nadia &lt;Haddad&gt; | (The Ledger) | " in page
    assert "Wed Mar 08, 2017 at 01:44:31 PM EST" in page


def test_section_tag_author_and_open_thread_pages_list_their_posts(client, editor):
    section = make_section("World")
    tag = make_tag("ceasefire")
    tagged = make_post(editor, "Talks resume", section=section, tags=[tag])
    make_post(editor, "Open thread: Friday", open_thread=True)
    make_post(editor, "Unrelated")

    section_page = client.get(section.get_absolute_url()).content.decode()
    assert "Talks resume" in section_page and "Unrelated" not in section_page
    tag_page = client.get(tag.get_absolute_url()).content.decode()
    assert "Talks resume" in tag_page and "Unrelated" not in tag_page
    threads = client.get("/open-threads/").content.decode()
    assert "Open thread: Friday" in threads and "Talks resume" not in threads
    author_page = client.get(f"/author/{editor.username}/").content.decode()
    assert "Talks resume" in author_page
    post_page = client.get(tagged.get_absolute_url()).content.decode()
    assert 'href="/tag/ceasefire/"' in post_page and 'href="/section/world/"' in post_page


def test_unknown_addresses_get_a_friendly_404(client, db):
    for url in ("/posts/no-such-post/", "/section/nope/", "/tag/nope/", "/author/nobody/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "There is nothing at this address" in response.content.decode() or (
            "There is no post" in response.content.decode()
        )


def test_related_video_is_a_poster_with_no_request_to_the_provider(client, editor):
    post = make_post(
        editor,
        "With video",
        video_url="https://www.youtube.com/watch?v=aBcD3fGh1jK",
        video_title="Briefing",
    )
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Related video:" in page
    assert 'data-player-url="https://www.youtube-nocookie.com/embed/aBcD3fGh1jK?autoplay=1"' in page
    assert "<iframe" not in page
    assert "<img" not in page or "youtube" not in page.split("<img", 1)[1].split(">", 1)[0]


def test_pages_send_a_content_security_policy(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com" in policy


def test_front_page_query_count_does_not_grow_with_posts(editor, page_queries):
    section = make_section("Justice")
    tag = make_tag("jails")
    make_post(editor, "One", section=section, tags=[tag])
    few = page_queries("/")
    for number in range(8):
        make_post(editor, f"More {number}", section=section, tags=[tag])
    many = page_queries("/")
    assert same_query_count(few, many)
