"""Reads on posts: which posts a reader may see, in which order, with their neighbours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.accounts.permissions import Actor, can_edit_posts
from broadsheet.errors import InvalidInput, NotAllowed, NotFound
from broadsheet.publishing.models import Post, PostStatus, SiteSettings


def get_site_settings() -> SiteSettings:
    return SiteSettings.current()


# Where SiteSettingsMiddleware keeps the request's settings: read once per request.
REQUEST_ATTRIBUTE = "site_settings"


def site_settings_of(request: HttpRequest) -> SiteSettings:
    """The site settings loaded for this request (by the middleware, or now)."""
    site = getattr(request, REQUEST_ATTRIBUTE, None)
    if not isinstance(site, SiteSettings):
        site = get_site_settings()
        setattr(request, REQUEST_ATTRIBUTE, site)
    return site


def visible_posts() -> QuerySet[Post]:
    """Published posts, and scheduled ones whose time has come (checked on every read)."""
    return Post.objects.filter(
        Q(status=PostStatus.PUBLISHED) | Q(status=PostStatus.SCHEDULED),
        publish_at__lte=timezone.now(),
    )


def with_list_relations(posts: QuerySet[Post]) -> QuerySet[Post]:
    return posts.select_related("section").prefetch_related(
        Prefetch("authors", queryset=User.objects.order_by("username")), "tags"
    )


def front_page_posts() -> QuerySet[Post]:
    return with_list_relations(visible_posts().order_by("-sticky", "-publish_at", "-id"))


def newest_first(posts: QuerySet[Post]) -> QuerySet[Post]:
    return with_list_relations(posts.order_by("-publish_at", "-id"))


def post_for_reader(*, slug: str, user: Actor) -> Post:
    """The post at `slug` if this reader may see it; editors also see drafts and scheduled."""
    posts = Post.objects.all() if can_edit_posts(user) else visible_posts()
    post = with_list_relations(posts).filter(slug=slug).first()
    if post is None:
        raise NotFound("There is no post at this address.")
    return post


def post_by_id_for_reader(*, post_id: int, user: Actor) -> Post:
    posts = Post.objects.all() if can_edit_posts(user) else visible_posts()
    post = with_list_relations(posts).filter(pk=post_id).first()
    if post is None:
        raise NotFound(f"There is no post {post_id}.")
    return post


def is_visible(post: Post) -> bool:
    return (
        post.status != PostStatus.DRAFT
        and post.publish_at is not None
        and post.publish_at <= timezone.now()
    )


@dataclass(frozen=True)
class Neighbours:
    previous: Post | None
    next: Post | None


def neighbours(post: Post) -> Neighbours:
    """The visible posts published just before and just after this one."""
    if post.publish_at is None:
        return Neighbours(previous=None, next=None)
    posts = visible_posts().exclude(pk=post.pk).only("title", "slug", "publish_at")
    earlier = Q(publish_at__lt=post.publish_at) | Q(publish_at=post.publish_at, id__lt=post.pk)
    later = Q(publish_at__gt=post.publish_at) | Q(publish_at=post.publish_at, id__gt=post.pk)
    return Neighbours(
        previous=posts.filter(earlier).order_by("-publish_at", "-id").first(),
        next=posts.filter(later).order_by("publish_at", "id").first(),
    )


def listed_posts(*, user: Actor, status: str | None = None) -> QuerySet[Post]:
    """Newest first, with list relations: the visible posts, or an editor's drafts or scheduled.

    `status` names the unpublished posts to list (PostStatus.DRAFT or SCHEDULED); only editors
    may ask for them. Drafts may have no publish time, so they come newest-written first.
    """
    if status is None:
        return newest_first(visible_posts())
    if not can_edit_posts(user):
        raise NotAllowed("Only editors may list drafts and scheduled posts.")
    if status not in (PostStatus.DRAFT, PostStatus.SCHEDULED):
        raise InvalidInput(f"Unknown status {status!r}; use draft or scheduled.")
    posts = Post.objects.filter(status=status)
    if status == PostStatus.DRAFT:
        return with_list_relations(posts.order_by("-created", "-id"))
    return newest_first(posts)


def post_for_editing(*, post_id: int) -> Post:
    """The post, locked until the end of the transaction, for a change by an editor."""
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise NotFound(f"There is no post {post_id}.")
    return post


def authors_by_username(usernames: Sequence[str]) -> list[User]:
    """The active accounts with these usernames, in the order given; unknown names are refused."""
    found = {user.username: user for user in User.objects.filter(username__in=usernames)}
    missing = sorted({name for name in usernames if name not in found or not found[name].is_active})
    if missing:
        raise InvalidInput(f"Unknown authors: {', '.join(missing)}. Use existing usernames.")
    return list(dict.fromkeys(found[name] for name in usernames))
