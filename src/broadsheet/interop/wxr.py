"""WordPress eXtended RSS (WXR) read as records: the format WordPress and WordPress.com export.

The file is read as a stream (lxml's iterparse), each element dropped once it is read, so a
200 MB export costs the memory of one post and at most a couple of thousand of its comments
at a time. The parser expands no
entity and fetches nothing: a file that declares entities or an external DTD is refused
before any of its content is read (WordPress's own importer refuses any DOCTYPE).

What WordPress allows, and so what this reader accepts:
- WXR 1.0, 1.1 and 1.2 (`wp:wxr_version`), whose namespace URIs differ
  (`http://wordpress.org/export/1.N/`); the reader goes by the namespace's meaning, and
  also takes prefixes that a hand-made file forgot to declare, as WordPress's fallback
  parsers do.
- Channel-level authors, categories, tags and terms before the items (WordPress's order),
  or named only by the items (`dc:creator`, `<category domain=...>`): those are made too.
- Items of type post and page; attachments stay at their original addresses; menus,
  revisions, blocks, templates and custom types are skipped with a reason.

Records come out in the order the writer needs: users, sections and tags before the posts
that name them, each post before its comments (which come together), and redirects after
what they lead to.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, cast
from urllib.parse import unquote, urlsplit

from django.utils import timezone
from django.utils.text import slugify
from lxml import etree

from broadsheet.interop.records import (
    CommentKind,
    CommentStatus,
    ImportedComment,
    ImportedPost,
    ImportedRedirect,
    ImportedSection,
    ImportedSkip,
    ImportedTag,
    ImportedUser,
    ImportFileError,
    PostStatus,
    Record,
)
from broadsheet.interop.wordpress_content import (
    Attachment,
    MediaLibrary,
    convert_comment_content,
    convert_post_content,
)

SUPPORTED_MAJOR_VERSION = 1  # WXR 1.0, 1.1, 1.2; WordPress refuses what it cannot read
KNOWN_VERSIONS = frozenset({"1.0", "1.1", "1.2"})
# Comments of one item are held back until the item ends, so that post fields written after
# them (other tools' order) still count; past this many the post goes out first and the
# rest stream, so one post with 100,000 comments costs no more memory than a small one.
COMMENTS_HELD_PER_ITEM = 2000
IMPORTED_POST_TYPES = frozenset({"post", "page"})
WXR_NAMESPACE = re.compile(r"^https?://(?:[a-z]+\.)?wordpress\.(?:org|com)/export/\d+\.\d+/?$")

# What each namespace means, whatever version of the URI a file uses.
_WP, _CONTENT, _EXCERPT, _DC, _RSS, _OTHER = "wp", "content", "excerpt", "dc", "", "other"
_ROLE_BY_PREFIX = {"wp": _WP, "content": _CONTENT, "excerpt": _EXCERPT, "dc": _DC}


@dataclass(frozen=True)
class PermalinkOptions:
    """What an export does not always say about its old addresses.

    `path_prefix`: the path at which the old site lived, taken off every old address (None:
    the path of `wp:base_blog_url`, so `https://example.org/blog/2020/01/a/` redirects from
    `/2020/01/a/`; "" to keep paths whole). `structure`: WordPress's permalink setting
    (`/%year%/%monthnum%/%postname%/`), for posts whose `<link>` does not show it.
    """

    path_prefix: str | None = None
    structure: str = ""
    category_base: str = "category"
    tag_base: str = "tag"
    author_base: str = "author"


@dataclass
class _Channel:
    version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    link: str = ""
    prefix: str = ""
    authors_by_id: dict[str, str] = field(default_factory=dict)  # WordPress user id -> login
    users: set[str] = field(default_factory=set)
    sections: dict[str, str] = field(default_factory=dict)  # nicename -> nested path
    section_ids: dict[str, str] = field(default_factory=dict)  # WordPress term id -> nicename
    section_keys_by_name: dict[str, str] = field(default_factory=dict)  # lowercase name -> key
    tags: set[str] = field(default_factory=set)
    old_paths: set[str] = field(default_factory=set)
    pending: list[Record] = field(default_factory=list)  # channel records before any item
    pending_sections: list[tuple[ImportedSection, str, int]] = field(default_factory=list)


@dataclass
class _Item:
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    categories: list[tuple[str, str, str]] = field(default_factory=list)  # domain, slug, name
    meta: dict[str, str] = field(default_factory=dict)
    old_slugs: list[str] = field(default_factory=list)
    comments: list[ImportedComment] = field(default_factory=list)  # held until the post goes
    comment_parents: list[tuple[str, str, int]] = field(default_factory=list)
    comment_ids: set[str] = field(default_factory=set)
    post_sent: bool = False
    skip_reason: str = ""


Opener = Callable[[], IO[bytes]]  # opens the same file again each time it is called


def read_wxr_files(
    paths: Sequence[Path],
    *,
    permalinks: PermalinkOptions | None = None,
    time_zone: tzinfo | None = None,
) -> Iterator[Record]:
    """The records of several exports, one after the other: WordPress.com splits a big site
    into several files and hands them over in a .zip, which may be given as it is. An error
    names the file it is in when there is more than one."""
    sources: list[tuple[str, Path | Opener]] = []
    archives: list[zipfile.ZipFile] = []
    try:
        for path in paths:
            if not zipfile.is_zipfile(path):
                sources.append((path.name, path))
                continue
            archive = zipfile.ZipFile(path)
            archives.append(archive)
            members = sorted(
                name
                for name in archive.namelist()
                if name.lower().endswith(".xml") and not name.startswith("__MACOSX/")
            )
            if not members:
                raise ImportFileError(f"{path.name} holds no .xml file to import")
            sources += [(f"{path.name}: {name}", _member_opener(archive, name)) for name in members]
        for name, source in sources:
            try:
                yield from read_wxr(source, permalinks=permalinks, time_zone=time_zone)
            except ImportFileError as error:
                if len(sources) == 1:
                    raise
                named = ImportFileError(f"{name}, {error.message}")
                named.line, named.element = error.line, error.element
                raise named from error
    finally:
        for archive in archives:
            archive.close()


def _member_opener(archive: zipfile.ZipFile, name: str) -> Opener:
    return lambda: archive.open(name)


def read_wxr(
    file: str | Path | IO[bytes] | Opener,
    *,
    permalinks: PermalinkOptions | None = None,
    time_zone: tzinfo | None = None,
) -> Iterator[Record]:
    """The records a WXR export holds, read as a stream.

    `time_zone`: where the old site's local dates were (used only when an export has no GMT
    date, as WordPress writes for drafts); the site's own time zone by default. What the
    file holds that is left out comes as ImportedSkip records, each with its reason.
    """
    reader = _WxrReader(
        permalinks or PermalinkOptions(), time_zone or timezone.get_default_timezone()
    )
    return reader.read(file)


class CleanedXmlStream:
    """A WXR file as a parser can read it, with the two flaws real exports often have mended.

    A theme or plugin that prints a blank line before WordPress's export leaves whitespace
    before `<?xml ...?>`, which XML forbids; and text pasted from word processors brings
    control characters (form feeds, vertical tabs) that XML 1.0 cannot hold. WordPress's own
    importer reads such files, so this one does too: the leading whitespace is cut (and
    counted, so that line numbers stay those of the file), the control characters dropped
    (and counted, for the summary). Byte by byte is safe for UTF-8 and the single-byte
    encodings, where those bytes are never part of another character; UTF-16 and UTF-32
    files are passed through untouched.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.lines_cut = 0
        self.characters_dropped = 0
        self.started = False
        self.filtering = True

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        if not self.started:
            self.started = True
            chunk = self._mend_start(chunk)
        if self.filtering and chunk:
            cleaned = chunk.translate(None, _XML_FORBIDDEN_BYTES)
            self.characters_dropped += len(chunk) - len(cleaned)
            return cleaned
        return chunk

    def _mend_start(self, chunk: bytes) -> bytes:
        if chunk.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00", b"<\x00", b"\x00<")):
            self.filtering = False  # UTF-16 or UTF-32: not byte-addressable
            return chunk
        bom = b"\xef\xbb\xbf" if chunk.startswith(b"\xef\xbb\xbf") else b""
        rest = chunk[len(bom) :]
        while True:
            stripped = rest.lstrip()
            self.lines_cut += rest[: len(rest) - len(stripped)].count(b"\n")
            if stripped:
                return bom + stripped
            rest = self.raw.read(_START_PEEK)  # a whole chunk of blank lines: read on
            if not rest:
                return bom


