"""Moderation's background tasks, run by the worker (broadsheet/worker.py queues them)."""

from __future__ import annotations

from django.tasks import task

from broadsheet.moderation.services import remove_old_spam


@task()
def remove_old_spam_task() -> dict[str, int]:
    """Empty the spam folder of comments older than SPAM_KEPT_DAYS; queued daily."""
    return {"removed": remove_old_spam()}
