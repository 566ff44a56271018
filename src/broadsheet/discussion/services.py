"""Writes on the discussion: post, edit and delete comments; rate them; close threads.

Every function checks permission itself (check_* raise a domain error), takes its inputs as
keyword arguments, and runs in one transaction, so the HTML views, the API, the importers and
the demo builder cannot diverge. Each fact has one writer here: comments enter through
`post_comments` (`post_comment` is its one-comment case), and a comment's state changes only
in `set_comment_state`. Every change is announced (broadsheet.changes) once the transaction
commits; the thread's cache version, the moderation log and reputation are listeners.

The post's `comment_count` (visible comments) moves in the same transaction as the write
that changes it, never by counting the thread again; `recount_comments` repairs it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.accounts.permissions import (
    Actor,
    check_can_open_or_close_thread,
    is_moderator,
    is_trusted,
    signed_in,
)
from broadsheet.changes import (
    CommentEdited,
    CommentRated,
    CommentsPosted,
    CommentStateChanged,
    ThreadClosed,
    ThreadOpened,
    ThreadRecounted,
    announce,
)
from broadsheet.discussion.fragments import (
    FRAGMENT_FIELDS,
    derived_subject,
    refresh_fragment,
    refresh_fragments,
)
from broadsheet.discussion.languages import comment_language
from broadsheet.discussion.models import (
    MAX_ANONYMOUS_NAME_LENGTH,
    MAX_AUTHOR_URL_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_SUBJECT_LENGTH,
    Comment,
    CommentKind,
    CommentState,
    DiscussionSettings,
    Rating,
    ThreadLook,
    ThreadState,
    edit_window_open,
    thread_look,
    validate_author_url,
)
from broadsheet.discussion.selectors import visible_comments_filter
from broadsheet.errors import InvalidInput, NotAllowed, NotFound
from broadsheet.guard.bans import check_not_banned
from broadsheet.input_text import check_storable, one_line
from broadsheet.markup import MarkupFormat, render_comment_text
from broadsheet.publishing.models import Post, SiteSettings
from broadsheet.publishing.selectors import get_site_settings, is_visible
from broadsheet.screening.filter import CommentFacts, screen_new_comment
from broadsheet.screening.models import ScreeningSettings
from broadsheet.screening.rules import AuthorFacts

LOWEST_READER_RATING = 1
HIGHEST_RATING = 5
HIDE_RATING = 0  # reserved for trusted readers (community moderation)


def comments_close_at(*, post: Post, settings: DiscussionSettings) -> datetime | None:
    """When the post's comments close with its age (the site's setting), if they do."""
    days = settings.close_comments_after_days
    if days and post.publish_at:
        return post.publish_at + timedelta(days=days)
    return None


def comments_closed_reason(*, post: Post, settings: DiscussionSettings) -> str | None:
    """Why nobody may comment on this post now, or None when comments are open."""
    if not post.comments_open:
        return "Comments are closed."
    closes_at = comments_close_at(post=post, settings=settings)
    if closes_at is not None and closes_at < timezone.now():
        days = settings.close_comments_after_days
        return f"Comments are closed: comments close {days} days after a post is published."
    return None


def check_can_comment(*, user: Actor, post: Post, settings: DiscussionSettings) -> None:
    if not is_visible(post):
        raise NotFound("There is no post at this address.")
    reason = comments_closed_reason(post=post, settings=settings)
    if reason:
        raise NotAllowed(reason, code="comments_closed")
    account = signed_in(user)
    if account is not None:
        if not account.is_active:
            raise NotAllowed("This account is disabled.")
        check_not_banned(user=account)
        return
    if not settings.allow_anonymous_comments:
        raise NotAllowed("Log in or register to comment.", code="login_required", status=401)


def prepare_comment_text(
    *,
    subject: str,
    body: str,
    markup: str = MarkupFormat.MARKDOWN,
    imported: bool = False,
    may_be_empty: bool = False,
) -> tuple[str, str, str]:
    """The cleaned subject, body and sanitized HTML, or InvalidInput saying what is wrong.

    Imported comments are kept as long as they were, and subjects cut: refusing one would
    refuse the whole import over a comment its own site accepted. `may_be_empty` lets an
    import bring a pingback or a deleted comment with no text.
    """
    body = check_storable(body, field="comment").strip()
    if not body and not may_be_empty:
        raise InvalidInput("The comment is empty: write something in the body.")
    if len(body) > MAX_COMMENT_LENGTH and not imported:
        raise InvalidInput(
            f"The comment has {len(body):,} characters; the limit is {MAX_COMMENT_LENGTH:,}."
        )
    subject = one_line(check_storable(subject, field="subject"))
    if len(subject) > MAX_SUBJECT_LENGTH and imported:
        subject = subject[: MAX_SUBJECT_LENGTH - 1] + "…"
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise InvalidInput(
            f"The subject has {len(subject)} characters; the limit is {MAX_SUBJECT_LENGTH}."
        )
    body_html = render_comment_text(body, markup)
    if not subject:
        subject = one_line(derived_subject(body_html)) or "(no subject)"
    return subject, body, body_html


@transaction.atomic
def count_visible(*, post_id: int, change: int) -> None:
    """Move the post's count of visible comments by `change`, in the caller's transaction."""
    if change:
        Post.objects.filter(pk=post_id).update(comment_count=F("comment_count") + change)


def _visible_change(old_state: str, new_state: str) -> int:
    return int(new_state == CommentState.VISIBLE) - int(old_state == CommentState.VISIBLE)


def _author_facts(author: User | None, known_good_authors: set[int]) -> AuthorFacts:
    if author is None:
        return AuthorFacts(
            is_anonymous=True, is_trusted=False, has_approved_comment=False, reputation=None
        )
    return AuthorFacts(
        is_anonymous=False,
        is_trusted=is_trusted(author),
        has_approved_comment=author.pk in known_good_authors,
        reputation=author.reputation,
    )


def _anonymous_identity(name: str, email: str) -> tuple[str, str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    name = one_line(check_storable(name, field="name"))
    if not name:
        raise InvalidInput("Give a name to comment without an account.")
    if len(name) > MAX_ANONYMOUS_NAME_LENGTH:
        raise InvalidInput(f"The name is longer than {MAX_ANONYMOUS_NAME_LENGTH} characters.")
    try:
        validate_email(check_storable(email, field="e-mail address").strip())
    except ValidationError as error:
        raise InvalidInput("Give a valid e-mail address (it is never shown).") from error
    return name, email.strip()


def _author_url(url: str, *, imported: bool) -> str:
    """An anonymous commenter's web site as stored: http or https, never `javascript:`.

    A reader is told what is wrong; an import drops an address that is not one, as it drops
    such an e-mail address. Bidirectional controls are removed as from names, so that the
    address shown is the address linked.
    """
    from django.core.exceptions import ValidationError

    url = one_line(check_storable(url, field="web site address"))
    if not url:
        return ""
    try:
        if len(url) > MAX_AUTHOR_URL_LENGTH:
            raise ValidationError(
                f"The web site address is longer than {MAX_AUTHOR_URL_LENGTH} characters."
            )
        validate_author_url(url)
    except ValidationError as error:
        if imported:
            return ""
        raise InvalidInput(" ".join(error.messages), code="invalid_author_url") from error
    return url


def _imported_identity(name: str, email: str) -> tuple[str, str]:
    """Imported comments keep whatever name they had; an address that is not one is dropped."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    name = one_line(name)[:MAX_ANONYMOUS_NAME_LENGTH] or "Anonymous"
    try:
        validate_email(email.strip())
    except ValidationError:
        return name, ""
    return name, email.strip()


