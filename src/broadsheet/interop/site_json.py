"""The whole site as one JSON document, and back (docs/export-format.md).

`export_site` writes every row that is the site's data, table by table in the order of
their ids, one row per line, so that a site of any size is written a batch at a time and two
exports of an unchanged site are the same bytes. `import_site` reads such a file
into an empty site, a row at a time (streamed_json), in one transaction: every check passes
or nothing is written.

The import writes the rows as they were, ids included, rather than through the services
that first wrote them (post_comments and the rest): they were checked and rendered then,
and rendering them again with a later Markdown renderer or spam filter would change what
the site shows. Only what is derived from them is made again, through the site's own code:
each comment's stored fragments (discussion.fragments), the counts (recount_comments, which
repairs and reports a file whose counts disagree with its comments), the database's id
sequences, and the cached pages (the SiteRestored change).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO, cast

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction

from broadsheet.accounts.models import User
from broadsheet.changes import SiteRestored, announce
from broadsheet.discussion.fragments import refresh_fragments, render_thread_fragments
from broadsheet.discussion.models import Comment, DiscussionSettings, ThreadLook, thread_look
from broadsheet.discussion.services import recount_comments
from broadsheet.errors import InvalidInput
from broadsheet.interop.site_format import (
    FORMAT,
    MEMBERS,
    OPTIONAL_MEMBERS,
    SETTINGS,
    SETTINGS_FIELDS,
    TABLES,
    VERSION,
    FormatError,
    Table,
    decode_value,
    encode_value,
    json_datetime,
    parse_datetime,
    table_of,
)
from broadsheet.interop.streamed_json import (
    Event,
    ListEnd,
    ListItem,
    ListStart,
    Member,
    read_document,
)
from broadsheet.publishing.models import Post, SiteSettings
from broadsheet.screening.spam import enqueue_spam_model_retraining
from broadsheet.settings_rows import SITE_ROW

EXPORT_BATCH = 1000  # rows read per query: a few megabytes of comments at most
IMPORT_BATCH = 500  # rows per INSERT: well under SQLite's limit of variables per statement

# (table key, rows done, rows in all or None when not known yet)
Progress = Callable[[str, int, int | None], None]


class SiteFileError(InvalidInput):
    """The file cannot be imported; the message names where in it and why."""

    code = "invalid_site_file"


class SiteNotEmpty(InvalidInput):
    code = "site_not_empty"
    status = 409


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# Export


@dataclass(frozen=True)
class ExportSummary:
    counts: dict[str, int]

    def __str__(self) -> str:
        return "Exported " + _counted(self.counts) + "."


# How a summary names the rows of a member whose key does not say it in plain words.
_SUMMARY_NAMES = {
    "moderation_log": "moderation log entries",
    "remembered_spam": "remembered spam addresses",
    "imported_objects": "imported records",
}


def _counted(counts: dict[str, int]) -> str:
    """ "9 users, 2,011 comments": the kinds there are some of."""
    return (
        ", ".join(
            f"{count:,} {_SUMMARY_NAMES.get(key, key.replace('_', ' '))}"
            for key, count in counts.items()
            if count
        )
        or "nothing"
    )


def export_site(
    file: TextIO, *, exported_at: datetime | None = None, progress: Progress | None = None
) -> ExportSummary:
    """Write the whole site to `file` as Broadsheet's JSON format, and count what was written.

    Every table is read in one transaction; on PostgreSQL a repeatable-read snapshot, so that
    a comment posted meanwhile is either in the file with its ratings or not at all. On
    SQLite the transaction holds the write lock: writers wait while the export runs.
    """
    counts: dict[str, int] = {}
    with _one_snapshot():
        # No time of export unless asked: exporting, importing and exporting again gives the
        # same bytes (the file's own date says when it was written).
        stamp = f',"exported_at":"{json_datetime(exported_at)}"' if exported_at else ""
        file.write(f'{{"format":{_dumps(FORMAT)},"version":{VERSION}{stamp},\n')
        file.write(f'"settings":{_dumps(_settings_document())},\n')
        groups = [
            {"name": group.name, "permissions": sorted(_permission_labels(group.permissions.all()))}
            for group in Group.objects.order_by("name")
        ]
        counts["groups"] = _write_list(file, "groups", iter(groups))
        for table in TABLES:
            counts[table.key] = _write_list(file, table.key, _table_rows(table, progress))
        file.write("}\n")
    return ExportSummary(counts=counts)


@contextmanager
def _one_snapshot() -> Iterator[None]:
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _write_list(file: TextIO, key: str, rows: Iterator[dict[str, Any]]) -> int:
    file.write(f"{_dumps(key)}:[")
    count = 0
    for row in rows:
        file.write("\n" if count == 0 else ",\n")
        file.write(_dumps(row))
        count += 1
    file.write("\n]" if count else "]")
    file.write("\n" if key == MEMBERS[-1] else ",\n")
    return count


def _settings_document() -> dict[str, dict[str, Any]]:
    document = {}
    for key, model in SETTINGS.items():
        # A row no page has asked for yet holds the defaults; the export writes, not saves, them.
        row = model._default_manager.filter(pk=SITE_ROW).first() or model()
        document[key] = {
            name: encode_value(model._meta.get_field(name), getattr(row, name))  # type: ignore[arg-type]
            for name in SETTINGS_FIELDS[key]
        }
    return document


def _permission_labels(permissions: models.QuerySet[Permission]) -> list[str]:
    return [
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list("content_type__app_label", "codename")
    ]


def _table_rows(table: Table, progress: Progress | None) -> Iterator[dict[str, Any]]:
    model_fields = table.model_fields()
    names = [model_field.attname for model_field in model_fields]
    manager = table.model._base_manager
    pk_index = names.index(table.model._meta.pk.attname)
    total = manager.count()
    done, last_id = 0, None
    while True:
        query = manager.order_by("pk")
        if last_id is not None:
            query = query.filter(pk__gt=last_id)
        batch = list(query.values_list(*names)[:EXPORT_BATCH])
        if not batch:
            break
        ids = [row[pk_index] for row in batch]
        many = {name: _many_values(table, name, ids) for name in table.many}
        for row in batch:
            item = {
                model_field.name: encode_value(model_field, value)
                for model_field, value in zip(model_fields, row, strict=True)
            }
            for name in table.many:
                item[name] = many[name].get(row[pk_index], [])
            yield item
        done, last_id = done + len(batch), ids[-1]
        if progress is not None:
            progress(table.key, done, total)
    if progress is not None and done == 0:
        progress(table.key, 0, 0)


def _many_values(table: Table, name: str, ids: list[int]) -> dict[int, list[Any]]:
    """Each row's many-to-many values: ids, or names for groups and permissions."""
    relation = table.model._meta.get_field(name)
    through = relation.remote_field.through  # type: ignore[union-attr]
    source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()  # type: ignore[union-attr]
    labels = _labels_of(relation.related_model)  # type: ignore[arg-type]
    values: dict[int, list[Any]] = defaultdict(list)
    pairs = through.objects.filter(**{f"{source}__in": ids}).values_list(
        f"{source}_id", f"{target}_id"
    )
    for owner, other in pairs:
        values[owner].append(labels[other] if labels is not None else other)
    return {owner: sorted(found) for owner, found in values.items()}


