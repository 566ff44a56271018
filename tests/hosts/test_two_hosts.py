"""Two `broadsheet serve` hosts behind one nginx share one PostgreSQL and one Redis, and a
reader cannot tell which host answered: a comment posted through one shows at once on the
other's cached page, a session made on one is valid on the other, and the page-cache
version, the rate limits and the log-in lockouts are the same on both.

The hosts are network namespaces with addresses of their own (bench/hosts.py, which the
throughput figures of `make bench` use too). It needs root, Debian's iproute2, nginx and
socat, and a PostgreSQL and a Redis to use; without them it is skipped, saying which is
missing. .ci/run installs the tools. It takes one to three minutes, most of it the two hosts
collecting their static files.
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from bench import hosts as two
from bench import load
from bench.serving import (
    DEFAULT_POSTGRES_URL,
    DEFAULT_REDIS_URL,
    GZIP,
    login_form,
    say,
    send_login,
)

# Every limit at half its designed number, so that one is reached in a few requests:
# comments 3 a minute per account (10 per address); log-ins 10 a minute per address, which
# the 8 log-ins below stay under.
RATE_LIMIT_SCALE = 0.5
COMMENTS_PER_MINUTE = 3
LOCKOUT_FAILURES = 5  # settings.AXES_FAILURE_LIMIT
REQUEST_SECONDS = 60
# A fixed one-minute window must not end in the middle of the rate-limit check: it waits for
# the next minute when fewer seconds than this are left.
WINDOW_MARGIN_SECONDS = 20
LIMITED_READER = "limited_reader"
LIMITED_PASSWORD = "a long password for the limited reader"


def postgres_server_url() -> str:
    """The PostgreSQL server of the run (CI's, when DATABASE_URL names one); the harness
    makes and drops a database of its own there."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        return urllib.parse.urlunsplit(urllib.parse.urlsplit(configured)._replace(path="/postgres"))
    return DEFAULT_POSTGRES_URL


def redis_server_url() -> str:
    configured = os.environ.get("REDIS_URL", "")
    if configured.startswith("redis://"):
        return urllib.parse.urlunsplit(urllib.parse.urlsplit(configured)._replace(path=""))
    return DEFAULT_REDIS_URL


@pytest.fixture(scope="module")
def hosts() -> Iterator[two.Hosts]:
    postgres, redis = postgres_server_url(), redis_server_url()
    reason = two.unavailable_reason(postgres, redis)
    if reason:
        pytest.skip(f"two hosts behind nginx: {reason}")
    with two.two_hosts(
        postgres_url=postgres,
        redis_url=redis,
        sizes=(20,),
        workers=1,
        threads=4,
        balancer_workers=1,  # one round-robin counter: requests one after another alternate
        rate_limit_scale=RATE_LIMIT_SCALE,
        replica=True,  # reads outside transactions through the replica's connection
    ) as made:
        yield made


def fetch(url: str, **options: object) -> load.Answer:
    return load.fetch(url, timeout=REQUEST_SECONDS, **options)  # type: ignore[arg-type]


def post_comment(base_url: str, post_id: int, token: str, text: str) -> load.Answer:
    return fetch(
        f"{base_url}/api/posts/{post_id}/comments",
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        body=json.dumps({"body": text}).encode(),
    )


def other(name: str) -> str:
    return "b" if name == "a" else "a"


def wait_for_a_fresh_minute() -> None:
    left = 60 - time.time() % 60
    if left < WINDOW_MARGIN_SECONDS:
        say(f"waiting {left:.0f} s for the next minute's rate-limit window")
        time.sleep(left + 0.5)


def test_two_hosts_behind_nginx_serve_one_site(hosts: two.Hosts) -> None:
    thread = hosts.prepared["threads"][0]
    poster = hosts.prepared["poster"]
    path = thread["url"]
    direct = {name: server.base_url for name, server in hosts.servers.items()}
    balanced = hosts.balancer.url

    say("the page-cache version: one page, one ETag, whichever host answers")
    through_nginx = [fetch(balanced + path, headers=GZIP) for _ in range(2)]
    assert [answer.status for answer in through_nginx] == [200, 200]
    assert {hosts.host_named(answer.headers[two.SERVED_BY]) for answer in through_nginx} == {
        "a",
        "b",
    }, "nginx balances round robin over both hosts"
    etags = {fetch(direct[name] + path, headers=GZIP).headers["etag"] for name in direct}
    etags |= {answer.headers["etag"] for answer in through_nginx}
    assert len(etags) == 1, etags
    (before,) = etags

    say("a comment posted through one host shows at once on the other's cached page")
    marker = f"twohostsmarker{os.getpid()}"
    posted = post_comment(balanced, thread["post_id"], poster["token"], f"Said once: {marker}.")
    assert posted.status == 201, posted.text()
    writer = hosts.host_named(posted.headers[two.SERVED_BY])
    reader = other(writer)
    on_reader = fetch(direct[reader] + path, headers=GZIP)
    assert on_reader.status == 200
    assert marker in on_reader.text(), f"host {reader} still serves the page from before"
    after = on_reader.headers["etag"]
    assert after != before
    assert fetch(direct[writer] + path, headers=GZIP).headers["etag"] == after
    assert fetch(direct[reader] + path, headers={**GZIP, "If-None-Match": after}).status == 304
    assert fetch(direct[writer] + path, headers={**GZIP, "If-None-Match": before}).status == 200

    say("a session made by logging in through one host is valid on the other")
    answer, cookies = send_login(
        balanced, login_form(balanced), poster["username"], poster["password"]
    )
    assert answer.status == 302, answer.text()
    assert "sessionid" in cookies
    signed_in_on = hosts.host_named(answer.headers[two.SERVED_BY])
    for name in (other(signed_in_on), signed_in_on):
        page = fetch(direct[name] + path, headers={"Cookie": load.cookie_header(cookies)})
        assert page.status == 200
        assert "/accounts/logout/" in page.text(), f"host {name} does not know the session"

    say("a rate limit counts a reader's comments on every host")
    two.broadsheet(
        hosts.site, "user", "add", LIMITED_READER, "--email", "limited@example.org",
        "--password", LIMITED_PASSWORD, "--role", "reader",
    )  # fmt: skip
    token = two.broadsheet(hosts.site, "token", LIMITED_READER)
    wait_for_a_fresh_minute()
    answers = [
        post_comment(balanced, thread["post_id"], token, f"Comment {number} of a busy reader.")
        for number in range(COMMENTS_PER_MINUTE + 2)
    ]
    seen = [(answer.status, hosts.host_named(answer.headers[two.SERVED_BY])) for answer in answers]
    assert [status for status, _ in seen] == [201] * COMMENTS_PER_MINUTE + [429, 429], seen
    # The host that first refused had itself taken no more than the limit, this one included:
    # only a count both hosts share refuses it.
    refusing = seen[COMMENTS_PER_MINUTE][1]
    assert [host for _, host in seen[: COMMENTS_PER_MINUTE + 1]].count(refusing) <= (
        COMMENTS_PER_MINUTE
    ), seen
    assert {host for _, host in seen[COMMENTS_PER_MINUTE:]} == {"a", "b"}, "both hosts refuse"
    assert "too fast" in answers[-1].text()
    assert "retry-after" in answers[-1].headers

    say("a log-in lockout made through both hosts holds on both")
    form = login_form(balanced)  # one form, sent again and again: the posts alternate hosts
    failures = [
        send_login(balanced, form, poster["username"], "not the password")[0]
        for _ in range(LOCKOUT_FAILURES)
    ]
    seen = [(answer.status, hosts.host_named(answer.headers[two.SERVED_BY])) for answer in failures]
    assert [status for status, _ in seen] == [200] * (LOCKOUT_FAILURES - 1) + [429], seen
    # The host that locked out had itself seen fewer than 5 failures: axes counts in the
    # database both hosts share.
    assert [host for _, host in seen].count(seen[-1][1]) < LOCKOUT_FAILURES, seen
    right = [send_login(balanced, form, poster["username"], poster["password"])[0] for _ in "ab"]
    assert [answer.status for answer in right] == [429, 429], "even the right password waits"
    assert {hosts.host_named(answer.headers[two.SERVED_BY]) for answer in right} == {"a", "b"}
