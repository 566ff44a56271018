"""The demo site shows every element of both reference pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from broadsheet.publishing import selectors
from broadsheet.publishing.demo import build_demo_site
from broadsheet.publishing.demo_texts import CONTRIBUTE_SLUG
from broadsheet.publishing.models import Post, Section, SiteSettings

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


def test_contribute_leads_to_a_demo_page_that_says_what_the_box_is_for(client):
    build_demo_site()
    front = client.get("/").content.decode()
    link = re.search(r'<a class="button button--accent" href="([^"]+)">Contribute To', front)
    assert link is not None
    assert link.group(1) == f"/posts/{CONTRIBUTE_SLUG}/"
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert "is where a reader-funded site asks for support" in page.content.decode()


def test_an_earlier_demos_placeholder_contribute_link_is_mended(db):
    build_demo_site()
    SiteSettings.objects.filter(pk=1).update(contribute_url="https://example.org/contribute")
    build_demo_site()
    assert SiteSettings.objects.get(pk=1).contribute_url == f"/posts/{CONTRIBUTE_SLUG}/"
    SiteSettings.objects.filter(pk=1).update(contribute_url="https://owner.example/give")
    assert "nothing was added" in build_demo_site()
    assert SiteSettings.objects.get(pk=1).contribute_url == "https://owner.example/give"


def test_every_page_has_a_favicon(client):
    build_demo_site()
    front = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', front)
    assert icon is not None
    assert finders.find("theme/favicon.svg") is not None
    habit = client.get("/favicon.ico")
    assert habit.status_code == 302
    assert habit["Location"] == icon.group(1)
    assert client.post("/favicon.ico").status_code == 405


def test_the_demos_authors_have_display_names(client):
    build_demo_site()
    story = Post.objects.get(slug="county-jail-audit-finds-gaps-in-medical-checks")
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'rel="author" dir="auto">Mara Quill</a>' in page


def test_running_the_demo_twice_adds_nothing(db):
    build_demo_site()
    counts = Post.objects.count(), Section.objects.count()
    assert "nothing was added" in build_demo_site()
    assert (Post.objects.count(), Section.objects.count()) == counts