@dataclass(frozen=True)
class NewComment:
    """One comment to add to a post, as `post_comments` takes it.

    A reply names its parent by id (a comment already on the post) or by position (an
    earlier item of the same list), so that an import or a generated thread can write
    whole conversations in one call. `created`, `state` and `ratings` are kept only for
    imports (`post_comments(imported=True)`); otherwise the comment is dated now, its state
    is what screening decides, and ratings come from readers one by one.
    """

    author: Actor
    body: str
    subject: str = ""
    parent_id: int | None = None
    parent_position: int | None = None
    anonymous_name: str = ""
    anonymous_email: str = ""
    author_url: str = ""  # an anonymous commenter's web site; accounts' comments carry none
    submission_key: str = ""
    created: datetime | None = None
    state: CommentState | None = None
    ratings: tuple[tuple[int, int], ...] = ()  # (rater's user id, value)
    language: str | None = None  # BCP 47 as the author or an import says; None: detect it
    # Imports only (ignored otherwise): how the body is written, what the comment is, where
    # it was posted from, and the id it had where it came from: it becomes this comment's id
    # when free here (so `#comment-<id>` keeps working), else its `original_anchor`.
    markup: str = MarkupFormat.MARKDOWN
    kind: str = CommentKind.COMMENT
    ip_address: str = ""
    original_id: int | None = None


# Rows per INSERT or UPDATE statement: well under SQLite's limit of variables per statement.
BULK_BATCH_SIZE = 500
DELETED_SUBJECT = "[deleted]"


