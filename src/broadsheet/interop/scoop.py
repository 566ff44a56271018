"""Read a Scoop site straight from its MySQL/MariaDB database into import records.

Scoop (the Perl engine behind Kuro5hin and Daily Kos) has no export format: its database is
the export. The tables and columns read here are those of Scoop's own schema
(`struct/scoop.sql`): `users` and `userprefs`, `sections`, `topics`, `stories`, `comments`,
`commentratings` and the site controls in `vars`.

What the values mean, as Scoop's code uses them:

- `stories.displaystatus`: 0 shown on the front page, 1 shown only in its section, -1 never
  shown, -2 submitted (in the voting queue), -3 being edited. 0 and 1 are published here (1
  with a note: Broadsheet has no "section only" flag); the rest become drafts.
- `stories.commentstatus`: 0 open, 1 read-only, -1 comments disabled: 1 and -1 close the
  thread (-1 with a note, since Scoop also hid the comments).
- `stories.aid`: the author's uid in Scoop 1.x, the author's nickname in older versions.
- People: `users.nickname` and `realemail` (the private address Scoop mailed passwords to;
  `fakeemail`, the one shown, is left). Scoop keeps no real name column: a site that added
  a `realname` preference has it read from `userprefs`, with `homepage`. Passwords never.
- `comments.pid`: the parent's cid in the same story, 0 for a top-level comment; `uid` -1
  is an anonymous poster; `pending` 1 marks an editorial comment (a note to the editors,
  not part of the discussion): those are held for moderation here rather than shown.
- Ratings: each reader's rating is a row of `commentratings`, from `rating_min` to
  `rating_max` (site controls, 1 to 5 by default); trusted users may also give
  `hide_rating_value` (`rating_min` - 1 when unset, so 0), which hides. Broadsheet rates
  1 to 5 with 0 as the trusted readers' hide rating: on Scoop's default scale the values are
  kept as they are, so "(4.50 / 2)" and the authors' reputation come out as Scoop showed
  them; on another scale, the hide rating becomes 0 and the others are spread evenly over
  1 to 5 (rounded), and the import says so.
- `users.mojo` is Scoop's last computed reputation (a weighted mean of the ratings of the
  user's recent comments) and `users.trustlev` 2 a trusted user: both are kept as they were
  (reputation and earned trust here), since recomputing them from comments years old would
  find none inside the reputation window.
- A comment is hidden (`skip_hidden_comment`) when mojo is on and its `points` (the mean
  rating) is below `hide_comment_threshold` (or `rating_min` when unset): such comments are
  imported hidden.
- Diaries are stories in the diary section (`Diary` by default) or under the `diary`
  topic; they go to their own section, named "Diaries" unless the site named it otherwise.

Old addresses: `/story/<sid>` (and the early `/?op=displaystory;sid=<sid>`), `/comments/<sid>`
and `/comments/<sid>/<cid>` (Scoop's comment permalink, written `/comments/<sid>/<cid>#<cid>`;
its redirect carries `#comment-<cid>`, the comment's anchor here, since the comment keeps its
cid as `original_id`), `/section/<name>`, `/user/<nickname>` and `/user/uid:<uid>` become
redirects. A sid is itself a date and time (`2004/3/12/222115/671`), so
`/story/2004/3/12/222115/671` is the story's address.

Scoop moves old stories and their comments to an archive database with the same tables;
given with `--archive`, it is read with the site's as one (what both hold comes once).

Text columns are read as the bytes stored and decoded here: old Scoop tables are latin1 and
often hold UTF-8 bytes that browsers sent (the classic "Ã©" mojibake when read as latin1).
Bytes that are valid UTF-8 are read as UTF-8, anything else as Windows-1252 (what MySQL calls
latin1), so both kinds of row come out as the text their authors typed.
"""

from __future__ import annotations

import codecs
import heapq
import re
from collections.abc import Generator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pymysql
import pymysql.cursors

