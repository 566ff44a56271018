"""Anonymous post pages answered before Django: the front of the page cache.

The page cache (page_cache.py) already stores an anonymous reader's whole post page, compressed
once. Finding it still cost the request's way through Django: the middleware stack, then the
site settings, the post with its authors and tags and the discussion settings (five queries),
before the cache was even asked. Profiled under wrk on a warm 1,000-comment thread, that way
in was nearly all of a hit's 5-11 ms.

This WSGI layer sits in front of Django. When Django answers an anonymous GET of a post page
from the page cache, the view says which thread and versions the page was built from (a
private header, taken off here), and this layer keeps exactly the bytes and headers the
client got, under the request's address, host and encoding. The next such request is answered
from that entry after one check: the thread's and the site's version tokens are still the ones
the page was built from (one round trip to the shared cache). Any write moves a token (the
change seam, page_versions.py), so the next read after it goes through Django and sees it.

Requests this layer does not touch: anything but GET and HEAD, anything with a session or
messages cookie (a signed-in reader, or a message waiting), addresses that set a reader's
display choice (the answer sets a cookie), and everything that is not a post page.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache

from broadsheet.discussion.choices import CHOICE_COOKIE
from broadsheet.discussion.page_cache import (
    PAGE_CACHE_SECONDS,
    accepted_encoding,
    deploy_digest,
    is_not_modified,
)
from broadsheet.page_versions import tokens_for

# The header by which the view hands this layer what the page was built from; never sent on.
BUILT_FROM_HEADER = "X-Broadsheet-Built-From"
POST_PAGE_PREFIX = "/posts/"
# Query parameters that choose what a cached page shows without setting a cookie.
PLAIN_QUERY_KEYS = frozenset({"page", "comment"})
MAX_KEYED_QUERY = 200  # longer queries are not a reader's page: let Django answer them
# Headers Django writes per response, which an entry must not repeat.
PER_RESPONSE_HEADERS = frozenset({"date", "set-cookie", "x-page-cache"})

type StartResponse = Callable[..., Any]
type WSGIApplication = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class BuiltFrom:
    """The thread and versions a cached page was built from, and when it must be built again
    however quiet the thread (comments closing with age, a scheduled neighbour appearing)."""

    post_id: int
    thread_token: int
    site_token: int
    expires_at: float

    def header_value(self) -> str:
        return f"{self.post_id} {self.thread_token} {self.site_token} {self.expires_at:.0f}"

    @classmethod
    def parse(cls, value: str) -> BuiltFrom | None:
        try:
            post_id, thread, site, expires = value.split()
            return cls(int(post_id), int(thread), int(site), float(expires))
        except ValueError:
            return None


@dataclass(frozen=True)
class FrontEntry:
    built_from: BuiltFrom
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    last_modified: int  # seconds since the epoch, as the Last-Modified header says


def _cookie_value(cookie_header: str, name: str) -> str:
    for part in cookie_header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


def entry_key(environ: dict[str, Any]) -> str | None:
    """The key of this request's page in the front cache, or None when it may not have one."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    path = environ.get("PATH_INFO", "")
    if not path.startswith(POST_PAGE_PREFIX):
        return None
    cookies = environ.get("HTTP_COOKIE", "")
    if settings.SESSION_COOKIE_NAME + "=" in cookies or "messages=" in cookies:
        return None
    query = environ.get("QUERY_STRING", "")
    if len(query) > MAX_KEYED_QUERY:
        return None
    pairs = sorted(query.split("&")) if query else []
    if any(pair.partition("=")[0] not in PLAIN_QUERY_KEYS for pair in pairs):
        return None
    encoding = accepted_encoding(environ.get("HTTP_ACCEPT_ENCODING", "")) or "identity"
    signature = "\0".join(
        (
            environ.get("HTTP_HOST", ""),
            environ.get("wsgi.url_scheme", ""),
            path,
            "&".join(pairs),
            _cookie_value(cookies, CHOICE_COOKIE),
            deploy_digest(),
        )
    )
    return (
        "front-page:"
        + hashlib.sha1(
            signature.encode("utf-8", "surrogateescape"), usedforsecurity=False
        ).hexdigest()
        + ":"
        + encoding
    )


def _fresh(entry: FrontEntry) -> bool:
    built = entry.built_from
    if time.time() >= built.expires_at:
        return False
    return tokens_for(built.post_id) == (built.thread_token, built.site_token)


def _answer(
    environ: dict[str, Any], start_response: StartResponse, entry: FrontEntry
) -> list[bytes]:
    if is_not_modified(
        if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
        if_modified_since=environ.get("HTTP_IF_MODIFIED_SINCE"),
        etag=entry.etag,
        last_modified=entry.last_modified,
    ):
        kept = ("etag", "last-modified", "cache-control", "vary")
        headers = [(name, value) for name, value in entry.headers if name.lower() in kept]
        start_response("304 Not Modified", [*headers, ("X-Page-Cache", "front")])
        return []
    start_response(entry.status, [*entry.headers, ("X-Page-Cache", "front")])
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [entry.body]


class FrontCache:
    """WSGI middleware: answer anonymous post pages from the front cache, and fill it from
    the page cache's answers."""

    def __init__(self, application: WSGIApplication) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            key = entry_key(environ)
        except Exception:  # never let the shortcut stand between a reader and the page
            key = None
        if key is None:
            return self.application(environ, start_response)
        try:
            entry = cache.get(key)
            if isinstance(entry, FrontEntry) and _fresh(entry):
                return _answer(environ, start_response, entry)
        except Exception:  # noqa: S110 - a cache that is down: Django answers, and says so
            pass
        return self._through_django(key, environ, start_response)

    def _through_django(
        self, key: str, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        caught: dict[str, Any] = {}

        def catching_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            built_from = None
            sent: list[tuple[str, str]] = []
            for name, value in headers:
                if name.lower() == BUILT_FROM_HEADER.lower():
                    built_from = BuiltFrom.parse(value)
                else:
                    sent.append((name, value))
            caught.update(status=status, headers=sent, built_from=built_from)
            if exc_info is not None:
                return start_response(status, sent, exc_info)
            return start_response(status, sent)

        result = self.application(environ, catching_start_response)
        built_from = caught.get("built_from")
        if (
            built_from is None
            or not caught["status"].startswith("200")
            or environ.get("REQUEST_METHOD") != "GET"
            or any(name.lower() == "set-cookie" for name, _ in caught["headers"])
        ):
            return result
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        headers = tuple(
            (name, value)
            for name, value in caught["headers"]
            if name.lower() not in PER_RESPONSE_HEADERS
        )
        sent = {name.lower(): value for name, value in headers}
        last_modified = int(parsedate_to_datetime(sent["last-modified"]).timestamp())
        entry = FrontEntry(
            built_from, caught["status"], headers, body, sent.get("etag", ""), last_modified
        )
        timeout = max(1, min(PAGE_CACHE_SECONDS, int(built_from.expires_at - time.time())))
        with contextlib.suppress(Exception):  # the page is answered all the same
            cache.set(key, entry, timeout)
        return [body]
