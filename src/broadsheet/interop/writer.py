"""The one writer of every import: records (interop.records) in, accounts, sections, tags,
posts, comments and redirects out, through the services the site's own pages use.

Readers hand records over in an order where anything named by key comes first (a post's
users, section and tags before the post; a post before its comments); only the comments of
one post come in any order among themselves, so they are gathered and written parents first,
in batches, through `discussion.services.post_comments`: numbers, depths and fragments come
out as if the comments had been posted, and the change is announced once per batch.

One transaction holds the whole import: any error rolls the site back to how it was. Each
record that made something is remembered as an ImportedObject, so a second run finds it and
makes nothing twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.accounts.services import set_role
from broadsheet.discussion.models import MAX_ANONYMOUS_NAME_LENGTH, CommentKind, CommentState
from broadsheet.discussion.services import NewComment, post_comments
from broadsheet.errors import InvalidInput
from broadsheet.input_text import check_storable, one_line
from broadsheet.interop.models import MAX_OLD_PATH_LENGTH, ImportedObject, Redirect
from broadsheet.interop.progress import progress_reporter
from broadsheet.interop.records import CommentKind as RecordKind
from broadsheet.interop.records import (
    CommentStatus,
    ImportedComment,
    ImportedPost,
    ImportedPostLink,
    ImportedRedirect,
    ImportedSection,
    ImportedSkip,
    ImportedTag,
    ImportedUser,
    ImportFileError,
    ImportSummary,
    Markup,
    PostStatus,
    Record,
    Source,
)
from broadsheet.markup import MarkupFormat
from broadsheet.moderation.models import ModerationSettings
from broadsheet.moderation.reputation import recompute_reputation
from broadsheet.publishing.models import Post, Section, Tag
from broadsheet.publishing.models import PostStatus as LocalPostStatus
from broadsheet.publishing.selectors import get_site_settings
from broadsheet.publishing.services import import_post, prepare_imported_post

# Kinds as ImportedObject.kind stores them.
USER, SECTION, TAG, POST, COMMENT = "user", "section", "tag", "post", "comment"
# Comments per post_comments call: one INSERT batch set and its fragments in memory at a time,
# however long one thread is.
COMMENTS_PER_WRITE = 2_000
KEYS_PER_QUERY = 500  # well under SQLite's limit of variables per statement
SECTION_PARENT_SEPARATOR = " / "  # "Politics / Europe": a nested category keeps its parent
USERNAME_LENGTH = 150  # as User.username
USERS_PER_WRITE = 500  # accounts gathered before they are created in one INSERT
_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]+")
EMPTY_COMMENT_TEXT = "(no text)"

_STATES = {
    CommentStatus.VISIBLE: CommentState.VISIBLE,
    CommentStatus.HELD: CommentState.HELD,
    CommentStatus.SPAM: CommentState.SPAM,
    CommentStatus.DELETED: CommentState.DELETED,
    CommentStatus.HIDDEN: CommentState.HIDDEN,
}
_POST_STATES = {
    PostStatus.PUBLISHED: LocalPostStatus.PUBLISHED,
    PostStatus.DRAFT: LocalPostStatus.DRAFT,
    PostStatus.SCHEDULED: LocalPostStatus.SCHEDULED,
}
_MARKUPS = {
    Markup.HTML: MarkupFormat.HTML,
    Markup.MARKDOWN: MarkupFormat.MARKDOWN,
    Markup.PLAIN: MarkupFormat.PLAIN,
}


class _DryRunDone(Exception):
    """Raised inside the import's transaction to roll a dry run back."""


REDIRECT_BATCH = 500  # redirects per INSERT, well under SQLite's variables per statement