_XML_FORBIDDEN_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32)])
_START_PEEK = 64 * 1024


class _WxrReader:
    def __init__(self, permalinks: PermalinkOptions, time_zone: tzinfo):
        self.permalinks = permalinks
        self.time_zone = time_zone
        self.skips: list[ImportedSkip] = []  # handed out between items, never among comments
        # Attachments come after the posts that show them (their ids are higher): a first,
        # quick pass over a file (not a stream) finds them all.
        self.media = MediaLibrary()
        self.channel = _Channel()
        self.prefix_roles: dict[str, str] = {}
        self.role_cache: dict[str, tuple[str, str]] = {}
        self.skipped_types: Counter[str] = Counter()
        self.attachment_count = 0
        self.items_started = False

    # -- the stream ----------------------------------------------------------------------

    def read(self, file: str | Path | IO[bytes] | Opener) -> Iterator[Record]:
        if isinstance(file, (str, Path)):
            path = file

            def file_opener() -> IO[bytes]:
                return open(path, "rb")

            opener: Opener | None = file_opener
        elif callable(file):
            opener = file
        else:
            opener = None
        if opener is None:  # a stream read once: attachments after their posts stay unseen
            yield from self._read_stream(cast(IO[bytes], file))
            return
        with opener() as opened:
            self.media = _media_library(opened)
        with opener() as opened:
            yield from self._read_stream(opened)

    def _line(self, element: etree._Element) -> int:
        """The element's line in the file as given (before leading blank lines were cut)."""
        return (element.sourceline or 0) + self.stream.lines_cut

    def _read_stream(self, file: IO[bytes]) -> Iterator[Record]:
        self.stream = source = CleanedXmlStream(file)
        # The parser's error log is per thread and outlives a parse: start this one clean, so
        # that its errors are this file's alone.
        etree.clear_error_log()
        events = etree.iterparse(
            source,
            events=("start", "end", "start-ns"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,  # a post of more than 10 MB is still a post
            remove_comments=True,
            remove_pis=True,
        )
        open_tags: list[object] = []  # the raw tags of the open elements, for errors
        item: _Item | None = None
        try:
            for event, value in events:
                if event == "start-ns":
                    prefix, uri = cast(tuple[str, str], value)
                    self._learn_namespace(prefix, uri)
                    continue
                element = cast(etree._Element, value)
                if event == "start":
                    open_tags.append(element.tag)
                    depth = len(open_tags)
                    if depth > 4:  # inside a comment, a meta or a term: read when it ends
                        continue
                    if depth == 1:
                        self._check_document(element)
                    elif depth == 3 and self._role(element.tag) == (_RSS, "item"):
                        yield from self._before_first_item(element)
                        item = _Item(line=self._line(element))
                    elif (
                        depth == 4
                        and item is not None
                        and len(item.comments) >= COMMENTS_HELD_PER_ITEM
                        and self._role(element.tag) == (_WP, "comment")
                    ):
                        yield from self._send_post(item)
                    continue
                depth = len(open_tags)
                open_tags.pop()
                if depth > 4:
                    continue
                if depth == 4 and item is not None:
                    yield from self._read_item_child(item, element)
                    _drop(element)
                elif depth == 3:
                    role = self._role(element.tag)
                    if role == (_RSS, "item") and item is not None:
                        yield from self._finish_item(item, element)
                        item = None
                    else:
                        yield from self._read_channel_child(role, element)
                    _drop(element)
                    yield from self._take_skips()
                elif depth == 2:
                    if not self.items_started:
                        yield from self._before_first_item(element)
                    self._report_skips()
                    yield from self._take_skips()
        except etree.XMLSyntaxError as error:
            if not (_only_namespace_errors(error) and not open_tags):
                message = _parser_message(error)
                raise ImportFileError(
                    f"the file's encoding is not one this importer knows ({message})"
                    if message.startswith("Unsupported encoding")
                    else f"this is not well-formed XML ({message})",
                    line=error.lineno + source.lines_cut if error.lineno else None,
                    element=_field_name(*self._role(open_tags[-1])) if open_tags else "",
                ) from error
            self._report_skips()  # undeclared prefixes only, read by name (see module doc)
            yield from self._take_skips()
        if not self.channel.version:
            raise ImportFileError(_NOT_WXR + " (no <wp:wxr_version>)")
        if source.characters_dropped:
            yield ImportedSkip(
                what=f"{source.characters_dropped:,} control character(s)",
                why="XML cannot hold them (they came from pasted text); the rest of the text "
                "is kept",
            )

    def on_skip(self, what: str, why: str) -> None:
        self.skips.append(ImportedSkip(what=what, why=why))

    def _take_skips(self) -> Iterator[ImportedSkip]:
        if self.skips:
            yield from self.skips
            self.skips.clear()

    def _learn_namespace(self, prefix: str | None, uri: str) -> None:
        if prefix in _ROLE_BY_PREFIX and uri not in self.prefix_roles:
            self.prefix_roles[uri] = _ROLE_BY_PREFIX[prefix]

    def _role(self, tag: object) -> tuple[str, str]:
        """(what the element's namespace means, its local name)."""
        if not isinstance(tag, str):
            return (_OTHER, "")
        cached = self.role_cache.get(tag)
        if cached is not None:
            return cached
        if tag.startswith("{"):
            uri, local = tag[1:].split("}", 1)
            role = _namespace_role(uri) or self.prefix_roles.get(uri, _OTHER)
        elif ":" in tag:  # a prefix the file never declared
            prefix, local = tag.split(":", 1)
            role = _ROLE_BY_PREFIX.get(prefix, _OTHER)
        else:
            role, local = _RSS, tag
        self.role_cache[tag] = (role, local)
        return role, local

    def _tag_name(self, element: etree._Element) -> str:
        return _field_name(*self._role(element.tag))

    def _check_document(self, root: etree._Element) -> None:
        info = root.getroottree().docinfo
        dtd = info.internalDTD
        if info.system_url or info.public_id:
            raise ImportFileError(
                "the file names an external DTD; WordPress exports have none, and it is not "
                "fetched",
                line=1,
            )
        if dtd is not None and any(True for _ in dtd.entities()):
            raise ImportFileError(
                "the file declares XML entities; they are refused, never expanded "
                "(WordPress exports declare none)",
                line=1,
            )
        if self._role(root.tag) != (_RSS, "rss"):
            raise ImportFileError(
                f"{_NOT_WXR}: its root element is <{self._tag_name(root)}>, not <rss>",
                line=self._line(root),
            )

    # -- the channel ---------------------------------------------------------------------

    def _read_channel_child(
        self, role: tuple[str, str], element: etree._Element
    ) -> Iterator[Record]:
        channel = self.channel
        if role == (_WP, "wxr_version"):
            channel.version = _check_version(_text(element), self._line(element))
        elif role == (_WP, "base_site_url"):
            channel.base_site_url = _text(element).strip()
        elif role == (_WP, "base_blog_url"):
            channel.base_blog_url = _text(element).strip()
        elif role == (_RSS, "link"):
            channel.link = _text(element).strip()
        elif role == (_WP, "author"):
            yield from self._emit(self._author(element))
        elif role == (_WP, "category"):
            values = self._children(element)
            yield from self._add_section(
                slug=values.get("category_nicename", ""),
                name=values.get("cat_name", ""),
                parent=values.get("category_parent", ""),
                term_id=values.get("term_id", ""),
                description=values.get("category_description", ""),
                line=self._line(element),
            )
        elif role == (_WP, "tag"):
            values = self._children(element)
            yield from self._add_tag(
                values.get("tag_slug", ""), values.get("tag_name", ""), values.get("term_id", "")
            )
        elif role == (_WP, "term"):
            yield from self._term(element)

    def _emit(self, records: list[Record]) -> Iterator[Record]:
        records = [
            record
            for record in records
            if not isinstance(record, ImportedRedirect) or self._new_old_path(record.old)
        ]
        if self.items_started:
            yield from records
        else:
            self.channel.pending.extend(records)

    def _author(self, element: etree._Element) -> list[Record]:
        values = self._children(element)
        login = values.get("author_login", "").strip()
        if not login:
            self.on_skip(f"author at line {self._line(element)}", "it has no login name")
            return []
        if login in self.channel.users:
            return []
        author_id = values.get("author_id", "").strip()
        if author_id:
            self.channel.authors_by_id[author_id] = login
        self.channel.users.add(login)
        full_name = " ".join(
            part
            for part in (values.get("author_first_name", ""), values.get("author_last_name", ""))
            if part.strip()
        )
        user = ImportedUser(
            key=login,
            username=login,
            display_name=html.unescape(values.get("author_display_name", "") or full_name).strip(),
            email=values.get("author_email", "").strip(),
            is_author=True,
        )
        records: list[Record] = [user]
        records.append(
            ImportedRedirect(old=f"/{self.permalinks.author_base}/{login}/", user_key=login)
        )
        if author_id:
            records.append(ImportedRedirect(old=f"/?author={author_id}", user_key=login))
        return records

    def _add_section(
        self, *, slug: str, name: str, parent: str, term_id: str, description: str, line: int
    ) -> Iterator[Record]:
        slug = slug.strip()
        name = html.unescape(name).strip() or unquote(slug)
        if not slug or slug in self.channel.sections:
            return
        parent = parent.strip()
        section = ImportedSection(
            key=slug,
            name=name,
            slug=unquote(slug),
            parent_key=parent or None,
            description=html.unescape(description).strip(),
        )
        if parent and parent not in self.channel.sections:
            # WordPress writes parents first; other tools may not. Wait for the parent.
            self.channel.pending_sections.append((section, term_id, line))
            return
        yield from self._emit(self._section_records(section, term_id))
        yield from self._release_waiting_sections()

    def _section_records(self, section: ImportedSection, term_id: str) -> list[Record]:
        parent_path = self.channel.sections.get(section.parent_key or "", "")
        path = f"{parent_path}/{section.key}" if parent_path else section.key
        self.channel.sections[section.key] = path
        self.channel.section_keys_by_name.setdefault(section.name.lower(), section.key)
        base = self.permalinks.category_base
        records: list[Record] = [
            section,
            ImportedRedirect(old=f"/{base}/{path}/", section_key=section.key),
        ]
        if path != section.key:
            records.append(ImportedRedirect(old=f"/{base}/{section.key}/", section_key=section.key))
        if term_id:
            self.channel.section_ids[term_id] = section.key
            records.append(ImportedRedirect(old=f"/?cat={term_id}", section_key=section.key))
        return records

    def _release_waiting_sections(self) -> Iterator[Record]:
        released = True
        while released:
            released = False
            for waiting in list(self.channel.pending_sections):
                section, term_id, _line = waiting
                if section.parent_key in self.channel.sections:
                    self.channel.pending_sections.remove(waiting)
                    yield from self._emit(self._section_records(section, term_id))
                    released = True

    def _add_tag(self, slug: str, name: str, term_id: str) -> Iterator[Record]:
        slug = slug.strip()
        if not slug or slug in self.channel.tags:
            return
        self.channel.tags.add(slug)
        name = html.unescape(name).strip() or unquote(slug)
        records: list[Record] = [
            ImportedTag(key=slug, name=name, slug=unquote(slug)),
            ImportedRedirect(old=f"/{self.permalinks.tag_base}/{slug}/", tag_key=slug),
            ImportedRedirect(old=f"/?tag={slug}", tag_key=slug),
        ]
        yield from self._emit(records)

    def _term(self, element: etree._Element) -> Iterator[Record]:
        values = self._children(element)
        taxonomy = values.get("term_taxonomy", "").strip()
        slug, name = values.get("term_slug", ""), values.get("term_name", "")
        if taxonomy == "category":
            yield from self._add_section(
                slug=slug,
                name=name,
                parent=values.get("term_parent", ""),
                term_id=values.get("term_id", ""),
                description=values.get("term_description", ""),
                line=self._line(element),
            )
        elif taxonomy == "post_tag":
            yield from self._add_tag(slug, name, values.get("term_id", ""))
        else:
            self.skipped_types[f"term of taxonomy {taxonomy or '(none)'}"] += 1

    def _before_first_item(self, element: etree._Element) -> Iterator[Record]:
        if self.items_started:
            return
        if not self.channel.version:
            raise ImportFileError(
                _NOT_WXR + " (no <wp:wxr_version> before the first item)",
                line=self._line(element),
                element=self._tag_name(element),
            )
        self.items_started = True
        if self.channel.version not in KNOWN_VERSIONS:
            self.on_skip(
                f"what is new in WXR {self.channel.version}",
                "this importer knows WXR 1.0 to 1.2 and reads the file as those",
            )
        self.channel.prefix = self._path_prefix()
        for section, term_id, line in self.channel.pending_sections:
            # Its parent never came: keep the category, at the top level, and say so.
            self.on_skip(
                f"parent of category {section.key!r} (line {line})",
                f"category {section.parent_key!r} is not in the file; "
                f"{section.key!r} is kept at the top level",
            )
            self.channel.pending.extend(
                self._section_records(
                    ImportedSection(
                        key=section.key,
                        name=section.name,
                        slug=section.slug,
                        description=section.description,
                    ),
                    term_id,
                )
            )
        self.channel.pending_sections.clear()
        yield from self.channel.pending
        self.channel.pending.clear()
        # WordPress has both feeds; Broadsheet has none yet, so they lead to the front page.
        for old in ("/feed/", "/comments/feed/", "/?feed=rss2", "/?feed=comments-rss2"):
            yield from self._redirect(ImportedRedirect(old=old, target="/"))

    def _path_prefix(self) -> str:
        if self.permalinks.path_prefix is not None:
            return (
                "/" + self.permalinks.path_prefix.strip("/")
                if self.permalinks.path_prefix.strip("/")
                else ""
            )
        base = self.channel.base_blog_url or self.channel.link or self.channel.base_site_url
        return urlsplit(base).path.rstrip("/")

    def _redirect(self, redirect: ImportedRedirect) -> Iterator[ImportedRedirect]:
        if self._new_old_path(redirect.old):
            yield redirect

    def _new_old_path(self, path: str) -> bool:
        """Whether no record has claimed old address `path` yet (and claim it)."""
        if not path or path == "/" or path in self.channel.old_paths:
            return False
        self.channel.old_paths.add(path)
        return True

    # -- items ---------------------------------------------------------------------------

    def _read_item_child(self, item: _Item, element: etree._Element) -> Iterator[Record]:
        role, local = self._role(element.tag)
        if role == _WP and local == "comment":
            self._read_comment(item, element)
            if item.post_sent:
                yield from self._send_comments(item)
            return
        if role == _RSS and local == "category":
            domain = element.get("domain", "")
            slug = element.get("nicename", "")
            item.categories.append((domain, slug, _text(element)))
        elif role == _WP and local == "postmeta":
            values = self._children(element)
            key = values.get("meta_key", "")
            if key == "_wp_old_slug":  # WordPress redirects a post's earlier slugs
                item.old_slugs.append(values.get("meta_value", "").strip())
            elif key in _META_USED:
                item.meta[key] = values.get("meta_value", "")
        elif role in (_RSS, _WP, _CONTENT, _EXCERPT, _DC):
            item.fields.setdefault(_field_name(role, local), _text(element))
        else:
            return
        if item.post_sent and _field_name(role, local) in _POST_FIELDS:
            raise ImportFileError(
                f"this post field comes after more than {COMMENTS_HELD_PER_ITEM} of the "
                "post's comments; put the post's fields before its comments",
                line=self._line(element),
                element=self._tag_name(element),
            )

    def _read_comment(self, item: _Item, element: etree._Element) -> None:
        values = self._children(element)
        comment_id = values.get("comment_id", "").strip()
        line = self._line(element)
        if not comment_id:
            raise ImportFileError(
                "a comment without <wp:comment_id>", line=line, element="wp:comment"
            )
        if comment_id in item.comment_ids:
            raise ImportFileError(
                f"comment {comment_id} appears twice in this item", line=line, element="wp:comment"
            )
        item.comment_ids.add(comment_id)
        kind_name = values.get("comment_type", "").strip().lower()
        parent_id = values.get("comment_parent", "").strip()
        parent_id = "" if parent_id in ("", "0") else parent_id
        if kind_name in _SKIPPED_COMMENT_TYPES:
            self.skipped_types[f"comment of type {kind_name}"] += 1
            return
        if item.skip_reason:
            return
        item.comment_parents.append((comment_id, parent_id, line))
        user_id = values.get("comment_user_id", "").strip()
        author_key = self.channel.authors_by_id.get(user_id) if user_id not in ("", "0") else None
        record = ImportedComment(
            key=comment_id,
            post_key=_post_key(item),
            body=convert_comment_content(values.get("comment_content", "")),
            parent_key=parent_id or None,
            author_key=author_key,
            author_name=html.unescape(values.get("comment_author", "")).strip(),
            author_email=values.get("comment_author_email", "").strip(),
            author_url=_meaningful_url(values.get("comment_author_url", "")),
            ip_address=values.get("comment_author_IP", "").strip(),
            created=self._date(values.get("comment_date_gmt", ""), values.get("comment_date", "")),
            status=_COMMENT_STATUS.get(
                values.get("comment_approved", "1").strip().lower(), CommentStatus.HELD
            ),
            kind=_COMMENT_KIND.get(kind_name, CommentKind.COMMENT),
            original_id=comment_id,
        )
        item.comments.append(record)

    def _send_post(self, item: _Item) -> Iterator[Record]:
        if item.post_sent:
            return
        item.post_sent = True
        item.skip_reason = self._skip_reason(item)
        if item.skip_reason:
            item.comments.clear()
            return
        yield from self._post_records(item)

    def _send_comments(self, item: _Item) -> Iterator[Record]:
        yield from item.comments
        item.comments.clear()

    def _finish_item(self, item: _Item, element: etree._Element) -> Iterator[Record]:
        if not item.post_sent:
            yield from self._send_post(item)
        if item.skip_reason:
            return
        known = item.comment_ids
        for comment_id, parent_id, line in item.comment_parents:
            if parent_id and parent_id not in known:
                raise ImportFileError(
                    f"comment {comment_id} answers comment {parent_id}, which is not among "
                    f"the comments of post {_post_key(item)}",
                    line=line,
                    element="wp:comment",
                )
        yield from self._send_comments(item)

    def _skip_reason(self, item: _Item) -> str:
        post_type = item.fields.get("wp:post_type", "post").strip() or "post"
        if post_type == "attachment":
            self.attachment_count += 1
            return "attachment"
        if post_type not in IMPORTED_POST_TYPES:
            self.skipped_types[f"item of type {post_type}"] += 1
            return post_type
        if not _post_key(item):
            self.on_skip(f"item at line {item.line}", "it has no <wp:post_id>")
            return "no id"
        return ""

    def _post_records(self, item: _Item) -> Iterator[Record]:
        fields = item.fields
        key = _post_key(item)
        notes: list[str] = []
        status_name = fields.get("wp:status", "publish").strip().lower() or "publish"
        status = _POST_STATUS.get(status_name, PostStatus.DRAFT)
        if status_name not in _POST_STATUS:
            notes.append(f"its status there was {status_name!r}: imported as a draft")
        elif status_name in _STATUS_NOTES:
            notes.append(_STATUS_NOTES[status_name])
        if fields.get("wp:post_password", "").strip():
            status = PostStatus.DRAFT
            notes.append("it was password-protected there: imported as a draft")
        published = self._date(
            fields.get("wp:post_date_gmt", ""),
            fields.get("wp:post_date", ""),
            fields.get("pubDate", ""),
        )
        if status_name in _NEVER_PUBLISHED:
            published = None
        # Authors named only by dc:creator are made too (without a password, like the rest).
        creator = fields.get("dc:creator", "").strip()
        if creator and creator not in self.channel.users:
            self.channel.users.add(creator)
            yield ImportedUser(key=creator, username=creator, is_author=True)
            yield from self._redirect(
                ImportedRedirect(old=f"/{self.permalinks.author_base}/{creator}/", user_key=creator)
            )
        section_keys: list[str] = []
        tag_keys: list[str] = []
        for domain, slug, name in _categories_named(item.categories, self.channel):
            if domain == "category":
                yield from self._add_section(
                    slug=slug, name=name, parent="", term_id="", description="", line=item.line
                )
                if slug.strip() and slug.strip() not in section_keys:
                    section_keys.append(slug.strip())
            elif domain in ("post_tag", "tag"):
                yield from self._add_tag(slug, name, "")
                if slug.strip() and slug.strip() not in tag_keys:
                    tag_keys.append(slug.strip())
        primary = _primary_section(section_keys, item.meta, self.channel)
        if len(section_keys) > 1:
            others = ", ".join(s for s in section_keys if s != primary)
            notes.append(f"it was also in categories {others}; its section is {primary}")
        text = convert_post_content(
            fields.get("content:encoded", ""),
            media=self.media,
            post_id=key,
            featured_image=item.meta.get("_thumbnail_id", ""),
        )
        notes.extend(text.notes)
        post = ImportedPost(
            key=key,
            title=html.unescape(fields.get("title", "")).strip(),
            slug=unquote(fields.get("wp:post_name", "").strip()),
            status=status,
            published=published,
            author_keys=(creator,) if creator else (),
            intro=text.intro,
            body=text.body,
            excerpt=fields.get("excerpt:encoded", "").strip(),
            section_key=primary,
            tag_keys=tuple(tag_keys),
            sticky=fields.get("wp:is_sticky", "0").strip() == "1",
            comments_open=fields.get("wp:comment_status", "open").strip() != "closed",
            video_url=text.video_url,
            is_page=fields.get("wp:post_type", "post").strip() == "page",
            old_urls=tuple(self._old_post_paths(item)),
            notes=tuple(notes),
        )
        yield post

    def _old_post_paths(self, item: _Item) -> Iterator[str]:
        key = _post_key(item)
        is_page = item.fields.get("wp:post_type", "").strip() == "page"
        candidates = [f"/?p={key}"]
        if is_page:
            candidates.append(f"/?page_id={key}")
        link_path = self._old_path(item.fields.get("link", ""))
        if link_path:
            candidates.append(link_path)
        if self.permalinks.structure and not is_page:
            candidates.append(self._structured_path(item))
        slug = item.fields.get("wp:post_name", "").strip()
        for path in list(candidates[1:]):
            candidates += _with_old_slugs(path, slug, item.old_slugs)
        for path in candidates:
            if self._new_old_path(path):
                yield path

    def _old_path(self, url: str) -> str:
        parts = urlsplit(url.strip())
        if not parts.path and not parts.query:
            return ""
        path = parts.path or "/"
        prefix = self.channel.prefix
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :] or "/"
        return f"{path}?{parts.query}" if parts.query else path

    def _structured_path(self, item: _Item) -> str:
        local = _parse_date(item.fields.get("wp:post_date", ""))
        if local is None:
            return ""
        slug = item.fields.get("wp:post_name", "").strip()
        section = next((s for d, s, _ in item.categories if d == "category"), "uncategorized")
        values = {
            "%year%": f"{local.year:04d}",
            "%monthnum%": f"{local.month:02d}",
            "%day%": f"{local.day:02d}",
            "%hour%": f"{local.hour:02d}",
            "%minute%": f"{local.minute:02d}",
            "%second%": f"{local.second:02d}",
            "%post_id%": _post_key(item),
            "%postname%": slug,
            "%category%": self.channel.sections.get(section, section),
            "%author%": item.fields.get("dc:creator", "").strip(),
        }
        path = self.permalinks.structure
        for placeholder, value in values.items():
            path = path.replace(placeholder, value)
        return "/" + path.lstrip("/")

    def _date(self, gmt: str, local: str, rfc822: str = "") -> datetime | None:
        parsed = _parse_date(gmt)
        if parsed is not None:
            return parsed.replace(tzinfo=UTC)
        parsed = _parse_date(local)
        if parsed is not None:
            return timezone.make_aware(parsed, self.time_zone)
        if rfc822.strip():
            try:
                return parsedate_to_datetime(rfc822.strip())
            except (TypeError, ValueError):
                return None
        return None

    def _children(self, element: etree._Element) -> dict[str, str]:
        """An element's child elements as {local name: text}; the first of each name wins."""
        values: dict[str, str] = {}
        for child in element:
            if not isinstance(child.tag, str):
                continue
            _role, local = self._role(child.tag)
            values.setdefault(local, _text(child))
        return values

    def _report_skips(self) -> None:
        if self.attachment_count:
            self.on_skip(
                f"{self.attachment_count} attachment(s)",
                "files are not copied: posts keep linking to them at their original addresses",
            )
            self.attachment_count = 0
        for what, count in sorted(self.skipped_types.items()):
            self.on_skip(f"{count} {what}", _SKIP_REASONS.get(what.split()[-1], "not imported"))
        self.skipped_types.clear()


