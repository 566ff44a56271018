"""Reads on the discussion: one query for a thread's comments, then pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Value
from django.utils import timezone

from broadsheet.accounts.permissions import Actor, is_moderator, is_trusted, signed_in
from broadsheet.discussion.display import Arrangement, DisplayMode, arrange
from broadsheet.discussion.fragments import refresh_stale_fragments
from broadsheet.discussion.models import (
    Comment,
    CommentKind,
    CommentState,
    DiscussionSettings,
    OverflowMode,
    Rating,
    edit_window_open,
    thread_look,
)
from broadsheet.discussion.paging import page_holding, starts_by_budget, starts_by_count
from broadsheet.discussion.tree import (
    CommentNode,
    CommentRow,
    SortOrder,
    build_comment_tree,
    root_index_of,
    row_sort_key,
    sort_tree,
    subthread_size,
)
from broadsheet.publishing.models import Post, SiteSettings

ROW_FIELDS = (
    "id",
    "parent_id",
    "number",
    "depth",
    "subject",
    "body_html",
    "author__username",
    "author_name",
    "state",
    "created",
    "edited",
    "rating_average",
    "rating_count",
    "reply_count",
    "fragment_html",
    "line_html",
    "fragment_key",
    "language",
    "author__display_name",
    "author_url",
    "original_anchor",
    "kind",
)  # fmt: skip, in the order of CommentRow's fields
# A page shows the stored fragments, the API the sanitized body: each reads only its own.
PAGE_FIELDS = tuple(Value("") if name == "body_html" else name for name in ROW_FIELDS)
# A page first reads every row without its HTML (to build, sort and page the tree), then the
# HTML of the rows on the page only: a page of a 20,000-comment thread holds 200 comments'
# fragments in memory, not 20,000.
SKELETON_FIELDS = tuple(
    Value("") if name in {"body_html", "fragment_html", "line_html"} else name
    for name in ROW_FIELDS
)
# Past this many rows on one page their HTML is read by the thread's own filter rather than
# by a list of ids (SQLite takes at most 32,766 parameters in one statement).
MAX_IDS_PER_QUERY = 5_000
API_FIELDS = tuple(
    Value("") if name in {"fragment_html", "line_html", "fragment_key"} else name
    for name in ROW_FIELDS
)


def sees_hidden_comments(viewer: Actor) -> bool:
    """Trusted readers and moderators see hidden comments in full, marked as hidden."""
    return is_moderator(viewer) or is_trusted(viewer)


def visible_comments_filter(viewer: Actor, *, hidden_as_placeholders: bool = False) -> Q:
    """Visible comments, deleted ones (as placeholders), held ones for their author (and
    moderators), hidden ones for trusted readers (or, as collapsed lines, for everyone)."""
    states = [CommentState.VISIBLE, CommentState.DELETED]
    if hidden_as_placeholders or sees_hidden_comments(viewer):
        states.append(CommentState.HIDDEN)
    shown = Q(state__in=states)
    if is_moderator(viewer):
        return shown | Q(state=CommentState.HELD)
    account = signed_in(viewer)
    if account is not None:
        return shown | Q(state=CommentState.HELD, author_id=account.pk)
    return shown


def thread_rows(
    *, post: Post, viewer: Actor, for_page: bool = False, hidden_as_placeholders: bool = False
) -> list[CommentRow]:
    """Every comment of the post this viewer may see, oldest first, in one query.

    for_page reads the stored HTML fragments instead of the comment bodies.
    """
    values = _thread_comments(post, viewer, hidden_as_placeholders).values_list(
        *(PAGE_FIELDS if for_page else API_FIELDS)
    )
    return [CommentRow(*row) for row in values]


def _thread_comments(post: Post, viewer: Actor, hidden_as_placeholders: bool) -> QuerySet[Comment]:
    return Comment.objects.filter(
        visible_comments_filter(viewer, hidden_as_placeholders=hidden_as_placeholders),
        post=post,
    ).order_by("number")


def _load_fragments(
    rows: list[CommentRow], *, everything: QuerySet[Comment], whole_thread: bool
) -> None:
    """Fill in the stored HTML of the rows a page shows, in one query."""
    if not rows:
        return
    wanted = everything if whole_thread or len(rows) > MAX_IDS_PER_QUERY else None
    if wanted is None:
        wanted = Comment.objects.filter(pk__in=[row.id for row in rows])
    html = {
        comment_id: (full, line)
        for comment_id, full, line in wanted.values_list("id", "fragment_html", "line_html")
    }
    for row in rows:
        row.fragment_html, row.line_html = html.get(row.id, ("", ""))


def _drop_empty_placeholders(roots: list[CommentNode]) -> list[CommentNode]:
    """Deleted comments stay only where they hold replies together."""

    def keep(node: CommentNode) -> bool:
        node.children = [child for child in node.children if keep(child)]
        return node.row.state != CommentState.DELETED or bool(node.children)

    return [root for root in roots if keep(root)]


@dataclass
class ThreadPage:
    arrangement: Arrangement
    display: DisplayMode
    sort: SortOrder
    page_number: int
    page_count: int
    total_shown: int
    own_ratings: dict[int, int] = field(default_factory=dict)
    first_number: int = 1  # the list position of the page's first top-level comment
    overflow: bool = False  # paged because the thread passed DiscussionSettings.overflow_after
    # Other sites' notices that they linked here (imported pingbacks and trackbacks), listed
    # after the conversation and never in its tree, order or pages.
    pingbacks: list[CommentRow] = field(default_factory=list)


def _page_starts(
    roots: list[CommentNode], *, per_page: int, discussion: DiscussionSettings | None
) -> tuple[list[int], bool]:
    """Where each page starts among the sorted roots, and whether overflow paged the thread.

    An explicit per_page wins. Otherwise a thread of more than the site's overflow_after
    comments, in the paginated overflow mode, gets pages of whole sub-threads of at most that
    many comments (flat mode: that many comments, each root being one comment).
    """
    if per_page > 0:
        return starts_by_count(len(roots), per_page), False
    if discussion is None or discussion.overflow_mode != OverflowMode.PAGINATED:
        return [0], False
    budget = discussion.overflow_after
    if budget <= 0:
        return [0], False
    sizes = [subthread_size(root) for root in roots]
    if sum(sizes) <= budget:
        return [0], False
    return starts_by_budget(sizes, budget), True


def thread_page(
    *,
    post: Post,
    viewer: Actor,
    display: DisplayMode,
    sort: SortOrder,
    per_page: int = 0,
    page_number: int = 1,
    comment_id: int | None = None,
    site: SiteSettings | None = None,
    discussion: DiscussionSettings | None = None,
    hidden_as_placeholders: bool = False,
) -> ThreadPage:
    """The entries of one page of a thread in a display mode and order.

    With site given, rows carry the stored fragments (rendered again when the site's formats
    or the thread's comment style changed); without, the sanitized bodies (the
    API). hidden_as_placeholders shows ordinary readers a hidden comment as a collapsed line
    (DiscussionSettings.show_hidden_to_readers).

    With per_page set, pages hold that many top-level comments (flat mode: that many
    comments). Without, a thread past discussion.overflow_after comments in the paginated
    overflow mode is split into pages of whole sub-threads (see paging.py). A comment_id
    picks the page that holds that comment, however deep in its sub-thread.
    """
    everything = _thread_comments(post, viewer, hidden_as_placeholders)
    fields = SKELETON_FIELDS if site is not None else API_FIELDS
    rows = [CommentRow(*row) for row in everything.values_list(*fields)]
    rows, pingbacks = _apart_from_pingbacks(rows)
    roots = _drop_empty_placeholders(build_comment_tree(rows))
    if display is DisplayMode.FLAT:
        row_key = row_sort_key(sort)
        rows_in_order = sorted(
            (row for row in rows if row.state != CommentState.DELETED),
            key=row_key,  # type: ignore[arg-type]
        )
        roots = [CommentNode(row) for row in rows_in_order]
    else:
        roots = sort_tree(roots, sort)
    starts, overflow = _page_starts(roots, per_page=per_page, discussion=discussion)
    page_count = len(starts)
    if comment_id is not None and page_count > 1:
        index = root_index_of(roots, comment_id)
        if index is not None:
            page_number = page_holding(starts, index)
    page_number = min(max(page_number, 1), page_count)
    start = starts[page_number - 1]
    end = starts[page_number] if page_number < page_count else len(roots)
    roots = roots[start:end]
    arrangement = arrange(roots, display, sort)
    if site is not None:
        shown = [entry.row for entry in arrangement.entries]
        _load_fragments(shown, everything=everything, whole_thread=page_count == 1)
        refresh_stale_fragments(shown, site, thread_look(post, discussion))
    own: dict[int, int] = {}
    account = signed_in(viewer)
    if account is not None:
        own = dict(
            Rating.objects.filter(comment__post=post, rater=account).values_list(
                "comment_id", "value"
            )
        )
    return ThreadPage(
        arrangement=arrangement,
        display=display,
        sort=sort,
        page_number=page_number,
        page_count=page_count,
        total_shown=len(rows),
        own_ratings=own,
        first_number=start + 1,
        overflow=overflow,
        pingbacks=pingbacks,
    )


def _apart_from_pingbacks(rows: list[CommentRow]) -> tuple[list[CommentRow], list[CommentRow]]:
    """The conversation, and the visible pingbacks and trackbacks (read in the same query)."""
    if all(row.kind == CommentKind.COMMENT for row in rows):
        return rows, []
    comments = [row for row in rows if row.kind == CommentKind.COMMENT]
    pingbacks = [
        row for row in rows if row.kind != CommentKind.COMMENT and row.state == CommentState.VISIBLE
    ]
    return comments, pingbacks


def holds_comment_of(*, post: Post, viewer: Actor) -> bool:
    """Whether the viewer has a comment held for review in this thread (which only they see)."""
    account = signed_in(viewer)
    return (
        account is not None
        and Comment.objects.filter(
            post=post, author_id=account.pk, state=CommentState.HELD
        ).exists()
    )


def reader_parts(*, post: Post, viewer: Actor, edit_minutes: int) -> dict[str, object]:
    """What a signed-in reader's page adds to the shared thread: their ratings, their own
    comments and which of those they may still edit. Two queries."""
    account = signed_in(viewer)
    if account is None:
        return {"signed_in": False}
    own_ratings = dict(
        Rating.objects.filter(comment__post=post, rater=account).values_list("comment_id", "value")
    )
    now = timezone.now()
    own = list(
        Comment.objects.filter(post=post, author_id=account.pk)
        .exclude(state=CommentState.DELETED)
        .values_list("id", "created")
    )
    return {
        "signed_in": True,
        "moderator": is_moderator(viewer),
        "trusted": is_trusted(viewer),
        "own_ratings": {str(comment_id): value for comment_id, value in own_ratings.items()},
        "own_comments": [comment_id for comment_id, _ in own],
        "editable": [
            comment_id
            for comment_id, created in own
            if edit_window_open(created=created, edit_minutes=edit_minutes, now=now)
        ],
    }


def comment_for_post(*, post: Post, comment_id: int, viewer: Actor) -> Comment | None:
    """A comment of the post that the viewer may see (the one a reply form answers)."""
    return Comment.objects.filter(visible_comments_filter(viewer), post=post, pk=comment_id).first()


def comment_seen_by(*, viewer: Actor, comment_id: int) -> Comment | None:
    """The comment, with its post and author, when the viewer may see it; None, as for a
    comment that does not exist, when not (a held comment is nobody else's business)."""
    return (
        Comment.objects.select_related("post", "author")
        .filter(visible_comments_filter(viewer), pk=comment_id)
        .first()
    )


def comment_row(*, comment_id: int) -> CommentRow | None:
    """One comment as a thread page shows it (the row thread_rows gives), in one query."""
    values = Comment.objects.filter(pk=comment_id).values_list(*ROW_FIELDS).first()
    return CommentRow(*values) if values is not None else None
