"""Reads of what imports left: where an old address leads now."""

from __future__ import annotations

from collections.abc import Mapping

from broadsheet.interop.models import Redirect

# WordPress answers these on its front page (`/?p=12`, `/?page_id=7`, `/?cat=3`, `/?tag=x`,
# `/?author=2`, `/?feed=rss2`): our front page would answer 200 and ignore them.
FRONT_PAGE_QUERY_KEYS = ("p", "page_id", "cat", "tag", "author", "feed")


def old_address_candidates(path: str, query_string: str, query: Mapping[str, str]) -> list[str]:
    """The Redirect.old_path values that may name this address, best match first: the path
    with its whole query, with each one of the keys old sites address by, then the path as
    it is and with or without its trailing slash."""
    candidates = []
    if query_string:
        candidates.append(f"{path}?{query_string}")
        candidates += [
            f"{path}?{key}={query[key]}" for key in FRONT_PAGE_QUERY_KEYS if key in query
        ]
    if path != "/":  # the front page itself never redirects, whatever its query
        candidates.append(path)
        candidates.append(path[:-1] if path.endswith("/") else path + "/")
    return list(dict.fromkeys(candidates))


def redirect_target(candidates: list[str]) -> str | None:
    """Where the first of the candidate old addresses that has a redirect leads, in one query."""
    found = dict(
        Redirect.objects.filter(old_path__in=candidates).values_list("old_path", "new_path")
    )
    for candidate in candidates:
        if candidate in found:
            return found[candidate]
    return None
