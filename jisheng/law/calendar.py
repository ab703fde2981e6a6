"""China's working-day calendar and its precomputed index.

A day of a *covered* year is a working day when it is Monday–Friday and not a statutory holiday, or a
make-up working weekend (调休上班). The exceptions live in :class:`~jisheng.law.models.CalendarDay`
(imported from chinesecalendar, plus local holidays an administrator adds); the covered years in
:class:`~jisheng.law.models.CalendarYear`. A date in a year that is not covered raises
:class:`CalendarYearMissing` naming the year — never a weekend-only guess.

The index (:class:`CalendarIndex`) holds, for every day of the covered range, whether it is a working
day and the cumulative number of working days, plus the ordinal of every working day in order. With
it, "the n-th working day after d" and "working days between a and b" are two array look-ups (O(1)).
It is built once per process, cached, rebuilt when a calendar write goes through
:mod:`jisheng.law.services` (:func:`invalidate`), and re-validated against the database at most every
:data:`RECHECK_SECONDS` so other processes see changes too (ADR 0010).

When the calendar tables are empty (a fresh database, a test database), the index is built directly
from the installed chinesecalendar package with the shipped :func:`corrections` applied, so deadlines work
before ``jisheng bootstrap`` has run.

A year comes from the package or from the State Council notice an administrator entered
(:mod:`jisheng.law.notices`, ``jisheng calendar import-notice``); see ADR 0047.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from jisheng.core.errors import InvalidInput

#: Seconds between checks that the cached index still matches the database.
RECHECK_SECONDS = 30.0

WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

#: chinesecalendar's English holiday names → the official Chinese names.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarYearMissing(InvalidInput):
    """The working-day calendar does not cover ``year``; nothing is guessed.

    ``str(error)`` names the year, e.g. "工作日历缺少2027年的节假日安排…".
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _("工作日历缺少%(year)d年的节假日安排（国务院办公厅尚未公布或尚未导入），无法计算期限。")
            % {"year": year}
        )


def chinesecalendar_source() -> str:
    """The source label of imported rows, e.g. ``"chinesecalendar 1.11.0"``."""
    import chinese_calendar

    return f"chinesecalendar {getattr(chinese_calendar, '__version__', '?')}"


def chinesecalendar_years() -> range:
    """The years the installed chinesecalendar package covers (e.g. 2004–2026 for 1.11.0)."""
    from chinese_calendar import constants

    return range(min(constants.holidays).year, max(constants.holidays).year + 1)


@dataclass(frozen=True)
class Exception_:
    """An exception day in the index: ``kind`` is ``"holiday"`` or ``"workday"``."""

    date: dt.date
    kind: str
    name: str


