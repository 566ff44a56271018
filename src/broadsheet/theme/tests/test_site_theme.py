"""A site's theme folder replaces built-in templates and static files of the same name."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

OWN_HEADER = """<header class="site-header our-masthead">
  <a href="{{ url('publishing:front_page') }}">{{ site.name }}, our way</a>
</header>
"""
OWN_COLOURS = ":root { --accent: #0b6e4f; }\n"
OWN_HEAD = """<link rel="stylesheet" href="{{ static('site/colours.css') }}">\n"""


def test_a_themes_header_replaces_the_built_in_one_on_every_page(client, site_theme, editor):
    post = make_post(editor, "A story under our masthead")
    site_theme.write("templates/theme/_header.html", OWN_HEADER)
    for url in ("/", post.get_absolute_url()):
        page = client.get(url).content.decode()
        assert 'class="site-header our-masthead"' in page
        assert ", our way</a>" in page
        assert 'class="site-title"' not in page  # the built-in header is gone
        assert "A story under our masthead" in page  # and the rest of the page is built-in
        assert 'class="site-footer"' in page


def test_without_a_theme_the_built_in_header_stands(client, db):
    page = client.get("/").content.decode()
    assert 'class="site-title"' in page
    assert "our-masthead" not in page


def test_a_themes_stylesheet_is_found_and_served_before_the_built_in_one(client, site_theme):
    own = site_theme.write("static/theme/base.css", OWN_COLOURS)
    assert Path(finders.find("theme/base.css")) == own
    # A file the theme does not have is still the app's.
    assert finders.find("publishing/publishing.css").endswith(
        "broadsheet/publishing/static/publishing/publishing.css"
    )
    response = client.get("/static/theme/base.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == OWN_COLOURS.encode()


def test_a_theme_adds_its_own_stylesheet_after_the_built_in_ones(client, site_theme):
    site_theme.write("static/site/colours.css", OWN_COLOURS)
    site_theme.write("templates/theme/_site_head.html", OWN_HEAD)
    page = client.get("/").content.decode()
    built_in = page.index('href="/static/accounts/accounts.css"')
    assert page.index('href="/static/site/colours.css"') > built_in
    assert client.get("/static/site/colours.css").status_code == 200