def _labels_of(model: type[models.Model]) -> dict[int, str] | None:
    """Groups and permissions are named, not numbered: their ids differ from site to site."""
    if model is Group:
        return dict(Group.objects.values_list("pk", "name"))
    if model is Permission:
        rows = Permission.objects.values_list("pk", "content_type__app_label", "codename")
        return {pk: f"{app_label}.{codename}" for pk, app_label, codename in rows}
    return None


# Import


@dataclass
class ImportSummary:
    exported_at: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)
    recounted_posts: int = 0  # posts whose stored counts the file had wrong (repaired)
    rendered_comments: int = 0

    def __str__(self) -> str:
        lines = [f"Imported {_counted(self.counts)}."]
        if self.exported_at is not None:
            lines.append(f"The file was exported at {json_datetime(self.exported_at)}.")
        lines.append(f"Rendered {self.rendered_comments:,} comments.")
        if self.recounted_posts:
            lines.append(
                f"The file's comment counts were wrong on {self.recounted_posts:,} posts; "
                "they were counted again."
            )
        return "\n".join(lines)


def site_content() -> dict[str, int]:
    """How many rows of each kind the site holds, of those an import would write."""
    counts = {table.key: table.model._base_manager.count() for table in TABLES}
    return {key: count for key, count in counts.items() if count}