def post_comments(
    *,
    post: Post,
    comments: Sequence[NewComment],
    imported: bool = False,
    site: SiteSettings | None = None,
) -> list[Comment]:
    """Add comments to a post, numbered in the order given, and return them in that order.

    Readers' comments (imported=False) are checked (may this person comment here?),
    validated and screened by the hold rules and the spam model; a comment whose
    submission_key the post has seen already is returned as it was, not written twice.
    Imports (imported=True) are trusted: they keep their dates, states and ratings, and no
    rule holds them. Either way the text is rendered and sanitized the same way, numbers and
    depths are given under the thread's lock, and each comment's fragments are stored.
    """
    site = site or get_site_settings()
    if not comments:
        return []
    authors = [signed_in(item.author) for item in comments]
    rules: ScreeningSettings | None = None
    if not imported:
        settings = DiscussionSettings.current()
        rules = ScreeningSettings.current()
        checked: set[int | None] = set()
        for item, author in zip(comments, authors, strict=True):
            author_id = author.pk if author is not None else None
            if author_id not in checked:
                check_can_comment(user=item.author, post=post, settings=settings)
                checked.add(author_id)
    parents = _existing_parents(post, comments, imported=imported)
    known_good = _authors_with_visible_comments(authors) if not imported else set()

    # Everything that only reads or computes (rendering, screening, the spam model) happens
    # before the write transaction: on SQLite that transaction holds the database's one write
    # lock, and every other writer waits for it.
    now = timezone.now()
    drafts: list[Comment] = []
    for position, (item, author) in enumerate(zip(comments, authors, strict=True)):
        draft = _new_comment(
            post=post,
            item=item,
            author=author,
            position=position,
            made=drafts,
            parents=parents,
            rules=rules,
            known_good=known_good,
            now=now,
        )
        draft.submission_key = item.submission_key.strip()[:64]
        drafts.append(draft)
    with transaction.atomic():
        return _write_new_comments(
            post=post,
            comments=comments,
            drafts=drafts,
            authors=authors,
            site=site,
            imported=imported,
        )


def _write_new_comments(
    *,
    post: Post,
    comments: Sequence[NewComment],
    drafts: list[Comment],
    authors: list[User | None],
    site: SiteSettings,
    imported: bool,
) -> list[Comment]:
    """Number the prepared comments under the thread's lock and store them in one INSERT."""
    # Lock the thread's counter row: numbers are given one at a time and never reused.
    ThreadState.objects.get_or_create(post=post)
    thread = ThreadState.objects.select_for_update().get(post=post)
    earlier = _earlier_submissions(post, comments)
    stored_before: dict[int, Comment] = {}  # a draft sent before -> the comment it made then
    made: list[Comment] = []
    result: list[Comment] = []
    for draft in drafts:
        if draft.parent is not None and id(draft.parent) in stored_before:
            draft.parent = stored_before[id(draft.parent)]
        key = draft.submission_key
        if key in earlier:
            stored_before[id(draft)] = earlier[key]
            result.append(earlier[key])
            continue
        thread.last_number += 1
        draft.number = thread.last_number
        if key:
            earlier[key] = draft
        made.append(draft)
        result.append(draft)
    if not made:
        return result
    thread.save(update_fields=["last_number"])
    # Ids first, so that each comment's fragments (which link to its id) are rendered before
    # the INSERT and stored by it: a second pass of UPDATEs doubled the cost of an import.
    look = thread_look(post)
    wanted = _wanted_ids(made, comments, result) if imported else []
    for comment, comment_id in zip(made, reserve_comment_ids(len(made), wanted), strict=True):
        comment.pk = comment_id
    if any(wanted):
        _original_anchors(made, wanted)
    refresh_fragments(made, site, look)
    Comment.objects.bulk_create(made, batch_size=BULK_BATCH_SIZE)
    _store_ratings(made, comments, result)
    _count_replies_to_existing(made)
    count_visible(
        post_id=post.pk, change=sum(comment.state == CommentState.VISIBLE for comment in made)
    )
    single_author = authors[0].pk if len(made) == 1 and authors[0] is not None else None
    announce(
        CommentsPosted(
            post_id=post.pk,
            comment_ids=tuple(comment.pk for comment in made),
            visible_ids=tuple(c.pk for c in made if c.state == CommentState.VISIBLE),
            author_id=single_author,
            imported=imported,
        )
    )
    return result


