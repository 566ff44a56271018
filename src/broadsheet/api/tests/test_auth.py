"""Scripts authenticate with a token; the site's pages with the session and its CSRF token."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import get_random_string

from broadsheet.accounts.models import ApiToken
from broadsheet.api.auth import TOKEN_USE_RECORDING_INTERVAL
from broadsheet.publishing.models import Post, PostStatus
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

NEW_POST = {"title": "By session", "intro": "Written in the browser."}


def test_a_valid_token_acts_as_its_user(client, editor, editor_token):
    draft = make_post(editor, "A draft", status=PostStatus.DRAFT)
    headers = {"Authorization": f"Token {editor_token.key}"}
    assert client.get(f"/api/posts/{draft.pk}", headers=headers).status_code == 200
    assert client.get(f"/api/posts/{draft.pk}").status_code == 404


def test_the_scheme_name_is_case_insensitive(client, editor, editor_token):
    draft = make_post(editor, "A draft", status=PostStatus.DRAFT)
    headers = {"Authorization": f"token   {editor_token.key}"}
    assert client.get(f"/api/posts/{draft.pk}", headers=headers).status_code == 200


@pytest.mark.parametrize("header", ["Token not-a-key", "Token ", "Token"])
def test_an_invalid_token_is_refused_even_for_reading(client, header):
    response = client.get("/api/posts", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {
        "error": "unauthorized",
        "detail": "This API token is not valid. Ask an admin for a new one.",
    }


def test_the_token_of_a_deactivated_account_is_refused(client, editor, editor_token):
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    response = client.post(
        "/api/posts",
        data=json.dumps(NEW_POST),
        content_type="application/json",
        headers={"Authorization": f"Token {editor_token.key}"},
    )
    assert response.status_code == 401


def test_another_scheme_is_not_a_token(client):
    response = client.post(
        "/api/posts",
        data="{}",
        content_type="application/json",
        headers={"Authorization": "Bearer x"},
    )
    assert response.status_code == 401
    assert "Authorization: Token <key>" in response.json()["detail"]


def test_last_used_is_written_at_most_once_a_minute(client, editor_token):
    headers = {"Authorization": f"Token {editor_token.key}"}

    client.get("/api/posts", headers=headers)
    editor_token.refresh_from_db()
    first_use = editor_token.last_used
    assert first_use is not None

    with CaptureQueriesContext(connection) as captured:
        client.get("/api/posts", headers=headers)
    assert not [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    editor_token.refresh_from_db()
    assert editor_token.last_used == first_use

    an_interval_ago = timezone.now() - TOKEN_USE_RECORDING_INTERVAL - timedelta(seconds=1)
    ApiToken.objects.filter(pk=editor_token.pk).update(last_used=an_interval_ago)
    client.get("/api/posts", headers=headers)
    editor_token.refresh_from_db()
    assert editor_token.last_used > an_interval_ago + timedelta(seconds=1)


@pytest.fixture
def csrf_client(editor) -> tuple[Client, str]:
    """A browser-like client: signed in as the editor, enforcing CSRF, with a csrftoken cookie."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    secret = get_random_string(32)
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    return browser, secret


def test_a_signed_in_editor_writes_with_the_csrf_token(csrf_client):
    browser, secret = csrf_client
    response = browser.post(
        "/api/posts",
        data=json.dumps(NEW_POST),
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 201, response.content
    assert response.json()["authors"] == ["ed_editor"]


@pytest.mark.parametrize("sent_token", [None, "wrong" * 8])
def test_a_signed_in_write_without_the_csrf_token_is_refused(csrf_client, sent_token):
    browser, _ = csrf_client
    headers = {"X-CSRFToken": sent_token} if sent_token else {}
    response = browser.post(
        "/api/posts", data=json.dumps(NEW_POST), content_type="application/json", headers=headers
    )
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    assert not Post.objects.exists()


def test_signed_in_reads_need_no_csrf_token(csrf_client, editor):
    browser, _ = csrf_client
    draft = make_post(editor, "A draft", status=PostStatus.DRAFT)
    assert browser.get(f"/api/posts/{draft.pk}").status_code == 200


def test_an_anonymous_write_is_401_not_a_csrf_failure():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/api/posts", data=json.dumps(NEW_POST), content_type="application/json"
    )
    assert response.status_code == 401


def test_a_signed_in_reader_may_not_write(reader):
    browser = Client()
    browser.force_login(reader)
    response = browser.post(
        "/api/posts", data=json.dumps(NEW_POST), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
