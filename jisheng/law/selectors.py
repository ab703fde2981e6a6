"""Reads of the law app: provisions, instruments, calendar days and years, recomputation history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from jisheng.core.errors import InvalidInput

from . import calendar
from .models import (
    CalendarDay,
    CalendarYear,
    DayKind,
    DeadlineRecomputation,
    InstrumentVersion,
    LegalInstrument,
    Provision,
    YearOrigin,
)


def provision_get(key: str) -> Provision:
    """The provision with citation key ``key`` (e.g. ``js-pfp-reg-2002/art-22/item-6``).

    Raises :class:`InvalidInput` when it is not in the database (run ``jisheng bootstrap``).
    """
    try:
        return Provision.objects.select_related("version__instrument").get(key=key)
    except Provision.DoesNotExist:
        raise InvalidInput(_("未知的条款引用键 %(k)s。") % {"k": key}, location=key) from None


def provision_search(query: str = "", *, instrument: str = "", limit: int = 200) -> QuerySet[Provision]:
    """Provisions matching ``query`` in key, title, summary or instrument title (all when empty)."""
    qs = Provision.objects.select_related("version__instrument").order_by("version__instrument__key",
                                                                         "version__effective", "article",
                                                                         "paragraph", "item")
    if instrument:
        qs = qs.filter(version__instrument__key=instrument)
    for word in query.split():
        qs = qs.filter(Q(key__icontains=word) | Q(title__icontains=word) | Q(summary__icontains=word)
                       | Q(version__instrument__title__icontains=word)
                       | Q(version__instrument__short_title__icontains=word))
    return qs[:limit]


def instrument_list() -> QuerySet[LegalInstrument]:
    """Every instrument with its versions, by key."""
    return LegalInstrument.objects.prefetch_related("versions").order_by("level", "key")


def versions_in_force(on: dt.date) -> QuerySet[InstrumentVersion]:
    """Instrument versions in force on ``on`` (effective ≤ on < valid_to)."""
    return InstrumentVersion.objects.filter(Q(effective__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def calendar_days(year: int) -> QuerySet[CalendarDay]:
    """The holidays and make-up workdays of ``year``."""
    return CalendarDay.objects.filter(date__year=year).order_by("date")


def calendar_years() -> QuerySet[CalendarYear]:
    return CalendarYear.objects.order_by("year")


def recomputations(limit: int = 100) -> QuerySet[DeadlineRecomputation]:
    """The latest recorded deadline moves."""
    return DeadlineRecomputation.objects.select_related("actor").order_by("-at", "-id")[:limit]


@dataclass(frozen=True)
class ReleaseDifference:
    """A day of a notice year where the installed chinesecalendar release says otherwise. ``notice`` and
    ``release`` are ``(kind, name)`` or None (an ordinary day: Monday–Friday working, weekends rest)."""

    date: dt.date
    notice: tuple[str, str] | None
    release: tuple[str, str] | None

    @staticmethod
    def _say(day: dt.date, value: tuple[str, str] | None) -> str:
        if value is None:
            return _("平常日（上班）") if day.weekday() < 5 else _("平常周末（休息）")
        return f"{DayKind(value[0]).label} {value[1]}"

    def describe(self) -> str:
        """"2027-02-13（星期六）通知：调休工作日（上班） 春节，程序包：平常周末（休息）"."""
        return _("%(d)s 通知：%(n)s，程序包：%(r)s") % {
            "d": calendar.describe_day(self.date), "n": self._say(self.date, self.notice),
            "r": self._say(self.date, self.release)}


def release_differences(year: int) -> list[ReleaseDifference]:
    """Days of ``year`` — entered from the State Council notice — where the installed chinesecalendar release
    differs in working status (names are not compared). Empty when the year is not a notice year or the
    package does not cover it."""
    from .notices import notice_from_json

    cy = CalendarYear.objects.filter(year=year).first()
    if cy is None or cy.origin != YearOrigin.NOTICE or not cy.notice or year not in calendar.chinesecalendar_years():
        return []
    entered = notice_from_json(cy.notice).days()
    released = {d: (kind, name) for d, kind, name, _s in calendar.statutory_exceptions() if d.year == year}

    def working(day: dt.date, value: tuple[str, str] | None) -> bool:
        return value[0] == "workday" if value else day.weekday() < 5

    return [ReleaseDifference(d, entered.get(d), released.get(d)) for d in sorted(set(entered) | set(released))
            if working(d, entered.get(d)) != working(d, released.get(d))]


def calendar_years_report() -> list[dict[str, Any]]:
    """Every covered year with where it came from (``jisheng calendar years``, contract §1a)::

        [{"year": 2027, "source": "国办发明电〔2026〕N号", "origin": "notice", "stored": true, "holidays": 11,
          "workdays": 1, "local_days": 0, "corrections": [], "release_differences": null}, ...]

    ``origin``: ``chinesecalendar`` or ``notice``; ``corrections``: shipped corrections applied in the year
    (``{"date", "kind", "source"}``); ``release_differences``: for a notice year the installed package also
    covers, the days where it differs (``{"date", "notice", "release"}``), else null. Before ``jisheng
    bootstrap`` (empty tables) the package's years are listed with ``stored`` false.
    """
    corrections: dict[int, list[dict[str, str]]] = {}
    for c in calendar.corrections():
        corrections.setdefault(c.date.year, []).append({"date": c.date.isoformat(), "kind": c.kind, "source": c.source})
    rows = list(CalendarYear.objects.order_by("year"))
    if not rows:
        source = calendar.chinesecalendar_source()
        counts: dict[int, dict[str, int]] = {}
        for d, kind, _name, _s in calendar.statutory_exceptions():
            counts.setdefault(d.year, {"holiday": 0, "workday": 0})[kind] += 1
        return [{"year": y, "source": source, "origin": YearOrigin.CHINESECALENDAR.value, "stored": False,
                 "holidays": counts.get(y, {}).get("holiday", 0), "workdays": counts.get(y, {}).get("workday", 0),
                 "local_days": 0, "corrections": corrections.get(y, []), "release_differences": None}
                for y in calendar.chinesecalendar_years()]
    stats: dict[tuple[int, str, bool], int] = {}
    for r in (CalendarDay.objects.values("date__year", "kind", "local").annotate(n=Count("id"))):
        stats[(r["date__year"], r["kind"], r["local"])] = r["n"]
    package_years = calendar.chinesecalendar_years()
    report = []
    for cy in rows:
        y = cy.year
        notice_year = cy.origin == YearOrigin.NOTICE
        report.append({
            "year": y, "source": cy.source, "origin": cy.origin, "stored": True,
            "holidays": stats.get((y, "holiday", False), 0), "workdays": stats.get((y, "workday", False), 0),
            "local_days": stats.get((y, "holiday", True), 0) + stats.get((y, "workday", True), 0),
            "corrections": [] if notice_year else corrections.get(y, []),
            "release_differences": [{"date": d.date.isoformat(), "notice": d.notice[0] if d.notice else None,
                                     "release": d.release[0] if d.release else None}
                                    for d in release_differences(y)] if notice_year and y in package_years else None,
        })
    return report