def _existing_parents(
    post: Post, comments: Sequence[NewComment], *, imported: bool
) -> dict[int, Comment]:
    wanted = {item.parent_id for item in comments if item.parent_id is not None}
    if not wanted:
        return {}
    parents = {
        parent.pk: parent
        for parent in Comment.objects.filter(pk__in=wanted).only("id", "post_id", "depth", "state")
    }
    for item in comments:
        if item.parent_id is None:
            continue
        parent = parents.get(item.parent_id)
        # One the author may not see (held, hidden) is answered as one that does not exist.
        if parent is None or not (imported or can_see(user=item.author, comment=parent)):
            raise InvalidInput("The comment you are replying to does not exist.")
    for parent in parents.values():
        if parent.post_id != post.pk:
            raise InvalidInput("The comment you are replying to belongs to another post.")
        if parent.state == CommentState.DELETED and not imported:
            raise InvalidInput("The comment you are replying to has been deleted.")
    return parents


def _authors_with_visible_comments(authors: list[User | None]) -> set[int]:
    ids = {author.pk for author in authors if author is not None}
    if not ids:
        return set()
    return set(
        Comment.objects.filter(author_id__in=ids, state=CommentState.VISIBLE)
        .values_list("author_id", flat=True)
        .distinct()
    )


def _earlier_submissions(post: Post, comments: Sequence[NewComment]) -> dict[str, Comment]:
    keys = {item.submission_key.strip()[:64] for item in comments} - {""}
    if not keys:
        return {}
    return {
        comment.submission_key: comment
        for comment in Comment.objects.filter(post=post, submission_key__in=keys)
    }


def _new_comment(
    *,
    post: Post,
    item: NewComment,
    author: User | None,
    position: int,
    made: list[Comment],
    parents: dict[int, Comment],
    rules: ScreeningSettings | None,
    known_good: set[int],
    now: datetime,
) -> Comment:
    """The unsaved comment for one item: its text, parent, depth and state.

    Without hold rules (`rules` None), the item is an import: trusted as it is.
    """
    imported = rules is None
    where = f"Comment {position + 1}: " if imported else ""
    try:
        subject, body, body_html = prepare_comment_text(
            subject=item.subject,
            body=item.body,
            markup=item.markup if imported else MarkupFormat.MARKDOWN,
            imported=imported,
            may_be_empty=imported
            and (item.kind != CommentKind.COMMENT or item.state == CommentState.DELETED),
        )
    except InvalidInput as error:
        raise InvalidInput(where + error.message, code=error.code) from error
    if author is not None:
        name, email, url = "", "", ""
    elif imported:
        name, email = _imported_identity(item.anonymous_name, item.anonymous_email)
        url = _author_url(item.author_url, imported=True)
    else:
        name, email = _anonymous_identity(item.anonymous_name, item.anonymous_email)
        url = _author_url(item.author_url, imported=False)

    parent: Comment | None = None
    if item.parent_position is not None:
        if not 0 <= item.parent_position < position:
            raise InvalidInput(
                f"{where}a reply must come after the comment it answers "
                f"(parent position {item.parent_position}, own position {position})."
            )
        parent = made[item.parent_position]
    elif item.parent_id is not None:
        parent = parents[item.parent_id]

    hold_reasons: list[str] = []
    spam_score: float | None = None
    if rules is None:
        state = item.state or CommentState.VISIBLE
    else:
        # The filter scores the same form of text the queue teaches it (moderation).
        screening = screen_new_comment(
            comment=CommentFacts(
                text=f"{subject}\n{body}",
                author_name=author.shown_name if author is not None else name,
                author_url=url,
                email=author.email if author is not None else email,
            ),
            author=_author_facts(author, known_good),
            rules=rules,
        )
        if screening.refusal:
            raise InvalidInput(screening.refusal, code="refused")
        if screening.rejected:
            state = CommentState.SPAM
        else:
            state = CommentState.HELD if screening.held else CommentState.VISIBLE
        hold_reasons = screening.hold_reasons
        spam_score = screening.spam_score
    if state == CommentState.DELETED:
        subject, body, body_html = DELETED_SUBJECT, "", ""
    rating_values = [value for _, value in item.ratings] if imported else []
    if parent is not None and parent.pk is None:
        parent.reply_count += 1  # stored comments' counts move in _count_replies_to_existing
    return Comment(
        post=post,
        parent=parent,
        depth=parent.depth + 1 if parent is not None else 0,
        subject=subject,
        body=body,
        body_html=body_html,
        language=comment_language(chosen=item.language, subject=item.subject, body_html=body_html),
        author=author,
        author_name=name,
        author_email=email,
        author_url=url,
        created=(item.created if imported and item.created else now),
        state=state,
        hold_reasons=hold_reasons,
        spam_score=spam_score,
        rating_count=len(rating_values),
        rating_sum=sum(rating_values),
        rating_average=sum(rating_values) / len(rating_values) if rating_values else None,
        markup=item.markup if imported else MarkupFormat.MARKDOWN,
        kind=item.kind if imported else CommentKind.COMMENT,
        ip_address=_ip_address(item.ip_address) if imported else None,
    )


