"""Big threads stay readable: past the site's overflow size a thread opens in pages of whole
sub-threads (or, in the threaded overflow mode, with replies as one-line entries), and a
permalink still lands on the page holding its comment."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from broadsheet.accounts.models import User
from broadsheet.conftest import same_query_count
from broadsheet.discussion import selectors
from broadsheet.discussion.choices import (
    CHOICE_COOKIE,
    DEFAULT_DISPLAY,
    default_display_for,
    thread_view_for,
)
from broadsheet.discussion.display import DisplayMode
from broadsheet.discussion.models import (
    DEFAULT_OVERFLOW_AFTER,
    Comment,
    DiscussionSettings,
    OverflowMode,
)
from broadsheet.discussion.paging import page_holding, starts_by_budget, starts_by_count
from broadsheet.discussion.services import NewComment, post_comments
from broadsheet.discussion.tree import SortOrder
from broadsheet.publishing.models import CommentStyle, Post
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

# 51 sub-threads of 1 to 10 comments, 250 in all: sizes that do not line up with the budget.
SIZES = [(index % 9) + 1 for index in range(50)] + [10]


@pytest.fixture
def post(editor: User) -> Post:
    return make_post(editor, "Open thread")


def write_subthreads(post: Post, author: User, sizes: list[int]) -> list[list[Comment]]:
    """One sub-thread per size: a top-level comment and a chain of replies, each answering
    the one before, so the last reply of a sub-thread is its deepest. Written in one call."""
    items: list[NewComment] = []
    bounds: list[tuple[int, int]] = []
    for thread_index, size in enumerate(sizes):
        start = len(items)
        items.append(NewComment(author=author, body=f"Top {thread_index}"))
        for depth in range(1, size):
            items.append(
                NewComment(
                    author=author,
                    body=f"Reply {thread_index}.{depth}",
                    parent_position=len(items) - 1,
                )
            )
        bounds.append((start, len(items)))
    made = post_comments(post=post, comments=items, imported=True)
    return [made[start:end] for start, end in bounds]


def configure(**values: object) -> DiscussionSettings:
    DiscussionSettings.objects.update_or_create(pk=1, defaults=values)
    return DiscussionSettings.current()


def page_of(
    post: Post,
    *,
    display: DisplayMode = DisplayMode.NESTED,
    sort: SortOrder = SortOrder.OLDEST,
    page_number: int = 1,
    comment_id: int | None = None,
    per_page: int = 0,
) -> selectors.ThreadPage:
    """A page as the post page asks for it: with the site's discussion settings."""
    return selectors.thread_page(
        post=post,
        viewer=AnonymousUser(),
        display=display,
        sort=sort,
        per_page=per_page,
        page_number=page_number,
        comment_id=comment_id,
        discussion=DiscussionSettings.current(),
    )


def every_page(post: Post, **kwargs: object) -> list[selectors.ThreadPage]:
    first = page_of(post, **kwargs)  # type: ignore[arg-type]
    return [first] + [
        page_of(post, page_number=number, **kwargs)  # type: ignore[arg-type]
        for number in range(2, first.page_count + 1)
    ]


def ids_on(page: selectors.ThreadPage) -> list[int]:
    return [entry.row.id for entry in page.arrangement.entries]


def html_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Pages of whole sub-threads, as pure functions.


def test_pages_fill_with_whole_subthreads_up_to_the_budget() -> None:
    assert starts_by_budget([3, 3, 3, 1, 5], 6) == [0, 2, 4]
    assert starts_by_budget([2, 2, 2], 6) == [0]


def test_a_subthread_bigger_than_the_budget_takes_a_page_alone() -> None:
    assert starts_by_budget([1, 9, 1, 1], 4) == [0, 1, 2]
    assert starts_by_budget([9], 4) == [0]


def test_pages_by_count_and_the_page_holding_an_index() -> None:
    assert starts_by_count(7, 3) == [0, 3, 6]
    assert starts_by_count(0, 3) == [0]
    starts = [0, 3, 6]
    assert [page_holding(starts, index) for index in range(8)] == [1, 1, 1, 2, 2, 2, 3, 3]


# The post page's thread, past the overflow size.


def test_the_default_is_pages_of_at_most_200_comments(post: Post, reader: User) -> None:
    settings = DiscussionSettings.current()
    assert settings.overflow_after == DEFAULT_OVERFLOW_AFTER == 200
    assert settings.overflow_mode == OverflowMode.PAGINATED


