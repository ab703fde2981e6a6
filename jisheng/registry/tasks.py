"""Background jobs of the registry (django-tasks; enqueued on commit, idempotent)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_roster_import(job_id: int) -> str:
    """Run the roster import ``job_id``; re-running a finished job does nothing. Returns its status."""
    from .services import roster_import_run

    return str(roster_import_run(job_id).status)
