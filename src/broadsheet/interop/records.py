"""What an importer reads from another system, in one shape for every source.

Each reader (WXR, Disqus, Scoop) turns its format into these values and nothing else; one
writer (`interop.writer`) turns them into accounts, sections, posts and comments through the
same services that the site's own pages use. Keeping the two apart lets every format be
tested without a database, and keeps the rules (numbering, sanitizing, idempotency, all or
nothing) in one place.

Every record carries `key`: the source's own identifier for the thing (a WordPress post id,
a Disqus thread id, a Scoop sid or cid), unique within its kind and source. The writer
remembers which local object each key made, so that running an import again creates
nothing, and so that records can name each other (a comment's post, its parent, an author)
by key before any of them exists here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from broadsheet.errors import InvalidInput


class Source(StrEnum):
    WORDPRESS = "wordpress"
    DISQUS = "disqus"
    SCOOP = "scoop"


class Markup(StrEnum):
    """How a text was written where it came from."""

    HTML = "html"  # WordPress, Disqus and Scoop store HTML (sanitized on the way in)
    MARKDOWN = "markdown"
    PLAIN = "plain"  # text whose line breaks are the only structure


class PostStatus(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # published at `published`, which lies in the future


class CommentKind(StrEnum):
    COMMENT = "comment"
    PINGBACK = "pingback"
    TRACKBACK = "trackback"


class CommentStatus(StrEnum):
    VISIBLE = "visible"
    HELD = "held"
    SPAM = "spam"
    DELETED = "deleted"  # WordPress's trash, Disqus's isDeleted
    HIDDEN = "hidden"  # hidden by the community (Scoop's rating below zero / hidden flag)


@dataclass(frozen=True)
class ImportedUser:
    key: str
    username: str  # the login name there; made unique here if it clashes
    display_name: str = ""
    email: str = ""
    joined: datetime | None = None
    url: str = ""
    is_author: bool = False  # wrote posts there: joins the editors
    # What the source last computed from the ratings of their comments (Scoop's mojo, on
    # Broadsheet's 0-5 scale) and whether it trusted them; None and False where it kept none.
    reputation: float | None = None
    trusted: bool = False


@dataclass(frozen=True)
class ImportedSection:
    key: str
    name: str
    slug: str = ""
    parent_key: str | None = None  # nested categories
    description: str = ""


@dataclass(frozen=True)
class ImportedTag:
    key: str
    name: str
    slug: str = ""


@dataclass(frozen=True)
class ImportedPost:
    key: str
    title: str
    slug: str = ""
    status: PostStatus = PostStatus.PUBLISHED
    published: datetime | None = None  # aware; None for a draft never published
    author_keys: tuple[str, ...] = ()
    byline: str = ""
    intro: str = ""  # above the fold
    body: str = ""  # below the fold ("more")
    markup: Markup = Markup.HTML
    excerpt: str = ""
    section_key: str | None = None
    tag_keys: tuple[str, ...] = ()
    sticky: bool = False
    comments_open: bool = True
    video_url: str = ""
    is_page: bool = False  # a WordPress page rather than a post
    old_urls: tuple[str, ...] = ()  # paths (and queries) that should redirect here
    notes: tuple[str, ...] = ()  # what the reader changed and the summary must say


@dataclass(frozen=True)
class ImportedComment:
    key: str
    post_key: str
    body: str
    markup: Markup = Markup.HTML
    parent_key: str | None = None
    author_key: str | None = None  # a known account; else the name, e-mail and URL below
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    ip_address: str = ""
    created: datetime | None = None  # aware
    status: CommentStatus = CommentStatus.VISIBLE
    kind: CommentKind = CommentKind.COMMENT
    subject: str = ""
    ratings: tuple[tuple[str, int], ...] = ()  # (rater's user key, value) as the source rated
    original_id: str = ""  # kept so that old `#comment-<id>` anchors keep working


@dataclass(frozen=True)
class ImportedPostLink:
    """Records of this source that name post `key` mean the post already here with `post_id`.

    Disqus holds only discussions: its threads are matched to posts that exist (imported
    from WordPress, or written here) and then say so with this record.
    """

    key: str
    post_id: int


@dataclass(frozen=True)
class ImportedRedirect:
    old: str  # a path, with its query where one matters ("/?p=12", "/story/2004/1/2/3/45")
    post_key: str | None = None  # where it leads: a post, a section, a user, or a given path
    section_key: str | None = None
    user_key: str | None = None
    tag_key: str | None = None
    target: str = ""  # with post_key, a "#fragment" on the post's page


@dataclass(frozen=True)
class ImportedSkip:
    """Something the source held that the reader leaves out, and why: the summary lists it.

    (WordPress menus and attachments, a category whose parent is missing, a Disqus thread
    that matches no post.) It names nothing, so it may come anywhere among the records.
    """

    what: str
    why: str


@dataclass
class ImportSummary:
    """What an import made, changed and left, each skip with its reason."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    def count_created(self, kind: str, count: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + count

    def count_updated(self, kind: str, count: int = 1) -> None:
        self.updated[kind] = self.updated.get(kind, 0) + count

    def skip(self, what: str, why: str) -> None:
        self.skipped.append((what, why))


Record = (
    ImportedUser
    | ImportedSection
    | ImportedTag
    | ImportedPost
    | ImportedPostLink
    | ImportedComment
    | ImportedRedirect
    | ImportedSkip
)


class ImportFileError(InvalidInput):
    """A file (or database) an importer cannot read, saying where: element and line."""

    code = "import_file"

    def __init__(self, message: str, *, line: int | None = None, element: str = "") -> None:
        where = ", ".join(
            part
            for part in (f"line {line}" if line else "", f"<{element}>" if element else "")
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.line = line
        self.element = element
