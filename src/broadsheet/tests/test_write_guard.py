"""No entry point writes without passing the write guard (guard/gate.py).

The walk below finds every URL of the site (the admin's included) and every operation of the
JSON API, and sends each the methods that may write. With every rate limit set to nothing,
a guarded entry point refuses with 429 before it reads, loads or writes anything; one that
does not accept the method answers 405. (Two refusals go back where the reader came from
with the reason as a message: a redirect carrying Retry-After.) Anything else (a page, a
plain redirect, a 404 after loading, a 422 after reading the body) is an entry point that did
its work unguarded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from broadsheet.accounts.models import User
from broadsheet.api.api import api, no_such_endpoint
from broadsheet.api.tests.conftest import token_header
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.guard.gate import GUARD_ATTRIBUTE, pass_write_guard
from broadsheet.guard.honeypot import COMMENT_FORM
from broadsheet.guard.models import Ban
from broadsheet.guard.ratelimits import COMMENT, DAY, LIMITS, RateLimit, Window
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

UNSAFE_METHODS = ["post", "put", "patch", "delete"]
# Values for the parts of an address, so that each URL resolves to its view.
EXAMPLE_VALUES = {"int": "1", "slug": "a-story", "str": "approve", "path": "1", "uuid": ""}
REGEX_EXAMPLES = {
    r"^(?P<app_label>": "discussion/",  # the admin's page of one app
    r"(?P<url>.*)$": "no-such-page/",  # the admin's catch-all
}


def route_of(prefix: str, pattern: URLPattern | URLResolver, ids: dict[str, int]) -> str:
    """A concrete address for the pattern: the ids of real rows where it names one (a refusal
    that shows a form again loads its object), examples elsewhere."""
    text = str(pattern.pattern)
    for start, example in REGEX_EXAMPLES.items():
        if text.startswith(start):
            return prefix + example
    return prefix + re.sub(
        r"<(?:(\w+):)?(\w+)>",
        lambda match: str(ids.get(match.group(2), EXAMPLE_VALUES[match.group(1) or "str"])),
        text,
    )


def site_urls(
    ids: dict[str, int], patterns: list[Any] | None = None, prefix: str = "/"
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from site_urls(ids, list(pattern.url_patterns), route_of(prefix, pattern, ids))
        else:
            yield route_of(prefix, pattern, ids), pattern


def example_path_value(match: re.Match[str]) -> str:
    return "approve" if match.group(1) == "action" else "1"


def api_operations() -> Iterator[tuple[str, str, Any]]:
    """(method, URL, operation) of every JSON API operation that may write."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            url = "/api/" + (prefix.strip("/") + "/" + path.lstrip("/")).strip("/")
            url = re.sub(r"\{(?:\w+:)?(\w+)\}", example_path_value, url)
            for operation in path_view.operations:
                if operation.view_func is no_such_endpoint:
                    continue  # answers 404 to every method and writes nothing
                for method in operation.methods:
                    if method.lower() in UNSAFE_METHODS:
                        yield method.lower(), url, operation


@pytest.fixture
def nothing_allowed(settings: Any) -> None:
    """Every rate limit at zero: any write that reaches its limit is refused."""
    none = (Window(0, DAY),)
    settings.BROADSHEET_RATE_LIMITS = {
        name: replace(limit, per_account=none, per_address=none) for name, limit in LIMITS.items()
    }
    settings.BROADSHEET_FORM_MIN_SECONDS = 0


@pytest.fixture
def ids(editor: User) -> dict[str, int]:
    """A post and a comment for the addresses that name one."""
    post = make_post(editor, "A story")
    comment = make_comment(post, editor, "A thought")
    return {"post_id": post.pk, "comment_id": comment.pk, "object_id": post.pk}