from broadsheet.interop.records import (
    CommentStatus,
    ImportedComment,
    ImportedPost,
    ImportedRedirect,
    ImportedSection,
    ImportedTag,
    ImportedUser,
    ImportFileError,
    ImportSummary,
    Markup,
    PostStatus,
    Record,
)

TRUSTED_LEVEL = 2  # users.trustlev: 0 untrusted, 1 normal, 2 trusted
SCOOP_TABLES = ("users", "sections", "stories", "comments")  # without these it is not Scoop
ARCHIVE_TABLES = ("stories", "comments")  # what Scoop's archive database holds, at least
CONNECT_TIMEOUT_SECONDS = 10  # a server that does not answer by then will not
DEFAULT_DIARY_SECTION = "Diary"
DIARY_TOPIC = "diary"
DIARIES_NAME = "Diaries"
BROADSHEET_LOWEST_RATING = 1
BROADSHEET_HIGHEST_RATING = 5
BROADSHEET_HIDE_RATING = 0

# displaystatus values (Scoop's `displaycodes` table)
ALWAYS_DISPLAY = 0
SECTION_ONLY = 1
# commentstatus values (Scoop's `commentcodes` table)
COMMENTS_READ_ONLY = 1
COMMENTS_DISABLED = -1

MYSQL_ACCESS_DENIED = (1045, 1698)  # 1698: MariaDB refusing a user without a password
MYSQL_UNKNOWN_DATABASE = 1049
MYSQL_UNKNOWN_CHARACTER_SET = 1115
MYSQL_CANNOT_CONNECT = (2002, 2003, 2005, 2006, 2013)


