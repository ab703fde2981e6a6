"""Background jobs of the registry (django-tasks; enqueued on commit, idempotent)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_roster_import(job_id: int) -> str:
    """Run the roster import ``job_id``; re-running a finished job does nothing. Returns its status."""
    from .services import roster_import_run

    return str(roster_import_run(job_id).status)


@task()
def run_person_export(export_id: int) -> str:
    """Write the file of person export ``export_id``; re-running a finished export does nothing. Returns its status."""
    from .exports import person_export_run

    return str(person_export_run(export_id).status)