def check_site_is_empty() -> None:
    found = site_content()
    if found:
        raise SiteNotEmpty(
            f"This site is not empty: it has {_counted(found)}. A Broadsheet export is "
            "imported into a new site: an empty database on which `broadsheet manage "
            "migrate` has run (its settings and roles are replaced by the file's)."
        )


def import_site(file: TextIO, *, progress: Progress | None = None) -> ImportSummary:
    """Read a Broadsheet export into this empty site, all of it or nothing.

    Raises SiteNotEmpty when the site holds data already, MalformedJson when the file is not
    JSON (naming line and column), SiteFileError when it is not a Broadsheet export of a
    version this code reads, or a value or reference in it is wrong (naming its path).
    """
    with transaction.atomic():
        check_site_is_empty()
        reader = _SiteReader(progress)
        try:
            for event in read_document(file):
                reader.read(event)
        except UnicodeDecodeError as error:
            raise SiteFileError(f"The file is not UTF-8 text ({error.reason}).") from None
        summary = reader.finish()
        _reset_id_sequences()
        repaired = recount_comments()
        summary.recounted_posts = len(repaired)
        # A repaired reply count shows in the comment's fragment, rendered before it.
        _render_threads([recount.post_id for recount in repaired])
        announce(SiteRestored())
        if summary.counts.get("spam_examples"):
            transaction.on_commit(enqueue_spam_model_retraining, robust=True)
    return summary


def _reset_id_sequences() -> None:
    """Rows were written with their ids, which PostgreSQL's sequences did not hand out: move
    each sequence past the highest id. (SQLite's AUTOINCREMENT follows inserted ids itself.)"""
    statements = connection.ops.sequence_reset_sql(no_style(), [table.model for table in TABLES])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _render_threads(post_ids: list[int]) -> None:
    site, discussion = SiteSettings.current(), DiscussionSettings.current()
    for post in Post.objects.filter(pk__in=post_ids).only("pk", "comment_style"):
        render_thread_fragments(post, site, thread_look(post, discussion))


def _error(path: str, problem: str, line: int | None = None) -> SiteFileError:
    where = f" (line {line:,})" if line is not None else ""
    return SiteFileError(f"{path}: {problem}{where}.")


