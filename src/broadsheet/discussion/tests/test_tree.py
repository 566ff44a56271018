"""The thread tree and its orders are pure functions over rows."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.discussion.display import DisplayMode, arrange
from broadsheet.discussion.tree import (
    CommentRow,
    SortOrder,
    build_comment_tree,
    root_index_of,
    sort_tree,
)


def row(number: int, parent: int | None = None, average: float | None = None, count: int = 0):
    return CommentRow(
        id=number * 10,
        parent_id=parent * 10 if parent else None,
        number=number,
        depth=0,
        subject=f"s{number}",
        body_html="",
        author_username=f"user{number}",
        author_name="",
        state="visible",
        created=datetime(2017, 3, 8, tzinfo=UTC),
        edited=None,
        rating_average=average,
        rating_count=count,
        reply_count=0,
    )


def numbers(nodes):
    return [node.row.number for node in nodes]


def test_replies_hang_under_their_parent_and_know_its_number():
    roots = build_comment_tree([row(1), row(2), row(3, parent=1), row(4, parent=3)])
    assert numbers(roots) == [1, 2]
    assert numbers(roots[0].children) == [3]
    assert roots[0].children[0].children[0].row.parent_number == 3
    assert roots[0].children[0].row.parent_author == "user1"


def test_a_reply_whose_parent_is_not_shown_stands_at_the_top():
    roots = build_comment_tree([row(1), row(3, parent=2)])
    assert numbers(roots) == [1, 3]


def test_newest_order_reverses_siblings_at_every_level():
    roots = sort_tree(
        build_comment_tree([row(1), row(2), row(3, parent=1), row(4, parent=1)]), SortOrder.NEWEST
    )
    assert numbers(roots) == [2, 1]
    assert numbers(roots[1].children) == [4, 3]


def test_highest_puts_rated_first_then_more_ratings_then_oldest():
    rows = [row(1), row(2, average=4.0, count=1), row(3, average=5.0, count=1),
            row(4, average=4.0, count=3), row(5, average=4.0, count=1)]  # fmt: skip
    assert numbers(sort_tree(build_comment_tree(rows), SortOrder.HIGHEST)) == [3, 4, 2, 5, 1]


def test_lowest_puts_lowest_rated_first_and_unrated_last():
    rows = [row(1), row(2, average=4.0, count=1), row(3, average=1.0, count=2)]
    assert numbers(sort_tree(build_comment_tree(rows), SortOrder.LOWEST)) == [3, 2, 1]


def test_root_index_finds_the_top_level_comment_holding_a_reply():
    roots = build_comment_tree([row(1), row(2), row(3, parent=2), row(4, parent=3)])
    assert root_index_of(roots, 40) == 1
    assert root_index_of(roots, 999) is None


def arranged(rows, mode, order=SortOrder.OLDEST):
    arrangement = arrange(sort_tree(build_comment_tree(rows), order), mode, order)
    return [(e.row.number, e.level, e.full) for e in arrangement.entries], arrangement


def test_nested_mode_shows_every_comment_in_full_indented_under_its_parent():
    entries, arrangement = arranged(
        [row(1), row(2, parent=1), row(3, parent=2), row(4)], DisplayMode.NESTED
    )
    assert entries == [(1, 0, True), (2, 1, True), (3, 2, True), (4, 0, True)]
    assert [e.opens for e in arrangement.entries] == [False, True, True, False]
    assert arrangement.entries[3].closes == 2
    assert arrangement.trailing_closes == 0


def test_threaded_mode_shows_top_level_in_full_and_replies_as_lines():
    entries, _ = arranged(
        [row(1), row(2, parent=1), row(3, parent=2), row(4)], DisplayMode.THREADED
    )
    assert entries == [(1, 0, True), (2, 1, False), (3, 2, False), (4, 0, True)]


def test_minimal_mode_shows_the_whole_tree_as_lines():
    entries, _ = arranged([row(1), row(2, parent=1)], DisplayMode.MINIMAL)
    assert entries == [(1, 0, False), (2, 1, False)]


def test_flat_mode_shows_everything_in_full_without_indentation_in_the_chosen_order():
    rows = [row(1), row(2, parent=1, average=5.0, count=1), row(3)]
    entries, _ = arranged(rows, DisplayMode.FLAT, SortOrder.HIGHEST)
    assert entries == [(2, 0, True), (1, 0, True), (3, 0, True)]


def test_indentation_stops_at_the_depth_limit():
    from broadsheet.discussion.display import MAX_INDENT

    rows = [row(1)] + [row(n, parent=n - 1) for n in range(2, MAX_INDENT + 5)]
    entries, _ = arranged(rows, DisplayMode.NESTED)
    assert max(level for _, level, _ in entries) == MAX_INDENT


@st.composite
def random_threads(draw):
    count = draw(st.integers(min_value=0, max_value=60))
    rows = []
    for number in range(1, count + 1):
        parent = draw(st.one_of(st.none(), st.integers(1, number - 1))) if number > 1 else None
        average = draw(st.one_of(st.none(), st.floats(1, 5)))
        rows.append(row(number, parent, average, 1 if average is not None else 0))
    return rows


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(random_threads(), st.sampled_from(list(DisplayMode)), st.sampled_from(list(SortOrder)))
def test_every_mode_and_order_shows_each_comment_once_with_balanced_lists(rows, mode, order):
    entries, arrangement = arranged(rows, mode, order)
    assert sorted(number for number, _, _ in entries) == [r.number for r in rows]
    opened = 0
    for entry in arrangement.entries:
        opened += 1 if entry.opens else -entry.closes
        assert opened == entry.level >= 0
    assert opened == arrangement.trailing_closes
