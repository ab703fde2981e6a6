"""The statutory deadline engine (contract §1).

:func:`compute_due` is a pure function of its arguments and the working-day calendar:

- the start day is not counted; day 1 is the day after ``start``;
- ``unit="working"``: the ``amount``-th working day after ``start`` (statutory holidays excluded,
  make-up working weekends included) — 行政许可法 Art. 82, 政府信息公开条例 "工作日";
- ``unit="calendar"``: ``start + amount`` days; ``unit="months"``: the same day ``amount`` months later
  (the last day of that month when it has no such day — 民法典 Art. 202); in both cases a last day that is
  not a working day moves to the next working day;
- ``extension``: ``amount + extension`` units, applied once (e.g. 行政许可法 Art. 42 para 1: 20 + 10);
- ``suspensions``: inclusive ``(first, last)`` date ranges (中止/不计入期限的时间); each working day of a
  suspension that falls inside the running period ``(start, due]`` pushes the due date one working day
  later, repeatedly, until no suspended working day is left uncounted.

Each computation is O(1) array look-ups in the precomputed index (plus one step per suspension);
a year the calendar does not cover raises :class:`~jisheng.law.calendar.CalendarYearMissing`.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jisheng.core.errors import InvalidInput

from .calendar import CalendarIndex, CalendarYearMissing, describe_day, get_index

__all__ = ["UNITS", "CalendarYearMissing", "DeadlineResult", "add_months", "compute_due", "due_date"]

UNITS = ("working", "calendar", "months")
UNIT_LABELS = {"working": "个工作日", "calendar": "日", "months": "个月"}


@dataclass(frozen=True)
class DeadlineResult:
    """A computed due date (the last day of the period, inclusive) and the steps that led to it.

    ``explanation`` is a list of human-readable Chinese sentences: start, day 1, holidays skipped,
    make-up workdays counted, suspensions, extension, roll-over to a working day, the due date.
    """

    due: dt.date
    explanation: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The contract §1 JSON shape: ``{"due": "YYYY-MM-DD", "explanation": [...]}``."""
        return {"due": self.due.isoformat(), "explanation": list(self.explanation)}


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later; the month's last day when there is none (民法典 Art. 202)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(start.day, _stdcal.monthrange(year, month)[1]))


def _validate(amount: int, unit: str, extension: int) -> None:
    if unit not in UNITS:
        raise InvalidInput(_("期限单位必须是 working、calendar 或 months。"), location="unit")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise InvalidInput(_("期限必须是正整数。"), location="days")
    if isinstance(extension, bool) or not isinstance(extension, int) or extension < 0:
        raise InvalidInput(_("延长期限必须是非负整数。"), location="extend")


