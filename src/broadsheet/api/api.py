"""The JSON API: django-ninja routers of each domain, mounted at /api/.

Each domain keeps its endpoints in `<app>/api.py` and is mounted here. Writes need a signed-in
caller (a token, or the session with its CSRF token); reads opt out with `auth=None`. Every
response is JSON, errors included (api/errors.py), also for unknown addresses and methods.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, reverse
from ninja import NinjaAPI, Router

from broadsheet.api.auth import SIGNED_IN
from broadsheet.api.errors import error_body, install_error_handlers
from broadsheet.discussion.api import router as discussion_router
from broadsheet.errors import NotFound
from broadsheet.moderation.api import router as moderation_router
from broadsheet.publishing.api import router as posts_router

ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class BroadsheetAPI(NinjaAPI):
    """NinjaAPI whose "method not allowed" answers are JSON errors like the rest."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        return [_with_json_method_error(self, pattern) for pattern in patterns], app_name, namespace


def _with_json_method_error(
    api: NinjaAPI, pattern: URLResolver | URLPattern
) -> URLResolver | URLPattern:
    if not isinstance(pattern, URLPattern):
        return pattern
    view: Callable[..., HttpResponseBase] = pattern.callback

    @functools.wraps(view)
    def json_method_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response.get("Allow", "")
        detail = f"{request.method} is not allowed at {request.path}; use {allowed}."
        json_response = api.create_response(
            request, error_body("method_not_allowed", detail), status=405
        )
        json_response["Allow"] = allowed
        return json_response

    return URLPattern(pattern.pattern, json_method_error, pattern.default_args, pattern.name)


api = BroadsheetAPI(
    title="Broadsheet API",
    version="1",
    description=(
        "Posts, comments and moderation of this site as JSON. Anyone may read; writing needs "
        "an `Authorization: Token <key>` header (or the site's session with its CSRF token), "
        "and the permission the action asks for. "
        'Errors are `{"error": code, "detail": text}` with a 4xx status. Text holding a NUL '
        "(U+0000) or a lone UTF-16 surrogate, in the address, the query, a header or any "
        'string of a JSON body, is refused with 400 `{"error": "invalid_character"}`, the '
        "detail naming where; other values the schema does not allow get 422 `invalid`."
    ),
    urls_namespace="api",
    auth=SIGNED_IN,
)
install_error_handlers(api)


@api.get("/", auth=None, include_in_schema=False)
def index(request: HttpRequest) -> dict[str, str]:
    """Where to start: the endpoints and their documentation."""
    return {
        "posts": request.build_absolute_uri(reverse("api:list_posts")),
        "docs": request.build_absolute_uri(reverse("api:openapi-view")),
        "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
    }


api.add_router("/posts", posts_router)
api.add_router("", discussion_router)  # /posts/{id}/comments and /comments/{id}
api.add_router("", moderation_router)  # /moderation/... and /comments/{id}/flag

# Mounted last, so that it only sees the addresses no endpoint above took.
unknown_addresses = Router()


@unknown_addresses.api_operation(ANY_METHOD, "/{path:rest}", auth=None, include_in_schema=False)
def no_such_endpoint(request: HttpRequest, rest: str) -> NoReturn:
    raise NotFound(f"There is no API endpoint at {request.path}. The list is at /api/docs.")


api.add_router("", unknown_addresses)
