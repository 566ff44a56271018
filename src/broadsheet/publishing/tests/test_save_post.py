"""Saving a post validates it, renders its Markdown once, and keeps slugs unique."""

from __future__ import annotations

import pytest

from broadsheet.errors import InvalidInput, NotAllowed
from broadsheet.publishing import services
from broadsheet.publishing.models import MAX_POST_TEXT_LENGTH, PostStatus
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_markdown_is_rendered_and_stored_at_write_time(editor):
    post = make_post(editor, intro="Some *emphasis*.\n\n> A quoted source.", body="1. one\n2. two")
    assert "<em>emphasis</em>" in post.intro_html
    assert "<blockquote>" in post.intro_html
    assert "<ol>" in post.body_html
    assert post.has_extended_part


def test_scripts_and_event_handlers_are_removed_and_reported(editor):
    saved = services.create_post(
        editor=editor,
        title="Hostile",
        intro='Hi <script>alert(1)</script> <a href="javascript:alert(2)" onclick="x()">x</a>',
        status=PostStatus.DRAFT,
    )
    html = saved.post.intro_html
    assert "<script" not in html
    assert "alert(1)" not in html or "&lt;" in html
    assert "javascript:" not in html
    assert "onclick" not in html
    assert saved.warnings
    assert "<script>" in saved.warnings[0]
    assert "onclick" in saved.warnings[0]


def test_allowed_html_passes_without_a_warning(editor):
    saved = services.create_post(
        editor=editor, title="Cite", intro="<cite>The Agency</cite> said so.", status="draft"
    )
    assert "<cite>The Agency</cite>" in saved.post.intro_html
    assert saved.warnings == []


def test_slug_comes_from_the_title_and_a_clash_gets_a_suffix(editor):
    first = make_post(editor, "Budget vote delayed")
    second = make_post(editor, "Budget vote delayed")
    third = make_post(editor, "Another", slug="budget-vote-delayed")
    assert first.slug == "budget-vote-delayed"
    assert second.slug == "budget-vote-delayed-2"
    assert third.slug == "budget-vote-delayed-3"


def test_an_invalid_slug_is_refused_with_a_message(editor):
    with pytest.raises(InvalidInput, match="letters, digits, hyphens"):
        make_post(editor, slug="no spaces/or slashes")


def test_a_post_over_the_size_limit_is_refused(editor):
    with pytest.raises(InvalidInput, match="limit is"):
        make_post(editor, body="x" * (MAX_POST_TEXT_LENGTH + 1))


def test_title_and_intro_are_required(editor):
    with pytest.raises(InvalidInput, match="title"):
        make_post(editor, title="   ")
    with pytest.raises(InvalidInput, match="intro"):
        make_post(editor, intro="")


def test_only_youtube_and_vimeo_videos_are_accepted(editor):
    with pytest.raises(InvalidInput, match="YouTube and Vimeo"):
        make_post(editor, video_url="https://example.com/video.mp4")
    post = make_post(editor, "Video", video_url="https://youtu.be/aBcD3fGh1jK")
    assert post.video_url


def test_readers_may_not_write_posts(reader):
    with pytest.raises(NotAllowed):
        make_post(reader)


def test_publishing_without_a_time_publishes_now_and_a_future_time_schedules(editor):
    from datetime import timedelta

    from django.utils import timezone

    now_post = services.create_post(editor=editor, title="Now", intro="x", status="published").post
    assert now_post.publish_at is not None
    assert now_post.publish_at <= timezone.now()
    later = make_post(editor, "Later", publish_at=timezone.now() + timedelta(days=1))
    assert later.status == PostStatus.SCHEDULED


def test_update_post_changes_only_named_fields_and_rerenders(editor):
    post = make_post(editor, intro="old")
    saved = services.update_post(editor=editor, post=post, changes={"intro": "**new**"})
    assert "<strong>new</strong>" in saved.post.intro_html
    assert saved.post.title == "A story"
    with pytest.raises(InvalidInput, match="cannot be changed"):
        services.update_post(editor=editor, post=post, changes={"comment_count": 5})


def test_short_fields_longer_than_the_model_allows_are_refused(editor):
    with pytest.raises(InvalidInput, match="byline: Ensure this value has at most 200"):
        make_post(editor, byline="b" * 201)
