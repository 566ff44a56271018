"""Read a Disqus XML export into import records.

The export (Disqus admin, Tools, Export) is one `<disqus>` element in the namespace
http://disqus.com, holding `<category>` elements, then every `<thread>` (a page that had
comments: its `<link>`, `<title>`, `<id>` identifiers, `<createdAt>`, `<isClosed>`,
`<isDeleted>`), then every `<post>` (a comment: `<message>` HTML in CDATA, `<createdAt>`,
`<isDeleted>`, `<isSpam>`, `<author>` with `<name>`, `<email>`, `<isAnonymous>`,
`<username>`, an `<ipAddress>`, a `<thread dsq:id>` reference and, for a reply, a
`<parent dsq:id>` reference). `dsq:` is http://disqus.com/disqus-internals.

Disqus keeps no posts, only discussions, so each thread is matched to a post already here
(see thread_matching), or through the `mapping` given with `--map`; a matched thread becomes
an ImportedPostLink and its comments follow it. Threads with comments that match nothing are
reported, with their links, in `report`, and their comments are left out. Only threads with
comments are looked for: an export lists every page Disqus ever saw.

The file streams through lxml with entities never expanded, no DTD loaded and no network;
a document type declaration is refused outright. Comments come after every thread in the
file (other tools may mix them) but must reach the writer grouped by thread, so they are
spooled into a temporary SQLite file and read back thread by thread: memory stays small
whatever the file's size.
"""

from __future__ import annotations

import csv
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Protocol

from lxml import etree

from broadsheet.interop.records import (
    CommentStatus,
    ImportedComment,
    ImportedPostLink,
    ImportFileError,
    ImportSummary,
    Markup,
    Record,
)
from broadsheet.interop.thread_matching import SitePostMatcher, address_parts

DSQ = "http://disqus.com/disqus-internals"
DELETED_BODY = "<p>This comment was deleted.</p>"  # Disqus exports deleted ones empty
ANONYMOUS_NAME = "Anonymous"  # for a post whose author has no name (a closed account)


class PostMatcher(Protocol):
    def post_for_address(self, address: str) -> int | None: ...
    def post_for_identifier(self, identifier: str) -> int | None: ...
    def post_for_target(self, target: str) -> int | None: ...


@dataclass
class _Thread:
    key: str
    link: str
    line: int
    identifiers: tuple[str, ...] = ()
    post_id: int | None = None
    comments: int = 0


@dataclass
class _Spool:
    """Comments kept on disk until every thread is known."""

    connection: sqlite3.Connection

    @classmethod
    def open(cls, folder: str) -> _Spool:
        connection = sqlite3.connect(Path(folder) / "comments.sqlite3")
        connection.execute(
            "CREATE TABLE comment (seq INTEGER PRIMARY KEY, thread TEXT, key TEXT, parent TEXT,"
            " body TEXT, name TEXT, email TEXT, ip TEXT, created TEXT, deleted INTEGER,"
            " spam INTEGER, line INTEGER)"
        )
        return cls(connection)


def read_disqus(
    file: str | Path | IO[bytes],
    *,
    mapping: dict[str, str] | None = None,
    matcher: PostMatcher | None = None,
    report: ImportSummary | None = None,
) -> Iterator[Record]:
    """The records of a Disqus export: a link per matched thread, then its comments.

    `mapping` attaches threads by Disqus link or thread id to a post slug or address (the
    `--map` file). `report`, if given, receives a skip (what, why) for each thread whose
    comments were left out, once the records are read. Malformed XML, a reply to a comment
    the file lacks or a thread reference to no thread raise ImportFileError naming the line
    and element.
    """
    matcher = matcher or SitePostMatcher()
    mapping = {_mapping_key(key): value for key, value in (mapping or {}).items()}
    threads: dict[str, _Thread] = {}
    with tempfile.TemporaryDirectory(prefix="broadsheet-disqus-") as folder:
        spool = _Spool.open(folder)
        try:
            _read_file(file, threads, spool)
            yield from _comments_by_thread(spool, threads, matcher, mapping)
        finally:
            spool.connection.close()
    if report is not None:
        for thread in threads.values():
            if thread.post_id is None and thread.comments:
                report.skip(
                    f"Disqus thread {thread.key} ({thread.link or 'no link'})",
                    f"{thread.comments} comment{'s' if thread.comments != 1 else ''}: "
                    "no post here has this address or identifier; attach it with --map",
                )


