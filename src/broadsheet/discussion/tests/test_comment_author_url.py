"""An anonymous commenter's web site (WordPress's "Website"): asked in the form, checked,
stored, and read by the spam filter."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from broadsheet.accounts.models import User
from broadsheet.discussion import services
from broadsheet.discussion.forms import CommentForm
from broadsheet.discussion.models import Comment, DiscussionSettings
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import InvalidInput
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post
from broadsheet.screening.spam import assess_spam
from broadsheet.screening.spam_features import SpamInput

pytestmark = pytest.mark.django_db

SAM = {"anonymous_name": "Sam", "anonymous_email": "sam@example.org"}
REFUSED_SCHEMES = [
    "javascript:alert(1)",
    "JavaScript://example.org/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://files.example.org/",
    "mailto:sam@example.org",
]


@pytest.fixture
def post(editor: User) -> Post:
    return make_post(editor, "Harbour dredging approved")


@pytest.fixture
def anonymous_allowed() -> None:
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})


def sams_fields(url: str, body: str = "Silt moves.") -> dict[str, str]:
    return {"body": body, "name": "Sam", "email": "sam@example.org", "url": url}


def anonymous_form(url: str) -> CommentForm:
    return CommentForm(sams_fields(url), anonymous=True)


# The form


@pytest.mark.parametrize("url", REFUSED_SCHEMES)
def test_the_form_refuses_an_address_that_is_not_a_web_page(url: str) -> None:
    form = anonymous_form(url)
    assert not form.is_valid()
    assert form.errors["url"] == [
        "Give your web site's address, starting with http:// or https://."
    ]


def test_the_form_takes_a_bare_host_as_https_and_keeps_a_full_address() -> None:
    bare = anonymous_form(" example.org ")
    assert bare.is_valid(), bare.errors
    assert bare.cleaned_data["url"] == "https://example.org"
    full = anonymous_form("http://sam.example.org/about?lang=en")
    assert full.is_valid(), full.errors
    assert full.cleaned_data["url"] == "http://sam.example.org/about?lang=en"
    empty = anonymous_form("")
    assert empty.is_valid(), empty.errors
    assert empty.cleaned_data["url"] == ""


def test_the_form_removes_bidirectional_controls_and_refuses_long_addresses() -> None:
    spoofed = anonymous_form("https://user\u202egnp.exe.example.org")
    assert spoofed.is_valid(), spoofed.errors
    assert spoofed.cleaned_data["url"] == "https://usergnp.exe.example.org"
    long = anonymous_form("https://example.org/" + "a" * 200)
    assert not long.is_valid()
    assert "at most 200 characters" in " ".join(long.errors["url"])


def test_only_anonymous_commenters_are_asked_for_a_website() -> None:
    assert "url" in CommentForm(anonymous=True).fields
    assert "url" not in CommentForm(anonymous=False).fields


def test_the_page_offers_the_field_to_anonymous_commenters_only(
    client: Client, post: Post, reader: User, anonymous_allowed: None
) -> None:
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<label for="id_url">Website</label>' in page
    assert 'type="url" name="url"' in page
    client.force_login(reader)
    assert 'name="url"' not in client.get(post.get_absolute_url()).content.decode()


# Stored through the page and the service


def test_an_anonymous_comment_posted_with_a_website_stores_it(
    client: Client, post: Post, anonymous_allowed: None
) -> None:
    response = client.post(
        post.get_absolute_url(), {**sams_fields("sam.example.org/blog"), "post": "1"}
    )
    assert response.status_code == 302
    assert Comment.objects.get().author_url == "https://sam.example.org/blog"


def test_a_javascript_address_comes_back_in_the_form_and_nothing_is_stored(
    client: Client, post: Post, anonymous_allowed: None
) -> None:
    fields = sams_fields("javascript:alert(document.cookie)", body="Keep my words.")
    response = client.post(post.get_absolute_url(), {**fields, "post": "1"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give your web site's address, starting with http:// or https://." in html.unescape(page)
    assert "Keep my words.</textarea>" in page
    assert not Comment.objects.exists()


@pytest.mark.parametrize("url", REFUSED_SCHEMES)
def test_the_service_refuses_what_is_not_a_web_page_for_callers_without_a_form(
    post: Post, anonymous_allowed: None, url: str
) -> None:
    with pytest.raises(InvalidInput, match="starting with http:// or https://") as refused:
        make_comment(post, AnonymousUser(), author_url=url, **SAM)
    assert refused.value.code == "invalid_author_url"
    assert not Comment.objects.exists()


def test_a_signed_in_authors_comment_carries_no_website(post: Post, reader: User) -> None:
    comment = make_comment(post, reader, author_url="https://rita.example.org")
    assert comment.author_url == ""


def test_an_import_keeps_a_good_address_and_drops_a_bad_one(post: Post) -> None:
    kept, dropped = services.post_comments(
        post=post,
        comments=[
            services.NewComment(
                author=AnonymousUser(), body="Old words.", author_url="http://old.example.org"
            ),
            services.NewComment(
                author=AnonymousUser(), body="Old words.", author_url="javascript:x"
            ),
        ],
        imported=True,
    )
    assert (kept.author_url, dropped.author_url) == ("http://old.example.org", "")


# What the spam filter reads


def test_the_spam_filter_scores_the_comment_with_its_website(
    post: Post, anonymous_allowed: None
) -> None:
    body = "Great post, thanks for sharing."
    url = "https://cheap-replica-watches-outlet.shop/best-deals"
    comment = make_comment(post, AnonymousUser(), body, author_url=url, **SAM)
    with_url = assess_spam(
        comment=SpamInput(text=f"{comment.subject}\n{body}", author_name="Sam", author_url=url)
    ).score
    without_url = assess_spam(
        comment=SpamInput(text=f"{comment.subject}\n{body}", author_name="Sam")
    ).score
    assert comment.spam_score == pytest.approx(with_url)
    assert with_url != pytest.approx(without_url)
