"""Subjects, names and titles are stored without the bidirectional controls that let one
reorder what a reader sees ("user" + U+202E + "gnp.exe" shows as "userexe.png"), whichever
way they are written: the services, the API, the comment form and the admin all store them
through input_text.one_line."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser

from broadsheet.accounts import services as accounts
from broadsheet.api.tests.conftest import token_header
from broadsheet.discussion import services
from broadsheet.discussion.models import Comment, DiscussionSettings
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.errors import InvalidInput
from broadsheet.input_text import BIDI_CONTROLS
from broadsheet.publishing.models import Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"
SPOOF = f"user{RLO}gnp.exe"
PLAIN = "usergnp.exe"


@pytest.fixture
def post(editor) -> Post:
    return make_post(editor, "Budget vote delayed")


def test_a_comments_subject_loses_its_bidirectional_controls(post, reader):
    assert make_comment(post, reader, "Body.", subject=SPOOF).subject == PLAIN


def test_a_subject_taken_from_the_body_loses_them_too_and_the_body_keeps_them(post, reader):
    comment = make_comment(post, reader, f"See {SPOOF} now")
    assert comment.subject == f"See {PLAIN} now"
    assert RLO in comment.body  # a paragraph ends what it opens; Markdown bodies are kept


def test_an_edit_loses_them(post, reader):
    comment = make_comment(post, reader, "Body.")
    edited = services.edit_comment(comment=comment, editor=reader, subject=SPOOF, body="Body.")
    assert edited.subject == PLAIN


def test_an_anonymous_commenters_name_loses_them(post):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})
    name = f"{RLI}Sam{PDI} {SPOOF}"
    comment = make_comment(post, AnonymousUser(), anonymous_name=name, anonymous_email="s@ex.org")
    assert comment.author_name == f"Sam {PLAIN}"


def test_an_imported_name_loses_them(post):
    [comment] = services.post_comments(
        post=post,
        comments=[services.NewComment(author=AnonymousUser(), body="Old.", anonymous_name=SPOOF)],
        imported=True,
    )
    assert comment.author_name == PLAIN


def test_the_api_and_the_comment_form_store_the_same(client, post, reader):
    response = client.post(
        f"/api/posts/{post.pk}/comments",
        data=json.dumps({"subject": SPOOF, "body": "From a script."}),
        content_type="application/json",
        headers=token_header(reader),
    )
    assert response.status_code == 201, response.content
    client.force_login(reader)
    client.post(post.get_absolute_url(), {"subject": SPOOF, "body": "From the page."})
    assert list(Comment.objects.values_list("subject", flat=True)) == [PLAIN, PLAIN]


def test_a_posts_title_byline_and_video_title_lose_them(editor):
    post = make_post(
        editor,
        SPOOF,
        byline=f"By {SPOOF}",
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        video_title=f"{RLO}clip{PDF}",
    )
    assert (post.title, post.byline, post.video_title) == (PLAIN, f"By {PLAIN}", "clip")
    assert post.slug == "usergnpexe"


def test_the_admin_stores_a_title_without_them(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/publishing/post/add/",
        {
            "title": SPOOF,
            "slug": "",
            "authors": [admin_user.pk],
            "intro": "An intro.",
            "status": "draft",
            "comments_open": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Post.objects.get().title == PLAIN


def test_a_username_with_a_bidirectional_control_is_refused():
    with pytest.raises(InvalidInput, match="Username"):
        accounts.create_user(username=SPOOF, email="u@example.org", password="x" * 20)


def test_every_control_of_the_two_ranges_is_removed():
    assert {f"{ord(c):04X}" for c in BIDI_CONTROLS} == {
        "202A", "202B", "202C", "202D", "202E", "2066", "2067", "2068", "2069",
    }  # fmt: skip
