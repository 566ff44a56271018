"""Disqus threads find their posts here by address, old address or WordPress identifier."""

from __future__ import annotations

import pytest

from broadsheet.accounts.models import User
from broadsheet.interop.models import ImportedObject, Redirect
from broadsheet.interop.records import Source
from broadsheet.interop.thread_matching import SitePostMatcher
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(editor: User) -> Post:
    return make_post(editor, "Courts and jails", slug="courts-and-jails")


def test_the_posts_address_on_any_host_with_or_without_slash_and_query(post: Post) -> None:
    matcher = SitePostMatcher()
    for link in (
        "https://example.org/posts/courts-and-jails/",
        "http://old.example.net/posts/courts-and-jails",
        "/posts/courts-and-jails/?utm_source=feed#comments",
    ):
        assert matcher.post_for_address(link) == post.pk, link
    assert matcher.post_for_address("https://example.org/posts/another/") is None
    assert matcher.post_for_address("https://example.org/sections/") is None
    assert matcher.post_for_address("") is None


def test_an_old_address_that_redirects_to_the_post(post: Post) -> None:
    Redirect.objects.create(old_path="/2014/05/06/courts/", new_path=post.get_absolute_url())
    Redirect.objects.create(old_path="/?p=77", new_path="/2014/05/06/courts/")
    matcher = SitePostMatcher()
    assert matcher.post_for_address("http://old.example.org/2014/05/06/courts") == post.pk
    assert matcher.post_for_address("http://old.example.org/?p=77") == post.pk  # two hops
    assert matcher.post_for_address("http://old.example.org/?p=78") is None


def test_the_wordpress_plugins_identifier(post: Post) -> None:
    ImportedObject.objects.create(
        source=Source.WORDPRESS, kind="post", key="123", object_id=post.pk
    )
    matcher = SitePostMatcher()
    assert matcher.post_for_identifier("123 http://old.example.org/?p=123") == post.pk
    assert matcher.post_for_identifier("123") == post.pk
    assert matcher.post_for_identifier("124 http://old.example.org/?p=124") is None
    assert matcher.post_for_identifier("/posts/courts-and-jails/") == post.pk
    assert matcher.post_for_identifier("some-custom-id") is None


def test_a_map_target_by_slug_or_address(post: Post) -> None:
    matcher = SitePostMatcher()
    assert matcher.post_for_target("courts-and-jails") == post.pk
    assert matcher.post_for_target("https://example.org/posts/courts-and-jails/") == post.pk
    assert matcher.post_for_target("no-such-slug") is None
