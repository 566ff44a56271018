"""Editors write, preview, schedule and publish in the Django admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from broadsheet.publishing.models import Post, PostStatus, SiteSettings
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


def admin_post_form(editor, **overrides):
    data = {
        "title": "From the desk",
        "slug": "",
        "authors": [str(editor.pk)],
        "byline": "",
        "section": "",
        "intro": "An intro with a quote:\n\n> quoted source",
        "body": "The extended part.",
        "status": PostStatus.PUBLISHED,
        "publish_at_0": "",
        "publish_at_1": "",
        "comments_open": "on",
        "video_url": "",
        "video_title": "",
    }
    data.update(overrides)
    return data


def test_an_editor_publishes_a_post_from_the_admin_and_it_is_rendered(client, editor):
    client.force_login(editor)
    response = client.post("/admin/publishing/post/add/", admin_post_form(editor))
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get(title="From the desk")
    assert post.slug == "from-the-desk"
    assert "<blockquote>" in post.intro_html
    assert post.publish_at is not None
    assert list(post.authors.all()) == [editor]
    assert "From the desk" in client.get("/").content.decode()


def test_a_taken_slug_gets_a_suffix_and_the_editor_is_told(client, editor):
    make_post(editor, "From the desk")
    client.force_login(editor)
    response = client.post(
        "/admin/publishing/post/add/", admin_post_form(editor, slug="from-the-desk"), follow=True
    )
    assert Post.objects.filter(slug="from-the-desk-2").exists()
    assert "from-the-desk-2" in response.content.decode()


def test_removed_html_is_reported_to_the_editor(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/publishing/post/add/",
        admin_post_form(editor, intro="Hi <script>alert(1)</script>"),
        follow=True,
    )
    assert "Removed HTML that posts may not contain: &lt;script&gt;" in response.content.decode()
    assert "<script>alert" not in Post.objects.get().intro_html


def test_invalid_input_comes_back_in_the_form_with_the_typed_text(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/publishing/post/add/",
        admin_post_form(editor, video_url="https://example.com/clip.mp4", title="Keep my title"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "only YouTube and Vimeo links can be embedded" in page
    assert 'value="Keep my title"' in page
    assert not Post.objects.exists()


def test_a_future_publish_time_schedules_the_post(client, editor):
    client.force_login(editor)
    tomorrow = timezone.localtime() + timedelta(days=1)
    client.post(
        "/admin/publishing/post/add/",
        admin_post_form(
            editor,
            publish_at_0=tomorrow.strftime("%Y-%m-%d"),
            publish_at_1=tomorrow.strftime("%H:%M:%S"),
        ),
    )
    assert Post.objects.get().status == PostStatus.SCHEDULED
    assert "From the desk" not in Client().get("/").content.decode()


def test_readers_cannot_open_the_admin(client, reader):
    client.force_login(reader)
    response = client.get("/admin/publishing/post/add/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_post_list_has_filters_and_search(client, editor):
    make_post(editor, "Findable headline")
    client.force_login(editor)
    page = client.get("/admin/publishing/post/?q=Findable").content.decode()
    assert "Findable headline" in page
    assert "By status" in page


def test_site_settings_are_one_row_opened_straight_from_the_list(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/publishing/sitesettings/")
    assert response.status_code == 302
    assert response["Location"].endswith("/admin/publishing/sitesettings/1/change/")
    assert client.get("/admin/publishing/sitesettings/add/").status_code == 403
    SiteSettings.objects.filter(pk=1).update(tagline="Daily coverage of the courts")
    assert "Daily coverage of the courts" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("link", "accepted"),
    [
        ("/posts/what-the-contribute-box-is-for/", True),
        ("https://owner.example/give", True),
        ("javascript:alert(1)", False),
        ("//elsewhere.example/give", False),
        ("ftp://owner.example/give", False),
    ],
)
def test_the_contribute_link_is_a_page_of_the_site_or_a_web_address(link, accepted):
    from django.core.exceptions import ValidationError

    from broadsheet.publishing.models import validate_site_link

    if accepted:
        validate_site_link(link)
    else:
        with pytest.raises(ValidationError):
            validate_site_link(link)