def _ip_address(text: str) -> str | None:
    """An imported address as stored; one that is not an address is dropped, as e-mails are."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    text = text.strip()
    try:
        validate_ipv46_address(text)
    except ValidationError:
        return None
    return text


# The highest id an import may ask for (NewComment.original_id): Disqus's ids run to ten
# digits, and taking them would move every later comment's id up there for no reader's gain.
MAX_WANTED_COMMENT_ID = 2**31 - 1


def reserve_comment_ids(count: int, wanted: Sequence[int | None] = ()) -> list[int]:
    """`count` comment ids for rows this transaction will insert, in increasing order, or,
    with `wanted` (one entry per row), each row's wanted id where no comment has it and no
    earlier row took it, and a new id for the others.

    PostgreSQL hands new ids out from the table's sequence, moved past the wanted ones taken
    here so that it never gives them again. SQLite has one writer at a time and this
    transaction already holds the write lock (it wrote the thread's counter), so the ids
    after the highest ever used are free; AUTOINCREMENT's record of that highest id moves
    on with the INSERT, so ids are never reused. Django's ORM has no portable way to take
    ids ahead of an INSERT, hence the statements written here.
    """
    granted = _grant_wanted_ids(wanted) if any(wanted) else [None] * count
    fresh = iter(_new_comment_ids(granted.count(None), after=max(filter(None, granted), default=0)))
    return [comment_id if comment_id is not None else next(fresh) for comment_id in granted]


def _grant_wanted_ids(wanted: Sequence[int | None]) -> list[int | None]:
    candidates = {
        comment_id
        for comment_id in wanted
        if comment_id is not None and 0 < comment_id <= MAX_WANTED_COMMENT_ID
    }
    taken: set[int] = set()
    ordered = sorted(candidates)
    for start in range(0, len(ordered), BULK_BATCH_SIZE):
        taken.update(
            Comment.objects.filter(pk__in=ordered[start : start + BULK_BATCH_SIZE]).values_list(
                "pk", flat=True
            )
        )
    granted: list[int | None] = []
    for comment_id in wanted:
        if comment_id in candidates and comment_id not in taken:
            taken.add(comment_id)
            granted.append(comment_id)
        else:
            granted.append(None)
    return granted


def _new_comment_ids(count: int, *, after: int) -> list[int]:
    """`count` ids never used, all above `after` (the highest id this batch takes itself)."""
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if after:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(%s, COALESCE("
                    "pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass), 0)))",
                    [table, after, table],
                )
            if not count:
                return []
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return sorted(int(row[0]) for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            if not count:
                return []
            cursor.execute(
                "SELECT MAX(highest) FROM (SELECT MAX(id) AS highest FROM "  # noqa: S608 - the model's own table name
                f"{connection.ops.quote_name(table)} "
                "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
                [table],
            )
            highest = max(cursor.fetchone()[0] or 0, after)
            return list(range(highest + 1, highest + 1 + count))
    raise NotImplementedError(f"Broadsheet runs on SQLite or PostgreSQL, not {connection.vendor}.")


def _wanted_ids(
    made: list[Comment], comments: Sequence[NewComment], result: list[Comment]
) -> list[int | None]:
    """Each new comment's original id (imports): its id here when free, else its anchor."""
    original = {
        id(comment): item.original_id
        for item, comment in zip(comments, result, strict=True)
        if item.original_id is not None
    }
    return [original.get(id(comment)) for comment in made]


def _original_anchors(made: list[Comment], wanted: Sequence[int | None]) -> None:
    """A comment that could not have its original id keeps it as an anchor on its page."""
    for comment, comment_id in zip(made, wanted, strict=True):
        if comment_id is not None and comment.pk != comment_id:
            comment.original_anchor = str(comment_id)


def _store_ratings(
    made: list[Comment], comments: Sequence[NewComment], result: list[Comment]
) -> None:
    """Imported ratings, one Rating row each (the totals are on the comments already)."""
    made_ids = {id(comment) for comment in made}
    ratings = [
        Rating(comment=comment, rater_id=rater_id, value=value)
        for item, comment in zip(comments, result, strict=True)
        if id(comment) in made_ids and comment.rating_count
        for rater_id, value in item.ratings
    ]
    Rating.objects.bulk_create(ratings, batch_size=BULK_BATCH_SIZE)


def _count_replies_to_existing(made: list[Comment]) -> None:
    """New replies to comments stored before: their reply counts move on by that many."""
    new = {id(comment) for comment in made}
    replies = Counter(
        comment.parent_id
        for comment in made
        if comment.parent_id is not None and id(comment.parent) not in new
    )
    for parent_id, count in replies.items():
        Comment.objects.filter(pk=parent_id).update(reply_count=F("reply_count") + count)


def post_comment(
    *,
    post: Post,
    author: Actor,
    subject: str,
    body: str,
    parent_id: int | None = None,
    anonymous_name: str = "",
    anonymous_email: str = "",
    author_url: str = "",
    submission_key: str = "",
    language: str | None = None,
    site: SiteSettings | None = None,
) -> Comment:
    """Add one comment (or a reply) to a post and give it the post's next number.

    A form submitted twice carries the same submission_key and gets the first comment back.
    `language` is the author's choice; None (or "detect") tells it from the text.
    `author_url`, like the name and e-mail, is an anonymous commenter's: a signed-in author's
    comment carries none, their profile stands for them (as on WordPress).
    """
    item = NewComment(
        author=author,
        subject=subject,
        body=body,
        parent_id=parent_id,
        anonymous_name=anonymous_name,
        anonymous_email=anonymous_email,
        author_url=author_url,
        submission_key=submission_key,
        language=language,
    )
    try:
        return post_comments(post=post, comments=[item], site=site)[0]
    except IntegrityError:
        # Two requests with one submission_key raced past the check: the first one won.
        key = submission_key.strip()[:64]
        earlier = Comment.objects.filter(post=post, submission_key=key).first() if key else None
        if earlier is None:
            raise
        return earlier


@transaction.atomic
def set_comment_state(
    *,
    comment: Comment,
    state: CommentState,
    actor: Actor | None = None,
    moderator: User | None = None,
    site: SiteSettings | None = None,
) -> Comment:
    """Move a comment to another state: the one place where a comment's state is written.

    Deleting removes the text and keeps the comment's place under a "[deleted]" placeholder.
    `moderator` is recorded on the comment when a moderator decided (the queue); `actor` is
    whoever acted (None: the readers' ratings). The caller has checked permission.
    """
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("post", "author")
        .get(pk=comment.pk)
    )
    old_state = comment.state
    if old_state == state:
        return comment
    comment.state = state
    fields = ["state", *FRAGMENT_FIELDS]
    if state == CommentState.DELETED:
        comment.subject, comment.body, comment.body_html = DELETED_SUBJECT, "", ""
        comment.submission_key = ""
        fields += ["subject", "body", "body_html", "submission_key"]
    if moderator is not None:
        comment.moderated_by, comment.moderated_at = moderator, timezone.now()
        fields += ["moderated_by", "moderated_at"]
    refresh_fragment(comment, site or get_site_settings())
    comment.save(update_fields=fields)
    count_visible(post_id=comment.post_id, change=_visible_change(old_state, state))
    acting = actor if actor is not None else moderator
    announce(
        CommentStateChanged(
            post_id=comment.post_id,
            comment_id=comment.pk,
            author_id=comment.author_id,
            old_state=old_state,
            new_state=state,
            moderator_id=moderator.pk if moderator is not None else None,
            actor_id=acting.pk if acting is not None and acting.is_authenticated else None,
        )
    )
    return comment


