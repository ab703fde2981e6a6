"""``jisheng calendar``: the working-day calendar from the State Council notice (contract §1a).

    jisheng calendar import-notice FILE.yaml [--dry-run] [--json]   enter next year's holidays from the notice
    jisheng calendar years [--json]                                 covered years, each with its source
    jisheng calendar accept-release YEAR                            use the chinesecalendar release for a year
                                                                    entered from the notice (after bootstrap
                                                                    listed where they differ)

``import-notice`` prints every rest day and make-up working day with its weekday and the open deadlines that
moved (``--dry-run``: would move; nothing is saved). A bad file changes nothing and exits 2 with a message naming
the file and line (``notice-2027.yaml:7: …``). Importing the same file again changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from jisheng.core import audit
from jisheng.core.errors import DomainError
from jisheng.law.calendar import WEEKDAYS_ZH
from jisheng.law.services import NoticeOutcome, Recomputed


def _due(day: Any) -> str:
    return day.isoformat() if day else "待定"


def _moves(moved: list[Recomputed]) -> list[str]:
    return [f"  {m.label or m.subject}  {_due(m.old_due)} → {_due(m.new_due)}" for m in moved]


class Command(BaseCommand):
    help = "The working-day calendar: import the State Council's holiday notice, list covered years (contract §1a)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-notice", help="enter a year's holidays from the State Council notice (YAML)")
        imp.add_argument("file", help="the notice as YAML: year, source, holidays, workdays (docs/contracts.md §1a)")
        imp.add_argument("--dry-run", action="store_true", help="show the days and the deadlines that would move; "
                                                                "save nothing")
        imp.add_argument("--json", action="store_true", help="print the outcome as JSON")
        years = sub.add_parser("years", help="list the covered years, each with its source")
        years.add_argument("--json", action="store_true", help="print the years as JSON")
        accept = sub.add_parser("accept-release", help="replace a year entered from the notice by the installed "
                                                       "chinesecalendar release (see jisheng bootstrap's listing)")
        accept.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with audit.context(actor=None):
                getattr(self, "do_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except DatabaseError as exc:
            raise CommandError(f"无法读取工作日历（数据库未就绪：{exc}）。"
                               "请先运行 jisheng migrate 和 jisheng bootstrap。", returncode=2) from exc

    def do_import_notice(self, options: dict[str, Any]) -> None:
        from jisheng.law.notices import read_notice_file
        from jisheng.law.services import calendar_notice_import, calendar_notice_preview

        notice = read_notice_file(Path(options["file"]))
        apply = calendar_notice_preview if options["dry_run"] else calendar_notice_import
        outcome = apply(notice, actor=None)
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
            return
        self.write_outcome(outcome, dry_run=options["dry_run"])

    def write_outcome(self, outcome: NoticeOutcome, *, dry_run: bool) -> None:
        self.stdout.write(("（预览，未保存）" if dry_run else "") + outcome.summary())
        for d in outcome.days:
            kept = f"  （保留地方性日期：{d.kept_local}）" if d.kept_local else ""
            self.stdout.write(f"  {d.date.isoformat()} {WEEKDAYS_ZH[d.date.weekday()]}  {d.kind_label}  {d.name}{kept}")
        for note in outcome.warnings:
            self.stdout.write(f"  注意：{note}")
        if outcome.changes:
            self.stdout.write("上班/休息改变的日期：")
            words = {"working": "上班", "rest": "休息", None: "未覆盖"}
            for c in outcome.changes:
                self.stdout.write(f"  {c.date.isoformat()} {WEEKDAYS_ZH[c.date.weekday()]}  "
                                  f"{words[c.old]} → {words[c.new]}")
        if outcome.moved:
            self.stdout.write("将重算的未结期限：" if dry_run else "已重算的未结期限：")
            for line in _moves(outcome.moved):
                self.stdout.write(line)

    def do_years(self, options: dict[str, Any]) -> None:
        from jisheng.law.selectors import calendar_years_report

        report = calendar_years_report()
        if options["json"]:
            self.stdout.write(json.dumps({"years": report}, ensure_ascii=False))
            return
        for row in report:
            text = f"{row['year']}  {row['source']}"
            if row["origin"] == "notice":
                text += "（管理员录入的国务院办公厅通知）"
            if not row["stored"]:
                text += "（尚未运行 jisheng bootstrap，直接使用程序包数据）"
            text += f"  休息 {row['holidays']} 天、调休上班 {row['workdays']} 天"
            if row["local_days"]:
                text += f"、地方性日期 {row['local_days']} 天"
            for c in row["corrections"]:
                text += f"；更正 {c['date']}（{c['source']}）"
            if row["release_differences"] is not None:
                n = len(row["release_differences"])
                text += (f"；已安装的 chinesecalendar 与之不同 {n} 天（jisheng bootstrap 列出，"
                         f"jisheng calendar accept-release {row['year']} 采用）" if n else
                         "；已安装的 chinesecalendar 与之一致")
            self.stdout.write(text)

    def do_accept_release(self, options: dict[str, Any]) -> None:
        from jisheng.law.calendar import chinesecalendar_source
        from jisheng.law.services import calendar_release_accept

        moved = calendar_release_accept(year=options["year"], actor=None)
        self.stdout.write(f"{options['year']} 年改用 {chinesecalendar_source()}；"
                          f"{len(moved)} 个未结期限的届满日已重算。")
        for line in _moves(moved):
            self.stdout.write(line)
