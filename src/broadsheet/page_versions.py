"""Version tokens that key the cached pages: one per thread, one for the whole site.

A token lives in the shared cache (Redis when `REDIS_URL` is set, else the file cache every
worker of the machine reads), so every process and every host agrees on it. A change moves
a token on after its transaction commits (listeners of broadsheet.changes, and the admin for
anything edited there), and a page cached under the old token is never served again.

Tokens are fresh nanosecond timestamps written with a plain `set`, not counters: a counter
bumped by get-and-set on a cache without atomic increments could give two changes the same
number, and a cached page rendered between them would survive the second. A token written
after its change committed can only make pages rendered before it unreachable, whichever
write lands last. A token missing from the cache (evicted, or the cache cleared) is made
again, which only costs one fresh render. The token is also the time of the last change,
which the page cache sends as Last-Modified.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import cache

# What no change announces (a scheduled post coming out) shows within this long.
SITE_WIDE_SECONDS = 600

SITE_KEY = "page-version:site"


def _thread_key(post_id: int) -> str:
    return f"page-version:thread:{post_id}"


def _now_token() -> int:
    return time.time_ns()


def _current(key: str) -> int:
    token = cache.get(key)
    if token is None:
        cache.add(key, _now_token(), timeout=None)
        token = cache.get(key)
    return int(token) if token is not None else _now_token()


def thread_token(post_id: int) -> int:
    """The version of a thread's comments and of its post."""
    return _current(_thread_key(post_id))


def site_token() -> int:
    """The version of everything every page shows: the site's name and sections, the
    neighbouring stories, the people's names."""
    return _current(SITE_KEY)


def move_thread_token(post_id: int) -> None:
    cache.set(_thread_key(post_id), _now_token(), timeout=None)


def move_site_token() -> None:
    cache.set(SITE_KEY, _now_token(), timeout=None)


def tokens_for(post_id: int) -> tuple[int, int]:
    """Both tokens a post's page depends on, read in one round trip when both exist."""
    keys = [_thread_key(post_id), SITE_KEY]
    found = cache.get_many(keys)
    if len(found) == len(keys):
        return int(found[keys[0]]), int(found[keys[1]])
    return thread_token(post_id), site_token()


def remembered_for_site[T](name: str, compute: Callable[[], T]) -> T:
    """A value that only a change to the whole site alters (the sections in the header, a
    post's neighbours), computed once per site token and kept in the shared cache: pages
    rendered for one reader (signed in) then cost no query for it."""
    key = f"site-wide:{name}:{site_token()}"
    found = cache.get(key)
    if isinstance(found, tuple) and len(found) == 1:
        return found[0]  # type: ignore[no-any-return]
    value = compute()
    cache.set(key, (value,), SITE_WIDE_SECONDS)
    return value