def check_can_edit_comment(*, user: Actor, comment: Comment, settings: DiscussionSettings) -> None:
    if comment.state == CommentState.DELETED:
        raise NotAllowed("A deleted comment cannot be edited.")
    if is_moderator(user):
        return
    account = signed_in(user)
    if account is None or comment.author_id != account.pk:
        raise NotAllowed("Only the author or a moderator may edit this comment.")
    if not edit_window_open(
        created=comment.created, edit_minutes=settings.comment_edit_minutes, now=timezone.now()
    ):
        raise NotAllowed(
            f"Comments can be edited for {settings.comment_edit_minutes} minutes after posting; "
            "that time has passed."
        )


@transaction.atomic
def edit_comment(
    *,
    comment: Comment,
    editor: Actor,
    subject: str,
    body: str,
    language: str | None = None,
    site: SiteSettings | None = None,
) -> Comment:
    """Change a comment's text; its language is told again unless the editor gives one."""
    site = site or get_site_settings()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    settings = DiscussionSettings.current()
    check_can_edit_comment(user=editor, comment=comment, settings=settings)
    comment.subject, comment.body, comment.body_html = prepare_comment_text(
        subject=subject, body=body, markup=comment.markup
    )
    comment.language = comment_language(
        chosen=language, subject=subject, body_html=comment.body_html
    )
    comment.edited = timezone.now()
    refresh_fragment(comment, site, thread_look(comment.post, settings))
    comment.save(
        update_fields=["subject", "body", "body_html", "language", "edited", *FRAGMENT_FIELDS]
    )
    account = signed_in(editor)
    announce(
        CommentEdited(
            post_id=comment.post_id,
            comment_id=comment.pk,
            author_id=comment.author_id,
            editor_id=account.pk if account is not None else None,
        )
    )
    return comment