def _byte_as_latin1(error: UnicodeError) -> tuple[str, int]:
    """The five bytes Windows-1252 leaves undefined read as MySQL's latin1 reads them."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("broadsheet-scoop-latin1", _byte_as_latin1)


def decode_stored_text(stored: bytes | str | None) -> str:
    """The text a Scoop column holds, from the bytes as stored (see the module's docstring)."""
    if stored is None:
        return ""
    if isinstance(stored, str):
        return stored
    try:
        return stored.decode("utf-8")
    except UnicodeDecodeError:
        return stored.decode("cp1252", errors="broadsheet-scoop-latin1")


@dataclass(frozen=True)
class ScoopDatabase:
    """Where a Scoop database is, from `mysql://user:password@host:port/database`."""

    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def from_url(cls, database_url: str) -> ScoopDatabase:
        parts = urlsplit(database_url)
        if parts.scheme not in ("mysql", "mariadb", "mysql+pymysql"):
            raise ImportFileError(
                f"{_safe_url(database_url)} is not a MySQL address: give "
                "mysql://user:password@host/database"
            )
        database = parts.path.lstrip("/")
        if not database or "/" in database:
            raise ImportFileError(
                f"{_safe_url(database_url)} names no database: give "
                "mysql://user:password@host/database"
            )
        try:
            port = parts.port or 3306
        except ValueError as error:
            raise ImportFileError(f"{_safe_url(database_url)}: {error}") from error
        return cls(
            host=parts.hostname or "localhost",
            port=port,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            database=unquote(database),
        )

    def describe(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


def _safe_url(database_url: str) -> str:
    """The address without its password, fit for an error message."""
    return re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", database_url)


@dataclass
class ScoopSettings:
    """The site controls (`vars`) that decide how ratings and hiding worked."""

    rating_min: int = 1
    rating_max: int = 5
    hide_rating: int = 0
    hide_threshold: float = 1.0
    use_mojo: bool = True
    anonymous_name: str = "Anonymous"
    diary_section: str = DEFAULT_DIARY_SECTION

    @classmethod
    def from_vars(cls, values: dict[str, str]) -> ScoopSettings:
        settings = cls()
        settings.rating_min = _int_or(values.get("rating_min"), settings.rating_min)
        settings.rating_max = _int_or(values.get("rating_max"), settings.rating_max)
        if settings.rating_max <= settings.rating_min:
            settings.rating_min, settings.rating_max = 1, 5
        settings.hide_rating = _int_or(values.get("hide_rating_value"), settings.rating_min - 1)
        threshold = values.get("hide_comment_threshold", "")
        settings.hide_threshold = _float_or(threshold, float(settings.rating_min))
        if "use_mojo" in values:
            settings.use_mojo = values["use_mojo"].strip() not in ("", "0")
        settings.anonymous_name = (values.get("anon_user_nick") or "").strip() or "Anonymous"
        return settings

    @property
    def is_broadsheet_scale(self) -> bool:
        return (self.rating_min, self.rating_max) == (
            BROADSHEET_LOWEST_RATING,
            BROADSHEET_HIGHEST_RATING,
        )

    def broadsheet_rating(self, scoop_rating: int) -> int:
        """A Scoop rating on Broadsheet's scale (see the module's docstring)."""
        if scoop_rating < self.rating_min:
            return BROADSHEET_HIDE_RATING
        scoop_rating = min(scoop_rating, self.rating_max)
        if self.is_broadsheet_scale:
            return scoop_rating
        span = BROADSHEET_HIGHEST_RATING - BROADSHEET_LOWEST_RATING
        spread = (scoop_rating - self.rating_min) * span / (self.rating_max - self.rating_min)
        return BROADSHEET_LOWEST_RATING + round(spread)

    def broadsheet_mojo(self, stored: str) -> float | None:
        """Scoop's stored mojo (a mean rating, kept as text) on Broadsheet's scale."""
        try:
            mojo = float(stored.strip())
        except ValueError:
            return None
        if self.is_broadsheet_scale:
            return mojo
        span = BROADSHEET_HIGHEST_RATING - BROADSHEET_LOWEST_RATING
        spread = (mojo - self.rating_min) * span / (self.rating_max - self.rating_min)
        return max(float(BROADSHEET_HIDE_RATING), BROADSHEET_LOWEST_RATING + spread)

    def scale_note(self) -> str:
        if self.is_broadsheet_scale:
            return ""
        return (
            f"Scoop rated {self.rating_min} to {self.rating_max} (and {self.hide_rating} to "
            f"hide); ratings were spread over 1 to 5 and the hide rating became 0, so "
            f"averages differ from the ones Scoop showed."
        )


def _int_or(value: str | None, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _float_or(value: str | None, default: float) -> float:
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return default


@dataclass
class _Known:
    """What later rows need from earlier ones: small sets of keys, never whole rows."""

    uids: set[int] = field(default_factory=set)
    uid_by_nickname: dict[str, int] = field(default_factory=dict)
    sections: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    diary_section_key: str = DEFAULT_DIARY_SECTION
    storyless_comments: dict[str, int] = field(default_factory=dict)  # by sid: polls, mostly
    unreachable_comments: dict[str, int] = field(default_factory=dict)  # by sid


def read_scoop(
    database_url: str,
    *,
    archive_url: str | None = None,
    time_zone: tzinfo | None = None,
    report: ImportSummary | None = None,
) -> Iterator[Record]:
    """The records of the Scoop site whose database is at `database_url`.

    `archive_url` is the site's archive database, where Scoop moves old stories and their
    comments (its `db_name_archive`): read with the site's own, as one.
    `time_zone` is the zone the Scoop server's clock kept (MySQL DATETIME columns carry
    none); by default, the one Scoop's `time_zone` site control names (see
    `server_time_zone`). Users, sections and topics come first; then each story followed
    by its comments and its redirects, so that the writer meets every key before anything
    names it.
    `report`, if given, receives what was left out and why, and notes on the whole import
    (the rating scale), once the records are read. Connection, credential and schema
    problems raise ImportFileError with the reason.
    """
    where = ScoopDatabase.from_url(database_url)
    databases = [(where, _scoop_tables(where, SCOOP_TABLES))]
    if archive_url:
        archive = ScoopDatabase.from_url(archive_url)
        databases.append((archive, _scoop_tables(archive, ARCHIVE_TABLES)))
    tables = databases[0][1]
    with _connect(where) as connection:
        site_vars = _site_vars(connection) if "vars" in tables else {}
        settings = ScoopSettings.from_vars(site_vars)
        if time_zone is None:
            time_zone = server_time_zone(site_vars.get("time_zone", ""))
            if report is not None:
                report.notes.append(
                    f"Scoop's times were read in the time zone {time_zone} "
                    f"(its time_zone site control: {site_vars.get('time_zone') or 'unset'})."
                )
        known = _Known()
        try:
            archives = [archive for archive, _tables in databases[1:]]
            yield from _users(connection, tables, archives, settings, known, time_zone)
            yield from _sections(connection, settings, known)
            if "topics" in tables:
                yield from _topics(connection, known)
            yield from _stories_with_comments(databases, settings, known, time_zone)
        except pymysql.MySQLError as error:
            raise ImportFileError(f"{where.describe()}: {_mysql_reason(error)}") from error
    if report is not None:
        if settings.scale_note():
            report.notes.append(settings.scale_note())
        for sid, count in sorted(known.unreachable_comments.items()):
            report.skip(
                f"{count} comment{'s' if count != 1 else ''} on Scoop story {sid}",
                "replies to comments gone from the database, which Scoop never showed",
            )
        for sid, count in sorted(known.storyless_comments.items()):
            report.skip(
                f"{count} comment{'s' if count != 1 else ''} on Scoop item {sid}",
                "no story has this sid (a poll's discussion, or a story deleted since)",
            )


def _scoop_tables(where: ScoopDatabase, required: tuple[str, ...]) -> set[str]:
    """The database's tables, once it is known to hold Scoop's `required` ones."""
    with _connect(where) as connection:
        tables = _table_names(connection)
    missing = [table for table in required if table not in tables]
    if missing:
        raise ImportFileError(
            f"{where.describe()} is not a Scoop database: it has no "
            + ", ".join(f"`{table}`" for table in missing)
            + " table"
            + ("s" if len(missing) > 1 else "")
        )
    return tables


def _connect(where: ScoopDatabase) -> pymysql.connections.Connection[Any]:
    # Text comes back as stored bytes (CAST ... AS BINARY); the connection's character set
    # only carries names. MySQL before 5.5 has no utf8mb4: its utf8 does as well here.
    try:
        try:
            return _open(where, charset="utf8mb4")
        except pymysql.MySQLError as error:
            if not error.args or error.args[0] != MYSQL_UNKNOWN_CHARACTER_SET:
                raise
            return _open(where, charset="utf8")
    except pymysql.MySQLError as error:
        code = error.args[0] if error.args else None
        if code in MYSQL_ACCESS_DENIED:
            reason = f"the server refused user {where.user!r}: wrong user name or password"
        elif code == MYSQL_UNKNOWN_DATABASE:
            reason = f"the server has no database {where.database!r}"
        elif code in MYSQL_CANNOT_CONNECT:
            reason = f"cannot reach a MySQL server at {where.host}:{where.port}"
        else:
            reason = _mysql_reason(error)
        raise ImportFileError(f"{where.describe()}: {reason}") from error


def _open(where: ScoopDatabase, *, charset: str) -> pymysql.connections.Connection[Any]:
    return pymysql.connect(
        host=where.host,
        port=where.port,
        user=where.user,
        password=where.password,
        database=where.database,
        charset=charset,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=None,
        autocommit=True,
    )


def _mysql_reason(error: pymysql.MySQLError) -> str:
    if len(error.args) >= 2:
        return f"{error.args[1]} (MySQL error {error.args[0]})"
    return str(error) or type(error).__name__


def _table_names(connection: pymysql.connections.Connection[Any]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW TABLES")
        return {decode_stored_text(row[0]).lower() for row in cursor.fetchall()}


def _site_vars(connection: pymysql.connections.Connection[Any]) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, CAST(value AS BINARY) FROM vars")
        return {decode_stored_text(name): decode_stored_text(value) for name, value in cursor}


# Scoop's time_zone control holds an abbreviation ("EST", its default); the server's clock
# behind it kept daylight saving time, so each maps to the region that observes it.
_ZONE_ABBREVIATIONS = {
    "EST": "America/New_York", "EDT": "America/New_York",
    "CST": "America/Chicago", "CDT": "America/Chicago",
    "MST": "America/Denver", "MDT": "America/Denver",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "AKST": "America/Anchorage", "HST": "Pacific/Honolulu",
    "GMT": "UTC", "UTC": "UTC", "UT": "UTC", "WET": "Europe/Lisbon", "BST": "Europe/London",
    "CET": "Europe/Paris", "CEST": "Europe/Paris", "EET": "Europe/Athens",
    "MSK": "Europe/Moscow", "IST": "Asia/Kolkata", "JST": "Asia/Tokyo",
    "AEST": "Australia/Sydney", "NZST": "Pacific/Auckland",
}  # fmt: skip


def server_time_zone(name: str) -> tzinfo:
    """The zone Scoop's `time_zone` site control names: an IANA name or an abbreviation;
    UTC when it names nothing known."""
    name = name.strip()
    candidates = [_ZONE_ABBREVIATIONS.get(name.upper(), ""), name]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return UTC


def _aware(value: object, time_zone: tzinfo) -> datetime | None:
    """A DATETIME column's value as an aware datetime; None for MySQL's zero dates."""
    if not isinstance(value, datetime):
        return None  # '0000-00-00 00:00:00' comes back as a string
    return value.replace(tzinfo=time_zone).astimezone(UTC)


def _streamed(connection: pymysql.connections.Connection[Any], sql: str) -> Iterator[Any]:
    """Rows of `sql` one at a time, without holding the whole result in memory."""
    with connection.cursor(pymysql.cursors.SSCursor) as cursor:
        cursor.execute(sql)
        yield from cursor


def _story_authors(connection: pymysql.connections.Connection[Any]) -> set[str]:
    """Who wrote published stories (not diaries, not submissions left in the queue): the
    `aid`s, uids or nicknames as the Scoop version wrote them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT CAST(aid AS CHAR) FROM stories "
            "WHERE LOWER(section) <> 'diary' AND tid <> 'diary' AND displaystatus >= 0"
        )
        return {str(row[0]) for row in cursor.fetchall()}


def _users(
    connection: pymysql.connections.Connection[Any],
    tables: set[str],
    archives: list[ScoopDatabase],
    settings: ScoopSettings,
    known: _Known,
    time_zone: tzinfo,
) -> Iterator[Record]:
    prefs: dict[int, dict[str, str]] = {}
    if "userprefs" in tables:
        # Only the two preferences worth keeping: a handful of short values per user.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT uid, prefname, CAST(prefvalue AS BINARY) FROM userprefs "
                "WHERE prefname IN ('realname', 'homepage')"
            )
            for uid, name, value in cursor:
                prefs.setdefault(int(uid), {})[decode_stored_text(name)] = decode_stored_text(value)
    authors = _story_authors(connection)
    for archive in archives:
        with _connect(archive) as archive_connection:
            authors |= _story_authors(archive_connection)
    for uid, nickname, email, created, mojo, trust in _streamed(
        connection,
        "SELECT uid, CAST(nickname AS BINARY), CAST(realemail AS BINARY), creation_time, "
        "mojo, trustlev FROM users WHERE uid > 0 ORDER BY uid",
    ):
        nick = decode_stored_text(nickname).strip()
        if not nick:
            continue
        uid = int(uid)
        key = str(uid)
        known.uids.add(uid)
        known.uid_by_nickname[nick] = uid
        user_prefs = prefs.get(uid, {})
        yield ImportedUser(
            key=key,
            username=nick,
            display_name=user_prefs.get("realname", "").strip(),
            email=decode_stored_text(email).strip(),
            joined=_aware(created, time_zone),
            url=user_prefs.get("homepage", "").strip(),
            is_author=key in authors or nick in authors,
            reputation=settings.broadsheet_mojo(decode_stored_text(mojo)),
            trusted=trust is not None and int(trust) == TRUSTED_LEVEL,
        )
        # Quoted so that a "?" or "#" in a nickname stays part of the path it was.
        yield ImportedRedirect(old=f"/user/{quote(nick, safe='')}", user_key=key)
        yield ImportedRedirect(old=f"/user/uid:{uid}", user_key=key)


def _sections(
    connection: pymysql.connections.Connection[Any], settings: ScoopSettings, known: _Known
) -> Iterator[Record]:
    diary_key = ""
    for section, title, description in _streamed(
        connection,
        "SELECT CAST(section AS BINARY), CAST(title AS BINARY), CAST(description AS BINARY) "
        "FROM sections ORDER BY section",
    ):
        key = decode_stored_text(section)
        if not key:
            continue
        known.sections.add(key)
        is_diary = key.lower() == settings.diary_section.lower()
        if is_diary:
            diary_key = key
        name = decode_stored_text(title).strip() or (DIARIES_NAME if is_diary else key)
        yield ImportedSection(
            key=key, name=name, slug="", description=decode_stored_text(description).strip()
        )
        yield ImportedRedirect(old=f"/section/{quote(key, safe='')}", section_key=key)
    if not diary_key:
        diary_key = settings.diary_section
        known.sections.add(diary_key)
        yield ImportedSection(key=diary_key, name=DIARIES_NAME)
    known.diary_section_key = diary_key


def _topics(connection: pymysql.connections.Connection[Any], known: _Known) -> Iterator[Record]:
    for tid, alttext in _streamed(
        connection, "SELECT CAST(tid AS BINARY), CAST(alttext AS BINARY) FROM topics ORDER BY tid"
    ):
        key = decode_stored_text(tid)
        # "all" is Scoop's placeholder for "every topic", and diaries have their section.
        if not key or key.lower() in ("all", DIARY_TOPIC):
            continue
        known.topics.add(key)
        yield ImportedTag(key=key, name=decode_stored_text(alttext).strip() or key)


_STORY_SQL = (
    "SELECT CAST(sid AS BINARY), CAST(tid AS BINARY), CAST(aid AS CHAR), "
    "CAST(title AS BINARY), time, CAST(introtext AS BINARY), CAST(bodytext AS BINARY), "
    "CAST(section AS BINARY), displaystatus, commentstatus "
    "FROM stories ORDER BY CAST(sid AS BINARY)"
)
_COMMENT_SQL = (
    "SELECT CAST(sid AS BINARY), cid, pid, date, CAST(subject AS BINARY), "
    "CAST(comment AS BINARY), pending, uid, points, CAST(commentip AS BINARY) "
    "FROM comments ORDER BY CAST(sid AS BINARY), cid"
)
_RATING_SQL = (
    "SELECT CAST(sid AS BINARY), cid, uid, rating FROM commentratings "
    "ORDER BY CAST(sid AS BINARY), cid, uid"
)


class _Rows:
    """A sorted stream of rows that can be read up to a key: one side of a merge join."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._rows = rows
        self.head: Any = next(rows, None)

    def advance(self) -> Any:
        row, self.head = self.head, next(self._rows, None)
        return row


def _stories_with_comments(
    databases: list[tuple[ScoopDatabase, set[str]]],
    settings: ScoopSettings,
    known: _Known,
    time_zone: tzinfo,
) -> Iterator[Record]:
    # Three sorted streams per database on three connections (an unbuffered MySQL result
    # holds its connection), the site's and its archive's merged into one, then joined on
    # (sid, cid): memory stays one story's worth whatever the size.
    with ExitStack() as stack:
        streams: dict[str, list[Iterator[Any]]] = {"stories": [], "comments": [], "ratings": []}
        for where, tables in databases:
            streams["stories"].append(_streamed(stack.enter_context(_connect(where)), _STORY_SQL))
            streams["comments"].append(
                _streamed(stack.enter_context(_connect(where)), _COMMENT_SQL)
            )
            if "commentratings" in tables:
                streams["ratings"].append(
                    _streamed(stack.enter_context(_connect(where)), _RATING_SQL)
                )
        comments = _Rows(_one_stream(streams["comments"], width=2))
        ratings = _Rows(_one_stream(streams["ratings"], width=3))
        try:
            yield from _merged(
                _one_stream(streams["stories"], width=1),
                comments,
                ratings,
                settings,
                known,
                time_zone,
            )
        finally:
            # Ended while their connections are open (rows left unread: comments on polls
            # sort after every story).
            for stream in (stream for kind in streams.values() for stream in kind):
                if isinstance(stream, Generator):
                    stream.close()


def _one_stream(streams: list[Iterator[Any]], *, width: int) -> Iterator[Any]:
    """Sorted streams as one, on their first `width` columns; a row the site and its archive
    both hold (an archiving run cut short) comes once, the site's."""
    previous: tuple[Any, ...] | None = None
    for row in heapq.merge(*streams, key=lambda row: tuple(row[:width])):
        identity = tuple(row[:width])
        if identity != previous:
            yield row
        previous = identity


def _merged(
    stories: Iterator[Any],
    comments: _Rows,
    ratings: _Rows,
    settings: ScoopSettings,
    known: _Known,
    time_zone: tzinfo,
) -> Iterator[Record]:
    """Each story, then its comments with their ratings, then its redirects."""
    for story in stories:
        sid: bytes = story[0]
        _pass_storyless(comments, known, before=sid)
        post = _post(story, settings, known, time_zone)
        yield post
        # One story's comments at a time (the most memory this holds), so that replies to
        # comments gone from the database are known before anything is handed over.
        story_comments: list[tuple[Any, list[tuple[int, int]]]] = []
        while comments.head is not None and comments.head[0] == sid:
            row = comments.advance()
            story_comments.append((row, _ratings_of(ratings, sid, int(row[1]))))
        shown = _reachable(story_comments)
        for row, rated in story_comments:
            if int(row[1]) in shown:
                yield _comment(post.key, row, rated, settings, known, time_zone)
        if len(shown) < len(story_comments):
            known.unreachable_comments[post.key] = len(story_comments) - len(shown)
        # Then the permalinks' redirects; the fragment names the comment's anchor on the
        # post's page (its id here, or its original_anchor) in place of Scoop's bare "#<cid>".
        for cid in sorted(shown):
            yield ImportedRedirect(
                old=f"/comments/{post.key}/{cid}", post_key=post.key, target=f"#comment-{cid}"
            )
        yield ImportedRedirect(old=f"/story/{post.key}", post_key=post.key)
        yield ImportedRedirect(old=f"/comments/{post.key}", post_key=post.key)
        # Scoop's first addresses, still linked from old pages and mail.
        yield ImportedRedirect(old=f"/?op=displaystory;sid={post.key}", post_key=post.key)
    _pass_storyless(comments, known, before=None)


def _reachable(story_comments: list[tuple[Any, list[tuple[int, int]]]]) -> set[int]:
    """The cids Scoop showed: those whose chain of parents reaches the story (pid 0).

    Scoop deletes a comment by moving its replies up, but databases edited by hand or cut
    short keep replies to comments that are gone; Scoop's threads never reached them.
    """
    replies: dict[int, list[int]] = {}
    for row, _rated in story_comments:
        replies.setdefault(int(row[2] or 0), []).append(int(row[1]))
    shown: set[int] = set()
    waiting = list(replies.get(0, []))
    while waiting:
        cid = waiting.pop()
        if cid not in shown:
            shown.add(cid)
            waiting.extend(replies.get(cid, []))
    return shown


def _pass_storyless(comments: _Rows, known: _Known, *, before: bytes | None) -> None:
    """Counts and passes over comments whose sid no story has, up to sid `before`."""
    while comments.head is not None and (before is None or comments.head[0] < before):
        sid = decode_stored_text(comments.advance()[0])
        known.storyless_comments[sid] = known.storyless_comments.get(sid, 0) + 1


def _ratings_of(ratings: _Rows, sid: bytes, cid: int) -> list[tuple[int, int]]:
    """(rater uid, rating) of comment (sid, cid); ratings of comments gone are passed over."""
    while ratings.head is not None and (ratings.head[0], ratings.head[1]) < (sid, cid):
        ratings.advance()
    rated: list[tuple[int, int]] = []
    while ratings.head is not None and (ratings.head[0], ratings.head[1]) == (sid, cid):
        rating = ratings.advance()
        rated.append((int(rating[2]), int(rating[3])))
    return rated


def _post(story: Any, settings: ScoopSettings, known: _Known, time_zone: tzinfo) -> ImportedPost:
    sid_bytes, tid_bytes, aid, title, time, intro, body, section_bytes, display, comment_status = (
        story
    )
    sid = decode_stored_text(sid_bytes)
    tid = decode_stored_text(tid_bytes)
    section = decode_stored_text(section_bytes)
    notes: list[str] = []
    is_diary = section.lower() == settings.diary_section.lower() or tid.lower() == DIARY_TOPIC
    if is_diary:
        section_key: str | None = known.diary_section_key
    elif section in known.sections:
        section_key = section
    else:
        section_key = None
        if section:
            notes.append(f"Scoop section {section!r} no longer exists; the post has none.")
    author_key = _author_key(str(aid or ""), known)
    if aid and author_key is None:
        notes.append(f"Scoop author {aid!r} is not among the users; the post has no author.")
    display = int(display)
    published = _aware(time, time_zone)
    if display in (ALWAYS_DISPLAY, SECTION_ONLY):
        status = PostStatus.PUBLISHED
        if published is not None and published > datetime.now(UTC):
            status = PostStatus.SCHEDULED
        if display == SECTION_ONLY and not is_diary:
            notes.append("Scoop showed this story only in its section, not on the front page.")
    else:
        status = PostStatus.DRAFT
    comments_open = comment_status is None or int(comment_status) not in (
        COMMENTS_READ_ONLY,
        COMMENTS_DISABLED,
    )
    if comment_status is not None and int(comment_status) == COMMENTS_DISABLED:
        notes.append("Scoop had comments disabled (hidden) on this story; the thread is closed.")
    tag_keys = (tid,) if tid in known.topics and not is_diary else ()
    return ImportedPost(
        key=sid,
        title=decode_stored_text(title).strip() or sid,
        status=status,
        published=published,
        author_keys=(author_key,) if author_key else (),
        intro=decode_stored_text(intro),
        body=decode_stored_text(body),
        markup=Markup.HTML,
        section_key=section_key,
        tag_keys=tag_keys,
        comments_open=comments_open,
        notes=tuple(notes),
    )


def _author_key(aid: str, known: _Known) -> str | None:
    """The user key of a story's `aid`: a uid in Scoop 1.x, a nickname before."""
    aid = aid.strip()
    if aid.lstrip("-").isdigit() and int(aid) in known.uids:
        return aid
    uid = known.uid_by_nickname.get(aid)
    return str(uid) if uid is not None else None


def _comment(
    post_key: str,
    row: Any,
    rated: list[tuple[int, int]],
    settings: ScoopSettings,
    known: _Known,
    time_zone: tzinfo,
) -> ImportedComment:
    _sid, cid, pid, date, subject, body, pending, uid, points, ip = row
    uid = int(uid)
    author_key = str(uid) if uid in known.uids else None
    status = CommentStatus.VISIBLE
    if pending and int(pending) == 1:
        status = CommentStatus.HELD  # editorial: a note to the editors, never the thread
    elif settings.use_mojo and points is not None and float(points) < settings.hide_threshold:
        status = CommentStatus.HIDDEN
    ratings = tuple(
        (str(rater), settings.broadsheet_rating(value))
        for rater, value in rated
        if rater in known.uids and rater != uid
    )
    return ImportedComment(
        key=f"{post_key}/{int(cid)}",
        post_key=post_key,
        body=decode_stored_text(body),
        markup=Markup.HTML,
        parent_key=f"{post_key}/{int(pid)}" if pid and int(pid) > 0 else None,
        author_key=author_key,
        author_name="" if author_key else settings.anonymous_name,
        ip_address=decode_stored_text(ip).strip(),
        created=_aware(date, time_zone),
        status=status,
        subject=decode_stored_text(subject).strip(),
        ratings=ratings,
        original_id=str(int(cid)),
    )
