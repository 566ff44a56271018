"""Rate limits: counted per account and per address in the shared cache, refused with a wait.

The entry points' own tests are in test_ratelimited_entry_points.py.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.test import RequestFactory

from broadsheet import configuration
from broadsheet.accounts.models import User
from broadsheet.conftest import make_user
from broadsheet.errors import RateLimited
from broadsheet.guard.ratelimits import (
    COMMENT,
    DAY,
    HOUR,
    LIMITS,
    MINUTE,
    RateLimit,
    Window,
    check_rate_limit,
    client_ip,
)

pytestmark = pytest.mark.django_db

HOME = "198.51.100.7"
CAFE = "203.0.113.20"


def limited(settings: Any, limit: RateLimit, **changes: Any) -> RateLimit:
    """Use `limit` with `changes` (per_account=…, per_address=…) for the rest of the test."""
    changed = replace(limit, **changes)
    settings.BROADSHEET_RATE_LIMITS = {**settings.BROADSHEET_RATE_LIMITS, limit.name: changed}
    return changed


def comment(user: Any, ip: str = HOME) -> None:
    check_rate_limit(action="comment", user=user, ip=ip)


def clear_of_a_minutes_end() -> None:
    """Wait out the last second of a clock minute, so that a test's counts share one window."""
    if MINUTE - time.time() % MINUTE < 1:
        time.sleep(1)


def test_every_write_has_a_named_limit_the_flag_one_included() -> None:
    assert set(LIMITS) == {
        "comment", "comment_edit", "comment_delete", "rating", "flag", "register", "login",
        "password_reset", "resend_confirmation", "profile_edit", "password_change",
        "password_set", "logout", "thread_state", "moderation", "post_write", "admin_write",
        "api_token",
    }  # fmt: skip
    # A ban stops the writes of content; banned readers may still log in, out and leave.
    assert {name for name, limit in LIMITS.items() if limit.refuses_banned} == {
        "comment",
        "comment_edit",
        "comment_delete",
        "rating",
        "flag",
        "register",
    }
    for name, limit in LIMITS.items():
        assert limit.name == name
        assert limit.per_account or limit.per_address
        assert all(window.count > 0 and window.seconds > 0 for window in limit.per_address)
        assert all(window.count > 0 and window.seconds > 0 for window in limit.per_account)


def test_a_comment_is_refused_after_five_in_a_minute_with_the_wait_in_words(reader: User) -> None:
    clear_of_a_minutes_end()
    for _ in range(COMMENT.per_account[0].count):
        comment(reader)

    with pytest.raises(RateLimited) as refused:
        comment(reader)

    error = refused.value
    assert error.status == 429
    assert error.code == "rate_limited"
    assert 1 <= error.retry_after <= MINUTE
    assert error.headers == {"Retry-After": str(error.retry_after)}
    seconds = error.retry_after
    wait = "1 minute" if seconds == MINUTE else f"{seconds} second{'s' if seconds != 1 else ''}"
    assert error.message == f"You are posting too fast: try again in {wait}."


def test_each_account_counts_apart_and_the_address_counts_them_all(
    settings: Any, reader: User, editor: User
) -> None:
    limited(settings, COMMENT, per_account=(Window(2, DAY),), per_address=(Window(3, DAY),))
    comment(reader)
    comment(reader)
    with pytest.raises(RateLimited):
        comment(reader)  # the reader's third: over their own limit (and the address's third)

    with pytest.raises(RateLimited):
        comment(editor)  # the editor's first, but the address's fourth
    comment(editor, ip=CAFE)  # the editor elsewhere: a new address, their second


def test_people_without_an_account_are_counted_by_address_alone(settings: Any) -> None:
    limited(settings, COMMENT, per_address=(Window(1, DAY),))
    comment(AnonymousUser())
    comment(AnonymousUser(), ip=CAFE)

    with pytest.raises(RateLimited):
        comment(AnonymousUser())


