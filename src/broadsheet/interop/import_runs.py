"""Imports started from the admin: an uploaded file, run by the background worker.

`start_import_run` keeps the upload as an ImportRun and queues `interop.tasks.run_import_task`
once the row is committed; the task calls `execute_import_run`, which reads the file as
`broadsheet import` would and writes it through the one writer (`writer.run_import`).

Progress goes to the shared cache, not to the row: the import is one transaction, and on
SQLite that transaction holds the database's only write lock, so a second connection writing
the count would wait for the import to end. The row gets its final state once the import's
transaction is over.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.accounts.permissions import Actor, signed_in
from broadsheet.errors import BroadsheetError, NotAllowed
from broadsheet.interop.disqus import read_disqus, read_thread_map
from broadsheet.interop.models import ImportFormat, ImportRun, ImportState
from broadsheet.interop.records import ImportFileError, ImportSummary, Record, Source
from broadsheet.interop.tasks import run_import_task
from broadsheet.interop.uploads import check_import_file, check_map_file
from broadsheet.interop.writer import run_import, summary_text
from broadsheet.interop.wxr import PermalinkOptions, read_wxr_files

logger = logging.getLogger(__name__)

IMPORT_SITES = "interop.add_importrun"  # admins (superusers) hold it, or whoever is given it
PROGRESS_STORED_EVERY = 1.0  # seconds: the page asks every 2; the writer reports every 100
PROGRESS_KEPT = 24 * 60 * 60  # seconds in the cache: longer than any import runs


def check_can_import(actor: Actor) -> User:
    """The importing account, or NotAllowed: an import writes accounts, posts and comments."""
    user = signed_in(actor)
    if user is None or not user.has_perm(IMPORT_SITES):
        raise NotAllowed("Only the site's admins may import a site.")
    return user


def start_import_run(
    *,
    actor: Actor,
    format: ImportFormat,
    file: File[bytes],
    dry_run: bool = False,
    time_zone: str = "",
    path_prefix: str = "",
    map_file: File[bytes] | None = None,
) -> ImportRun:
    """Keep the upload and queue its import for the worker; UploadRefused for a file of the
    wrong kind or size."""
    user = check_can_import(actor)
    check_import_file(file, format=format)
    if map_file is not None:
        check_map_file(map_file)
    run = ImportRun(
        started_by=user,
        format=format,
        file_name=Path(file.name or "export").name[: ImportRun.FILE_NAME_LENGTH],
        dry_run=dry_run,
        time_zone=time_zone,
        path_prefix=path_prefix if format == ImportFormat.WXR else "",
    )
    run.file.save(run.file_name, file, save=False)
    if map_file is not None:
        run.map_file.save(Path(map_file.name or "map.csv").name, map_file, save=False)
    run.save()
    transaction.on_commit(lambda: run_import_task.enqueue(run.pk))
    return run


def execute_import_run(run_id: int) -> ImportState | None:
    """Run a queued import to its end: done with its summary, or failed with the reason (and
    the site as it was). None when there is no such queued run (deleted, or run already)."""
    claimed = ImportRun.objects.filter(pk=run_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, started=timezone.now()
    )
    if not claimed:
        return None
    run = ImportRun.objects.get(pk=run_id)
    progress = ImportProgress(run_id)
    outcome: dict[str, Any]
    try:
        source, records, reader_report = _records_of(run)
        summary = run_import(source=source, records=records, dry_run=run.dry_run, progress=progress)
        # What the reader left out (threads matching no post) is known once it has read
        # everything, which the writer just made it do.
        summary.skipped += reader_report.skipped
        summary.notes += reader_report.notes
        outcome = {
            "state": ImportState.DONE,
            "summary_text": summary_text(summary),
            "summary": _summary_document(summary),
        }
    except BroadsheetError as error:  # ImportFileError names the line and the element
        outcome = {"state": ImportState.FAILED, "error": error.message}
    except FileNotFoundError:
        # The page kept it in MEDIA_ROOT on the host that took the upload (docs/deploy.md).
        outcome = {
            "state": ImportState.FAILED,
            "error": "The uploaded file is not on the machine the worker runs on: the worker "
            "must see the web hosts' media folder, or the export can be imported there with "
            "`broadsheet import`.",
        }
    except OSError as error:
        outcome = {"state": ImportState.FAILED, "error": f"The file could not be read: {error}"}
    except Exception as error:
        logger.exception("Import run %s stopped on an unexpected error", run_id)
        outcome = {
            "state": ImportState.FAILED,
            "error": f"The import stopped on an unexpected error ({type(error).__name__}: "
            f"{error}); the site's log has the details.",
        }
    _remove_files(run)
    ImportRun.objects.filter(pk=run_id).update(
        **outcome,
        progress=progress.latest,
        progress_updated=timezone.now(),
        finished=timezone.now(),
        file="",
        map_file="",
    )
    cache.delete(_progress_key(run_id))
    state: ImportState = outcome["state"]
    return state


def current_progress(run: ImportRun) -> tuple[int, datetime | None]:
    """Records read so far and when that was counted: the live count while the run runs."""
    if run.state == ImportState.RUNNING:
        live: tuple[int, datetime] | None = cache.get(_progress_key(run.pk))
        if live is not None:
            return live
    return run.progress, run.progress_updated


def _records_of(run: ImportRun) -> tuple[Source, Iterable[Record], ImportSummary]:
    """The source and records of the run's file, read as `broadsheet import` reads them, and
    the report the reader fills with what it leaves out."""
    reader_report = ImportSummary()
    path = Path(run.file.path)
    if run.format == ImportFormat.WXR:
        try:
            time_zone = ZoneInfo(run.time_zone) if run.time_zone else None
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ImportFileError(f"{run.time_zone!r} is not a time zone.") from error
        permalinks = PermalinkOptions(path_prefix=run.path_prefix or None)
        records = read_wxr_files([path], permalinks=permalinks, time_zone=time_zone)
        return Source.WORDPRESS, records, reader_report
    if run.format == ImportFormat.DISQUS:
        mapping = read_thread_map(Path(run.map_file.path)) if run.map_file else None
        return (
            Source.DISQUS,
            read_disqus(path, mapping=mapping, report=reader_report),
            reader_report,
        )
    raise ImportFileError(f"There is no importer for the format {run.format!r}.")


def _summary_document(summary: ImportSummary) -> dict[str, Any]:
    # Pairs rather than objects: PostgreSQL's jsonb does not keep the order of keys, and the
    # writer's order (people, sections, posts, then comments) is the one worth reading.
    return {
        "created": list(summary.created.items()),
        "updated": list(summary.updated.items()),
        "skipped": [list(skip) for skip in summary.skipped],
        "notes": summary.notes,
    }


def _remove_files(run: ImportRun) -> None:
    for stored in (run.file, run.map_file):
        if stored:
            try:
                stored.delete(save=False)
            except OSError:
                logger.warning("Could not remove the uploaded file %s", stored.name)


def _progress_key(run_id: int) -> str:
    return f"interop:import-run:{run_id}:progress"


class ImportProgress:
    """The writer's progress callback: keeps the latest count, and puts it in the shared
    cache at most every PROGRESS_STORED_EVERY seconds."""

    def __init__(self, run_id: int) -> None:
        self.key = _progress_key(run_id)
        self.latest = 0
        self.stored_at = float("-inf")

    def __call__(self, count: int) -> None:
        self.latest = count
        now = time.monotonic()
        if now - self.stored_at >= PROGRESS_STORED_EVERY:
            self.stored_at = now
            cache.set(self.key, (count, timezone.now()), PROGRESS_KEPT)