_NOT_WXR = "This is not a WordPress export (WXR)"
# Yoast SEO's and others' choice of a post's main category, by term id.
_PRIMARY_CATEGORY_META = ("_yoast_wpseo_primary_category", "_primary_term_category")
_META_USED = frozenset({*_PRIMARY_CATEGORY_META, "_thumbnail_id"})
_POST_FIELDS = frozenset(
    {"title", "link", "content:encoded", "excerpt:encoded", "dc:creator", "category"}
    | {f"wp:{name}" for name in ("post_id", "post_date", "post_date_gmt", "post_name", "status")}
    | {f"wp:{name}" for name in ("post_type", "post_password", "is_sticky", "comment_status")}
)
_POST_STATUS = {
    "publish": PostStatus.PUBLISHED,
    "future": PostStatus.SCHEDULED,
    "draft": PostStatus.DRAFT,
    "pending": PostStatus.DRAFT,
    "auto-draft": PostStatus.DRAFT,
    "private": PostStatus.DRAFT,
    "trash": PostStatus.DRAFT,
    "inherit": PostStatus.DRAFT,
}
_NEVER_PUBLISHED = frozenset({"draft", "pending", "auto-draft"})
_STATUS_NOTES = {
    "pending": "it was pending review there: imported as a draft",
    "private": "it was private there: imported as a draft",
    "trash": "it was in the trash there: imported as a draft",
}
_COMMENT_STATUS = {
    "1": CommentStatus.VISIBLE,
    "approve": CommentStatus.VISIBLE,
    "approved": CommentStatus.VISIBLE,
    "0": CommentStatus.HELD,
    "hold": CommentStatus.HELD,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.DELETED,
    "post-trashed": CommentStatus.DELETED,
}
_COMMENT_KIND = {
    "": CommentKind.COMMENT,
    "comment": CommentKind.COMMENT,
    "pingback": CommentKind.PINGBACK,
    "trackback": CommentKind.TRACKBACK,
}
# WooCommerce's order notes and action logs ride on comments but are nobody's discussion.
_SKIPPED_COMMENT_TYPES = frozenset({"note", "order_note", "action_log", "webhook_delivery"})
_SKIP_REASONS = {
    "nav_menu_item": "menus are not imported: the site's navigation is set up here",
    "revision": "old revisions are not imported",
    "wp_block": "reusable blocks are not imported (posts that used them keep their HTML)",
}