def read_thread_map(path: Path) -> dict[str, str]:
    """The `--map` file: CSV rows of (Disqus link or thread id, post slug or address).

    A first row whose first cell is neither a number nor an address is taken as a header.
    """
    mapping: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            for number, row in enumerate(csv.reader(file), start=1):
                cells = [cell.strip() for cell in row]
                if not any(cells) or cells[0].startswith("#"):
                    continue
                if len(cells) < 2 or not cells[0] or not cells[1]:
                    raise ImportFileError(
                        f"{path.name}: a row needs a Disqus link or thread id, then a post "
                        "slug or address",
                        line=number,
                    )
                looks_like_data = cells[0].isdigit() or "/" in cells[0]
                if number == 1 and not looks_like_data:
                    continue  # the header
                mapping[cells[0]] = cells[1]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportFileError(f"cannot read {path}: {error}") from error
    return mapping


def _mapping_key(key: str) -> str:
    key = key.strip()
    if key.isdigit():
        return key
    return address_parts(key)[0].rstrip("/") or "/"


def _local(tag: object) -> str:
    """An element's name without its namespace (lxml writes "{namespace}name")."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _dsq_id(element: etree._Element | None) -> str:
    if element is None:
        return ""
    value = element.get(f"{{{DSQ}}}id")
    if value is None:  # an export without the namespace declared properly
        value = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
    return (value or "").strip()


def _children(element: etree._Element) -> dict[str, etree._Element]:
    """An element's children by name, the first of each: one pass, whatever is asked."""
    found: dict[str, etree._Element] = {}
    for child in element:
        found.setdefault(_local(child.tag), child)
    return found


def _text(children: dict[str, etree._Element], name: str) -> str:
    child = children.get(name)
    return (child.text or "").strip() if child is not None else ""


def _flag(children: dict[str, etree._Element], name: str) -> bool:
    return _text(children, name).lower() == "true"


