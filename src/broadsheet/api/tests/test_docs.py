"""The API describes itself: an OpenAPI schema and a Swagger UI page, served by this site."""

from __future__ import annotations

import re

import pytest

from broadsheet.discussion.models import (
    MAX_ANONYMOUS_NAME_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_SUBJECT_LENGTH,
)
from broadsheet.moderation.models import MAX_REASON_LENGTH
from broadsheet.publishing.models import MAX_POST_TEXT_LENGTH, MAX_TITLE_LENGTH

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_lists_the_post_endpoints_and_how_to_authenticate(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert set(paths["/api/posts"]) == {"get", "post"}
    assert set(paths["/api/posts/{post_id}"]) == {"get", "patch"}
    assert "security" not in paths["/api/posts"]["get"]  # anyone may read
    assert {"ApiTokenAuth": []} in paths["/api/posts"]["post"]["security"]
    token_scheme = schema["components"]["securitySchemes"]["ApiTokenAuth"]
    assert token_scheme == {
        **token_scheme,
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
    }
    assert "page" in [parameter["name"] for parameter in paths["/api/posts"]["get"]["parameters"]]
    assert "422" in paths["/api/posts"]["post"]["responses"]
    assert set(schema["components"]["schemas"]["PostIn"]["required"]) == {"title", "intro"}


def test_the_docs_page_renders(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.content.decode()
    assert "/api/openapi.json" in response.content.decode()


def test_the_docs_page_loads_only_this_sites_assets_and_passes_the_csp(client):
    response = client.get("/api/docs")
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "style-src 'self';" in csp

    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert inline_scripts == []
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served by this site"
        assert client.get(asset).status_code == 200, asset


def test_the_schema_shows_the_bounds_the_server_enforces(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    comment = schemas["CommentIn"]["properties"]
    assert (comment["body"]["minLength"], comment["body"]["maxLength"]) == (1, MAX_COMMENT_LENGTH)
    assert comment["subject"]["maxLength"] == MAX_SUBJECT_LENGTH
    assert comment["name"]["maxLength"] == MAX_ANONYMOUS_NAME_LENGTH
    assert (comment["parent"]["anyOf"][0]["minimum"], comment["submission_key"]["maxLength"]) == (
        1,
        64,
    )
    edit = schemas["CommentChangesIn"]["properties"]
    assert (edit["body"]["minLength"], edit["body"]["maxLength"]) == (1, MAX_COMMENT_LENGTH)
    rating = schemas["RatingIn"]["properties"]["value"]
    assert (rating["type"], rating["minimum"], rating["maximum"]) == ("integer", 0, 5)
    post = schemas["PostIn"]["properties"]
    assert (post["title"]["minLength"], post["title"]["maxLength"]) == (1, MAX_TITLE_LENGTH)
    assert (post["intro"]["minLength"], post["intro"]["maxLength"]) == (1, MAX_POST_TEXT_LENGTH)
    assert post["body"]["maxLength"] == MAX_POST_TEXT_LENGTH
    assert schemas["FlagIn"]["properties"]["note"]["maxLength"] == MAX_REASON_LENGTH
    for name in ("CommentIn", "CommentChangesIn", "RatingIn", "PostIn", "FlagIn", "ActionIn"):
        assert schemas[name]["additionalProperties"] is False, name


def test_every_operation_lists_the_statuses_it_answers(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert "400" in statuses, (method, path)  # a NUL in the query, for one
            if "{" in path:
                assert "404" in statuses, (method, path)  # an id the address cannot hold
            if operation.get("requestBody"):
                assert {"413", "422"} <= statuses, (method, path)
            if operation.get("security"):
                assert "401" in statuses, (method, path)
            if "401" in statuses:
                assert "429" in statuses, (method, path)  # wrong API keys, too many of them
    # The 400 of a request body is told once, for all operations, in the API's description.
    description = client.get("/api/openapi.json").json()["info"]["description"]
    assert "400" in description
    assert "invalid_character" in description
    for paged in ("/api/posts", "/api/moderation/log"):
        page = next(p for p in paths[paged]["get"]["parameters"] if p["name"] == "page")
        assert page["schema"]["minimum"] == 1
        assert "422" in paths[paged]["get"]["responses"]


@pytest.mark.parametrize(
    ("method", "address"),
    [
        ("get", "/api/moderation/queue"),
        ("post", "/api/moderation/comments/5/approve"),
        ("post", "/api/moderation/comments/5/no-such-action"),
        ("post", "/api/comments/5/flag"),
    ],
)
def test_anonymous_moderation_calls_get_401(client, method, address):
    response = getattr(client, method)(address)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