def test_a_250_comment_thread_opens_on_page_1_of_2_with_no_page_above_200(
    post: Post, reader: User
) -> None:
    write_subthreads(post, reader, SIZES)
    pages = every_page(post)
    assert (pages[0].page_number, pages[0].page_count) == (1, 2)
    assert all(page.overflow for page in pages)
    # Four rounds of 1..9 and then 1..5 make 195; the next sub-thread (6) would pass 200.
    assert [len(ids_on(page)) for page in pages] == [195, 55]
    shown = [comment_id for page in pages for comment_id in ids_on(page)]
    assert sorted(shown) == sorted(Comment.objects.filter(post=post).values_list("pk", flat=True))


def test_subthreads_are_never_split_across_pages(post: Post, reader: User) -> None:
    configure(overflow_after=12)
    threads = write_subthreads(post, reader, SIZES)
    page_of_comment = {
        comment_id: page.page_number for page in every_page(post) for comment_id in ids_on(page)
    }
    for thread in threads:
        assert len({page_of_comment[comment.pk] for comment in thread}) == 1
    pages = every_page(post)
    assert all(len(ids_on(page)) <= 12 for page in pages)
    assert len(pages) > 20


def test_a_subthread_larger_than_the_budget_takes_a_page_alone(post: Post, reader: User) -> None:
    configure(overflow_after=6)
    threads = write_subthreads(post, reader, [2, 2, 10, 2])
    pages = every_page(post)
    assert [ids_on(page) for page in pages] == [
        [c.pk for c in threads[0] + threads[1]],
        [c.pk for c in threads[2]],
        [c.pk for c in threads[3]],
    ]


def test_the_newest_first_order_pages_from_the_newest_subthread(post: Post, reader: User) -> None:
    threads = write_subthreads(post, reader, SIZES)
    first = page_of(post, sort=SortOrder.NEWEST)
    assert ids_on(first)[0] == threads[-1][0].pk


def test_a_permalink_to_a_deep_reply_lands_on_its_page_with_its_anchor(
    client: Client, post: Post, reader: User
) -> None:
    threads = write_subthreads(post, reader, SIZES)
    deep = threads[-1][-1]  # depth 9, in the last sub-thread
    assert deep.depth == 9
    landing = page_of(post, comment_id=deep.pk)
    assert (landing.page_number, landing.page_count) == (2, 2)
    assert deep.pk in ids_on(landing)
    html = html_of(client, deep.get_absolute_url())
    assert "Comment page 2 of 2" in html
    assert f'id="comment-{deep.pk}"' in html
    first_page = html_of(client, post.get_absolute_url())
    assert "Comment page 1 of 2" in first_page
    assert f'id="comment-{deep.pk}"' not in first_page


def test_page_numbers_in_the_address_work_and_are_kept_in_range(
    client: Client, post: Post, reader: User
) -> None:
    threads = write_subthreads(post, reader, SIZES)
    second = html_of(client, f"{post.get_absolute_url()}?page=2")
    assert "Comment page 2 of 2" in second
    assert f'id="comment-{threads[-1][0].pk}"' in second
    assert f'id="comment-{threads[0][0].pk}"' not in second
    assert page_of(post, page_number=99).page_number == 2
    assert page_of(post, page_number=-3).page_number == 1


def test_a_later_page_goes_on_numbering_the_blog_styles_top_level_responses(
    client: Client, post: Post, reader: User
) -> None:
    configure(comment_style=CommentStyle.BLOG)
    write_subthreads(post, reader, SIZES)
    first, second = every_page(post)
    roots_on_first = sum(1 for entry in first.arrangement.entries if entry.level == 0)
    assert roots_on_first == 41  # 195 comments in whole sub-threads
    assert (first.first_number, second.first_number) == (1, roots_on_first + 1)
    html = html_of(client, f"{post.get_absolute_url()}?page=2")
    assert '<ol class="comments comments--nested comments--numbered" start="42">' in html


def test_overflow_off_shows_the_whole_thread(post: Post, reader: User) -> None:
    configure(overflow_after=0)
    write_subthreads(post, reader, SIZES)
    page = page_of(post)
    assert (page.page_count, len(ids_on(page)), page.overflow) == (1, 250, False)


def test_a_thread_of_exactly_the_overflow_size_is_one_page(post: Post, reader: User) -> None:
    configure(overflow_after=250)
    write_subthreads(post, reader, SIZES)
    assert page_of(post).page_count == 1
    configure(overflow_after=249)
    assert page_of(post).page_count == 2


def test_without_the_discussion_settings_nothing_overflows(post: Post, reader: User) -> None:
    """The API asks for threads without the site's settings and pages them itself."""
    write_subthreads(post, reader, SIZES)
    page = selectors.thread_page(
        post=post, viewer=AnonymousUser(), display=DisplayMode.NESTED, sort=SortOrder.OLDEST
    )
    assert (page.page_count, len(ids_on(page))) == (1, 250)


