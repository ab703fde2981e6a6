"""``jisheng deadline``: compute a statutory due date (contract §1).

    jisheng deadline --start 2026-09-28 --days 20 --unit working [--suspend 2026-10-12:2026-10-14 ...]
                     [--extend 10] [--json]

Exit code 0 with the due date and its explanation; 2 with a message for bad input or a year the calendar
does not cover (the message names the year).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from jisheng.core.errors import InvalidInput
from jisheng.law.deadlines import UNITS, compute_due


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{what}: 不是有效的日期 YYYY-MM-DD：{text}", returncode=2) from None


class Command(BaseCommand):
    help = "Compute a statutory due date: working days, calendar days or months (contract §1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, help="start date YYYY-MM-DD (not counted)")
        parser.add_argument("--days", required=True, type=int, help="length of the period in units")
        parser.add_argument("--unit", choices=UNITS, default="working")
        parser.add_argument("--suspend", action="append", default=[], metavar="A:B",
                            help="inclusive suspension A:B (repeatable)")
        parser.add_argument("--extend", type=int, default=0, help="extension in units (once)")
        parser.add_argument("--json", action="store_true", help='print {"due", "explanation"} as JSON')

    def handle(self, *args: Any, **options: Any) -> None:
        start = _date(options["start"], "--start")
        suspensions = []
        for raw in options["suspend"]:
            first, sep, last = raw.partition(":")
            if not sep:
                raise CommandError(f"--suspend: 格式应为 A:B：{raw}", returncode=2)
            suspensions.append((_date(first, "--suspend"), _date(last, "--suspend")))
        try:
            result = compute_due(start, options["days"], options["unit"], suspensions=suspensions,
                                 extension=options["extend"])
        except InvalidInput as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except DatabaseError as exc:  # e.g. a database that was never migrated: a message, not a traceback
            raise CommandError(f"无法读取工作日历（数据库未就绪：{exc}）。"
                               "请先运行 jisheng migrate 和 jisheng bootstrap。", returncode=2) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            self.stdout.write(result.due.isoformat())
            for step in result.explanation:
                self.stdout.write(f"  {step}")
