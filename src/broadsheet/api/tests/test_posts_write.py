"""Editors create and change posts through the API, with the same rules as in the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.publishing.models import MAX_POST_TEXT_LENGTH, Post, PostStatus
from broadsheet.publishing.tests.factories import make_post, make_section, make_tag

pytestmark = pytest.mark.django_db

NEW_POST = {"title": "Budget vote delayed", "intro": "The council *did not* vote."}


def test_an_editor_creates_a_post_with_a_token(send, editor):
    make_section("Justice")
    make_tag("jails")

    response = send(
        "post",
        "/api/posts",
        {**NEW_POST, "section": "justice", "tags": ["jails"], "status": "published"},
        user=editor,
    )

    assert response.status_code == 201, response.content
    data = response.json()
    post = Post.objects.get(pk=data["id"])
    assert post.title == "Budget vote delayed"
    assert post.intro_html == "<p>The council <em>did not</em> vote.</p>\n"
    assert data["slug"] == "budget-vote-delayed"
    assert data["url"] == "http://testserver/posts/budget-vote-delayed/"
    assert data["section"] == "justice"
    assert data["tags"] == ["jails"]
    assert data["authors"] == ["ed_editor"]  # the caller, when no authors are named
    assert data["status"] == "published"
    assert data["published"] is not None
    assert data["warnings"] == []


def test_a_new_post_is_a_draft_unless_told_otherwise(send, editor):
    data = send("post", "/api/posts", NEW_POST, user=editor).json()
    assert data["status"] == "draft"
    assert data["published"] is None
    assert Post.objects.get(pk=data["id"]).status == PostStatus.DRAFT


def test_a_published_post_with_a_future_time_is_scheduled(send, editor):
    later = (timezone.now() + timedelta(days=1)).isoformat()
    data = send(
        "post", "/api/posts", {**NEW_POST, "status": "published", "publish_at": later}, user=editor
    ).json()
    assert data["status"] == "scheduled"
    assert data["published"] is None


def test_named_authors_replace_the_caller(send, editor, admin_user):
    data = send("post", "/api/posts", {**NEW_POST, "authors": ["ada_admin"]}, user=editor).json()
    assert data["authors"] == ["ada_admin"]


def test_raw_html_and_scripts_are_removed_and_reported(send, editor):
    response = send(
        "post",
        "/api/posts",
        {"title": "Hostile", "intro": 'Hi <script>alert(1)</script> <b onclick="x()">b</b>'},
        user=editor,
    )
    assert response.status_code == 201
    data = response.json()
    assert "<script" not in data["intro_html"]
    assert "onclick" not in data["intro_html"]
    [warning] = data["warnings"]
    assert "<script>" in warning
    assert "onclick" in warning


def test_a_taken_slug_gets_a_suffix(send, editor):
    make_post(editor, "Budget vote delayed")
    data = send("post", "/api/posts", NEW_POST, user=editor).json()
    assert data["slug"] == "budget-vote-delayed-2"
    again = send("post", "/api/posts", {**NEW_POST, "slug": "budget-vote-delayed"}, user=editor)
    assert again.json()["slug"] == "budget-vote-delayed-3"


def assert_invalid(response, *fragments: str) -> None:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] == "invalid"
    for fragment in fragments:
        assert fragment in body["detail"]


def test_an_invalid_slug_is_refused(send, editor):
    response = send("post", "/api/posts", {**NEW_POST, "slug": "no spaces/here"}, user=editor)
    assert_invalid(response, "letters, digits, hyphens")
    assert not Post.objects.exists()


def test_unknown_sections_tags_and_authors_are_refused_by_name(send, editor):
    make_section("Justice")
    assert_invalid(
        send("post", "/api/posts", {**NEW_POST, "section": "sport"}, user=editor),
        "Unknown section 'sport'",
        "justice",
    )
    assert_invalid(
        send("post", "/api/posts", {**NEW_POST, "tags": ["nope", "nada"]}, user=editor),
        "Unknown tags: nada, nope",
    )
    assert_invalid(
        send("post", "/api/posts", {**NEW_POST, "authors": ["ghost"]}, user=editor),
        "Unknown authors: ghost",
    )
    assert not Post.objects.exists()


def test_a_post_over_the_size_limit_is_refused(send, editor):
    response = send(
        "post", "/api/posts", {**NEW_POST, "body": "x" * (MAX_POST_TEXT_LENGTH + 1)}, user=editor
    )
    assert_invalid(response, f"the limit is {MAX_POST_TEXT_LENGTH:,}")


def test_missing_required_fields_are_named(send, editor):
    assert_invalid(
        send("post", "/api/posts", {"body": "No title"}, user=editor),
        "title: Field required",
        "intro: Field required",
    )
    assert_invalid(send("post", "/api/posts", None, user=editor), "request body:")


def test_a_blank_title_is_refused_by_the_service(send, editor):
    assert_invalid(
        send("post", "/api/posts", {**NEW_POST, "title": "   "}, user=editor), "needs a title"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", 123, "title: Input should be a valid string"),
        ("tags", "jails", "tags: Input should be a valid list"),
        ("tags", ["ok", 5], "tags[1]: Input should be a valid string"),
        ("sticky", "perhaps", "sticky: Input should be a valid boolean"),
        ("status", "live", "status: Input should be 'draft', 'scheduled' or 'published'"),
        ("publish_at", "2026-05-01T09:00:00", "publish_at: Input should have timezone info"),
        ("publish_at", "tomorrow", "publish_at: Input should be a valid datetime"),
        ("titel", "Typo", "titel: Extra inputs are not permitted"),
        ("byline", "x" * 201, "byline: the limit is 200 characters"),
    ],
)
def test_wrong_types_and_unknown_fields_are_refused_with_the_field_named(
    send, editor, field, value, message
):
    assert_invalid(send("post", "/api/posts", {**NEW_POST, field: value}, user=editor), message)


def test_a_body_that_is_not_an_object_is_refused(send, editor):
    assert_invalid(send("post", "/api/posts", ["a", "list"], user=editor), "request body:")


def test_only_the_fields_sent_change(send, editor):
    make_section("Justice")
    make_tag("jails")
    make_tag("courts")
    post = make_post(
        editor,
        "Old title",
        intro="Old intro.",
        section=make_section("Labor"),
        tags=[make_tag("budget")],
    )

    response = send(
        "patch",
        f"/api/posts/{post.pk}",
        {"title": "New title", "tags": ["jails", "courts"], "section": "justice"},
        user=editor,
    )

    assert response.status_code == 200, response.content
    data = response.json()
    post.refresh_from_db()
    assert post.title == data["title"] == "New title"
    assert post.intro == "Old intro."
    assert post.slug == data["slug"] == "old-title"  # a permalink does not move with the title
    assert data["section"] == "justice"
    assert data["tags"] == ["courts", "jails"]  # replaced, not added to
    assert data["authors"] == ["ed_editor"]
    assert data["warnings"] == []


def test_patch_clears_a_section_with_null_and_publishes_a_draft(send, editor):
    post = make_post(editor, "Draft", status=PostStatus.DRAFT, section=make_section("Justice"))
    post.publish_at = None
    post.save(update_fields=["publish_at"])

    data = send(
        "patch",
        f"/api/posts/{post.pk}",
        {"section": None, "status": "published"},
        user=editor,
    ).json()

    assert data["section"] is None
    assert data["status"] == "published"
    assert data["published"] is not None


def test_patch_reports_removed_html(send, editor):
    post = make_post(editor)
    data = send(
        "patch", f"/api/posts/{post.pk}", {"body": "<iframe src=x></iframe>"}, user=editor
    ).json()
    assert "<iframe>" in data["warnings"][0]
    assert "iframe" not in data["body_html"]


def test_patch_refuses_null_for_a_field_that_cannot_be_empty(send, editor):
    post = make_post(editor)
    assert_invalid(
        send("patch", f"/api/posts/{post.pk}", {"title": None}, user=editor),
        "title: Input should be a valid string",
    )


def test_patching_a_missing_post_is_a_json_404(send, editor):
    response = send("patch", "/api/posts/999", {"title": "x"}, user=editor)
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "There is no post 999."}


@pytest.mark.parametrize(("method", "url"), [("post", "/api/posts"), ("patch", "/api/posts/1")])
def test_writing_without_credentials_is_401(send, method, url):
    response = send(method, url, NEW_POST)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert "Token" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_readers_token_may_not_write(send, reader, editor):
    post = make_post(editor)
    for method, url in [("post", "/api/posts"), ("patch", f"/api/posts/{post.pk}")]:
        response = send(method, url, NEW_POST, user=reader)
        assert response.status_code == 403
        assert response.json() == {
            "error": "forbidden",
            "detail": "Only editors may write or change posts.",
        }
    assert Post.objects.get().title == "A story"


def test_a_reader_gets_403_before_any_lookup_reveals_what_exists(send, reader):
    response = send("patch", "/api/posts/999", {"section": "sport"}, user=reader)
    assert response.status_code == 403