@pytest.fixture
def signed_in_admin(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


def test_the_walk_finds_the_site_the_admin_and_the_api() -> None:
    urls = {url for url, _ in site_urls({})}
    assert {"/posts/a-story/", "/accounts/login/", "/admin/login/", "/comments/1/rate/"} <= urls
    assert {
        "/admin/publishing/post/1/change/",
        "/admin/discussion/",
        "/admin/no-such-page/",
    } <= urls
    operations = {(method, url) for method, url, _ in api_operations()}
    assert ("post", "/api/posts/1/comments") in operations
    assert ("delete", "/api/comments/1/rating") in operations
    assert len(operations) == 9


def test_the_apis_unknown_addresses_write_nothing(client: Client) -> None:
    response = client.post("/api/no/such/thing", data="{}", content_type="application/json")
    assert response.status_code == 404


@pytest.mark.usefixtures("nothing_allowed")
def test_every_url_that_accepts_a_write_passes_the_guard_first(
    signed_in_admin: Client, ids: dict[str, int]
) -> None:
    unguarded = []
    for url, pattern in site_urls(ids):
        if url.startswith("/api/"):
            continue  # the API's operations are walked below, with their own methods
        for method in UNSAFE_METHODS:
            response = getattr(signed_in_admin, method)(url)
            refused = response.status_code == 429 or (
                response.status_code == 302 and response.has_header("Retry-After")
            )
            if not (refused or response.status_code == 405):
                unguarded.append(f"{method.upper()} {url} ({pattern.name}): {response.status_code}")
    assert unguarded == []


@pytest.mark.usefixtures("nothing_allowed")
def test_every_api_operation_that_writes_passes_the_guard_first(
    client: Client, admin_user: User
) -> None:
    unguarded = []
    for method, url, operation in api_operations():
        response = getattr(client, method)(
            url, data="{}", content_type="application/json", headers=token_header(admin_user)
        )
        if response.status_code != 429 or response.json()["error"] != "rate_limited":
            unguarded.append(f"{method.upper()} {url} ({operation.view_func.__name__})")
    assert unguarded == []


@pytest.mark.usefixtures("nothing_allowed")
def test_the_session_and_visitors_without_an_account_pass_the_guard_too(
    client: Client, editor: User
) -> None:
    from broadsheet.discussion.models import DiscussionSettings

    DiscussionSettings.objects.update_or_create(pk=1, defaults={"allow_anonymous_comments": True})
    post = make_post(editor, "Open")
    body = {"body": "Hello", "name": "Ann", "email": "ann@example.org"}
    visitor = client.post(f"/api/posts/{post.pk}/comments", body, content_type="application/json")
    assert visitor.status_code == 429
    client.force_login(editor)
    session = client.post(
        f"/api/posts/{post.pk}/comments", {"body": "Hi"}, content_type="application/json"
    )
    assert session.status_code == 429


def test_guarded_views_name_their_limit() -> None:
    from broadsheet.discussion import views

    assert getattr(views.post_comment, GUARD_ATTRIBUTE) == "comment"
    assert getattr(views.rate_comment, GUARD_ATTRIBUTE) == "rating"


def test_the_guard_checks_the_ban_then_the_honeypot_then_the_limit(
    rf: Any, reader: User, moderator: User, settings: Any
) -> None:
    from broadsheet.errors import InvalidInput, NotAllowed, RateLimited

    settings.BROADSHEET_FORM_MIN_SECONDS = 0
    request = rf.post("/", {"website": "filled by a robot"}, REMOTE_ADDR="203.0.113.9")
    request.user = reader
    one: RateLimit = replace(COMMENT, per_address=(Window(1, DAY),), per_account=())
    settings.BROADSHEET_RATE_LIMITS = {"comment": one}

    Ban.objects.create(network="203.0.113.0/24", reason="spam wave", created_by=moderator)
    with pytest.raises(NotAllowed, match="spam wave"):
        pass_write_guard(request, limit=COMMENT, form=COMMENT_FORM)
    Ban.objects.all().delete()
    with pytest.raises(InvalidInput, match="A field that people leave empty"):
        pass_write_guard(request, limit=COMMENT, form=COMMENT_FORM)
    request = rf.post("/", {"website": ""}, REMOTE_ADDR="203.0.113.9")
    request.user = reader
    pass_write_guard(request, limit=COMMENT, form=COMMENT_FORM)  # counted: the third attempt
    with pytest.raises(RateLimited, match="You are posting too"):
        pass_write_guard(request, limit=COMMENT, form=COMMENT_FORM)


def test_a_ban_does_not_stop_logging_in_or_out(
    client: Client, reader: User, moderator: User
) -> None:
    from broadsheet.conftest import PASSWORD

    Ban.objects.create(network="127.0.0.0/8", reason="spam wave", created_by=moderator)
    response = client.post("/accounts/login/", {"username": reader.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.post("/accounts/logout/").status_code in {200, 302}
    assert "_auth_user_id" not in client.session
