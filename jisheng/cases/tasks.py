"""Background jobs of the case engine (django-tasks; idempotent, so a retried or doubled run does no harm)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def send_reminders(day: str | None = None) -> str:
    """Send the clock reminders due on ``day`` (ISO date; default today, China Standard Time) — see
    :func:`jisheng.cases.reminders.send_due_reminders`; returns the run's one-line message."""
    from . import reminders

    return reminders.send_due_reminders(dt.date.fromisoformat(day) if day else None).message()