def _namespace_role(uri: str) -> str:
    if WXR_NAMESPACE.match(uri):
        return _WP
    if "wordpress." in uri and "/export/" in uri and uri.rstrip("/").endswith("excerpt"):
        return _EXCERPT
    if uri.startswith(
        ("http://purl.org/rss/1.0/modules/content", "https://purl.org/rss/1.0/modules/content")
    ):
        return _CONTENT
    if uri.startswith(("http://purl.org/dc/elements/", "https://purl.org/dc/elements/")):
        return _DC
    return ""


def _check_version(value: str, line: int | None) -> str:
    version = value.strip()
    match = re.fullmatch(r"(\d+)\.(\d+)", version)
    if match is None:
        raise ImportFileError(
            f"{_NOT_WXR}: its WXR version {version!r} is not a version number",
            line=line,
            element="wp:wxr_version",
        )
    if int(match.group(1)) != SUPPORTED_MAJOR_VERSION:
        raise ImportFileError(
            f"WXR version {version} is not one this importer can read (1.0 to 1.2)",
            line=line,
            element="wp:wxr_version",
        )
    return version


def _text(element: etree._Element) -> str:
    """An element's content as written: CDATA sections joined, markup inside kept."""
    if len(element) == 0:
        return element.text or ""
    inner = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            inner.append(etree.tostring(child, encoding="unicode", with_tail=True))
        else:
            inner.append(child.tail or "")
    return "".join(inner)


