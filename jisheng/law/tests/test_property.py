"""Property test: the O(1) engine agrees with an independent day-by-day count over chinesecalendar.

Starts 2013-01-01 … 2026-12-31, periods 1–60 in each unit, with and without extensions and suspensions.
Hypothesis draws a bounded number of random cases; the pinned part checks every start around every
holiday and make-up workday of 2013–2026 with a spread of period lengths (both sides of each boundary).
"""

from __future__ import annotations

import calendar as stdcal
import datetime as dt
import functools
from collections.abc import Iterator

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jisheng.law import calendar as law_calendar
from jisheng.law.calendar import CalendarYearMissing
from jisheng.law.deadlines import due_date
from jisheng.law.services import calendar_import

FIRST, LAST = dt.date(2013, 1, 1), dt.date(2026, 12, 31)
ONE = dt.timedelta(days=1)


class Uncovered(Exception):
    pass


@functools.cache
def workday(day: dt.date) -> bool:
    """chinesecalendar's own answer (raises Uncovered outside its years)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise Uncovered(day.year) from None


def months_later(start: dt.date, months: int) -> dt.date:
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    last = stdcal.monthrange(year, month)[1]
    return dt.date(year, month, start.day if start.day <= last else last)


def reference(start: dt.date, amount: int, unit: str, suspensions: list[tuple[dt.date, dt.date]],
              extension: int) -> dt.date:
    """Walk the calendar one day at a time."""
    total = amount + extension

    def suspended(day: dt.date) -> bool:
        return any(a <= day <= b for a, b in suspensions)

    workday(start)  # the start's year must be covered too
    if unit == "working":
        day, counted = start, 0
        while counted < total:
            day += ONE
            if workday(day) and not suspended(day):
                counted += 1
        return day
    raw = start + dt.timedelta(days=total) if unit == "calendar" else months_later(start, total)
    day = start
    while day < raw:  # every day of the period must be covered
        day += ONE
        workday(day)
    due = raw
    while not workday(due):
        due += ONE
    pending = 0
    if suspensions:
        pending = sum(1 for n in range((due - start).days) if workday(start + ONE * (n + 1))
                      and suspended(start + ONE * (n + 1)))
    while pending:
        due += ONE
        if workday(due) and not suspended(due):
            pending -= 1
    return due


def engine(start: dt.date, amount: int, unit: str, suspensions: list[tuple[dt.date, dt.date]],
           extension: int) -> dt.date | str:
    try:
        return due_date(start, amount, unit, suspensions=suspensions, extension=extension)
    except CalendarYearMissing as exc:
        return f"missing {exc.year}"


def expected(start: dt.date, amount: int, unit: str, suspensions: list[tuple[dt.date, dt.date]],
             extension: int) -> dt.date | str:
    try:
        return reference(start, amount, unit, suspensions, extension)
    except Uncovered as exc:
        return f"missing {exc.args[0]}"


@pytest.fixture
def imported_calendar(db: object) -> Iterator[None]:
    calendar_import()
    law_calendar.invalidate()
    assert law_calendar.get_index().source.startswith("chinesecalendar")
    yield
    law_calendar.invalidate()


days = st.dates(min_value=FIRST, max_value=LAST)
suspension = st.tuples(days, st.integers(0, 20)).map(lambda t: (t[0], t[0] + dt.timedelta(days=t[1])))


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=days, amount=st.integers(1, 60), unit=st.sampled_from(["working", "calendar", "months"]))
def test_engine_matches_day_by_day_count(imported_calendar: None, start: dt.date, amount: int, unit: str) -> None:
    assert engine(start, amount, unit, [], 0) == expected(start, amount, unit, [], 0)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=days, amount=st.integers(1, 60), unit=st.sampled_from(["working", "calendar", "months"]),
       extension=st.sampled_from([0, 0, 10, 15, 20, 30]), suspensions=st.lists(suspension, max_size=3))
def test_engine_matches_with_extensions_and_suspensions(imported_calendar: None, start: dt.date, amount: int,
                                                        unit: str, extension: int,
                                                        suspensions: list[tuple[dt.date, dt.date]]) -> None:
    assert engine(start, amount, unit, suspensions, extension) == \
        expected(start, amount, unit, suspensions, extension)


def _boundary_starts() -> list[dt.date]:
    from chinese_calendar import constants

    special = [d for d in (*constants.holidays, *constants.workdays) if FIRST.year <= d.year <= LAST.year]
    starts = {d + dt.timedelta(days=k) for d in special for k in (-2, -1, 0, 1)}
    starts |= {dt.date(y, 12, d) for y in range(2013, 2027) for d in (1, 2, 3, 20, 31)}  # year ends
    starts |= {dt.date(y, m, d) for y in (2016, 2020, 2024) for m in (1, 2) for d in (28, 29) if (m, d) != (1, 29)}
    return sorted(s for s in starts if FIRST <= s <= LAST)


AMOUNTS = (1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60)


def test_pinned_boundary_starts_in_every_unit(imported_calendar: None) -> None:
    starts = _boundary_starts()
    assert len(starts) > 900
    failures = []
    for start in starts:
        for unit in ("working", "calendar", "months"):
            for amount in AMOUNTS:
                got, want = engine(start, amount, unit, [], 0), expected(start, amount, unit, [], 0)
                if got != want:
                    failures.append((start, amount, unit, got, want))
    assert failures == []


def test_fallback_index_without_database_rows_equals_imported(db: object) -> None:
    """A fresh database (no calendar rows) builds the same index straight from chinesecalendar."""
    law_calendar.invalidate()
    fallback = law_calendar.get_index()
    assert "数据库日历为空" in fallback.source
    calendar_import()
    law_calendar.invalidate()
    imported = law_calendar.get_index()
    assert (fallback.first_year, fallback.last_year) == (imported.first_year, imported.last_year) == (2004, 2026)
    assert fallback.work == imported.work
    assert list(fallback.workdays) == list(imported.workdays)
