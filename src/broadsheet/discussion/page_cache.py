"""Cached post pages: the whole page for anonymous readers, the thread for everyone.

A post page is keyed by everything that changes its HTML: the post, its thread's and the
site's version tokens (broadsheet.page_versions, moved by the change seam after every
write), the display, order and page asked for, the settings rows, whether comments are
open (which time alone can change), and a digest of the templates and static files the
page is built from (a deploy changes them).

For an anonymous reader the whole response is stored, compressed once into each encoding
(identity, gzip, brotli), with an ETag and Last-Modified; a request that names the ETag gets
304. Signed-in readers get a page rendered for them (their name, their form, its CSRF
token) around the same cached thread HTML, and their own parts through one small JSON
request (views.reader_state). Moderators and trusted readers, who see hidden and held
comments, and readers with a held comment of their own in the thread, get the thread
rendered for them.
"""

from __future__ import annotations

import gzip
import hashlib
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from typing import Any

import brotli  # type: ignore[import-untyped]
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template import engines
from django.utils.cache import patch_vary_headers
from jinja2 import Environment

from broadsheet.discussion.fragments import templates_digest
from broadsheet.page_versions import tokens_for

# Long enough that a busy thread is rendered once per change, short enough that what no change
# announces (a scheduled neighbour coming out, say) shows within minutes.
PAGE_CACHE_SECONDS = 600
PAGE_TEMPLATE = "discussion/post_page.html"
THREAD_TEMPLATE = "discussion/_thread_entries.html"
GZIP_LEVEL = 6  # zlib's default: most of level 9's saving for a fraction of its time
BROTLI_QUALITY = 6  # above 7 brotli takes seconds on a 20,000-comment page
# Clients that accept brotli get it, then gzip; others the bytes as they are.
ENCODINGS = ("br", "gzip")


@dataclass
class StoredPage:
    etag: str
    last_modified: int  # seconds since the epoch
    content_type: str
    # By encoding. Not the identity: nearly every client takes gzip, and the few that do not
    # get it decompressed, rather than every store writing megabytes to the cache.
    bodies: dict[str, bytes] = field(default_factory=dict)


def settings_digest(*rows: models.Model) -> str:
    """A digest of settings rows' values: an owner's change to any of them is a new key."""
    digest = hashlib.sha1(usedforsecurity=False)
    for row in rows:
        # As text: a row just made holds an enum member where a row read back holds its value.
        for field_name, value in sorted(model_to_dict(row).items()):
            digest.update(f"{field_name}={value}\0".encode())
    return digest.hexdigest()


def deploy_digest() -> str:
    """The templates of the post page (a theme's included) and the static files' manifest:
    what a deploy changes. Cached per template environment, which lives as long as the
    process: templates do not change while it runs."""
    return _deploy_digest(engines["jinja2"].env)  # type: ignore[attr-defined]


@lru_cache(maxsize=2)
def _deploy_digest(env: Environment) -> str:
    digest = hashlib.sha1(templates_digest(env, (PAGE_TEMPLATE,)).encode(), usedforsecurity=False)
    # The hash of the collected files' manifest (ManifestStaticFilesStorage); not its live
    # table of names, which fills up as pages ask for files.
    digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())
    digest.update(settings.STATIC_URL.encode())
    return digest.hexdigest()


def page_key(
    kind: str, post_id: int, *parts: Any, tokens: tuple[int, int] | None = None
) -> tuple[str, int]:
    """The cache key of one rendering of a post's page (kind: "page" or "thread"), and the
    time of the last change it shows. `tokens`: the thread's and site's version tokens, when
    the caller read them (tokens_for) to say what the page was built from."""
    thread, site = tokens or tokens_for(post_id)
    signature = "|".join(
        str(part) for part in (kind, post_id, thread, site, deploy_digest(), *parts)
    )
    key = "post-page:" + hashlib.sha1(signature.encode(), usedforsecurity=False).hexdigest()
    return key, max(thread, site) // 1_000_000_000


def has_pending_messages(request: HttpRequest) -> bool:
    """Whether a message waits for this reader (which the page shows, so it is theirs alone).
    Looked at without marking the messages read."""
    storage = get_messages(request)
    if isinstance(storage, list):  # no message middleware
        return bool(storage)
    pending = bool(list(storage))
    storage.used = False
    return pending


def _encoded_key(key: str, encoding: str) -> str:
    return f"{key}:{encoding}"


