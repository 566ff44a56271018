"""The demo site shows every element of both reference pages."""

from __future__ import annotations

import pytest

from broadsheet.publishing import selectors
from broadsheet.publishing.demo import build_demo_site
from broadsheet.publishing.models import Post, Section

pytestmark = pytest.mark.django_db


def test_demo_site_has_the_anatomy_of_both_reference_pages(client):
    build_demo_site()
    visible = selectors.visible_posts()
    assert visible.count() >= 8
    assert Section.objects.filter(posts__in=visible).distinct().count() >= 3

    story = Post.objects.get(slug="county-jail-audit-finds-gaps-in-medical-checks")
    assert "<blockquote>" in story.intro_html
    assert story.has_extended_part
    assert "<ol>" in story.body_html
    assert story.body_html.count("<blockquote>") == 1

    around = selectors.neighbours(story)
    assert around.previous is not None
    assert around.next is not None
    assert around.previous.open_thread or around.next.open_thread

    video_post = Post.objects.exclude(byline="").get(video_url__startswith="https://")
    assert not video_post.comments_open
    page = client.get(video_post.get_absolute_url()).content.decode()
    assert f"By {video_post.byline} | (The Lantern Ledger) | " in page
    assert "Related video:" in page

    front = client.get("/").content.decode()
    assert "The online magazine with daily coverage" in front
    assert "Contribute To The Lantern Ledger" in front


def test_running_the_demo_twice_adds_nothing(db):
    build_demo_site()
    counts = Post.objects.count(), Section.objects.count()
    assert "nothing was added" in build_demo_site()
    assert (Post.objects.count(), Section.objects.count()) == counts