def check_can_delete_comment(*, user: Actor, comment: Comment) -> None:
    if is_moderator(user):
        return
    account = signed_in(user)
    if account is None or comment.author_id != account.pk:
        raise NotAllowed("Only the author or a moderator may delete this comment.")


@transaction.atomic
def delete_comment(*, comment: Comment, user: Actor, site: SiteSettings | None = None) -> Comment:
    """Remove a comment's text. Replies stay in place under a "[deleted]" placeholder."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    check_can_delete_comment(user=user, comment=comment)
    return set_comment_state(comment=comment, state=CommentState.DELETED, actor=user, site=site)


def no_such_comment(comment_id: int) -> NotFound:
    """The answer about a comment that does not exist, and about one the asker may not see:
    the same words, so that nobody learns of a held or hidden comment by trying its id."""
    return NotFound(f"There is no comment {comment_id}.")


def can_see(*, user: Actor, comment: Comment) -> bool:
    """Whether `user` may see `comment` on its thread (selectors.visible_comments_filter)."""
    return Comment.objects.filter(visible_comments_filter(user), pk=comment.pk).exists()


def check_can_see(*, user: Actor, comment: Comment) -> None:
    """Replies, ratings and flags go only to comments their author may see."""
    if not can_see(user=user, comment=comment):
        raise no_such_comment(comment.pk)


def check_ratings_on(look: ThreadLook) -> None:
    if not look.show_ratings:
        raise NotAllowed("This discussion does not use ratings.", code="ratings_off")


def check_can_rate(
    *, user: Actor, comment: Comment, value: int, settings: DiscussionSettings | None = None
) -> None:
    check_ratings_on(thread_look(comment.post, settings))
    account = signed_in(user)
    if account is None:
        raise NotAllowed("Log in to rate comments.", code="login_required", status=401)
    check_can_see(user=account, comment=comment)
    if comment.author_id == account.pk:
        raise NotAllowed("You cannot rate your own comment.")
    check_not_banned(user=account)
    trusted = is_trusted(user)
    rateable = {CommentState.VISIBLE, CommentState.HIDDEN} if trusted else {CommentState.VISIBLE}
    if comment.state not in rateable:
        raise NotAllowed("Only visible comments can be rated.")
    if value == HIDE_RATING:
        if not trusted:
            raise NotAllowed("A rating of 0 hides a comment and is for trusted readers only.")
        return
    if not LOWEST_READER_RATING <= value <= HIGHEST_RATING:
        raise InvalidInput(
            f"A rating is a whole number from {LOWEST_READER_RATING} to {HIGHEST_RATING}."
        )


def community_state(comment: Comment, settings: DiscussionSettings) -> str:
    """The state the readers' ratings give a comment: hidden when rated below the site's
    threshold by enough readers, visible again when trusted readers rate it back up. A
    moderator's own hide (moderated_by set) and every other state are left alone."""
    below = (
        comment.rating_count >= settings.hide_min_ratings
        and comment.rating_average is not None
        and comment.rating_average < settings.hide_below_average
    )
    if below and comment.state == CommentState.VISIBLE:
        return CommentState.HIDDEN
    if not below and comment.state == CommentState.HIDDEN and comment.moderated_by_id is None:
        return CommentState.VISIBLE
    return comment.state


def _store_rating_totals(comment: Comment, rater: User, settings: DiscussionSettings) -> Comment:
    """Keep average and count on the comment, and hide or show it by the readers' ratings."""
    site = get_site_settings()
    comment.rating_average = (
        comment.rating_sum / comment.rating_count if comment.rating_count else None
    )
    state = community_state(comment, settings)
    refresh_fragment(comment, site, thread_look(comment.post, settings))
    comment.save(update_fields=["rating_sum", "rating_count", "rating_average", *FRAGMENT_FIELDS])
    if state != comment.state:
        comment = set_comment_state(comment=comment, state=CommentState(state), site=site)
    announce(
        CommentRated(
            post_id=comment.post_id,
            comment_id=comment.pk,
            author_id=comment.author_id,
            rater_id=rater.pk,
        )
    )
    return comment


