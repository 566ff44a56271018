"""Import and export's background tasks, run by the worker (`broadsheet worker`)."""

from __future__ import annotations

from django.tasks import task


@task()
def run_import_task(run_id: int) -> str:
    """Run an import the admin's upload page queued (interop.import_runs); its state, progress
    and summary are on the ImportRun row, which the run's page shows."""
    # Imported here: import_runs queues this task, so it imports this module first.
    from broadsheet.interop.import_runs import execute_import_run

    state = execute_import_run(run_id)
    return state.value if state is not None else "not queued"