def load(key: str, request: HttpRequest) -> StoredPage | None:
    """The stored page in the one encoding this request takes (with its ETag and dates).

    Each encoding is its own cache entry, so that a hit reads only the bytes it sends: every
    host of a site reads its pages from the one shared Redis (docs/deploy.md). A client that
    takes neither gets the gzip entry, decompressed (`respond`)."""
    encoding = accepted_encoding(request.headers.get("Accept-Encoding", "")) or "gzip"
    stored = cache.get(_encoded_key(key, encoding))
    return stored if isinstance(stored, StoredPage) else None


# After a write, every reader of a busy thread misses the cache at once. One of them renders
# the page; the others wait for it rather than each render the same page (on a big thread,
# sixteen renders at once took seconds each where one takes a third of a second).
RENDER_LOCK_SECONDS = 10  # a renderer that died frees the page after this long
RENDER_WAIT_SECONDS = 3.0  # then a waiting reader renders the page itself
RENDER_POLL_SECONDS = 0.02


def claim_render(key: str) -> bool:
    """Whether this request is the one to render the page under `key` (others wait)."""
    return bool(cache.add(f"{key}:rendering", 1, RENDER_LOCK_SECONDS))


def release_render(key: str) -> None:
    cache.delete(f"{key}:rendering")


def wait_for[T](key: str, load_one: Callable[[str], T | None]) -> T | None:
    """What another request is rendering under `key`, once it is stored; None if it is not
    stored in time (the caller then renders it)."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        found = load_one(key)
        if found is not None:
            return found
        if cache.get(f"{key}:rendering") is None:
            return load_one(key)
    return None


def load_text(key: str) -> str | None:
    stored = cache.get(key)
    return zlib.decompress(stored).decode() if isinstance(stored, bytes) else None


def store_text(key: str, text: str) -> None:
    """Kept compressed (zlib's fastest level): a 2,000-comment thread is megabytes of HTML
    that the cache would otherwise pickle, send or write, and (the file cache) compress."""
    cache.set(key, zlib.compress(text.encode(), 1), PAGE_CACHE_SECONDS)


def store(key: str, response: HttpResponse, last_modified: int) -> StoredPage:
    """Keep a rendered page with its compressed forms, made once here rather than per
    request."""
    content = response.content
    stored = StoredPage(
        etag='W/"' + key.rsplit(":", 1)[1] + '"',
        last_modified=last_modified,
        content_type=response["Content-Type"],
        bodies={
            "gzip": gzip.compress(content, GZIP_LEVEL, mtime=0),
            "br": brotli.compress(content, quality=BROTLI_QUALITY),
        },
    )
    cache.set_many(
        {
            _encoded_key(key, encoding): replace(stored, bodies={encoding: body})
            for encoding, body in stored.bodies.items()
        },
        PAGE_CACHE_SECONDS,
    )
    return stored


def accepted_encoding(accept_encoding: str) -> str:
    """The best encoding the client accepts ("" for none), by its q-values."""
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, parameters = item.strip().partition(";")
        quality = 1.0
        parameter = parameters.strip()
        if parameter.startswith("q="):
            try:
                quality = float(parameter[2:])
            except ValueError:
                quality = 0.0
        weights[name.strip().lower()] = quality
    for encoding in ENCODINGS:
        if weights.get(encoding, weights.get("*", 0.0)) > 0:
            return encoding
    return ""


def is_not_modified(
    *, if_none_match: str | None, if_modified_since: str | None, etag: str, last_modified: int
) -> bool:
    """Whether a conditional GET's validators match the stored page (answer 304). An ETag,
    when sent, decides; weak and strong forms compare alike. Also used before Django
    (front_cache.py), with the headers from the WSGI environ."""
    if if_none_match is not None:
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in wanted or etag.removeprefix("W/") in wanted
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return last_modified <= since
    return False


def respond(request: HttpRequest, stored: StoredPage, *, hit: bool) -> HttpResponse:
    """The stored page, in the encoding the client takes, or 304 when it has it already."""
    response: HttpResponse
    if is_not_modified(
        if_none_match=request.headers.get("If-None-Match"),
        if_modified_since=request.headers.get("If-Modified-Since"),
        etag=stored.etag,
        last_modified=stored.last_modified,
    ):
        response = HttpResponseNotModified()
    else:
        encoding = accepted_encoding(request.headers.get("Accept-Encoding", ""))
        if encoding in stored.bodies:
            body = stored.bodies[encoding]
        else:
            encoding, body = "", gzip.decompress(stored.bodies["gzip"])
        response = HttpResponse(body, content_type=stored.content_type)
        if encoding:
            response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(body))
    response["ETag"] = stored.etag
    response["Last-Modified"] = formatdate(stored.last_modified, usegmt=True)
    # Asked again each time (a 304 costs little), as a thread changes at any moment.
    response["Cache-Control"] = "no-cache"
    response["X-Page-Cache"] = "hit" if hit else "miss"
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
    return response
