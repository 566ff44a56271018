"""Every API error is JSON {"error", "detail"} with the right status, never an HTML page."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import OperationalError
from django.http import Http404
from django.test import RequestFactory
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from broadsheet.api.errors import describe_validation_errors, install_error_handlers
from broadsheet.api.tests.conftest import token_header
from broadsheet.errors import Conflict

pytestmark = pytest.mark.django_db


def assert_json_error(response, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)  # also for bare HttpResponses, not from the test client
    assert set(body) == {"error", "detail"}
    assert body["error"] == code
    assert body["detail"]
    return body


@pytest.mark.parametrize("body", ['{"title": ', "not json at all", "{'single': 'quotes'}"])
def test_malformed_json_is_a_400_that_says_where(client, editor, body):
    response = client.post(
        "/api/posts", data=body, content_type="application/json", headers=token_header(editor)
    )
    detail = assert_json_error(response, 400, "malformed_json")["detail"]
    assert detail.startswith("The request body is not valid JSON: ")
    assert "line 1" in detail


def test_a_body_over_the_upload_limit_is_413(client, editor):
    too_big = '{"title": "x", "intro": "' + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + '"}'
    response = client.post(
        "/api/posts", data=too_big, content_type="application/json", headers=token_header(editor)
    )
    body = assert_json_error(response, 413, "too_large")
    assert "1,000,000 bytes" in body["detail"]


@pytest.mark.parametrize("address", ["/api/nothing-here", "/api/posts/", "/api/posts/abc/x"])
def test_unknown_api_addresses_are_a_json_404(client, address):
    body = assert_json_error(client.get(address), 404, "not_found")
    assert address in body["detail"]
    assert_json_error(client.post(address), 404, "not_found")


def test_an_unsupported_method_is_a_json_405_with_allow(client):
    response = client.delete("/api/posts")
    body = assert_json_error(response, 405, "method_not_allowed")
    assert "DELETE is not allowed" in body["detail"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_the_api_root_points_to_the_endpoints_and_docs(client):
    response = client.get("/api/")
    assert response.status_code == 200
    assert response.json() == {
        "posts": "http://testserver/api/posts",
        "docs": "http://testserver/api/docs",
        "openapi": "http://testserver/api/openapi.json",
    }


@pytest.fixture
def bare_api() -> NinjaAPI:
    """An API with only the error handlers, to feed them exceptions no endpoint raises yet."""
    api = NinjaAPI(urls_namespace="bare-errors-test")
    install_error_handlers(api)
    return api


@pytest.mark.parametrize(
    ("exception", "status", "code"),
    [
        (Http404("No Post matches the given query."), 404, "not_found"),
        (HttpError(429, "Too many requests."), 429, "throttled"),
        (HttpError(418, "I'm a teapot"), 418, "error"),
        (Conflict("That name is taken."), 409, "conflict"),
        (OperationalError("database is locked"), 503, "unavailable"),
        (RuntimeError("a bug"), 500, "server_error"),
    ],
)
def test_each_kind_of_error_maps_to_a_status_and_code(bare_api, exception, status, code):
    request = RequestFactory().get("/api/anything")
    response = bare_api.on_exception(request, exception)
    body = assert_json_error(response, status, code)
    assert "a bug" not in body["detail"]  # no internals in server errors
    assert "No Post matches" not in body["detail"]


def test_a_database_outage_asks_the_client_to_retry(bare_api):
    response = bare_api.on_exception(RequestFactory().get("/"), OperationalError("down"))
    assert response["Retry-After"] == "30"


def test_validation_errors_read_as_sentences_naming_fields():
    errors = ValidationError(
        [
            {"loc": ("body", "payload", "title"), "msg": "Field required", "type": "missing"},
            {"loc": ("body", "payload", "tags", 1), "msg": "Input should be a valid string"},
            {"loc": ("query", "page"), "msg": "Input should be greater than or equal to 1"},
            {"loc": ("body", "payload"), "msg": "Field required", "type": "missing"},
        ]
    ).errors
    assert describe_validation_errors(errors) == (
        "title: Field required; tags[1]: Input should be a valid string; "
        "page: Input should be greater than or equal to 1; "
        "request body: a JSON object is required"
    )
