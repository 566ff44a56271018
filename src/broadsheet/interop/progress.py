"""How an import shows its progress: a bar on a terminal, plain lines in a log, or a callback.

The writer calls the reporter every hundred records; what it shows is the records read, as a
file streams in and its size in records is not known ahead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

PROGRESS_EVERY = 5_000  # records between plain progress lines when not on a terminal


class Reporter:
    """Told now and then how many records were read."""

    def update(self, count: int) -> None:
        raise NotImplementedError

    def done(self, count: int) -> None:
        self.update(count)

    def close(self) -> None:
        pass


class _CallbackReporter(Reporter):
    def __init__(self, callback: Callable[[int], None]) -> None:
        self.callback = callback

    def update(self, count: int) -> None:
        self.callback(count)


class _LineReporter(Reporter):
    """Plain lines, every PROGRESS_EVERY records: a log file or CI output stays readable."""

    def __init__(self) -> None:
        self.last = 0

    def update(self, count: int) -> None:
        if count - self.last >= PROGRESS_EVERY:
            self.last = count
            print(f"Imported {count:,} records…", flush=True)


class _BarReporter(Reporter):
    """A live count and the time taken (rich): the total is unknown while a file streams."""

    def __init__(self) -> None:
        from rich.progress import (
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("Importing: {task.completed:,} records"),
            TimeElapsedColumn(),
            transient=False,
        )
        self.task = self.progress.add_task("import", total=None)
        self.progress.start()

    def update(self, count: int) -> None:
        self.progress.update(self.task, completed=count)

    def close(self) -> None:
        self.progress.stop()


def progress_reporter(
    *, show_progress: bool, callback: Callable[[int], None] | None
) -> Reporter | None:
    """The callback's reporter when one is given (the admin's background task); else, with
    show_progress, a bar on a terminal and plain lines elsewhere; else none."""
    if callback is not None:
        return _CallbackReporter(callback)
    if not show_progress:
        return None
    return _BarReporter() if sys.stdout.isatty() else _LineReporter()
