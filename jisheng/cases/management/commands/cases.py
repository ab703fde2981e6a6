"""``jisheng cases``: the case engine's jobs from the command line.

    jisheng cases remind [--date YYYY-MM-DD]

``remind`` sends the statutory-clock reminders due that day (default today, China Standard Time): each threshold of
a case type's ``reminder_days`` once per clock and due date (:mod:`jisheng.cases.reminders`). Run it once a day,
shortly after midnight, from cron or a systemd timer; running it again, or twice at once, sends nothing twice.
Exit code 0 on success, 1 when some reminder failed (the others are sent; the log says why; the next run retries),
2 on a malformed date or ``JISHENG["REMINDER_DAYS"]`` setting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisheng.core import audit


class Command(BaseCommand):
    help = "Case-engine jobs: 'remind' sends the clock reminders due today (idempotent; run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="send the statutory-clock reminders due on a day (default today)")
        remind.add_argument("--date", default=None, help="YYYY-MM-DD (default: today, China Standard Time)")

    def handle(self, *args: Any, **options: Any) -> None:
        from jisheng.cases import reminders

        try:
            day = dt.date.fromisoformat(options["date"]) if options.get("date") else None
        except ValueError as exc:
            raise CommandError(f"--date: {options['date']!r} is not a date (YYYY-MM-DD)", returncode=2) from exc
        try:
            with audit.context(actor=None):
                run = reminders.send_due_reminders(day)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if run.failed:
            raise CommandError(run.message(), returncode=1)
        self.stdout.write(run.message())
