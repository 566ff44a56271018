"""Helpers for calling the API as a script would: JSON bodies and a token header."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from broadsheet.accounts.models import ApiToken, User
from broadsheet.accounts.services import get_or_create_api_token


def token_header(user: User) -> dict[str, str]:
    return {"Authorization": f"Token {get_or_create_api_token(user=user).key}"}


@pytest.fixture
def editor_token(editor: User) -> ApiToken:
    return get_or_create_api_token(user=editor)


Send = Callable[..., Any]


@pytest.fixture
def send(client: Client) -> Send:
    """send("post", "/api/posts", {...}, user=editor): a JSON request, with a token if a user."""

    def run(method: str, url: str, body: Any = None, *, user: User | None = None, **extra: Any):
        headers = token_header(user) if user is not None else {}
        return getattr(client, method)(
            url,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=headers,
            **extra,
        )

    return run