def _drop(element: etree._Element) -> None:
    """Free an element once read, and its read siblings before it (iterparse keeps them)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


_MYSQL_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)")


def _parse_date(value: str) -> datetime | None:
    """A MySQL DATETIME as WordPress writes it ("2025-11-04 08:30:00"), or ISO 8601."""
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    match = _MYSQL_DATE.match(value)
    try:
        if match:  # by hand: strptime costs more than the rest of a comment
            year, month, day, hour, minute, second = (int(part) for part in match.groups())
            return datetime(year, month, day, hour, minute, second)
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:  # "2025-02-30", or not a date at all
        return None


def _media_library(file: IO[bytes]) -> MediaLibrary:
    """The attachments of an export, read in a pass that looks at nothing else.

    Each item's comments are dropped as they end (one post may hold 100,000 of them), after
    the item's own fields before them were looked at. A file this pass cannot read is left
    to the main pass, which says what is wrong.
    """
    by_id: dict[str, Attachment] = {}
    by_parent: dict[str, list[str]] = {}
    looked_at = -1  # the line of the item last looked at: items do not nest

    def look_at(item: etree._Element) -> None:
        nonlocal looked_at
        looked_at = item.sourceline or 0
        values: dict[str, str] = {}
        for child in item:
            tag = child.tag
            if isinstance(tag, str):
                values.setdefault(tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1], child.text or "")
        post_id, url = values.get("post_id", "").strip(), values.get("attachment_url", "").strip()
        if values.get("post_type", "").strip() == "attachment" and post_id and url:
            by_id[post_id] = Attachment(url=url, title=html.unescape(values.get("title", "")))
            parent = values.get("post_parent", "0").strip()
            if parent not in ("", "0"):
                by_parent.setdefault(parent, []).append(post_id)

    elements = etree.iterparse(
        CleanedXmlStream(file),
        events=("end",),
        tag=("item", "{*}comment", "comment"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
    )
    try:
        for _event, element in elements:
            parent = element.getparent()
            if element.tag == "item":
                if element.sourceline != looked_at:
                    look_at(element)
                _drop(element)
            elif parent is not None and parent.tag == "item":
                if parent.sourceline != looked_at:
                    look_at(parent)  # its fields come before its comments
                _drop(element)
    except etree.XMLSyntaxError:
        pass
    finally:
        etree.clear_error_log()
    return MediaLibrary(
        by_id=by_id, by_parent={parent: tuple(ids) for parent, ids in by_parent.items()}
    )


def _with_old_slugs(path: str, slug: str, old_slugs: list[str]) -> list[str]:
    """`path` as it was under each of the post's earlier slugs (its last segment)."""
    if not slug or "?" in path:
        return []
    head, _, tail = path.rstrip("/").rpartition("/")
    if tail != slug:
        return []
    trailing = "/" if path.endswith("/") else ""
    return [f"{head}/{old}{trailing}" for old in old_slugs if old and old != slug]