@dataclass
class CalendarIndex:
    """Precomputed working-day index over the covered years ``first_year``…``last_year``.

    - ``base``: ordinal of 1 January of ``first_year``;
    - ``work[i]``: 1 when day ``base + i`` is a working day;
    - ``cum[i]``: working days in ``[base, base + i]`` (inclusive);
    - ``workdays[k]``: ordinal of the (k+1)-th working day from ``base``;
    - ``missing``: years inside the range that are not covered (normally none).
    """

    first_year: int
    last_year: int
    base: int
    end: int
    work: bytearray
    cum: array[int]
    workdays: array[int]
    missing: frozenset[int]
    exceptions: dict[int, Exception_]
    exception_ordinals: list[int]
    source: str
    fingerprint: tuple[object, ...] = ()
    checked_at: float = field(default=0.0)

    # --- boundaries ---------------------------------------------------------------------------
    def require(self, ordinal: int) -> int:
        """Return the index position of ``ordinal``; raise :class:`CalendarYearMissing` outside coverage."""
        i = ordinal - self.base
        if i < 0:
            raise CalendarYearMissing(dt.date.fromordinal(ordinal).year)
        if ordinal > self.end:  # the first uncovered year on the way there
            raise CalendarYearMissing(self.last_year + 1)
        if self.missing:
            year = dt.date.fromordinal(ordinal).year
            if year in self.missing:
                raise CalendarYearMissing(year)
        return i

    def require_span(self, first: int, last: int) -> None:
        """Raise :class:`CalendarYearMissing` unless every day in ``[first, last]`` is covered."""
        self.require(first)
        self.require(last)
        if self.missing:
            y0, y1 = dt.date.fromordinal(first).year, dt.date.fromordinal(last).year
            for year in range(y0, y1 + 1):
                if year in self.missing:
                    raise CalendarYearMissing(year)

    # --- O(1) primitives (ordinals) -----------------------------------------------------------
    def is_working(self, ordinal: int) -> bool:
        return bool(self.work[self.require(ordinal)])

    def nth_working_after(self, ordinal: int, n: int) -> int:
        """Ordinal of the ``n``-th working day after ``ordinal`` (the day itself not counted; n ≥ 1)."""
        k = self.cum[self.require(ordinal)] + n - 1
        if k >= len(self.workdays):
            raise CalendarYearMissing(self.last_year + 1)
        result = self.workdays[k]
        if self.missing:
            self.require_span(ordinal, result)
        return result

    def next_working_on_or_after(self, ordinal: int) -> int:
        """Ordinal of ``ordinal`` if it is a working day, else of the next working day."""
        i = self.require(ordinal)
        if self.work[i]:
            return ordinal
        k = self.cum[i]
        if k >= len(self.workdays):
            raise CalendarYearMissing(self.last_year + 1)
        return self.workdays[k]

    def working_between(self, first: int, last: int) -> int:
        """Working days in ``[first, last]`` (inclusive; 0 when ``last < first``)."""
        if last < first:
            return 0
        self.require_span(first, last)
        i, j = first - self.base, last - self.base
        return self.cum[j] - (self.cum[i - 1] if i > 0 else 0)

    def exceptions_between(self, first: int, last: int) -> list[Exception_]:
        """Exception days (holidays, make-up workdays) in ``[first, last]``, in date order."""
        from bisect import bisect_left, bisect_right

        lo = bisect_left(self.exception_ordinals, first)
        hi = bisect_right(self.exception_ordinals, last)
        return [self.exceptions[o] for o in self.exception_ordinals[lo:hi]]


def build_index(
    years: list[int], exceptions: list[tuple[dt.date, str, str]], *, source: str,
    fingerprint: tuple[object, ...] = (),
) -> CalendarIndex:
    """Build the index for ``years`` with exception days ``(date, kind, name)``.

    Exceptions outside the covered years are ignored. Raises :class:`InvalidInput` if ``years`` is empty.
    """
    if not years:
        raise InvalidInput(_("工作日历为空：没有任何年份的节假日安排。"), location="calendar")
    first_year, last_year = min(years), max(years)
    covered = set(years)
    missing = frozenset(y for y in range(first_year, last_year + 1) if y not in covered)
    base = dt.date(first_year, 1, 1).toordinal()
    end = dt.date(last_year, 12, 31).toordinal()
    size = end - base + 1
    work = bytearray(size)
    # Monday–Friday: base weekday known; iterate once.
    wd = dt.date.fromordinal(base).weekday()
    for i in range(size):
        work[i] = 1 if (wd + i) % 7 < 5 else 0
    by_ordinal: dict[int, Exception_] = {}
    for day, kind, name in exceptions:
        o = day.toordinal()
        if not (base <= o <= end) or day.year in missing:
            continue
        by_ordinal[o] = Exception_(day, kind, name)
        work[o - base] = 1 if kind == "workday" else 0
    for year in missing:  # uncovered years never count as working days
        a, b = dt.date(year, 1, 1).toordinal() - base, dt.date(year, 12, 31).toordinal() - base
        for i in range(a, b + 1):
            work[i] = 0
    workdays = array("l")
    running = 0
    cum_list = [0] * size
    for i in range(size):
        if work[i]:
            running += 1
            workdays.append(base + i)
        cum_list[i] = running
    cum = array("l", cum_list)
    return CalendarIndex(
        first_year=first_year, last_year=last_year, base=base, end=end, work=work, cum=cum,
        workdays=workdays, missing=missing, exceptions=by_ordinal, exception_ordinals=sorted(by_ordinal),
        source=source, fingerprint=fingerprint,
    )