def test_an_ipv6_network_of_one_household_counts_as_one_address(settings: Any) -> None:
    limited(settings, COMMENT, per_address=(Window(1, DAY),))
    comment(AnonymousUser(), ip="2001:db8:1:2::1")

    with pytest.raises(RateLimited):
        comment(AnonymousUser(), ip="2001:db8:1:2:ffff:ffff:ffff:fffe")
    comment(AnonymousUser(), ip="2001:db8:1:3::1")  # the next /64: somebody else


def test_an_ipv4_address_written_as_ipv6_is_the_same_address(settings: Any) -> None:
    limited(settings, COMMENT, per_address=(Window(1, DAY),))
    comment(AnonymousUser(), ip="192.0.2.1")

    with pytest.raises(RateLimited):
        comment(AnonymousUser(), ip="::ffff:192.0.2.1")


def test_a_daily_limit_says_too_often_and_counts_hours(settings: Any, reader: User) -> None:
    limited(settings, COMMENT, per_account=(Window(1, DAY),), per_address=())
    comment(reader)

    with pytest.raises(RateLimited) as refused:
        comment(reader)

    error = refused.value
    assert 1 <= error.retry_after <= DAY
    if error.retry_after >= HOUR:  # the UTC day may end within the hour
        hours = -(-error.retry_after // HOUR)
        assert error.message == (
            f"You are posting too often: try again in {hours} hour{'s' if hours != 1 else ''}."
        )


def test_the_wait_is_until_every_exceeded_window_ends(settings: Any, reader: User) -> None:
    clear_of_a_minutes_end()
    limited(settings, COMMENT, per_account=(Window(1, MINUTE), Window(1, DAY)), per_address=())
    comment(reader)

    with pytest.raises(RateLimited) as refused:
        comment(reader)

    seconds_left_today = DAY - int(time.time()) % DAY
    assert abs(refused.value.retry_after - seconds_left_today) <= 2


def test_refused_attempts_count_too(settings: Any, reader: User) -> None:
    limited(settings, COMMENT, per_account=(Window(1, HOUR), Window(3, DAY)), per_address=())
    comment(reader)
    for _ in range(2):
        with pytest.raises(RateLimited):
            comment(reader)

    key = f"ratelimit:comment:account:{reader.pk}:{DAY}:{int(time.time() // DAY)}"
    assert cache.get(key) == 3


def refuses_within(name: str, user: User, attempts: int) -> bool:
    try:
        for _ in range(attempts):
            check_rate_limit(action=name, user=user, ip=HOME)
    except RateLimited:
        return True
    return False


def test_every_limit_refuses_before_its_smallest_window_is_passed_twice(reader: User) -> None:
    for name, limit in LIMITS.items():
        smallest = min(window.count for window in limit.per_account + limit.per_address)
        assert refuses_within(name, reader, 2 * smallest), name


def test_an_unknown_limit_is_a_programming_error(reader: User) -> None:
    with pytest.raises(LookupError, match="no rate limit named 'comments'"):
        check_rate_limit(action="comments", user=reader, ip=HOME)


def test_an_override_must_be_a_rate_limit(settings: Any, reader: User) -> None:
    settings.BROADSHEET_RATE_LIMITS = {"comment": {"per_account": []}}

    with pytest.raises(TypeError, match="must be a RateLimit"):
        comment(reader)


def test_a_day_count_outlives_the_file_caches_default_timeout(settings: Any, reader: User) -> None:
    """Django's generic incr stores a count again for 5 minutes; the window's end is put back."""
    backend = caches["default"]
    if not isinstance(backend, FileBasedCache):
        pytest.skip("only the file cache forgets a key's expiry in incr")
    limited(settings, COMMENT, per_account=(Window(50, DAY),), per_address=())
    comment(reader)
    comment(reader)

    now = time.time()
    key = f"ratelimit:comment:account:{reader.pk}:{DAY}:{int(now // DAY)}"
    with open(backend._key_to_file(key), "rb") as stored:  # type: ignore[attr-defined]
        expires = pickle.load(stored)  # noqa: S301 - the file cache writes the expiry first
    window_end = (int(now // DAY) + 1) * DAY
    assert window_end <= expires <= window_end + 2


def test_counts_are_shared_with_other_processes(settings: Any, tmp_path: Path) -> None:
    """Another worker process, with the same cache, sees and adds to the same counts."""
    if not isinstance(caches["default"], FileBasedCache):
        pytest.skip("the embedded site's file cache; Redis is shared by design")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    limited(settings, COMMENT, per_address=(Window(2, DAY),))
    comment(AnonymousUser())
    other_worker = (
        "import django; django.setup();"
        "from django.contrib.auth.models import AnonymousUser;"
        "from broadsheet.guard.ratelimits import check_rate_limit;"
        f"check_rate_limit(action='comment', user=AnonymousUser(), ip='{HOME}')"
    )
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(BROADSHEET_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="broadsheet.settings")
    subprocess.run([sys.executable, "-c", other_worker], env=env, check=True, timeout=60)  # noqa: S603

    with pytest.raises(RateLimited):
        comment(AnonymousUser())  # the third in this minute: one was counted in the other process


# The client's address


def request_from(remote: str, forwarded: str | None = None) -> Any:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/", REMOTE_ADDR=remote, headers=headers)


def test_without_proxies_the_address_is_the_connections_and_the_header_is_ignored(
    settings: Any,
) -> None:
    settings.BROADSHEET_TRUSTED_PROXIES = 0

    assert client_ip(request_from(HOME, forwarded="192.0.2.66")) == HOME


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "192.0.2.66, 198.51.100.99", "198.51.100.99"),  # the client forged the left one
        (2, "192.0.2.66, 198.51.100.99, 10.0.0.2", "198.51.100.99"),
        (1, "2001:db8::5", "2001:db8::5"),
        (2, "198.51.100.99", "10.0.0.1"),  # fewer than the proxies: not through them all
        (1, "", "10.0.0.1"),
        (1, "unknown", "10.0.0.1"),
    ],
)
def test_behind_n_proxies_the_address_is_the_nth_from_the_right(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.BROADSHEET_TRUSTED_PROXIES = proxies

    assert client_ip(request_from("10.0.0.1", forwarded=forwarded)) == expected


@pytest.mark.parametrize(("raw", "expected"), [("", 0), ("0", 0), ("2", 2), (" 10 ", 10)])
def test_the_number_of_proxies_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: int
) -> None:
    monkeypatch.setenv("BROADSHEET_TRUSTED_PROXIES", raw)

    assert configuration.trusted_proxies() == expected