def _meaningful_url(value: str) -> str:
    """A URL, or "" for the bare scheme that old comment forms stored for no URL."""
    value = value.strip()
    return "" if value.rstrip("/") in ("http:", "https:") else value


def _field_name(role: str, local: str) -> str:
    return f"{role}:{local}" if role not in (_RSS, _OTHER) else local


def _categories_named(
    categories: list[tuple[str, str, str]], channel: _Channel
) -> list[tuple[str, str, str]]:
    """An item's terms, with the bare `<category>Name</category>` of old exports (WordPress
    2.x wrote each category twice, bare and with its domain; older ones only bare) read as
    categories named by their name when no category says its domain."""
    if any(domain == "category" for domain, _slug, _name in categories):
        return [term for term in categories if term[0]]
    named = []
    for domain, slug, name in categories:
        if not domain:
            title = html.unescape(name).strip()
            slug = slug or channel.section_keys_by_name.get(title.lower(), "") or slugify(title)
            domain = "category" if slug else ""
        named.append((domain, slug, name))
    return named


def _post_key(item: _Item) -> str:
    return item.fields.get("wp:post_id", "").strip()


def _primary_section(
    section_keys: list[str], meta: dict[str, str], channel: _Channel
) -> str | None:
    if not section_keys:
        return None
    primary_id = next((meta[k].strip() for k in _PRIMARY_CATEGORY_META if k in meta), "")
    primary = channel.section_ids.get(primary_id)
    return primary if primary in section_keys else section_keys[0]


def _only_namespace_errors(error: etree.XMLSyntaxError) -> bool:
    entries = list(error.error_log) if error.error_log is not None else []
    return bool(entries) and all(entry.domain_name == "NAMESPACE" for entry in entries)


def _parser_message(error: etree.XMLSyntaxError) -> str:
    message = re.sub(r"\s*\([^()]*line \d+\)\s*$", "", str(error))
    return re.sub(r", line \d+, column \d+$", "", message.strip())
