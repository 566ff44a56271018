"""Anyone reads published posts through the API, a page of 20 at a time, newest first."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.api.tests.conftest import token_header
from broadsheet.conftest import same_query_count
from broadsheet.publishing.api import POSTS_PER_PAGE
from broadsheet.publishing.models import PostStatus
from broadsheet.publishing.tests.factories import make_post, make_section, make_tag

pytestmark = pytest.mark.django_db

SUMMARY_FIELDS = {
    "id", "title", "slug", "url", "published", "section", "tags", "authors", "authors_display",
    "comment_count", "comments_open", "open_thread",
}  # fmt: skip


def test_the_list_shows_each_post_with_its_section_tags_authors_and_permalink(
    client, editor, admin_user
):
    section = make_section("Justice")
    editor.display_name = "Edna Ellis"
    editor.save(update_fields=["display_name"])
    post = make_post(
        editor,
        "Budget vote delayed",
        section=section,
        tags=[make_tag("jails"), make_tag("courts")],
        authors=[editor, admin_user],
        open_thread=True,
    )

    response = client.get("/api/posts")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["count"] == 1
    [item] = data["items"]
    assert set(item) == SUMMARY_FIELDS
    assert item["id"] == post.pk
    assert item["title"] == "Budget vote delayed"
    assert item["slug"] == "budget-vote-delayed"
    assert item["url"] == "http://testserver/posts/budget-vote-delayed/"
    published = datetime.fromisoformat(item["published"])
    assert published.tzinfo is not None
    assert abs(published - post.publish_at) < timedelta(milliseconds=1)
    assert item["section"] == "justice"
    assert item["tags"] == ["courts", "jails"]
    assert item["authors"] == ["ada_admin", "ed_editor"]
    assert item["authors_display"] == ["ada_admin", "Edna Ellis"]  # display name, else username
    assert item["comment_count"] == 0
    assert item["comments_open"] is True
    assert item["open_thread"] is True


def test_a_post_without_section_or_tags_has_null_and_empty_lists(client, editor):
    make_post(editor)
    [item] = client.get("/api/posts").json()["items"]
    assert item["section"] is None
    assert item["tags"] == []
    assert item["authors"] == ["ed_editor"]


def test_the_list_is_newest_first_and_paginated_by_twenty(client, editor):
    for number in range(POSTS_PER_PAGE + 5):
        make_post(editor, f"Story {number}", hours_ago=100 - number)

    first = client.get("/api/posts").json()
    second = client.get("/api/posts?page=2").json()
    beyond = client.get("/api/posts?page=3").json()

    assert first["count"] == second["count"] == 25
    assert len(first["items"]) == 20
    assert first["items"][0]["title"] == "Story 24"
    assert first["items"][-1]["title"] == "Story 5"
    assert [item["title"] for item in second["items"]] == [f"Story {n}" for n in range(4, -1, -1)]
    assert beyond == {"items": [], "count": 25}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "10000000000000000000000"])
def test_a_page_number_that_is_not_a_page_is_refused_as_json(client, page):
    response = client.get(f"/api/posts?page={page}")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid"
    assert body["detail"].startswith("page: ")


def test_drafts_and_future_posts_are_hidden_from_anonymous_readers(client, editor):
    published = make_post(editor, "Out now")
    draft = make_post(editor, "A draft", status=PostStatus.DRAFT)
    future = make_post(editor, "Tomorrow", publish_at=timezone.now() + timedelta(days=1))

    titles = [item["title"] for item in client.get("/api/posts").json()["items"]]

    assert titles == ["Out now"]
    assert client.get(f"/api/posts/{published.pk}").status_code == 200
    for hidden in (draft, future):
        response = client.get(f"/api/posts/{hidden.pk}")
        assert response.status_code == 404
        assert response.json() == {"error": "not_found", "detail": f"There is no post {hidden.pk}."}


def test_editors_list_drafts_and_scheduled_posts_on_request(client, editor):
    make_post(editor, "Out now")
    make_post(editor, "A draft", status=PostStatus.DRAFT)
    make_post(editor, "Tomorrow", publish_at=timezone.now() + timedelta(days=1))
    client.force_login(editor)

    def titles(query: str) -> list[str]:
        response = client.get(f"/api/posts{query}")
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["items"]]

    assert titles("") == ["Out now"]
    assert titles("?status=draft") == ["A draft"]
    assert titles("?status=scheduled") == ["Tomorrow"]
    [scheduled] = client.get("/api/posts?status=scheduled").json()["items"]
    assert scheduled["published"] is None


def test_readers_may_not_list_drafts(client, reader):
    client.force_login(reader)
    response = client.get("/api/posts?status=draft")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert client.get("/api/posts?status=nonsense").status_code == 422


def test_the_list_costs_the_same_queries_for_3_and_15_posts(page_queries, editor, admin_user):
    editor.display_name = "Edna Ellis"  # the names bylines show come with the authors' rows
    editor.save(update_fields=["display_name"])
    sections = [make_section("Justice"), make_section("Labor")]
    tags = [make_tag("jails"), make_tag("courts")]

    def add_posts(count: int) -> None:
        for number in range(count):
            make_post(
                editor,
                f"Story {number}",
                section=sections[number % 2],
                tags=tags[: number % 3],
                authors=[editor, admin_user][: 1 + number % 2],
            )

    add_posts(3)
    small = page_queries("/api/posts")
    add_posts(12)
    large = page_queries("/api/posts")
    assert same_query_count(small, large)
    assert len(small) <= 6  # site settings, count, posts with sections, authors, tags
    assert not [sql for sql in small if '"publishing_post"."body_html"' in sql]  # not shown


def test_an_editors_draft_list_costs_the_same_queries_for_3_and_15_posts(client, editor):
    headers = token_header(editor)

    def queries_for_drafts() -> list[str]:
        assert client.get("/api/posts?status=draft", headers=headers).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/posts?status=draft", headers=headers)
        assert response.status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    for number in range(3):
        make_post(editor, f"Draft {number}", status=PostStatus.DRAFT, tags=[make_tag(f"t{number}")])
    small = queries_for_drafts()
    for number in range(3, 15):
        make_post(editor, f"Draft {number}", status=PostStatus.DRAFT, tags=[make_tag(f"t{number}")])
    large = queries_for_drafts()
    assert same_query_count(small, large)


def test_a_single_post_has_its_html_markdown_and_settings(client, editor):
    post = make_post(
        editor,
        "Video story",
        intro="An *intro*.",
        body="The extended part.",
        byline="By the desk",
        video_url="https://youtu.be/aBcD3fGh1jK",
        video_title="The hearing",
        sticky=True,
    )

    response = client.get(f"/api/posts/{post.pk}")

    assert response.status_code == 200
    data = response.json()
    assert set(data) >= SUMMARY_FIELDS
    assert data["intro"] == "An *intro*."
    assert data["intro_html"] == "<p>An <em>intro</em>.</p>\n"
    assert data["body_html"] == "<p>The extended part.</p>\n"
    assert data["byline"] == "By the desk"
    assert data["status"] == "published"
    assert data["video_url"] == "https://youtu.be/aBcD3fGh1jK"
    assert data["video_title"] == "The hearing"
    assert data["sticky"] is True
    assert data["url"] == f"http://testserver/posts/{post.slug}/"


def test_editors_read_a_draft_by_id(client, editor):
    draft = make_post(editor, "A draft", status=PostStatus.DRAFT)
    client.force_login(editor)
    data = client.get(f"/api/posts/{draft.pk}").json()
    assert data["status"] == "draft"
    assert data["published"] is None


def test_a_missing_post_is_a_json_404(client):
    response = client.get("/api/posts/999")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "There is no post 999."}


def test_an_id_beyond_any_database_column_is_refused_not_a_crash(client):
    response = client.get("/api/posts/99999999999999999999999")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("post_id: ")