def _read_file(file: str | Path | IO[bytes], threads: dict[str, _Thread], spool: _Spool) -> None:
    source = str(file) if isinstance(file, Path) else file
    # Events only for the document and its items (lxml filters the rest in C): a post's
    # two dozen inner elements are read from the post itself, once it has ended.
    events = etree.iterparse(
        source,
        events=("start", "end"),
        tag=("{*}disqus", "{*}category", "{*}thread", "{*}post"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    root: etree._Element | None = None
    started: etree._Element | None = None  # the item being read: named in errors
    try:
        for event, element in events:
            if root is None:
                root = element
                _refuse_doctype(element, _local(element.tag))
                continue
            if element.getparent() is not root:
                continue  # a post's <thread dsq:id> reference, read with the post
            if event == "start":
                started = element
                continue
            name = _local(element.tag)
            if name == "thread":
                _thread(element, threads)
            elif name == "post":
                _spool_post(element, threads, spool)
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del root[0]
    except etree.XMLSyntaxError as error:
        raise ImportFileError(
            f"not well-formed XML: {error.msg}",
            line=error.lineno or (started.sourceline if started is not None else None),
            element=_local(started.tag) if started is not None else "",
        ) from error
    except OSError as error:
        raise ImportFileError(f"cannot read the file: {error}") from error
    if root is None:  # no <disqus> element anywhere: say what the document is
        document = events.root
        _refuse_doctype(document, _local(document.tag) if document is not None else "")
    spool.connection.commit()


def _refuse_doctype(root: etree._Element | None, name: str) -> None:
    if root is None:
        raise ImportFileError("not a Disqus export: the file holds no XML element")
    if root.getroottree().docinfo.doctype:
        raise ImportFileError(
            "a document type declaration (DTD, entities) is not allowed in a Disqus export",
            line=root.sourceline,
            element=name,
        )
    if name != "disqus":
        raise ImportFileError(
            f"not a Disqus export: the document is <{name}>, not <disqus>",
            line=root.sourceline,
            element=name,
        )


def _thread(element: etree._Element, threads: dict[str, _Thread]) -> None:
    key = _dsq_id(element)
    line = element.sourceline or 0
    if not key:
        raise ImportFileError("a thread without dsq:id", line=line, element="thread")
    identifiers = tuple(
        (child.text or "").strip()
        for child in element
        if _local(child.tag) in ("id", "identifier") and (child.text or "").strip()
    )
    link = _text(_children(element), "link")
    threads[key] = _Thread(key=key, link=link, line=line, identifiers=identifiers)


def _match(thread: _Thread, matcher: PostMatcher, mapping: dict[str, str]) -> int | None:
    """The post here a thread belongs to: by the map, its link, or an identifier."""
    target = mapping.get(thread.key) or (
        mapping.get(_mapping_key(thread.link)) if thread.link else None
    )
    if target is not None:
        post_id = matcher.post_for_target(target)
        if post_id is None:
            raise ImportFileError(
                f"the --map file attaches thread {thread.key} ({thread.link}) to {target!r}, "
                "which is no post here",
                line=thread.line,
                element="thread",
            )
        return post_id
    if thread.link:
        post_id = matcher.post_for_address(thread.link)
        if post_id is not None:
            return post_id
    for identifier in thread.identifiers:
        post_id = matcher.post_for_identifier(identifier)
        if post_id is not None:
            return post_id
    return None


def _spool_post(element: etree._Element, threads: dict[str, _Thread], spool: _Spool) -> None:
    line = element.sourceline or 0
    key = _dsq_id(element)
    if not key:
        raise ImportFileError("a post without dsq:id", line=line, element="post")
    children = _children(element)
    thread_key = _dsq_id(children.get("thread"))
    if not thread_key:
        raise ImportFileError(f"post {key} names no thread", line=line, element="post")
    # Disqus writes every thread before the posts; other tools may not, so a post's thread
    # is looked for once the whole file is read.
    name = email = ""
    if "author" in children:
        author = _children(children["author"])
        name = _text(author, "name") or _text(author, "username")
        email = _text(author, "email")
    message = children.get("message")
    parent_key = _dsq_id(children.get("parent"))
    spool.connection.execute(
        "INSERT INTO comment (thread, key, parent, body, name, email, ip, created, deleted,"
        " spam, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            thread_key,
            key,
            parent_key or None,
            (message.text or "") if message is not None else "",
            name or ANONYMOUS_NAME,
            email,
            _text(children, "ipAddress"),
            _text(children, "createdAt"),
            _flag(children, "isDeleted"),
            _flag(children, "isSpam"),
            line,
        ),
    )


def _comments_by_thread(
    spool: _Spool, threads: dict[str, _Thread], matcher: PostMatcher, mapping: dict[str, str]
) -> Iterator[Record]:
    spool.connection.execute("CREATE INDEX comment_thread ON comment (thread, seq)")
    spool.connection.execute("CREATE INDEX comment_key ON comment (key)")
    counts = spool.connection.execute(
        "SELECT thread, COUNT(*), MIN(line), MIN(key) FROM comment GROUP BY thread"
    )
    for thread_key, count, line, key in counts:
        if thread_key not in threads:
            raise ImportFileError(
                f"post {key} belongs to thread {thread_key}, which the file does not hold",
                line=line,
                element="post",
            )
        threads[thread_key].comments = count
    # Only threads with comments are looked for: an export lists every page Disqus ever saw.
    for thread in sorted(threads.values(), key=lambda thread: thread.key):
        if thread.comments:
            thread.post_id = _match(thread, matcher, mapping)
            if thread.post_id is not None:
                yield ImportedPostLink(key=thread.key, post_id=thread.post_id)
    rows = spool.connection.execute(
        "SELECT thread, key, parent, body, name, email, ip, created, deleted, spam, line "
        "FROM comment ORDER BY thread, seq"
    )
    current = ""
    keys_here: set[str] = set()
    pending_parents: list[tuple[str, str, int]] = []
    for thread, key, parent, body, name, email, ip, created, deleted, spam, line in rows:
        if threads[thread].post_id is None:
            continue  # reported at the end, with the thread's link
        if thread != current:
            _check_parents(spool, pending_parents, keys_here)
            current, keys_here, pending_parents = thread, set(), []
        keys_here.add(key)
        if parent:
            pending_parents.append((key, parent, line))
        status = CommentStatus.VISIBLE
        if spam:
            status = CommentStatus.SPAM
        elif deleted:
            status = CommentStatus.DELETED
        yield ImportedComment(
            key=key,
            post_key=thread,
            body=body if body.strip() or not deleted else DELETED_BODY,
            markup=Markup.HTML,
            parent_key=parent or None,
            author_name=name,
            author_email=email,
            ip_address=ip,
            created=_when(created, line),
            status=status,
            original_id=key,
        )
    _check_parents(spool, pending_parents, keys_here)


def _check_parents(spool: _Spool, replies: list[tuple[str, str, int]], keys_here: set[str]) -> None:
    """Every reply's parent is a comment of the same thread in the file."""
    for key, parent, line in replies:
        if parent in keys_here:
            continue
        elsewhere = spool.connection.execute(
            "SELECT thread FROM comment WHERE key = ?", (parent,)
        ).fetchone()
        where = f"is on thread {elsewhere[0]}" if elsewhere else "is not in the file"
        raise ImportFileError(
            f"post {key} replies to post {parent}, which {where}", line=line, element="parent"
        )


def _when(created: str, line: int) -> datetime | None:
    if not created:
        return None
    try:
        moment = datetime.fromisoformat(created)
    except ValueError as error:
        raise ImportFileError(
            f"createdAt {created!r} is not a date and time", line=line, element="createdAt"
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
