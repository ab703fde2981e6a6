"""All writes of the law app: calendar import, local holidays, deadline recomputation, provision loading.

Other apps keep their own open deadlines and let the law app move them when the calendar changes::

    from jisheng.law.services import register_recomputer, Recomputed

    def recompute_case_deadlines(*, first: date, last: date) -> list[Recomputed]:
        # re-run compute_due for every open deadline whose period touches [first, last], save the new
        # due dates and return (subject, old_due, new_due) for those that moved
        ...

    register_recomputer("cases", recompute_case_deadlines)

:func:`calendar_day_set` / :func:`calendar_day_remove` call every recomputer after the change and record
each moved due date in the append-only :class:`~jisheng.law.models.DeadlineRecomputation` table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jisheng.core import audit
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
)
from .provisions import load_instruments


@dataclass(frozen=True)
class Recomputed:
    """A deadline that moved: ``subject`` names it (e.g. ``"cases.case:42/decision"``); a due date is None
    while the calendar lacked a year the period runs into (pending calendar)."""

    subject: str
    old_due: dt.date | None
    new_due: dt.date | None


Recomputer = Callable[..., list[Recomputed]]
_recomputers: dict[str, Recomputer] = {}


def register_recomputer(name: str, func: Recomputer) -> None:
    """Register ``func(*, first: date, last: date) -> list[Recomputed]``, called after a calendar change
    affecting days ``first``…``last``; it must recompute and save the open deadlines it owns."""
    _recomputers[name] = func


def recomputers() -> dict[str, Recomputer]:
    return dict(_recomputers)


def calendar_import(*, years: range | None = None, actor: Any = None) -> str:
    """Import statutory holidays and make-up workdays from chinesecalendar (idempotent).

    Keeps local holidays an administrator added; replaces imported rows of the imported years. Returns a
    one-line summary. ``years`` defaults to every year the installed package covers.
    """
    source = calendar.chinesecalendar_source()
    years = years or calendar.chinesecalendar_years()
    wanted = {d: (kind, name) for d, kind, name in calendar.chinesecalendar_exceptions() if d.year in years}
    created = updated = 0
    with transaction.atomic(), audit.acting(actor):
        for year in years:
            CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
        existing = {row.date: row for row in CalendarDay.objects.filter(date__year__in=list(years), local=False)}
        for day, (kind, name) in sorted(wanted.items()):
            row = existing.pop(day, None)
            if row is None:
                if CalendarDay.objects.filter(date=day, local=True).exists():
                    continue  # an administrator's decision for that day wins
                CalendarDay.objects.create(date=day, kind=kind, name=name, source=source)
                created += 1
            elif (row.kind, row.name, row.source) != (kind, name, source):
                row.kind, row.name, row.source = kind, name, source
                row.save()
                updated += 1
        for row in existing.values():  # imported rows the package no longer has
            row.delete()
    calendar.invalidate()
    return _("%(y0)d–%(y1)d 年，新增 %(c)d 天，更新 %(u)d 天（来源：%(s)s）") % {
        "y0": years[0], "y1": years[-1], "c": created, "u": updated, "s": source}


def _ensure_imported(actor: Any) -> None:
    if not CalendarYear.objects.exists():
        calendar_import(actor=actor)


def _recompute(*, first: dt.date, last: dt.date, reason: str, actor: Any) -> list[DeadlineRecomputation]:
    calendar.invalidate()
    rows: list[DeadlineRecomputation] = []
    for func in _recomputers.values():
        for moved in func(first=first, last=last):
            if moved.old_due != moved.new_due:
                rows.append(DeadlineRecomputation.objects.create(
                    subject=moved.subject, old_due=moved.old_due, new_due=moved.new_due, reason=reason,
                    actor=actor if getattr(actor, "pk", None) else None))
    return rows


def calendar_day_set(*, date: dt.date, kind: str, name: str, actor: Any,
                     reason: str = "") -> list[DeadlineRecomputation]:
    """Add or change a local calendar day (``kind`` ``holiday`` = rest day, ``workday`` = working day).

    The year must be covered by the calendar. Recomputes every registered open deadline and returns the
    recorded moves. Raises :class:`InvalidInput` for an unknown kind, an empty name or an uncovered year.
    """
    if kind not in DayKind.values:
        raise InvalidInput(_("类型必须是 holiday 或 workday。"), location="kind")
    if not name.strip():
        raise InvalidInput(_("请填写名称。"), location="name")
    with transaction.atomic(), audit.acting(actor):
        _ensure_imported(actor)
        if not CalendarYear.objects.filter(year=date.year).exists():
            raise calendar.CalendarYearMissing(date.year)
        CalendarDay.objects.update_or_create(
            date=date, defaults={"kind": kind, "name": name.strip(), "local": True,
                                 "source": _("管理员添加（%(user)s）") % {"user": getattr(actor, "username", "-")}})
        why = reason or _("工作日历变更：%(d)s 设为%(k)s（%(n)s）") % {
            "d": date.isoformat(), "k": DayKind(kind).label, "n": name.strip()}
        return _recompute(first=date, last=date, reason=why, actor=actor)


def calendar_day_remove(*, date: dt.date, actor: Any, reason: str = "") -> list[DeadlineRecomputation]:
    """Remove a local calendar day added by an administrator and recompute open deadlines.

    When the local day had replaced an imported statutory day (e.g. a local change of 2026-10-01), the
    statutory day comes back instead of the date silently becoming an ordinary weekday.
    Imported (statutory) days cannot be removed here; raises :class:`InvalidInput` for them or a missing day.
    """
    with transaction.atomic(), audit.acting(actor):
        row = CalendarDay.objects.filter(date=date).first()
        if row is None or not row.local:
            raise InvalidInput(_("%(d)s 不是管理员添加的地方性日期，不能删除。") % {"d": date.isoformat()},
                               location="date")
        name = row.name
        statutory = {d: (kind, n) for d, kind, n in calendar.chinesecalendar_exceptions() if d == date}
        if date in statutory and CalendarYear.objects.filter(year=date.year).exists():
            row.kind, row.name = statutory[date]
            row.local, row.source = False, calendar.chinesecalendar_source()
            row.save()
        else:
            row.delete()
        why = reason or _("工作日历变更：删除 %(d)s（%(n)s）") % {"d": date.isoformat(), "n": name}
        return _recompute(first=date, last=date, reason=why, actor=actor)


def provisions_load(*, actor: Any = None) -> str:
    """Mirror the instrument/provision YAML catalogue into the database (idempotent; removes stale rows).

    Raises :class:`InvalidInput` (file and line) when a file is bad; nothing is written then.
    """
    instruments = load_instruments()
    counts = {"instruments": 0, "versions": 0, "provisions": 0}
    with transaction.atomic(), audit.acting(actor):
        for inst in instruments.values():
            instrument, _created = LegalInstrument.objects.update_or_create(key=inst.key, defaults={
                "title": inst.title, "short_title": inst.short_title, "issuer": inst.issuer,
                "document_number": inst.document_number, "level": inst.level, "promulgated": inst.promulgated,
                "effective": inst.effective, "repealed": inst.repealed, "source": inst.source or inst.path,
                "summary": inst.summary, "verified": inst.verified})
            counts["instruments"] += 1
            for v in inst.versions:
                version, _created = InstrumentVersion.objects.update_or_create(key=v.key, defaults={
                    "instrument": instrument, "label": v.label, "adopted": v.adopted, "effective": v.effective,
                    "valid_to": v.valid_to, "document_number": v.document_number, "note": v.note,
                    "source": v.source, "verified": v.verified})
                counts["versions"] += 1
                for p in v.provisions:
                    Provision.objects.update_or_create(key=p.key, defaults={
                        "version": version, "article": p.article, "paragraph": p.paragraph, "item": p.item,
                        "title": p.title, "summary": p.summary, "verified": p.verified, "source": p.location})
                    counts["provisions"] += 1
                version.provisions.exclude(key__in=[p.key for p in v.provisions]).delete()
            instrument.versions.exclude(key__in=[v.key for v in inst.versions]).delete()
        LegalInstrument.objects.exclude(key__in=list(instruments)).delete()
    return _("%(instruments)d 部法律文件，%(versions)d 个版本，%(provisions)d 个条款") % counts


def provisions_ensure_loaded() -> None:
    """Load the provision catalogue with bulk inserts when the tables are empty (a fresh or test database).

    Pages call this so they work before ``jisheng bootstrap``; once loaded it is one cheap EXISTS query.
    """
    if LegalInstrument.objects.exists():
        return
    with transaction.atomic():
        for inst in load_instruments().values():
            instrument = LegalInstrument.objects.create(
                key=inst.key, title=inst.title, short_title=inst.short_title, issuer=inst.issuer,
                document_number=inst.document_number, level=inst.level, promulgated=inst.promulgated,
                effective=inst.effective, repealed=inst.repealed, source=inst.source or inst.path,
                summary=inst.summary, verified=inst.verified)
            versions = InstrumentVersion.objects.bulk_create([InstrumentVersion(
                key=v.key, instrument=instrument, label=v.label, adopted=v.adopted, effective=v.effective,
                valid_to=v.valid_to, document_number=v.document_number, note=v.note, source=v.source,
                verified=v.verified) for v in inst.versions])
            by_key = {v.key: v for v in versions}
            Provision.objects.bulk_create([Provision(
                key=p.key, version=by_key[v.key], article=p.article, paragraph=p.paragraph, item=p.item,
                title=p.title, summary=p.summary, verified=p.verified, source=p.location)
                for v in inst.versions for p in v.provisions])


def _provisions_loader(stdout: Any = None) -> str:
    """``jisheng bootstrap`` step: load the provision catalogue (a command: its own audit context, no request)."""
    with audit.context(actor=None):
        return provisions_load()


def _calendar_loader(stdout: Any = None) -> str:
    """``jisheng bootstrap`` step: import the working-day calendar (a command: its own audit context, no request)."""
    with audit.context(actor=None):
        return calendar_import()