class _SiteReader:
    """Takes the document's events in order, checks each member and row, and writes rows a
    batch at a time. Rows may name only rows before them (a reply its parent, a post its
    authors), as an export writes them, so every reference is checked as it is read."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.summary = ImportSummary()
        self.next_member = 0
        self.ids: dict[str, set[int]] = defaultdict(set)
        self.groups = {group.name: group for group in Group.objects.all()}
        self.permissions = {label: pk for pk, label in (_labels_of(Permission) or {}).items()}
        # Each comment's post and depth, to check that a reply answers a comment of its own
        # post and sits one level below it.
        self.comment_places: dict[int, tuple[int, int]] = {}
        self.table: Table | None = None
        # What each comment's fragments show of its author and its thread, kept from the
        # users and posts read before, so that fragments are rendered before the INSERT and
        # stored by it (as post_comments does; a second pass of UPDATEs cost more than the
        # rest of the import).
        self.people: dict[int, tuple[str, str]] = {}
        self.looks: dict[int, ThreadLook] = {}
        self.site = SiteSettings.current()
        self.discussion = DiscussionSettings.current()
        self.pending: list[tuple[int, models.Model]] = []
        self.pending_many: dict[type[models.Model], list[models.Model]] = defaultdict(list)

    # The document's members, in order

    def read(self, event: Event) -> None:
        if isinstance(event, ListItem):
            self._row(event)
        elif isinstance(event, ListEnd):
            self._end_list(event)
        else:
            self._start_member(event)

    def _start_member(self, event: Member | ListStart) -> None:
        key = event.key
        if self.next_member == 0 and key != "format":
            raise SiteFileError(
                f'This is not a Broadsheet export: its first member is "{key}", not "format".'
            )
        if key not in MEMBERS:
            raise _error(
                key, f"Broadsheet's version {VERSION} format has no such member", event.line
            )
        position = MEMBERS.index(key)
        if MEMBERS[self.next_member] in OPTIONAL_MEMBERS and position > self.next_member:
            self.next_member += 1  # an optional member left out
        if position < self.next_member:
            raise _error(key, "appears twice, or after members that follow it", event.line)
        if position > self.next_member:
            missing = MEMBERS[self.next_member]
            raise _error(key, f'"{missing}" must come before it', event.line)
        self.next_member += 1
        is_list = key == "groups" or any(table.key == key for table in TABLES)
        if is_list != isinstance(event, ListStart):
            raise _error(
                key, "expected a list" if is_list else "expected a single value", event.line
            )
        if isinstance(event, ListStart):
            self.table = table_of_key(key)
            self.summary.counts[key] = 0
            return
        assert isinstance(event, Member)
        self._header(event)

    def _header(self, event: Member) -> None:
        key, value = event.key, event.value
        if key == "format" and value != FORMAT:
            raise SiteFileError(
                f'This is not a Broadsheet export: its format is {_dumps(value)}, not "{FORMAT}".'
            )
        if key == "version" and (value != VERSION or isinstance(value, bool)):
            raise SiteFileError(
                f"Unknown version {_dumps(value)}: this Broadsheet reads version {VERSION}."
            )
        if key == "exported_at":
            try:
                self.summary.exported_at = parse_datetime(value)
            except FormatError as error:
                raise _error(key, str(error), event.line) from None
        if key == "settings":
            self._settings(value, event.line)

    def finish(self) -> ImportSummary:
        if self.next_member == 0:
            raise SiteFileError("This is not a Broadsheet export: the document is empty.")
        if self.next_member < len(MEMBERS):
            raise SiteFileError(f'The file ends before its member "{MEMBERS[self.next_member]}".')
        return self.summary

    # Settings and groups

    def _settings(self, value: Any, line: int) -> None:
        _check_keys(value, SETTINGS, "settings", line)
        for key, model in SETTINGS.items():
            path = f"settings.{key}"
            _check_keys(value[key], SETTINGS_FIELDS[key], path, line)
            row = model.current()
            for name in SETTINGS_FIELDS[key]:
                model_field = model._meta.get_field(name)
                try:
                    setattr(row, name, decode_value(model_field, value[key][name]))  # type: ignore[arg-type]
                except FormatError as error:
                    raise _error(f"{path}.{name}", str(error), line) from None
            try:
                row.clean()
            except ValidationError as error:
                raise _error(path, " ".join(error.messages), line) from None
            row.save()
        self.site = SiteSettings.current()
        self.discussion = DiscussionSettings.current()

    def _group(self, item: ListItem) -> None:
        path = f"groups[{item.index}]"
        _check_keys(item.value, ("name", "permissions"), path, item.line)
        name = item.value["name"]
        if not isinstance(name, str) or not name.strip() or len(name) > 150:
            raise _error(f"{path}.name", "expected a name of 1 to 150 characters", item.line)
        permission_ids = self._named(
            item.value["permissions"], self.permissions, f"{path}.permissions", item.line
        )
        group = self.groups.get(name) or Group.objects.create(name=name)
        group.permissions.set(permission_ids)
        self.groups[name] = group
        self.summary.counts["groups"] += 1

    def _named(self, value: Any, known: dict[str, int], path: str, line: int) -> list[int]:
        if not isinstance(value, list):
            raise _error(path, "expected a list", line)
        found = []
        for index, name in enumerate(value):
            if not isinstance(name, str) or name not in known:
                what = "permission" if known is self.permissions else "group"
                raise _error(f"{path}[{index}]", f"there is no {what} {_dumps(name)}", line)
            found.append(known[name])
        return found

    # Rows of the tables

    def _row(self, item: ListItem) -> None:
        if item.key == "groups":
            self._group(item)
            return
        table = self.table
        assert table is not None
        path = f"{table.key}[{item.index}]"
        _check_keys(item.value, (*table.fields, *table.many), path, item.line)
        values: dict[str, Any] = {}
        for model_field in table.model_fields():
            name = model_field.name
            try:
                value = decode_value(model_field, item.value[name])
            except FormatError as error:
                raise _error(f"{path}.{name}", str(error), item.line) from None
            if model_field.is_relation and value is not None:
                self._check_reference(model_field, value, f"{path}.{name}", item.line)
            values[model_field.attname] = value
        pk_name = table.model._meta.pk.attname
        own_id = values[pk_name]
        if own_id in self.ids[table.key]:
            raise _error(
                f"{path}.{table.fields[0]}", f"another {table.noun} has id {own_id}", item.line
            )
        if table.model is Comment:
            self._check_comment_place(values, path, item.line)
        self.ids[table.key].add(own_id)
        self.pending.append((item.index, table.model(**values)))
        if table.model is User:
            self.people[own_id] = (values["username"], values["display_name"])
        elif table.model is Post:
            self.looks[own_id] = thread_look(
                Post(comment_style=values["comment_style"]), self.discussion
            )
        for name in table.many:
            self._many(table, name, own_id, item.value[name], f"{path}.{name}", item.line)
        if len(self.pending) >= IMPORT_BATCH:
            self._write_pending()

    def _check_reference(
        self, model_field: models.Field[Any, Any], value: int, path: str, line: int
    ) -> None:
        target = table_of(model_field.related_model)  # type: ignore[arg-type]
        if value not in self.ids[target.key]:
            raise _error(path, f"{target.noun} {value} does not exist", line)

    def _check_comment_place(self, values: dict[str, Any], path: str, line: int) -> None:
        post_id, depth, parent_id = values["post_id"], values["depth"], values["parent_id"]
        if parent_id is None:
            if depth != 0:
                raise _error(
                    f"{path}.depth", f"{depth}, but a comment that answers none has depth 0", line
                )
        else:
            parent_post, parent_depth = self.comment_places[parent_id]
            if parent_post != post_id:
                raise _error(
                    f"{path}.parent",
                    f"comment {parent_id} belongs to another post ({parent_post})",
                    line,
                )
            if depth != parent_depth + 1:
                raise _error(
                    f"{path}.depth",
                    f"{depth}, but the comment it answers ({parent_id}) has depth {parent_depth}",
                    line,
                )
        self.comment_places[values["id"]] = (post_id, depth)

    def _many(self, table: Table, name: str, own_id: int, value: Any, path: str, line: int) -> None:
        relation = table.model._meta.get_field(name)
        through = relation.remote_field.through  # type: ignore[union-attr]
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()  # type: ignore[union-attr]
        related = relation.related_model
        if related is Group:
            group_ids = {group_name: group.pk for group_name, group in self.groups.items()}
            others = self._named(value, group_ids, path, line)
        elif related is Permission:
            others = self._named(value, self.permissions, path, line)
        else:
            if not isinstance(value, list):
                raise _error(path, "expected a list of ids", line)
            target_table = table_of(related)  # type: ignore[arg-type]
            for index, other in enumerate(value):
                if not isinstance(other, int) or isinstance(other, bool):
                    raise _error(f"{path}[{index}]", "expected a whole number", line)
                if other not in self.ids[target_table.key]:
                    raise _error(
                        f"{path}[{index}]", f"{target_table.noun} {other} does not exist", line
                    )
            others = value
        if len(set(others)) != len(others):
            raise _error(path, "names one more than once", line)
        self.pending_many[through].extend(
            through(**{f"{source}_id": own_id, f"{target}_id": other}) for other in others
        )

    def _end_list(self, event: ListEnd) -> None:
        self._write_pending()
        self.summary.counts[event.key] = event.count
        if self.progress is not None:
            self.progress(event.key, event.count, event.count)
        self.table = None

    def _render_fragments(self, comments: list[Comment]) -> None:
        by_post: dict[int, list[Comment]] = defaultdict(list)
        for comment in comments:
            if comment.author_id is not None:
                username, display_name = self.people[comment.author_id]
                comment.author = User(
                    pk=comment.author_id, username=username, display_name=display_name
                )
            by_post[comment.post_id].append(comment)
        for post_id, thread in by_post.items():
            refresh_fragments(thread, self.site, self.looks[post_id])
        self.summary.rendered_comments += len(comments)

    def _write_pending(self) -> None:
        table = self.table
        if table is None or not self.pending:
            return
        rows = [row for _, row in self.pending]
        first, last = self.pending[0][0], self.pending[-1][0]
        if table.model is Comment:
            self._render_fragments(cast("list[Comment]", rows))
        try:
            with transaction.atomic():
                _insert_as_they_are(table.model, rows)
                for through, links in self.pending_many.items():
                    through._base_manager.bulk_create(links, batch_size=IMPORT_BATCH)
        except IntegrityError as error:
            raise SiteFileError(
                f"{table.key}[{first}] to {table.key}[{last}]: the database refuses them: "
                f"{str(error).strip()}"
            ) from None
        if self.progress is not None:
            self.progress(table.key, last + 1, None)
        self.pending.clear()
        self.pending_many.clear()


def _insert_as_they_are(model: type[models.Model], rows: list[models.Model]) -> None:
    """INSERT the rows with every field as given, created and updated times included.

    bulk_create would set auto_now and auto_now_add fields to the time of the INSERT, and
    putting the file's times back with bulk_update cost more than all the rest of an import.
    A raw insert is how Django's own fixture loading writes rows as they were
    (Model.save_base(raw=True)); this is the same, a batch per statement.
    """
    fields = list(model._meta.concrete_fields)
    batch = max(1, min(IMPORT_BATCH, connection.ops.bulk_batch_size(fields, rows)))
    for start in range(0, len(rows), batch):
        model._base_manager._insert(rows[start : start + batch], fields=fields, raw=True)  # type: ignore[attr-defined]


def table_of_key(key: str) -> Table | None:
    for table in TABLES:
        if table.key == key:
            return table
    return None


def _check_keys(value: Any, expected: Any, path: str, line: int) -> None:
    if not isinstance(value, dict):
        raise _error(path, "expected an object", line)
    missing = [key for key in expected if key not in value]
    if missing:
        raise _error(path, f"lacks {', '.join(missing)}", line)
    unknown = [key for key in value if key not in expected]
    if unknown:
        raise _error(
            path,
            f"has {', '.join(_dumps(key) for key in unknown)}, which version {VERSION} of the "
            "format does not have",
            line,
        )