@pytest.mark.parametrize("raw", ["-1", "11", "two", "1.5"])
def test_a_wrong_number_of_proxies_stops_the_site_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("BROADSHEET_TRUSTED_PROXIES", raw)

    with pytest.raises(configuration.ConfigurationError) as error:
        configuration.trusted_proxies()

    assert str(error.value).startswith("BROADSHEET_TRUSTED_PROXIES: expected the number of proxies")


def test_accounts_are_told_apart_by_id(settings: Any) -> None:
    limited(settings, COMMENT, per_account=(Window(1, DAY),), per_address=())
    first, second = make_user("first_one"), make_user("second_one")
    comment(first)
    comment(second)

    with pytest.raises(RateLimited):
        comment(first)


def test_the_operator_can_scale_every_limit_for_a_load_test(settings: Any, reader: User) -> None:
    from broadsheet.guard.ratelimits import limit_named

    settings.BROADSHEET_RATE_LIMIT_SCALE = 10
    assert limit_named("comment").per_account == (Window(50, MINUTE), Window(500, DAY))
    settings.BROADSHEET_RATE_LIMIT_SCALE = 0.1
    assert limit_named("comment").per_account == (Window(1, MINUTE), Window(5, DAY))
    settings.BROADSHEET_RATE_LIMIT_SCALE = 0
    for _ in range(100):
        comment(reader)  # nothing counts, nothing refuses


def test_a_scaled_limit_is_a_system_check_warning(settings: Any) -> None:
    from broadsheet.guard.checks import rate_limits_as_designed

    assert rate_limits_as_designed() == []
    settings.BROADSHEET_RATE_LIMIT_SCALE = 0
    (warning,) = rate_limits_as_designed()
    assert warning.id == "guard.W001"
    assert "are off" in warning.msg
