"""Reads on posts: which posts a reader may see, in which order, with their neighbours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.errors import NotFound
from broadsheet.publishing.models import Post, PostStatus, SiteSettings


def get_site_settings() -> SiteSettings:
    site, _ = SiteSettings.objects.get_or_create(pk=1)
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


def can_preview(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.has_perm("publishing.change_post")
    )


def post_for_reader(*, slug: str, user: Any) -> Post:
    """The post at `slug` if this reader may see it; editors also see drafts and scheduled."""
    posts = Post.objects.all() if can_preview(user) else visible_posts()
    post = with_list_relations(posts).filter(slug=slug).first()
    if post is None:
        raise NotFound("There is no post at this address.")
    return post


def post_by_id_for_reader(*, post_id: int, user: Any) -> Post:
    posts = Post.objects.all() if can_preview(user) else visible_posts()
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
