"""Reader pages: front page, post, section, tag, author and open-thread lists."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from broadsheet.accounts.models import User
from broadsheet.publishing import selectors
from broadsheet.publishing.models import Post, Section, Tag
from broadsheet.publishing.selectors import site_settings_of


def _page_of(request: HttpRequest, posts: QuerySet[Post]) -> Page[Post]:
    per_page = site_settings_of(request).posts_per_page or 10
    return Paginator(posts, per_page).get_page(request.GET.get("page"))


def _post_list(
    request: HttpRequest, posts: QuerySet[Post], *, heading: str, description: str = ""
) -> HttpResponse:
    page = _page_of(request, posts)
    return render(
        request,
        "publishing/post_list.html",
        {"page": page, "posts": page.object_list, "heading": heading, "description": description},
    )


@require_safe
def front_page(request: HttpRequest) -> HttpResponse:
    return _post_list(request, selectors.front_page_posts(), heading="")


@require_safe
def section_posts(request: HttpRequest, slug: str) -> HttpResponse:
    section = get_object_or_404(Section, slug=slug)
    posts = selectors.newest_first(selectors.visible_posts().filter(section=section))
    return _post_list(request, posts, heading=section.name, description=section.description)


@require_safe
def tag_posts(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    posts = selectors.newest_first(selectors.visible_posts().filter(tags=tag))
    return _post_list(request, posts, heading=f"Tagged “{tag.name}”")


@require_safe
def author_posts(request: HttpRequest, username: str) -> HttpResponse:
    author = get_object_or_404(User, username=username, is_active=True)
    posts = selectors.newest_first(selectors.visible_posts().filter(authors=author))
    return _post_list(
        request, posts, heading=f"Posts by {author.shown_name}", description=author.bio
    )


@require_safe
def open_threads(request: HttpRequest) -> HttpResponse:
    posts = selectors.newest_first(selectors.visible_posts().filter(open_thread=True))
    return _post_list(
        request,
        posts,
        heading="Open threads",
        description="Posts for free discussion: bring your own topic.",
    )
