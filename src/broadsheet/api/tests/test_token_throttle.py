"""Wrong API keys are counted per address (guard.ratelimits.API_TOKEN); past the limit, every
key from that address waits, the right one too, with the API's 429 and Retry-After."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.test import Client

from broadsheet.accounts.models import ApiToken
from broadsheet.guard.ratelimits import API_TOKEN, DAY, LIMITS, MINUTE, Window

pytestmark = pytest.mark.django_db

HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.20"
WRONG = {"Authorization": "Token not-a-key-anybody-has"}


@pytest.fixture
def three_wrong_a_day(settings: Any) -> None:
    """Three wrong keys a day per address: a window no test run straddles by chance."""
    settings.BROADSHEET_RATE_LIMITS = {
        API_TOKEN.name: replace(API_TOKEN, per_address=(Window(3, DAY),))
    }


def get(client: Client, headers: dict[str, str], ip: str = HOME) -> Any:
    return client.get("/api/posts", headers=headers, REMOTE_ADDR=ip)


def test_wrong_keys_are_a_named_limit_per_address():
    assert LIMITS["api_token"] is API_TOKEN
    assert API_TOKEN.per_account == ()
    assert API_TOKEN.per_address[0] == Window(10, MINUTE)


def test_past_the_limit_wrong_keys_get_429_with_retry_after(client, three_wrong_a_day):
    for _ in range(3):
        assert get(client, WRONG).status_code == 401
    refused = get(client, WRONG)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= DAY
    assert refused.json()["error"] == "rate_limited"
    assert refused.json()["detail"].startswith("You are sending wrong API keys too")


def test_past_the_limit_the_right_key_waits_too_but_not_from_elsewhere(
    client, editor_token: ApiToken, three_wrong_a_day
):
    right = {"Authorization": f"Token {editor_token.key}"}
    assert get(client, right).status_code == 200
    for _ in range(4):
        get(client, WRONG)
    assert get(client, right).status_code == 429  # or a guess's answer would tell it was right
    assert get(client, right, ip=ELSEWHERE).status_code == 200
    assert get(client, WRONG, ip=ELSEWHERE).status_code == 401


def test_right_keys_and_no_keys_are_never_counted(client, editor_token, three_wrong_a_day):
    right = {"Authorization": f"Token {editor_token.key}"}
    for _ in range(5):
        assert get(client, right).status_code == 200
        assert get(client, {}).status_code == 200
    assert get(client, WRONG).status_code == 401


def test_writes_with_wrong_keys_are_throttled_alike(client, three_wrong_a_day):
    for _ in range(3):
        assert client.post("/api/posts", headers=WRONG, REMOTE_ADDR=HOME).status_code == 401
    assert client.post("/api/posts", headers=WRONG, REMOTE_ADDR=HOME).status_code == 429