def chinesecalendar_exceptions() -> list[tuple[dt.date, str, str]]:
    """The holidays and make-up workdays of the installed chinesecalendar, names in Chinese (as released,
    without :func:`corrections`)."""
    from chinese_calendar import constants

    rows = [(d, "holiday", HOLIDAY_NAMES_ZH.get(str(n), str(n))) for d, n in constants.holidays.items()]
    rows += [(d, "workday", HOLIDAY_NAMES_ZH.get(str(n), str(n))) for d, n in constants.workdays.items()]
    return sorted(rows)


#: The corrections shipped with the reference data (``jisheng bootstrap`` applies them over the package).
CORRECTIONS_FILE = Path(__file__).resolve().parent / "data" / "calendar" / "corrections.yaml"


@dataclass(frozen=True)
class Correction:
    """A day where chinesecalendar contradicts the published notice: ``kind`` is what the notice says.

    ``source`` is the notice's number (e.g. 国办发明电〔2005〕35号), ``notice`` its title and date, ``read_at`` where
    the text was read; ``location`` is ``file:line`` of the entry.
    """

    date: dt.date
    kind: str
    name: str
    source: str
    notice: str
    read_at: tuple[str, ...]
    verified: bool
    location: str

    @property
    def label(self) -> str:
        """The source stored on the day, e.g. "国办发明电〔2005〕35号（更正 chinesecalendar）"."""
        return _("%(s)s（更正 chinesecalendar）") % {"s": self.source}


def corrections(path: Path | None = None) -> list[Correction]:
    """The corrections of ``data/calendar/corrections.yaml``, by date.

    Raises :class:`InvalidInput` naming file and line for an impossible date, a kind other than
    ``holiday``/``workday``, a missing name, source, notice or ``read_at``, or the same date twice.
    """
    from . import yamlio

    path = path or CORRECTIONS_FILE
    root = yamlio.compose(path)
    top = yamlio.as_dict(path, root, "corrections file", required={"corrections"}, allowed={"corrections"})
    items = top["corrections"]
    if not isinstance(items, yaml.SequenceNode):
        raise InvalidInput(_("“corrections”必须是列表。"), location=yamlio.location(path, items))
    found: dict[dt.date, Correction] = {}
    keys = {"date", "kind", "name", "source", "notice", "says", "package", "read_at", "verified"}
    for item in items.value:
        f = yamlio.as_dict(path, item, "correction", required=keys - {"package", "says"}, allowed=keys)
        day = yamlio.date(path, f["date"], "date")
        assert day is not None
        kind = yamlio.string(path, f["kind"], "kind")
        if kind not in ("holiday", "workday"):
            raise InvalidInput(_("类型必须是 holiday 或 workday。"), location=yamlio.location(path, f["kind"]))
        if day in found:
            raise InvalidInput(_("%(d)s 重复。") % {"d": day.isoformat()}, location=yamlio.location(path, item))
        read_at = f["read_at"]
        if not isinstance(read_at, yaml.SequenceNode) or not read_at.value:
            raise InvalidInput(_("“read_at”必须列出至少一处读到通知原文的地方。"),
                               location=yamlio.location(path, read_at))
        found[day] = Correction(
            date=day, kind=kind, name=yamlio.string(path, f["name"], "name"),
            source=yamlio.string(path, f["source"], "source"), notice=yamlio.string(path, f["notice"], "notice"),
            read_at=tuple(yamlio.string(path, n, "read_at") for n in read_at.value),
            verified=yamlio.boolean(path, f["verified"], "verified"), location=yamlio.location(path, item))
    return [found[d] for d in sorted(found)]


def statutory_exceptions() -> list[tuple[dt.date, str, str, str]]:
    """The package's days with :func:`corrections` applied: ``(date, kind, name, source)`` in date order.

    This is what ``jisheng bootstrap`` stores for the years the package covers (a year entered from a notice
    excepted) and what the index uses while the tables are empty.
    """
    source = chinesecalendar_source()
    rows = {d: (d, kind, name, source) for d, kind, name in chinesecalendar_exceptions()}
    years = chinesecalendar_years()
    for c in corrections():
        if c.date.year in years:
            rows[c.date] = (c.date, c.kind, c.name, c.label)
    return [rows[d] for d in sorted(rows)]