@transaction.atomic
def rate_comment(*, comment: Comment, rater: Actor, value: int) -> Comment:
    """Give or change this reader's rating; the comment's average and count move with it."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    settings = DiscussionSettings.current()
    check_can_rate(user=rater, comment=comment, value=value, settings=settings)
    account = signed_in(rater)
    assert account is not None  # check_can_rate refuses visitors
    rating = Rating.objects.filter(comment=comment, rater=account).first()
    if rating is None:
        Rating.objects.create(comment=comment, rater=account, value=value)
        comment.rating_count += 1
        comment.rating_sum += value
    else:
        comment.rating_sum += value - rating.value
        rating.value = value
        rating.save(update_fields=["value", "updated"])
    return _store_rating_totals(comment, account, settings)


@transaction.atomic
def remove_rating(*, comment: Comment, rater: Actor) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    settings = DiscussionSettings.current()
    check_ratings_on(thread_look(comment.post, settings))
    account = signed_in(rater)
    if account is None:
        raise NotAllowed("Log in to rate comments.", code="login_required", status=401)
    check_can_see(user=account, comment=comment)
    rating = Rating.objects.filter(comment=comment, rater=account).first()
    if rating is None:
        return comment
    comment.rating_count -= 1
    comment.rating_sum -= rating.value
    rating.delete()
    return _store_rating_totals(comment, account, settings)


@transaction.atomic
def set_comments_open(*, post: Post, user: Actor, is_open: bool, reason: str = "") -> None:
    """Editors close a thread (it stays readable) or open it again; the log shows it."""
    check_can_open_or_close_thread(user)
    editor = signed_in(user)
    assert editor is not None  # editors are signed in
    changed = (
        Post.objects.filter(pk=post.pk).exclude(comments_open=is_open).update(comments_open=is_open)
    )
    post.comments_open = is_open
    if changed:
        change = ThreadOpened if is_open else ThreadClosed
        announce(change(post_id=post.pk, editor_id=editor.pk, reason=reason.strip()))


@transaction.atomic
def save_display_preferences(*, user: User, display: str, sort: str) -> None:
    preferences = dict(user.preferences or {})
    if preferences.get("display") == display and preferences.get("sort") == sort:
        return
    preferences.update(display=display, sort=sort)
    User.objects.filter(pk=user.pk).update(preferences=preferences)
    user.preferences = preferences


@dataclass(frozen=True)
class Recount:
    """A post whose stored counts differed from its comments, as found and repaired."""

    post_id: int
    stored_comment_count: int
    visible_comments: int
    replies_repaired: int  # comments whose stored reply_count was wrong


RECOUNT_BATCH = 500  # posts per transaction: a repair never holds the database for long


def recount_comments(
    *, post_ids: Sequence[int] | None = None, progress: Callable[[int, int], None] | None = None
) -> list[Recount]:
    """Count every post's visible comments and each comment's replies again, and store the
    counts that differ. Counts are kept as the comments change; this repairs them after a
    bug, a crash or a change made outside the services (a database console)."""
    ids = (
        list(post_ids)
        if post_ids is not None
        else list(Post.objects.order_by("pk").values_list("pk", flat=True))
    )
    repaired: list[Recount] = []
    for start in range(0, len(ids), RECOUNT_BATCH):
        repaired += _recount_batch(ids[start : start + RECOUNT_BATCH])
        if progress is not None:
            progress(min(start + RECOUNT_BATCH, len(ids)), len(ids))
    return repaired


@transaction.atomic
def _recount_batch(post_ids: list[int]) -> list[Recount]:
    visible = dict(
        Comment.objects.filter(post_id__in=post_ids, state=CommentState.VISIBLE)
        .values("post_id")
        .annotate(count=Count("id"))
        .values_list("post_id", "count")
    )
    wrong_replies = list(
        Comment.objects.filter(post_id__in=post_ids)
        .annotate(actual=Count("replies"))
        .exclude(reply_count=F("actual"))
        .values_list("pk", "post_id", "actual")
    )
    replies_by_post = Counter(post_id for _, post_id, _ in wrong_replies)
    for comment_id, _, actual in wrong_replies:
        Comment.objects.filter(pk=comment_id).update(reply_count=actual)
    repaired = []
    for post_id, stored in Post.objects.filter(pk__in=post_ids).values_list("pk", "comment_count"):
        count = visible.get(post_id, 0)
        if count != stored:
            Post.objects.filter(pk=post_id).update(comment_count=count)
        if count != stored or replies_by_post[post_id]:
            repaired.append(Recount(post_id, stored, count, replies_by_post[post_id]))
            announce(ThreadRecounted(post_id=post_id))
    return repaired