def test_an_explicit_top_level_count_per_page_wins_over_overflow(post: Post, reader: User) -> None:
    threads = write_subthreads(post, reader, SIZES)
    page = page_of(post, per_page=7)
    assert (page.page_count, page.overflow) == (8, False)  # 51 top-level comments
    assert sum(1 for entry in page.arrangement.entries if entry.level == 0) == 7
    landing = page_of(post, per_page=7, comment_id=threads[50][-1].pk)
    assert (landing.page_number, landing.first_number) == (8, 50)


def test_flat_display_pages_hold_the_budget_in_comments(post: Post, reader: User) -> None:
    configure(overflow_after=100)
    threads = write_subthreads(post, reader, SIZES)
    pages = every_page(post, display=DisplayMode.FLAT)
    assert [len(ids_on(page)) for page in pages] == [100, 100, 50]
    assert [page.first_number for page in pages] == [1, 101, 201]
    deep = threads[-1][-1]
    assert page_of(post, display=DisplayMode.FLAT, comment_id=deep.pk).page_number == 3


# The threaded overflow mode changes only the default display.


def test_the_threaded_overflow_mode_does_not_page(post: Post, reader: User) -> None:
    configure(overflow_mode=OverflowMode.THREADED)
    write_subthreads(post, reader, SIZES)
    page = page_of(post, display=DisplayMode.THREADED)
    assert (page.page_count, len(ids_on(page)), page.overflow) == (1, 250, False)
    levels = {entry.full for entry in page.arrangement.entries if entry.row.depth > 0}
    assert levels == {False}  # replies as one-line entries


def test_a_big_thread_defaults_to_threaded_in_the_threaded_overflow_mode() -> None:
    settings = DiscussionSettings(overflow_after=200, overflow_mode=OverflowMode.THREADED)
    assert default_display_for(settings, 201) is DisplayMode.THREADED
    assert default_display_for(settings, 200) is DEFAULT_DISPLAY
    settings.overflow_after = 0
    assert default_display_for(settings, 5000) is DEFAULT_DISPLAY
    paginated = DiscussionSettings(overflow_after=200, overflow_mode=OverflowMode.PAGINATED)
    assert default_display_for(paginated, 5000) is DEFAULT_DISPLAY


def test_the_readers_own_display_wins_over_the_overflow_default(reader: User) -> None:
    factory = RequestFactory()
    request = factory.get("/posts/x/")
    request.user = AnonymousUser()
    assert thread_view_for(request, default_display=DisplayMode.THREADED).display is (
        DisplayMode.THREADED
    )
    from_url = factory.get("/posts/x/", {"display": "nested"})
    from_url.user = AnonymousUser()
    assert thread_view_for(from_url, default_display=DisplayMode.THREADED).display is (
        DisplayMode.NESTED
    )
    saved = factory.get("/posts/x/")
    saved.user = AnonymousUser()
    saved.COOKIES[CHOICE_COOKIE] = "flat:oldest"
    assert thread_view_for(saved, default_display=DisplayMode.THREADED).display is (
        DisplayMode.FLAT
    )
    reader.preferences = {"display": "minimal"}
    signed_in = factory.get("/posts/x/")
    signed_in.user = reader
    assert thread_view_for(signed_in, default_display=DisplayMode.THREADED).display is (
        DisplayMode.MINIMAL
    )


# One query for the rows, whatever the size.


def test_the_query_count_in_overflow_mode_is_the_same_at_2000_comments_as_at_10(
    client: Client, post: Post, reader: User, editor: User, page_queries
) -> None:
    from broadsheet.discussion.sample_threads import generate_thread

    generate_thread(post=post, authors=[reader, editor], count=10)
    small_permalink = Comment.objects.filter(post=post).order_by("-depth", "number").first()
    assert small_permalink is not None
    base = post.get_absolute_url()
    views = [
        base,
        f"{base}?page=2",
        f"{base}?display=flat&page=3",
        f"{base}?sort=highest&page=2",
        f"{base}?display=threaded&sort=newest",
    ]
    client.force_login(editor)
    small = {url: page_queries(url) for url in views}
    small_landing = page_queries(f"{base}?comment={small_permalink.pk}")

    generate_thread(post=post, authors=[reader, editor], count=1990, seed=2)
    deep = Comment.objects.filter(post=post).order_by("-depth", "-number").first()
    assert deep is not None
    landing = client.get(f"{base}?comment={deep.pk}").content.decode()
    assert "Comment page 1 of" not in landing
    assert f'id="comment-{deep.pk}"' in landing
    for url in views:
        assert "Comment page" in html_of(client, url), url
        assert same_query_count(small[url], page_queries(url)), url
    assert same_query_count(small_landing, page_queries(f"{base}?comment={deep.pk}"))