def run_import(
    *,
    source: Source,
    records: Iterable[Record],
    dry_run: bool = False,
    show_progress: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Write the records into the site, all or nothing, and say what was made and skipped.

    ImportFileError (a file's problem: a reply whose parent is nowhere, a comment on a post
    the file lacks) and any other error roll everything back and propagate. A dry run does
    all the work, then rolls it back and returns the same summary. `progress`, if given, is
    called with the number of records read so far, now and then (the admin's background task);
    `show_progress` shows a bar on a terminal and plain lines elsewhere.
    """
    summary = ImportSummary(dry_run=dry_run)
    reporter = progress_reporter(show_progress=show_progress, callback=progress)
    try:
        with transaction.atomic():
            writer = _Writer(source=source, summary=summary)
            count = 0
            for record in records:
                try:
                    writer.write(record)
                except ImportFileError:
                    raise
                except InvalidInput as error:
                    # Text this site cannot store (a NUL, a lone surrogate): the file's
                    # problem, said with the record that holds it.
                    raise ImportFileError(f"{_described(record)}: {error.message}") from error
                count += 1
                if reporter is not None and count % 100 == 0:
                    reporter.update(count)
            writer.finish()
            if reporter is not None:
                reporter.done(count)
            if dry_run:
                raise _DryRunDone
    except _DryRunDone:
        pass
    finally:
        if reporter is not None:
            reporter.close()
    return summary


@dataclass
class _Writer:
    source: Source
    summary: ImportSummary
    # (kind, key) -> local id: what earlier runs made (loaded once) and what this one made.
    known: dict[tuple[str, str], int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    joined: dict[str, int] = field(default_factory=dict)  # sections and tags here already
    dropped_user_urls: bool = False
    pending_comments: list[ImportedComment] = field(default_factory=list)
    pending_users: dict[str, ImportedUser] = field(default_factory=dict)
    # Old address -> new, written a batch at a time: a Scoop site has one per comment.
    pending_redirects: dict[str, str] = field(default_factory=dict)
    post_urls: dict[int, str] = field(default_factory=dict)
    remembered: list[ImportedObject] = field(default_factory=list)
    users: dict[int, User] = field(default_factory=dict)
    section_names: dict[int, str] = field(default_factory=dict)
    # Authors of imported comments that came with ratings: their reputation is computed
    # again at the end, as a reader's rating does one at a time (moderation.reputation).
    rated_authors: set[int] = field(default_factory=set)
    # Accounts whose reputation the source gave (Scoop's mojo): kept, since computing it
    # again counts only recent comments, and an old site's are years old.
    given_reputation: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.site = get_site_settings()
        for kind, key, object_id in ImportedObject.objects.filter(
            source=self.source, kind__in=[USER, SECTION, TAG, POST]
        ).values_list("kind", "key", "object_id"):
            self.known[(kind, key)] = object_id

    # The records, one kind each.

    def write(self, record: Record) -> None:
        if isinstance(record, ImportedSkip):  # names nothing: a post's comments go on
            self.summary.skip(record.what, record.why)
            return
        if isinstance(record, ImportedComment):
            if self.pending_comments and self.pending_comments[0].post_key != record.post_key:
                self._flush_comments()
            self.pending_comments.append(record)
            return
        if self.pending_comments:
            self._flush_comments()
        if isinstance(record, ImportedUser):
            self._write_user(record)
            return
        if self.pending_users:
            self._flush_users()
        if isinstance(record, ImportedSection):
            self._write_section(record)
        elif isinstance(record, ImportedTag):
            self._write_tag(record)
        elif isinstance(record, ImportedPost):
            self._write_post(record)
        elif isinstance(record, ImportedPostLink):
            self._link_post(record)
        elif isinstance(record, ImportedRedirect):
            self._write_redirect(record)
        else:  # pragma: no cover - the Record union is closed
            raise TypeError(f"Not an import record: {record!r}")

    def finish(self) -> None:
        if self.pending_comments:
            self._flush_comments()
        if self.pending_users:
            self._flush_users()
        self._flush_redirects()
        if self.rated_authors:
            settings = ModerationSettings.current()
            for user_id in sorted(self.rated_authors - self.given_reputation):
                recompute_reputation(user_id=user_id, settings=settings)
        for kind, count in sorted(self.unchanged.items()):
            self.summary.skip(f"{count:,} {_plural(kind, count)}", "already imported, unchanged")
        for kind, count in sorted(self.joined.items()):
            self.summary.skip(
                f"{count:,} {_plural(kind, count)}",
                "one of the same name or slug exists here already; the imported posts join it",
            )

    # Accounts

    def _write_user(self, record: ImportedUser) -> None:
        if (USER, record.key) in self.known or record.key in self.pending_users:
            self._unchanged(USER)
            return
        self.pending_users[record.key] = record
        if len(self.pending_users) >= USERS_PER_WRITE:
            self._flush_users()

    def _flush_users(self) -> None:
        """Create the gathered accounts in a few statements: a Scoop site brings tens of
        thousands, and four queries each would take minutes."""
        records, self.pending_users = list(self.pending_users.values()), {}
        if not self.dropped_user_urls and any(record.url for record in records):
            self.dropped_user_urls = True
            self.summary.notes.append(
                "People's web site addresses were not kept: accounts here have no such field."
            )
        emails = {record.key: _valid_email(record.email) for record in records}
        holders = _accounts_by_email({email for email in emails.values() if email})
        taken = _taken_usernames(
            {_username_base(record.username or record.display_name) for record in records}
        )
        made: list[tuple[ImportedUser, User]] = []
        for record in records:
            email = emails[record.key]
            same_address = holders.get(email.lower()) if email else None
            if same_address is not None:
                # The same person (an earlier import from another source, or the site's own
                # account, or the file's own duplicate): their records join that account.
                if same_address.pk is None:  # made from this file a moment ago: see below
                    continue
                self._remember_later(USER, record.key, same_address.pk)
                self.summary.skip(
                    f"user {record.username}",
                    f"an account with the e-mail address {email} exists "
                    f"({same_address.username}); their posts and comments join it",
                )
                continue
            user = User(
                username=_free_username(record.username or record.display_name, taken),
                email=email,
                display_name=_display_name(record),
                date_joined=record.joined or timezone.now(),
                reputation=record.reputation,
                earned_trust=record.trusted,
            )
            # No password: they choose one through "forgot password", at the address imported.
            user.set_unusable_password()
            made.append((record, user))
            if email:
                holders[email.lower()] = user
        User.objects.bulk_create([user for _, user in made], batch_size=KEYS_PER_QUERY)
        for record, user in made:
            if record.is_author:
                set_role(user=user, role=Role.EDITOR)
            if record.reputation is not None:
                self.given_reputation.add(user.pk)
            self._remember_later(USER, record.key, user.pk)
            if user.username != record.username:
                self.summary.notes.append(
                    f"User {record.username!r} is called {user.username!r} here "
                    "(the name was taken or held characters usernames cannot)."
                )
        # Duplicates of an address within the file join the account made for the first.
        for record in records:
            email = emails[record.key]
            if (USER, record.key) not in self.known and email:
                self._remember_later(USER, record.key, holders[email.lower()].pk)
        if made:
            self.summary.count_created(USER, len(made))
        self._flush_remembered()

    def _user(self, key: str, *, named_by: str) -> User:
        user_id = self._known_id(USER, key, named_by=named_by)
        if user_id not in self.users:
            self._load_users([user_id])
        return self.users[user_id]

    def _load_users(self, user_ids: Iterable[int]) -> None:
        """Load accounts not loaded yet, with only what a comment's fragment shows of them:
        a Scoop site's tens of thousands then fit in memory, read a batch's worth at once."""
        missing = sorted({user_id for user_id in user_ids if user_id not in self.users})
        for start in range(0, len(missing), KEYS_PER_QUERY):
            self.users.update(
                User.objects.only("id", "username", "display_name", "is_active").in_bulk(
                    missing[start : start + KEYS_PER_QUERY]
                )
            )

    # Sections and tags

    def _write_section(self, record: ImportedSection) -> None:
        if (SECTION, record.key) in self.known:
            self._unchanged(SECTION)
            return
        name = one_line(check_storable(record.name, field="section name")) or record.key
        if record.parent_key is not None:
            parent_id = self._known_id(
                SECTION, record.parent_key, named_by=f"Section {record.key!r}"
            )
            name = self._section_name(parent_id) + SECTION_PARENT_SEPARATOR + name
        slug = _slug(record.slug or record.name, fallback="section", length=100)
        existing = (
            Section.objects.filter(slug=slug).first()
            or Section.objects.filter(name__iexact=name[:100]).first()
        )
        if existing is not None:
            self._remember(SECTION, record.key, existing.pk)
            self.section_names[existing.pk] = existing.name
            self.joined[SECTION] = self.joined.get(SECTION, 0) + 1
            return
        section = Section.objects.create(
            name=_free_name(Section, name, 100), slug=slug, description=record.description
        )
        self.section_names[section.pk] = section.name
        self._remember(SECTION, record.key, section.pk)
        self.summary.count_created(SECTION)

    def _section_name(self, section_id: int) -> str:
        if section_id not in self.section_names:
            self.section_names[section_id] = Section.objects.get(pk=section_id).name
        return self.section_names[section_id]

    def _write_tag(self, record: ImportedTag) -> None:
        if (TAG, record.key) in self.known:
            self._unchanged(TAG)
            return
        name = one_line(check_storable(record.name, field="tag name"))[:100] or record.key
        slug = _slug(record.slug or record.name, fallback="tag", length=100)
        existing = (
            Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
        )
        if existing is not None:
            self._remember(TAG, record.key, existing.pk)
            self.joined[TAG] = self.joined.get(TAG, 0) + 1
            return
        tag = Tag.objects.create(name=_free_name(Tag, name, 100), slug=slug)
        self._remember(TAG, record.key, tag.pk)
        self.summary.count_created(TAG)

    # Posts

    def _write_post(self, record: ImportedPost) -> None:
        named_by = f"Post {record.key!r}"
        section_id = None
        if record.section_key is not None:
            section_id = self._known_id(SECTION, record.section_key, named_by=named_by)
        tag_ids = [self._known_id(TAG, key, named_by=named_by) for key in record.tag_keys]
        authors = [self._user(key, named_by=f"Post {record.key!r}") for key in record.author_keys]
        post_id = self.known.get((POST, record.key))
        post = Post.objects.get(pk=post_id) if post_id is not None else Post()
        values: dict[str, object] = {
            "title": record.title,
            "byline": record.byline,
            "intro": record.intro,
            "body": record.body,
            "markup": _MARKUPS[record.markup],
            "excerpt": record.excerpt,
            "status": _POST_STATES[record.status],
            "publish_at": record.published,
            "comments_open": record.comments_open,
            "video_url": record.video_url,
            "sticky": record.sticky,
            "section_id": section_id,
        }
        created = post.pk is None
        if not created and record.published is None:
            del values["publish_at"]  # the date it was given here on its first import stands
        stored = {name: getattr(post, name) for name in (*values, "intro_html", "body_html")}
        for name, value in values.items():
            setattr(post, name, value)
        if not created:
            prepare_imported_post(post)
            now = {name: getattr(post, name) for name in stored}
            if now == stored and set(post.tags.values_list("pk", flat=True)) == set(tag_ids):
                self._unchanged(POST)
                self._redirects_to_post(record, post)
                return
        saved = import_post(
            post=post,
            authors=authors,
            tags=list(Tag.objects.filter(pk__in=tag_ids)),
            slug=record.slug,
        )
        if created:
            self._remember(POST, record.key, saved.post.pk)
            self.summary.count_created("page" if record.is_page else POST)
        else:
            self.summary.count_updated("page" if record.is_page else POST)
        for note in (*record.notes, *saved.warnings):
            self.summary.notes.append(f"Post {record.title!r}: {note}")
        self._redirects_to_post(record, saved.post)

    def _redirects_to_post(self, record: ImportedPost, post: Post) -> None:
        for old in record.old_urls:
            self._store_redirect(old, post.get_absolute_url())

    def _link_post(self, record: ImportedPostLink) -> None:
        if not Post.objects.filter(pk=record.post_id).exists():
            raise ImportFileError(
                f"Thread {record.key!r} is matched to post {record.post_id}, which does not exist."
            )
        self.known[(POST, record.key)] = record.post_id

    # Comments

    def _flush_comments(self) -> None:
        records, self.pending_comments = self.pending_comments, []
        post_key = records[0].post_key
        post_id = self.known.get((POST, post_key))
        if post_id is None:
            raise ImportFileError(
                f"Comment {records[0].key!r} is on post {post_key!r}, which comes nowhere "
                "before it."
            )
        post = Post.objects.get(pk=post_id)
        wanted_keys = {record.key for record in records} | {
            record.parent_key for record in records if record.parent_key is not None
        }
        earlier = _imported_ids(self.source, COMMENT, wanted_keys)
        new: dict[str, ImportedComment] = {}
        for record in records:
            if record.key in earlier:
                self._unchanged(COMMENT)
            elif record.key in new:
                raise ImportFileError(f"Comment {record.key!r} appears twice.")
            else:
                new[record.key] = record
        ordered = _parents_first(new, earlier)
        written: dict[str, int] = {}
        for start in range(0, len(ordered), COMMENTS_PER_WRITE):
            batch = ordered[start : start + COMMENTS_PER_WRITE]
            self._write_comment_batch(post, batch, written, earlier)

    def _write_comment_batch(
        self,
        post: Post,
        batch: list[ImportedComment],
        written: dict[str, int],
        earlier: dict[str, int],
    ) -> None:
        positions: dict[str, int] = {}
        items: list[NewComment] = []
        self._load_users(
            self.known[(USER, record.author_key)]
            for record in batch
            if record.author_key is not None and (USER, record.author_key) in self.known
        )
        for position, record in enumerate(batch):
            positions[record.key] = position
            parent_position = parent_id = None
            if record.parent_key is not None:
                if record.parent_key in positions:
                    parent_position = positions[record.parent_key]
                else:
                    parent_id = written.get(record.parent_key) or earlier[record.parent_key]
            items.append(
                self._new_comment(record, parent_id=parent_id, parent_position=parent_position)
            )
        try:
            comments = post_comments(post=post, comments=items, imported=True, site=self.site)
        except InvalidInput as error:
            # A parent on another post, a text that cannot be stored: the file's problem.
            raise ImportFileError(
                f"Comments on post {batch[0].post_key!r}: {error.message}"
            ) from error
        rows = []
        for record, comment in zip(batch, comments, strict=True):
            written[record.key] = comment.pk
            if comment.rating_count and comment.author_id is not None:
                self.rated_authors.add(comment.author_id)
            rows.append(
                ImportedObject(
                    source=self.source, kind=COMMENT, key=record.key, object_id=comment.pk
                )
            )
            self.summary.count_created(
                COMMENT if record.kind == RecordKind.COMMENT else str(record.kind)
            )
        ImportedObject.objects.bulk_create(rows, batch_size=KEYS_PER_QUERY)

    def _new_comment(
        self, record: ImportedComment, *, parent_id: int | None, parent_position: int | None
    ) -> NewComment:
        author: User | AnonymousUser = AnonymousUser()
        if record.author_key is not None:
            author = self._user(record.author_key, named_by=f"Comment {record.key!r}")
        ratings: dict[int, int] = {}
        for rater_key, value in record.ratings:
            rater_id = self.known.get((USER, rater_key))
            if rater_id is None or value < 0:
                why = "no such user in the file" if rater_id is None else "below zero"
                self.summary.skip(f"rating of comment {record.key} by {rater_key}", why)
                continue
            ratings[rater_id] = value  # a reader's last rating stands, as on the site
        original_id = record.original_id.strip()
        body = record.body
        if not body.strip() and record.kind == RecordKind.COMMENT:
            # Its site let it through empty; this one refuses that from readers, so it gets
            # words saying so, and keeps its place in the conversation.
            body = EMPTY_COMMENT_TEXT
            self.summary.notes.append(f"Comment {record.key} had no text; it says so.")
        return NewComment(
            author=author,
            body=body,
            subject=record.subject,
            parent_id=parent_id,
            parent_position=parent_position,
            anonymous_name=record.author_name[:MAX_ANONYMOUS_NAME_LENGTH],
            anonymous_email=record.author_email,
            author_url=record.author_url,
            created=record.created,
            state=_STATES[record.status],
            ratings=tuple(ratings.items()),
            markup=_MARKUPS[record.markup],
            kind=CommentKind(record.kind.value),
            ip_address=record.ip_address,
            original_id=int(original_id) if original_id.isdigit() else None,
        )

    # Redirects

    def _write_redirect(self, record: ImportedRedirect) -> None:
        target = record.target
        if record.post_key is not None:
            post_url = self._post_url(self._target_id(POST, record.post_key))
            # A target that is only a fragment names a place on the post's page: a comment's
            # anchor (Scoop's /comments/<sid>/<cid> leads to #comment-<cid>).
            target = post_url + target if target.startswith("#") else post_url
        elif record.section_key is not None:
            section_id = self._target_id(SECTION, record.section_key)
            target = Section.objects.get(pk=section_id).get_absolute_url()
        elif record.tag_key is not None:
            target = Tag.objects.get(pk=self._target_id(TAG, record.tag_key)).get_absolute_url()
        elif record.user_key is not None:
            username = self._user(record.user_key, named_by=f"Redirect {record.old!r}").username
            target = reverse("publishing:author", kwargs={"username": username})
        if not target:
            raise ImportFileError(f"Redirect {record.old!r} leads nowhere.")
        self._store_redirect(record.old, target)

    def _target_id(self, kind: str, key: str) -> int:
        return self._known_id(kind, key, named_by="A redirect")

    def _store_redirect(self, old: str, target: str) -> None:
        old_path = old_path_of(old)
        if old_path == target:
            return
        if old_path == "/":
            self.summary.skip(f"redirect {old} to {target}", "the front page stays the front page")
            return
        if len(old_path) > MAX_OLD_PATH_LENGTH or len(target) > MAX_OLD_PATH_LENGTH:
            self.summary.skip(f"redirect {old_path[:80]}…", "an address is too long to keep")
            return
        self.pending_redirects[old_path] = target  # a later record for the same address wins
        if len(self.pending_redirects) >= REDIRECT_BATCH:
            self._flush_redirects()

    def _post_url(self, post_id: int) -> str:
        if post_id not in self.post_urls:
            self.post_urls[post_id] = Post.objects.only("slug").get(pk=post_id).get_absolute_url()
        return self.post_urls[post_id]

    def _flush_redirects(self) -> None:
        """Store the pending redirects: new ones in one INSERT, and each old address here
        already kept, moved (when this source made it) or reported."""
        pending, self.pending_redirects = self.pending_redirects, {}
        if not pending:
            return
        existing = {
            redirect.old_path: redirect
            for redirect in Redirect.objects.filter(old_path__in=list(pending))
        }
        new = []
        for old_path, target in pending.items():
            found = existing.get(old_path)
            if found is None:
                new.append(Redirect(old_path=old_path, new_path=target, source=self.source))
            elif found.new_path == target:
                self._unchanged("redirect")
            elif found.source == self.source:
                found.new_path = target
                found.save(update_fields=["new_path"])
                self.summary.count_updated("redirect")
            else:
                self.summary.skip(
                    f"redirect {old_path}", f"it leads to {found.new_path} already (kept)"
                )
        Redirect.objects.bulk_create(new, batch_size=REDIRECT_BATCH)
        if new:
            self.summary.count_created("redirect", len(new))

    # Bookkeeping

    def _known_id(self, kind: str, key: str, *, named_by: str) -> int:
        """The local id of what record `key` of `kind` made, in this run or an earlier one;
        a record may only name what comes before it."""
        object_id = self.known.get((kind, key))
        if object_id is None:
            raise ImportFileError(
                f"{named_by} names {kind} {key!r}, which comes nowhere before it."
            )
        return object_id

    def _remember(self, kind: str, key: str, object_id: int) -> None:
        ImportedObject.objects.create(source=self.source, kind=kind, key=key, object_id=object_id)
        self.known[(kind, key)] = object_id

    def _remember_later(self, kind: str, key: str, object_id: int) -> None:
        self.remembered.append(
            ImportedObject(source=self.source, kind=kind, key=key, object_id=object_id)
        )
        self.known[(kind, key)] = object_id

    def _flush_remembered(self) -> None:
        ImportedObject.objects.bulk_create(self.remembered, batch_size=KEYS_PER_QUERY)
        self.remembered = []

    def _unchanged(self, kind: str) -> None:
        self.unchanged[kind] = self.unchanged.get(kind, 0) + 1


def summary_text(summary: ImportSummary) -> str:
    """The summary as the command line prints it and the admin shows it."""
    lines = ["Dry run: nothing was written." if summary.dry_run else "Import finished."]

    def counts(label: str, numbers: dict[str, int]) -> None:
        if numbers:
            listed = ", ".join(
                f"{count:,} {_plural(kind, count)}" for kind, count in numbers.items()
            )
            lines.append(f"{label}: {listed}.")

    counts("Would create" if summary.dry_run else "Created", summary.created)
    counts("Would update" if summary.dry_run else "Updated", summary.updated)
    if not summary.created and not summary.updated:
        lines.append("Nothing new to import.")
    if summary.skipped:
        lines.append(f"Skipped ({len(summary.skipped):,}):")
        lines += [f"  - {what}: {why}" for what, why in summary.skipped]
    if summary.notes:
        lines.append(f"Notes ({len(summary.notes):,}):")
        lines += [f"  - {note}" for note in summary.notes]
    return "\n".join(lines)


def old_path_of(old: str) -> str:
    """An old address as Redirect.old_path keeps it: the path (decoded, as Django gives
    request.path) and the query where there is one, without scheme, host or fragment."""
    parts = urlsplit(old.strip())
    path = unquote(parts.path) or "/"
    if not path.startswith("/"):
        path = "/" + path
    return f"{path}?{parts.query}" if parts.query else path


def _imported_ids(source: Source, kind: str, keys: Iterable[str]) -> dict[str, int]:
    ordered = sorted(keys)
    found: dict[str, int] = {}
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        found.update(
            ImportedObject.objects.filter(
                source=source, kind=kind, key__in=ordered[start : start + KEYS_PER_QUERY]
            ).values_list("key", "object_id")
        )
    return found


def _parents_first(
    new: dict[str, ImportedComment], earlier: dict[str, int]
) -> list[ImportedComment]:
    """One post's new comments, oldest first (pingbacks and trackbacks after the
    conversation), except that a parent always comes before its replies."""
    arrival = {key: index for index, key in enumerate(new)}
    far_future = datetime.max.replace(tzinfo=UTC)

    def order(record: ImportedComment) -> tuple[bool, datetime, int]:
        created = record.created or far_future
        return (record.kind != RecordKind.COMMENT, created, arrival[record.key])

    ordered: list[ImportedComment] = []
    placed: set[str] = set()
    for start in sorted(new.values(), key=order):
        chain: list[ImportedComment] = []
        seen: set[str] = set()
        record: ImportedComment | None = start
        while record is not None and record.key not in placed:
            if record.key in seen:
                raise ImportFileError(f"Comment {record.key!r} is among its own replies.")
            seen.add(record.key)
            chain.append(record)
            parent_key = record.parent_key
            if parent_key is None or parent_key in placed or parent_key in earlier:
                record = None
            elif parent_key in new:
                record = new[parent_key]
            else:
                raise ImportFileError(
                    f"Comment {record.key!r} replies to comment {parent_key!r}, which is "
                    "not among the comments of its post."
                )
        for record in reversed(chain):
            placed.add(record.key)
            ordered.append(record)
    return ordered


def _valid_email(email: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _username_base(wanted: str) -> str:
    """The imported login name as a valid username here (before a clash is resolved)."""
    base = _USERNAME_UNSAFE.sub("-", one_line(wanted)).strip("-.")[: USERNAME_LENGTH - 8]
    return base or "user"


def _taken_usernames(bases: set[str]) -> set[str]:
    """The usernames here, in lower case, that are one of `bases` or start like one (the
    suffixed ones, "alice-2"), read in few queries."""
    taken: set[str] = set()
    ordered = sorted({base.lower() for base in bases})
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        chunk = ordered[start : start + KEYS_PER_QUERY]
        taken.update(
            name.lower()
            for name in User.objects.annotate(lowered=Lower("username"))
            .filter(lowered__in=chunk)
            .values_list("username", flat=True)
        )
    for base in {base for base in ordered if base in taken}:
        taken.update(
            name.lower()
            for name in User.objects.filter(username__istartswith=f"{base}-").values_list(
                "username", flat=True
            )
        )
    return taken


def _free_username(wanted: str, taken: set[str]) -> str:
    """A valid username from the imported one, with -2, -3, … when taken; `taken` (lower
    case) gains it."""
    base = _username_base(wanted)
    candidate, number = base, 2
    while candidate.lower() in taken:
        candidate = f"{base}-{number}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def _accounts_by_email(emails: set[str]) -> dict[str, User]:
    """Accounts here holding these addresses, by lower-cased address."""
    found: dict[str, User] = {}
    ordered = sorted({email.lower() for email in emails})
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        for user in (
            User.objects.annotate(lowered=Lower("email"))
            .filter(lowered__in=ordered[start : start + KEYS_PER_QUERY])
            .order_by("-pk")
        ):
            found[user.email.lower()] = user
    return found


def _slug(text: str, *, fallback: str, length: int) -> str:
    return slugify(unquote(text))[:length].strip("-") or fallback


def _free_name(model: type[Section] | type[Tag], name: str, length: int) -> str:
    base = name[: length - 5]
    candidate, number = base, 2
    while model.objects.filter(name__iexact=candidate).exists():
        candidate = f"{base} ({number})"
        number += 1
    return candidate


def _display_name(record: ImportedUser) -> str:
    try:
        return one_line(check_storable(record.display_name, field="name"))[:80]
    except InvalidInput as error:
        raise ImportFileError(f"User {record.key!r}: {error.message}") from error


def _described(record: Record) -> str:
    if isinstance(record, ImportedRedirect):
        return f"Redirect {record.old!r}"
    if isinstance(record, ImportedSkip):
        return f"Skip {record.what!r}"
    return f"{type(record).__name__.removeprefix('Imported')} {record.key!r}"


def _plural(kind: str, count: int) -> str:
    return kind if count == 1 else kind + "s"
