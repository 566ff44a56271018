"""The API describes itself: an OpenAPI schema and a Swagger UI page, served by this site."""

from __future__ import annotations

import re

import pytest

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
