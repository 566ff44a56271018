"""Which post here a Disqus thread (or any old address) belongs to.

Disqus holds only discussions; each thread names its page by link (the address it was
embedded at) and by identifier (`disqus_identifier`, which WordPress's Disqus plugin writes
as "<post id> <short link>"). A thread belongs to a post when its link is the post's address
here, or an old address that redirects to it (imported from WordPress, or added by hand),
ignoring scheme, host, trailing slash and query; or when its identifier names a WordPress
post imported here.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from django.urls import Resolver404, resolve

from broadsheet.interop.models import ImportedObject, Redirect
from broadsheet.interop.records import Source
from broadsheet.publishing.models import Post

POST_VIEW = "discussion:post"
_WORDPRESS_IDENTIFIER = re.compile(r"^(\d+)(?:\s|$)")
REDIRECT_HOPS = 3  # an old address may redirect to another old address, but not forever


def address_parts(address: str) -> tuple[str, str]:
    """(path, query) of a link, without scheme, host or fragment; the path decoded."""
    parts = urlsplit(address.strip())
    path = unquote(parts.path) or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path, parts.query


def _path_variants(path: str) -> list[str]:
    bare = path.rstrip("/") or "/"
    return list(dict.fromkeys([path, bare, bare + "/" if bare != "/" else "/"]))


class SitePostMatcher:
    """Finds posts of this site by address or identifier, as described above."""

    def post_for_address(self, address: str) -> int | None:
        if not address.strip():
            return None
        path, query = address_parts(address)
        candidates = [f"{path}?{query}"] if query else []
        candidates += _path_variants(path)
        for _hop in range(REDIRECT_HOPS):
            for candidate in candidates:
                post_id = self._post_at(candidate)
                if post_id is not None:
                    return post_id
            redirected = (
                Redirect.objects.filter(old_path__in=candidates)
                .values_list("new_path", flat=True)
                .first()
            )
            if redirected is None:
                return None
            path, query = address_parts(redirected)
            candidates = _path_variants(path)
        return None

    def post_for_identifier(self, identifier: str) -> int | None:
        identifier = identifier.strip()
        wordpress = _WORDPRESS_IDENTIFIER.match(identifier)
        if wordpress:
            post_id = (
                ImportedObject.objects.filter(
                    source=Source.WORDPRESS, kind="post", key=wordpress.group(1)
                )
                .values_list("object_id", flat=True)
                .first()
            )
            if post_id is not None:
                return int(post_id)
        if identifier.startswith(("/", "http://", "https://")):
            return self.post_for_address(identifier)
        return None

    def post_for_target(self, target: str) -> int | None:
        """A post named in a --map file: by slug, or by address."""
        target = target.strip()
        if not target:
            return None
        if "/" not in target:
            found = Post.objects.filter(slug=target).values_list("pk", flat=True).first()
            if found is not None:
                return int(found)
        return self.post_for_address(target)

    @staticmethod
    def _post_at(path: str) -> int | None:
        if "?" in path:
            return None
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.view_name != POST_VIEW:
            return None
        found = Post.objects.filter(slug=match.kwargs["slug"]).values_list("pk", flat=True)
        post_id = found.first()
        return int(post_id) if post_id is not None else None