def _merge(suspensions: Sequence[tuple[dt.date, dt.date]]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for i, (a, b) in enumerate(suspensions):
        if b < a:
            raise InvalidInput(_("中止期间的结束日早于开始日。"), location=f"suspend[{i}]")
        spans.append((a.toordinal(), b.toordinal()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _suspended_working(index: CalendarIndex, spans: list[tuple[int, int]], first: int, last: int) -> int:
    """Working days in ``[first, last]`` that lie inside a suspension."""
    total = 0
    for a, b in spans:
        lo, hi = max(a, first), min(b, last)
        if lo <= hi:
            total += index.working_between(lo, hi)
    return total


def _base_due(index: CalendarIndex, s: int, total: int, unit: str, start: dt.date) -> tuple[int, int]:
    """Return ``(raw_last_day, due)`` ordinals before suspensions."""
    if unit == "working":
        due = index.nth_working_after(s, total)
        return due, due
    if unit == "calendar":
        raw = s + total
    else:
        try:
            raw = add_months(start, total).toordinal()
        except (ValueError, OverflowError):  # beyond year 9999: certainly past the calendar's last year
            raise CalendarYearMissing(index.last_year + 1) from None
    index.require_span(s, raw)
    return raw, index.next_working_on_or_after(raw)


def due_date(start: dt.date, amount: int, unit: str, *,
             suspensions: Sequence[tuple[dt.date, dt.date]] = (), extension: int = 0) -> dt.date:
    """Only the due date of :func:`compute_due` (same rules and errors), without the explanation.

    The fast path for bulk work (recomputing open deadlines, benchmarks).
    """
    _validate(amount, unit, extension)
    index = get_index()
    s = start.toordinal()
    index.require(s)
    _raw, due = _base_due(index, s, amount + extension, unit, start)
    if suspensions:
        spans = _merge(suspensions)
        extra = _suspended_working(index, spans, s + 1, due)
        while extra:
            new_due = index.nth_working_after(due, extra)
            extra = _suspended_working(index, spans, due + 1, new_due)
            due = new_due
    return dt.date.fromordinal(due)


def compute_due(start: dt.date, amount: int, unit: str, *,
                suspensions: Sequence[tuple[dt.date, dt.date]] = (), extension: int = 0) -> DeadlineResult:
    """Compute the last day of a statutory period and explain it (contract §1).

    ``start``: the day the period is counted from (not counted itself); ``amount``: ≥ 1 units;
    ``unit``: ``"working"`` (working days), ``"calendar"`` (calendar days) or ``"months"``;
    ``suspensions``: inclusive date ranges whose working days inside the period do not count;
    ``extension``: extra units granted once (0 = none).

    Raises :class:`~jisheng.law.calendar.CalendarYearMissing` (an ``InvalidInput``) naming the year when
    the calendar does not cover a day the computation needs, and ``InvalidInput`` for bad arguments.
    """
    _validate(amount, unit, extension)
    index = get_index()
    s = start.toordinal()
    index.require(s)
    total = amount + extension
    label = UNIT_LABELS[unit]
    steps = [_("起算日：%(d)s，当日不计入期间。") % {"d": describe_day(start)}]
    if extension:
        steps.append(_("期间：%(a)d%(u)s，延长%(e)d%(u)s（只延长一次），合计%(t)d%(u)s。")
                     % {"a": amount, "e": extension, "t": total, "u": label})
    else:
        steps.append(_("期间：%(a)d%(u)s。") % {"a": amount, "u": label})
    raw, due = _base_due(index, s, total, unit, start)
    if unit == "working":
        day1 = index.nth_working_after(s, 1)
        steps.append(_("第1个工作日：%(d)s。") % {"d": describe_day(dt.date.fromordinal(day1))})
    else:
        steps.append(_("第1日：%(d)s。") % {"d": describe_day(dt.date.fromordinal(s + 1))})
    spans = _merge(suspensions) if suspensions else []
    if spans:
        extra = _suspended_working(index, spans, s + 1, due)
        for a, b in spans:
            lo, hi = max(a, s + 1), min(b, due)
            n = index.working_between(lo, hi) if lo <= hi else 0
            steps.append(_("中止期间 %(a)s 至 %(b)s：其中在期间内的工作日 %(n)d 天不计入。")
                         % {"a": dt.date.fromordinal(a).isoformat(), "b": dt.date.fromordinal(b).isoformat(),
                            "n": n})
        base_due = due
        while extra:
            new_due = index.nth_working_after(due, extra)
            extra = _suspended_working(index, spans, due + 1, new_due)
            due = new_due
        if due != base_due:
            steps.append(_("因中止顺延 %(n)d 个工作日：由 %(a)s 顺延至 %(b)s。")
                         % {"n": index.working_between(base_due + 1, due), "a": dt.date.fromordinal(base_due),
                            "b": dt.date.fromordinal(due)})
    last = max(due, raw)
    holidays: dict[str, list[dt.date]] = {}
    workdays: list[dt.date] = []
    for exc in index.exceptions_between(s + 1, last):
        if exc.kind == "holiday":
            holidays.setdefault(exc.name, []).append(exc.date)
        else:
            workdays.append(exc.date)
    if unit == "working":
        for name, days in holidays.items():
            steps.append(_("跳过法定节假日 %(name)s：%(a)s 至 %(b)s（%(n)d 天）。")
                         % {"name": name, "a": days[0].isoformat(), "b": days[-1].isoformat(), "n": len(days)})
        for day in workdays:
            steps.append(_("计入调休工作日：%(d)s。") % {"d": describe_day(day)})
    else:
        steps.append(_("期间最后一日：%(d)s。") % {"d": describe_day(dt.date.fromordinal(raw))})
        raw_exc = index.exceptions.get(raw)
        if raw_exc is not None and raw_exc.kind == "workday":
            # A weekend that is a make-up working day (调休上班): say so, or a Saturday due date looks wrong.
            steps.append(_("该日是调休上班日（%(name)s），为工作日，不顺延。") % {"name": raw_exc.name})
        if not spans and due != raw:
            steps.append(_("期间最后一日不是工作日，顺延至下一个工作日 %(d)s。")
                         % {"d": describe_day(dt.date.fromordinal(due))})
        elif spans and index.next_working_on_or_after(raw) != raw:
            steps.append(_("期间最后一日不是工作日，顺延至下一个工作日 %(d)s。")
                         % {"d": describe_day(dt.date.fromordinal(index.next_working_on_or_after(raw)))})
    due_day = dt.date.fromordinal(due)
    steps.append(_("届满日：%(d)s。") % {"d": describe_day(due_day)})
    return DeadlineResult(due=due_day, explanation=steps)
