"""Stored comment fragments follow every change to the comment and to the site's formats."""

from __future__ import annotations

import pytest

from broadsheet.discussion import fragments, services
from broadsheet.discussion.models import Comment, thread_look
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.publishing.models import SiteSettings
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(editor, reader):
    return make_comment(make_post(editor), reader, "Original *text*", subject="Subject")


def stored(comment: Comment) -> str:
    return Comment.objects.get(pk=comment.pk).fragment_html


def test_a_new_comment_is_stored_with_its_rendered_fragment(comment, reader):
    html = stored(comment)
    assert f'id="comment-{comment.pk}"' in html
    assert "Original <em>text</em>" in html
    assert f">{reader.username}</a>" in html
    assert "(none / 0)" in html
    assert f"(#{comment.number})" in Comment.objects.get(pk=comment.pk).line_html


def test_ratings_edits_and_deletion_render_the_fragment_again(comment, reader, editor):
    services.rate_comment(comment=comment, rater=editor, value=4)
    assert "(4.00 / 1)" in stored(comment)
    services.edit_comment(comment=comment, editor=reader, subject="", body="Changed")
    assert "Changed" in stored(comment)
    assert ">edited</span>" in stored(comment)
    services.delete_comment(comment=comment, user=reader)
    assert "[deleted]" in stored(comment)
    assert "Changed" not in stored(comment)


def test_a_new_site_time_zone_renders_stale_fragments_when_next_read(client, comment):
    SiteSettings.objects.update_or_create(pk=1, defaults={"time_zone": "UTC"})
    client.get(comment.post.get_absolute_url())
    assert " UTC</time>" in stored(comment)
    SiteSettings.objects.filter(pk=1).update(
        time_zone="Asia/Tokyo", date_format="%Y-%m-%d %H:%M %Z"
    )
    page = client.get(comment.post.get_absolute_url()).content.decode()
    assert " JST</time>" in page
    assert " JST</time>" in stored(comment)


OWN_COMMENT_HEAD = """<article class="comment our-comment" id="comment-{{ row.id }}"
 data-comment-id="{{ row.id }}">
<h3 class="comment__subject">{{ row.subject }}</h3>
{% include "discussion/_our_byline.html" %}
<div class="comment__body prose">{{ row.body_html|safe }}</div>
"""


def test_a_themes_comment_head_renders_stored_comments_again_on_the_next_read(
    client, comment, site_theme
):
    site = SiteSettings.objects.get(pk=1)
    built_in_key = Comment.objects.get(pk=comment.pk).fragment_key
    assert fragments.fragment_key_for(site, thread_look(comment.post)) == built_in_key
    site_theme.write("templates/discussion/_our_byline.html", "<p>Said by our reader</p>\n")
    site_theme.write("templates/discussion/_comment_head.html", OWN_COMMENT_HEAD)
    themed_key = fragments.fragment_key_for(site, thread_look(comment.post))
    assert themed_key != built_in_key
    assert "our-comment" not in stored(comment)  # nothing is rendered before a reader asks

    page = client.get(comment.post.get_absolute_url()).content.decode()

    assert 'class="comment our-comment"' in page
    assert "<p>Said by our reader</p>" in page
    assert 'class="comment our-comment"' in stored(comment)
    assert Comment.objects.get(pk=comment.pk).fragment_key == themed_key


def test_the_fragment_key_follows_the_templates_a_comment_head_includes(comment, site_theme):
    site = SiteSettings.objects.get(pk=1)
    site_theme.write("templates/discussion/_comment_head.html", OWN_COMMENT_HEAD)
    site_theme.write("templates/discussion/_our_byline.html", "<p>Said by our reader</p>\n")
    first = fragments.fragment_key_for(site, thread_look(comment.post))
    site_theme.write("templates/discussion/_our_byline.html", "<p>Written by our reader</p>\n")
    assert fragments.fragment_key_for(site, thread_look(comment.post)) != first
