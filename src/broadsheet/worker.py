"""The background worker: runs queued tasks, and queues the periodic ones.

Tasks are Django's (`django.tasks`), kept in the site's database by django-tasks-db and run
by its `db_worker` loop. Django has no scheduler, so the worker queues its periodic work
itself: when it starts, and every `PERIODIC_EVERY` while it runs. That is a retraining of
the spam filter when no stored model fits this release or decisions await learning, and
emptying the spam folder of comments older than 30 days. Several workers queue the same
work several times; both tasks are idempotent, so that costs a little time and nothing else.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta

from django.core.management import call_command
from django.db import close_old_connections, connection

from broadsheet.moderation.tasks import remove_old_spam_task
from broadsheet.screening.spam import retrain_spam_model, spam_model_outdated

logger = logging.getLogger(__name__)

# Emptying the spam folder daily would do; a few times a day keeps "30 days" close to 30.
PERIODIC_EVERY = timedelta(hours=6)
POLL_SECONDS = 1.0  # how soon a queued task starts: a retraining should follow its decision


def queue_due_work() -> list[str]:
    """Queue the periodic tasks; returns their names."""
    queued = []
    if spam_model_outdated():
        retrain_spam_model.enqueue()
        queued.append(retrain_spam_model.name)
    remove_old_spam_task.enqueue()
    queued.append(remove_old_spam_task.name)
    return queued


def _queue_periodically(stop: threading.Event) -> None:
    while not stop.wait(PERIODIC_EVERY.total_seconds()):
        try:
            close_old_connections()
            queue_due_work()
        except Exception:
            logger.exception("Could not queue the periodic tasks; trying again later.")
        finally:
            connection.close()


def run_worker(*, batch: bool = False, verbosity: int = 1) -> None:
    """Run tasks until stopped (Ctrl-C or SIGTERM finish the running task first), or, with
    `batch`, until the queue is empty."""
    queue_due_work()
    # db_worker takes over SIGINT and SIGTERM to finish its task first; given back after.
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    stop = threading.Event()
    if not batch:
        threading.Thread(
            target=_queue_periodically, args=(stop,), name="periodic-tasks", daemon=True
        ).start()
    try:
        call_command(
            "db_worker",
            batch=batch,
            reload=False,
            startup_delay=False,
            interval=POLL_SECONDS,
            verbosity=verbosity,
        )
    finally:
        stop.set()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