_lock = threading.Lock()
_cached: CalendarIndex | None = None


def _fingerprint() -> tuple[object, ...]:
    from django.db.models import Count, Max

    from .models import CalendarDay, CalendarYear

    y = CalendarYear.objects.aggregate(n=Count("id"), m=Max("updated_at"), s=Max("id"))
    d = CalendarDay.objects.aggregate(n=Count("id"), m=Max("updated_at"), s=Max("id"))
    return (y["n"], y["m"], y["s"], d["n"], d["m"], d["s"])


_pinned = threading.local()


def _load() -> CalendarIndex:
    from .models import CalendarDay, CalendarYear

    fingerprint = _fingerprint()
    years = list(CalendarYear.objects.values_list("year", flat=True))
    if not years:
        return build_index(list(chinesecalendar_years()),
                           [(d, kind, name) for d, kind, name, _source in statutory_exceptions()],
                           source=chinesecalendar_source() + _("（数据库日历为空，直接使用程序包数据）"),
                           fingerprint=fingerprint)
    rows = list(CalendarDay.objects.values_list("date", "kind", "name"))
    sources = sorted(set(CalendarYear.objects.values_list("source", flat=True)))
    return build_index(years, rows, source="; ".join(sources), fingerprint=fingerprint)


def load() -> CalendarIndex:
    """A fresh index of the calendar as this database connection sees it (inside a transaction: with its
    uncommitted rows), neither cached nor shared — for a write to recompute deadlines with (:func:`pinned`)."""
    index = _load()
    index.checked_at = time.monotonic()
    return index


@contextmanager
def pinned(index: CalendarIndex) -> Iterator[CalendarIndex]:
    """Make :func:`get_index` return ``index`` in this thread inside the ``with`` block.

    A calendar write recomputes open deadlines with the index of its own, not yet committed rows (or, for a
    preview, rows it will roll back) without publishing that index to other threads of the process.
    """
    previous = getattr(_pinned, "index", None)
    _pinned.index = index
    try:
        yield index
    finally:
        _pinned.index = previous


def get_index() -> CalendarIndex:
    """Return the cached index, (re)building it when needed. Reads the database at most every 30 s.

    Inside :func:`pinned` the pinned index is returned instead.
    """
    global _cached
    pinned_index = getattr(_pinned, "index", None)
    if pinned_index is not None:
        return pinned_index  # type: ignore[no-any-return]
    index = _cached
    now = time.monotonic()
    if index is not None and now - index.checked_at < RECHECK_SECONDS:
        return index
    with _lock:
        index = _cached
        if index is not None and time.monotonic() - index.checked_at < RECHECK_SECONDS:
            return index
        if index is not None and index.fingerprint == _fingerprint():
            index.checked_at = time.monotonic()
            return index
        index = _load()
        index.checked_at = time.monotonic()
        _cached = index
        return index


def invalidate() -> None:
    """Drop the cached index (called by every calendar write; tests call it after rolling back)."""
    global _cached
    with _lock:
        _cached = None


# --- date-level helpers for other apps ------------------------------------------------------------

def is_working_day(day: dt.date) -> bool:
    """True when ``day`` is a working day. Raises :class:`CalendarYearMissing` for an uncovered year."""
    return get_index().is_working(day.toordinal())


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself not counted; ``n`` ≥ 1)."""
    if n < 1:
        raise InvalidInput(_("工作日数必须为正整数。"), location="days")
    return dt.date.fromordinal(get_index().nth_working_after(start.toordinal(), n))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in ``(start, end]`` — e.g. how many working days of a period have elapsed."""
    return get_index().working_between(start.toordinal() + 1, end.toordinal())


def covered_years() -> list[int]:
    """The years the calendar covers, ascending."""
    index = get_index()
    return [y for y in range(index.first_year, index.last_year + 1) if y not in index.missing]


def describe_day(day: dt.date) -> str:
    """``"2026-10-10（星期六）"``."""
    return f"{day.isoformat()}（{WEEKDAYS_ZH[day.weekday()]}）"
