"""The demo discussions show both reference pages' comment sections and a busy open thread,
dated and written as real discussions are."""

from __future__ import annotations

import re
import statistics
from datetime import timedelta
from itertools import pairwise

import pytest

from broadsheet.discussion.demo import (
    OPEN_THREAD_COMMENTS,
    build_demo_discussions,
    use_comment_style,
)
from broadsheet.discussion.models import Comment, DiscussionSettings
from broadsheet.publishing.demo import build_demo_site
from broadsheet.publishing.models import CommentStyle, Post

pytestmark = pytest.mark.django_db

SENTENCES = re.compile(r"^(> )?([^.\n]+\.)( [^.\n]+\.)*$")


@pytest.fixture
def demo(db):
    build_demo_site()
    build_demo_discussions()


def test_demo_discussions_show_both_pages(client, demo):
    story = Post.objects.get(slug="county-jail-audit-finds-gaps-in-medical-checks")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "(4.50 / 4)" in page
    assert "(none / 0)" in page
    assert 'class="comment__parent"' in page
    assert ">Mara Quill</a>" in page  # the byline shows the author's name

    analysis = Post.objects.get(slug="ceasefire-talks-resume-as-envoys-meet")
    assert not analysis.comments_open
    page = client.get(analysis.get_absolute_url()).content.decode()
    assert "6 Responses" in page
    assert "Comments are closed." in page
    assert "Une précision" in page
    assert "شكراً على المتابعة" in page
    assert "link to the briefing" in page
    assert 'lang="fr"' in page
    assert 'lang="ar"' in page
    assert Comment.objects.filter(post=analysis, depth=1).count() == 3

    thread = Post.objects.get(slug="open-thread-weekend-edition")
    assert thread.comment_count == OPEN_THREAD_COMMENTS
    assert Comment.objects.filter(post=thread, depth__gte=2).exists()


def test_page_b_shows_the_blog_style_beside_page_a_in_the_scoop_style(client, demo):
    analysis = Post.objects.get(slug="ceasefire-talks-resume-as-envoys-meet")
    page = client.get(analysis.get_absolute_url()).content.decode()
    assert "6 Responses" in page
    assert '<ol class="comments comments--nested comments--numbered">' in page
    assert ">Karim Ibrahim</a></h3>" in page
    assert ">Amélie Durand</a></h3>" in page
    assert "(#1)" not in page
    assert "(none / 0)" not in page
    assert 'name="value"' not in page  # no rating control on a Blog thread
    story = Post.objects.get(slug="county-jail-audit-finds-gaps-in-medical-checks")
    scoop = client.get(story.get_absolute_url()).content.decode()
    assert "(#1)" in scoop
    assert re.search(r"\((\d\.\d\d|none) / \d+\)", scoop)


def test_the_whole_site_can_switch_style_and_a_post_keeps_its_own(client, demo):
    assert "now in the Blog style, without ratings" in use_comment_style(CommentStyle.BLOG)
    assert not DiscussionSettings.current().show_ratings
    assert "already" in use_comment_style(CommentStyle.BLOG)
    story = Post.objects.get(slug="county-jail-audit-finds-gaps-in-medical-checks")
    assert "(#1)" not in client.get(story.get_absolute_url()).content.decode()
    use_comment_style(CommentStyle.SCOOP)
    assert "(#1)" in client.get(story.get_absolute_url()).content.decode()
    analysis = Post.objects.get(slug="ceasefire-talks-resume-as-envoys-meet")
    assert "(#1)" not in client.get(analysis.get_absolute_url()).content.decode()


def test_every_demo_comment_comes_after_its_post_and_no_two_share_a_second(demo):
    for post in Post.objects.filter(comments__isnull=False).distinct():
        times = list(
            Comment.objects.filter(post=post).order_by("number").values_list("created", flat=True)
        )
        assert times[0] > post.publish_at, post.slug
        seconds = [moment.replace(microsecond=0) for moment in times]
        assert seconds == sorted(set(seconds)), post.slug  # increasing, never the same second
        replies = Comment.objects.filter(post=post, parent__isnull=False).select_related("parent")
        assert all(reply.created > reply.parent.created for reply in replies)


def test_the_open_thread_is_busy_at_first_and_thins_out(demo):
    thread = Post.objects.get(slug="open-thread-weekend-edition")
    times = list(
        Comment.objects.filter(post=thread).order_by("number").values_list("created", flat=True)
    )
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
    quarter = len(gaps) // 4
    assert statistics.median(gaps[:quarter]) * 3 < statistics.median(gaps[-quarter:])
    assert times[-1] - times[0] > timedelta(hours=12)


def test_the_open_threads_bodies_are_whole(demo):
    thread = Post.objects.get(slug="open-thread-weekend-edition")
    for body in Comment.objects.filter(post=thread).values_list("body", flat=True):
        for paragraph in body.split("\n\n"):
            assert SENTENCES.match(paragraph) or paragraph == "[source](https://example.org/report)"


def test_running_the_demo_discussions_again_adds_nothing(demo):
    count = Comment.objects.count()
    assert "nothing was added" in build_demo_discussions()
    assert Comment.objects.count() == count
