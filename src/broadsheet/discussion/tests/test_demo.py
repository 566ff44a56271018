"""The demo discussions show both reference pages' comment sections and a busy open thread."""

from __future__ import annotations

import pytest

from broadsheet.discussion.demo import OPEN_THREAD_COMMENTS, build_demo_discussions
from broadsheet.discussion.models import Comment
from broadsheet.publishing.demo import build_demo_site
from broadsheet.publishing.models import Post

pytestmark = pytest.mark.django_db


def test_demo_discussions_show_both_pages(client):
    build_demo_site()
    build_demo_discussions()

    story = Post.objects.get(slug="county-jail-audit-finds-gaps-in-medical-checks")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "(4.50 / 4)" in page
    assert "(none / 0)" in page
    assert 'class="comment__parent"' in page

    analysis = Post.objects.get(slug="ceasefire-talks-resume-as-envoys-meet")
    assert not analysis.comments_open
    page = client.get(analysis.get_absolute_url()).content.decode()
    assert "6 Responses" in page
    assert "Comments are closed." in page
    assert "Une précision" in page
    assert "شكراً على المتابعة" in page
    assert "link to the briefing" in page
    assert Comment.objects.filter(post=analysis, depth=1).count() == 3

    thread = Post.objects.get(slug="open-thread-weekend-edition")
    assert thread.comment_count == OPEN_THREAD_COMMENTS
    assert Comment.objects.filter(post=thread, depth__gte=2).exists()


def test_running_the_demo_discussions_again_adds_nothing(db):
    build_demo_site()
    build_demo_discussions()
    count = Comment.objects.count()
    assert "nothing was added" in build_demo_discussions()
    assert Comment.objects.count() == count
