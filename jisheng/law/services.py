"""All writes of the law app: the working-day calendar (package import, the State Council notice, local days),
deadline recomputation, provision loading.

Other apps keep their own open deadlines and let the law app move them when the calendar changes::

    from jisheng.law.services import register_recomputer, Recomputed

    def recompute_case_deadlines(*, first: date, last: date) -> list[Recomputed]:
        # re-run compute_due for every open deadline whose period touches [first, last], save the new
        # due dates and return (subject, old_due, new_due, label) for those that moved
        ...

    register_recomputer("cases", recompute_case_deadlines)

Every calendar write (:func:`calendar_import`, :func:`calendar_notice_import`, :func:`calendar_release_accept`,
:func:`calendar_day_set`, :func:`calendar_day_remove`) runs in one transaction inside ``audit.acting(actor)``,
works out which days changed from working to rest or back (or became covered), calls every recomputer for that
span with the new calendar pinned to the thread (:func:`jisheng.law.calendar.pinned`) and records each moved due
date in the append-only :class:`~jisheng.law.models.DeadlineRecomputation` table. The process's cached index
is dropped when the write ends and again when it commits; other processes see the change within 30 s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jisheng.core import audit
from jisheng.core.errors import InvalidInput, NotPermitted

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
from .notices import Notice, notice_from_json
from .provisions import load_instruments


@dataclass(frozen=True)
class Recomputed:
    """A deadline that moved: ``subject`` names it (e.g. ``"cases.case:TC2026-00001/decision"``); a due date is
    None while the calendar lacked a year the period runs into (pending calendar). ``label`` says it in words for
    people (e.g. "TC2026-00001 决定期限"); empty when the owner gives none."""

    subject: str
    old_due: dt.date | None
    new_due: dt.date | None
    label: str = ""


Recomputer = Callable[..., list[Recomputed]]
_recomputers: dict[str, Recomputer] = {}


def register_recomputer(name: str, func: Recomputer) -> None:
    """Register ``func(*, first: date, last: date) -> list[Recomputed]``, called after a calendar change
    affecting days ``first``…``last``; it must recompute and save the open deadlines it owns."""
    _recomputers[name] = func


def recomputers() -> dict[str, Recomputer]:
    return dict(_recomputers)


# --- the machinery every calendar write shares ------------------------------------------------------

@contextmanager
def _calendar_write(actor: Any) -> Iterator[None]:
    """One transaction in ``audit.acting(actor)``; the cached index is dropped when it ends (committed or
    rolled back) and again on commit of an enclosing transaction."""
    try:
        with transaction.atomic(), audit.acting(actor):
            transaction.on_commit(calendar.invalidate)
            yield
    finally:
        calendar.invalidate()


def _require_calendar_manager(actor: Any) -> None:
    """A user must hold ``calendar.manage``; ``None`` is a command or the system (bootstrap, the CLI)."""
    if actor is not None and not getattr(actor, "has_capability", lambda c: False)("calendar.manage"):
        raise NotPermitted(_("只有具有工作日历管理权限（calendar.manage）的用户可以修改工作日历。"))


def _state(index: calendar.CalendarIndex, ordinal: int) -> int | None:
    if ordinal < index.base or ordinal > index.end or dt.date.fromordinal(ordinal).year in index.missing:
        return None  # not covered
    return index.work[ordinal - index.base]


def _changed_span(before: calendar.CalendarIndex, after: calendar.CalendarIndex) -> tuple[dt.date, dt.date] | None:
    """First and last day whose working status (or coverage) differs between two indexes; None if none."""
    lo, hi = min(before.base, after.base), max(before.end, after.end)
    changed = [o for o in range(lo, hi + 1) if _state(before, o) != _state(after, o)]
    if not changed:
        return None
    return dt.date.fromordinal(changed[0]), dt.date.fromordinal(changed[-1])


def _recompute(*, first: dt.date, last: dt.date) -> list[Recomputed]:
    """Call every recomputer for ``first``…``last`` with the calendar as this transaction sees it; the moves."""
    moved: list[Recomputed] = []
    with calendar.pinned(calendar.load()):
        for func in _recomputers.values():
            moved += [m for m in func(first=first, last=last) if m.old_due != m.new_due]
    return sorted(moved, key=lambda m: (m.label or m.subject, m.subject))


def _record(moved: list[Recomputed], *, reason: str, actor: Any) -> list[DeadlineRecomputation]:
    return [DeadlineRecomputation.objects.create(
        subject=m.subject[:200], label=m.label[:200], old_due=m.old_due, new_due=m.new_due, reason=reason[:300],
        actor=actor if getattr(actor, "pk", None) else None) for m in moved]


def _recompute_changes(before: calendar.CalendarIndex, *, reason: str, actor: Any) -> list[Recomputed]:
    """Recompute and record the deadlines touched by what changed since ``before``; the moves."""
    span = _changed_span(before, calendar.load())
    if span is None:
        return []
    moved = _recompute(first=span[0], last=span[1])
    _record(moved, reason=reason, actor=actor)
    return moved


def _statutory_days(year: int) -> dict[dt.date, tuple[str, str, str]]:
    """``{date: (kind, name, source)}`` of ``year`` as the law says, before any local day: the entered notice
    for a notice year, else the package with the shipped corrections."""
    cy = CalendarYear.objects.filter(year=year).first()
    if cy is not None and cy.origin == YearOrigin.NOTICE and cy.notice:
        notice = notice_from_json(cy.notice)
        return {d: (kind, name, notice.source) for d, (kind, name) in notice.days().items()}
    return {d: (kind, name, source) for d, kind, name, source in calendar.statutory_exceptions() if d.year == year}


def _sync_year_days(year: int, wanted: dict[dt.date, tuple[str, str, str]]) -> tuple[int, int, int]:
    """Make the non-local rows of ``year`` exactly ``wanted`` (``{date: (kind, name, source)}``); a local day an
    administrator set keeps its date. Returns (created, updated, deleted); unchanged rows are not written."""
    created = updated = deleted = 0
    rows = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    for day, (kind, name, source) in sorted(wanted.items()):
        row = rows.pop(day, None)
        if row is None:
            CalendarDay.objects.create(date=day, kind=kind, name=name, source=source)
            created += 1
        elif row.local:
            continue  # an administrator's decision for that day wins
        elif (row.kind, row.name, row.source) != (kind, name, source):
            row.kind, row.name, row.source = kind, name, source
            row.save()
            updated += 1
    for row in rows.values():
        if not row.local:  # a statutory row the new arrangement no longer has
            row.delete()
            deleted += 1
    return created, updated, deleted


def _set_year(year: int, *, source: str, origin: str, notice: dict[str, Any]) -> CalendarYear | None:
    """Create or update the year's row, writing (and auditing) only when something differs. The old row or None."""
    cy = CalendarYear.objects.filter(year=year).first()
    if cy is None:
        CalendarYear.objects.create(year=year, source=source, origin=origin, notice=notice)
        return None
    old = CalendarYear(year=cy.year, source=cy.source, origin=cy.origin, notice=cy.notice)
    if (cy.source, cy.origin, cy.notice) != (source, origin, notice):
        cy.source, cy.origin, cy.notice = source, origin, notice
        cy.save()
    return old


# --- chinesecalendar (jisheng bootstrap) --------------------------------------------------------------

def calendar_import(*, years: range | None = None, actor: Any = None) -> str:
    """Import statutory holidays and make-up workdays from chinesecalendar, with the corrections shipped in
    ``data/calendar/corrections.yaml`` applied (idempotent; ``jisheng bootstrap``'s "calendar" step).

    Keeps local days an administrator set. A year entered from the State Council notice is kept as entered:
    when the package covers it too, the summary lists the days where the two differ and how to accept the
    package (``jisheng calendar accept-release YEAR``, :func:`calendar_release_accept`). Open deadlines touched
    by a change are recomputed and recorded. Returns a summary (one line, plus a line per notice year the
    package covers). ``years`` defaults to every year the installed package covers.
    """
    from .selectors import release_differences

    source = calendar.chinesecalendar_source()
    years = years or calendar.chinesecalendar_years()
    statutory: dict[int, dict[dt.date, tuple[str, str, str]]] = {y: {} for y in years}
    for day, kind, name, src in calendar.statutory_exceptions():
        if day.year in statutory:
            statutory[day.year][day] = (kind, name, src)
    created = updated = 0
    kept: list[int] = []
    with _calendar_write(actor):
        before = calendar.load()
        notice_years = set(CalendarYear.objects.filter(year__in=list(years), origin=YearOrigin.NOTICE)
                           .values_list("year", flat=True))
        for year in years:
            if year in notice_years:
                kept.append(year)
                continue
            _set_year(year, source=source, origin=YearOrigin.CHINESECALENDAR, notice={})
            c, u, d = _sync_year_days(year, statutory[year])
            created, updated = created + c, updated + u + d
        moved = _recompute_changes(before, reason=_("工作日历更新（%(s)s）") % {"s": source}, actor=actor)
    lines = [_("%(y0)d–%(y1)d 年，新增 %(c)d 天，更新 %(u)d 天（来源：%(s)s）") % {
        "y0": years[0], "y1": years[-1], "c": created, "u": updated, "s": source}]
    if moved:
        lines[0] += _("；%(n)d 个未结期限的届满日已重算") % {"n": len(moved)}
    for year in kept:
        cy = CalendarYear.objects.get(year=year)
        diffs = release_differences(year)
        if not diffs:
            lines.append(_("%(y)d 年保留管理员录入的通知（%(n)s）；%(s)s 与之一致。") % {
                "y": year, "n": cy.source, "s": source})
            continue
        listed = "；".join(f"{d.describe()}" for d in diffs)
        lines.append(_("%(y)d 年保留管理员录入的通知（%(n)s）；%(s)s 与之不同的 %(k)d 天：%(list)s。"
                       "核对通知原文后，如采用程序包数据：jisheng calendar accept-release %(y)d") % {
            "y": year, "n": cy.source, "s": source, "k": len(diffs), "list": listed})
    return "\n    ".join(lines)


def _ensure_imported(actor: Any) -> None:
    if not CalendarYear.objects.exists():
        calendar_import(actor=actor)


# --- the State Council notice (jisheng calendar import-notice, the calendar page) --------------------

@dataclass(frozen=True)
class NoticeDay:
    """A day of the preview: what the notice says, and what the calendar will hold (``kept_local``: an
    administrator's local day of that date stays and wins)."""

    date: dt.date
    kind: str
    name: str
    kept_local: str = ""

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def kind_label(self) -> str:
        return str(DayKind(self.kind).label)


@dataclass(frozen=True)
class DayChange:
    """A day whose working status the import changes: ``old``/``new`` are "working", "rest" or None (the year
    was not covered)."""

    date: dt.date
    old: str | None
    new: str


@dataclass
class NoticeOutcome:
    """What importing a notice does (or, for a preview, would do).

    ``status``: ``new`` (the year was not covered), ``replaced`` (the year came from the package or from another
    notice; ``previous_source`` names it) or ``unchanged`` (the same notice again: nothing written). ``changes``:
    days whose working status changes in a replaced year; ``moved``: open deadlines whose due date moves.
    """

    notice: Notice
    status: str
    previous_source: str = ""
    days: list[NoticeDay] = field(default_factory=list)
    changes: list[DayChange] = field(default_factory=list)
    moved: list[Recomputed] = field(default_factory=list)
    saved: bool = False

    @property
    def holidays(self) -> int:
        return sum(1 for d in self.days if d.kind == "holiday")

    @property
    def workdays(self) -> int:
        return sum(1 for d in self.days if d.kind == "workday")

    @property
    def warnings(self) -> list[str]:
        return self.notice.warnings()

    def summary(self) -> str:
        """One line, e.g. "2027 年：新录入（国办发明电〔2026〕N号），休息 11 天、调休上班 1 天；
        2 个未结期限的届满日已变更。"."""
        what = {"new": _("新录入（%(src)s）"), "replaced": _("替换原有安排（%(src)s；原来源：%(old)s）"),
                "unchanged": _("与已录入的通知相同，未作任何修改（%(src)s）")}[self.status] % {
            "src": self.notice.source, "old": self.previous_source}
        text = _("%(y)d 年：%(what)s，休息 %(h)d 天、调休上班 %(w)d 天") % {
            "y": self.notice.year, "what": what, "h": self.holidays, "w": self.workdays}
        if self.status == "unchanged":
            return text + _("。")
        verb = _("已变更") if self.saved else _("将变更")
        return text + _("；%(n)d 个未结期限的届满日%(v)s。") % {"n": len(self.moved), "v": verb}

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.notice.year, "source": self.notice.source, "status": self.status, "saved": self.saved,
            "previous_source": self.previous_source or None,
            "days": [{"date": d.date.isoformat(), "weekday": calendar.WEEKDAYS_ZH[d.date.weekday()], "kind": d.kind,
                      "name": d.name, "kept_local": d.kept_local or None} for d in self.days],
            "changes": [{"date": c.date.isoformat(), "old": c.old, "new": c.new} for c in self.changes],
            "moved": [{"subject": m.subject, "label": m.label, "old_due": m.old_due.isoformat() if m.old_due else None,
                       "new_due": m.new_due.isoformat() if m.new_due else None} for m in self.moved],
            "warnings": self.warnings,
        }


class _Preview(Exception):
    """Raised inside the write to roll a preview back."""

    def __init__(self, outcome: NoticeOutcome) -> None:
        self.outcome = outcome


def calendar_notice_preview(notice: Notice, *, actor: Any) -> NoticeOutcome:
    """What :func:`calendar_notice_import` would do — the days and the open deadlines that would move — with
    nothing saved: the same write runs and is rolled back (contract §1a's preview before saving)."""
    try:
        _notice_apply(notice, actor=actor, preview=True)
    except _Preview as done:
        return done.outcome
    raise AssertionError("unreachable")  # pragma: no cover


def calendar_notice_import(notice: Notice, *, actor: Any) -> NoticeOutcome:
    """Enter the State Council's holiday notice for ``notice.year`` (contract §1a; ``jisheng calendar
    import-notice``, the calendar page).

    - A year not covered yet becomes covered, its ``source`` the notice's number (origin ``notice``).
    - The same notice again changes nothing (``status`` ``unchanged``, no write, no audit event).
    - A changed notice, or a notice for a year the package covers, replaces the year's statutory days (local days
      an administrator set keep their dates) and records the days whose working status changed.
    - Open deadlines touched are recomputed through the registered recomputers and each move is recorded in
      ``DeadlineRecomputation`` (and, by the cases app, as an event on the case) — a pending clock gets its date.

    ``notice`` comes from :func:`jisheng.law.notices.parse_notice`, which has checked it (dates in the year,
    ranges in order, no day both holiday and workday, a source). Raises :class:`NotPermitted` for a user without
    ``calendar.manage``. Legal source of the days: the notice itself (国务院办公厅关于N年部分节假日安排的通知).
    """
    return _notice_apply(notice, actor=actor, preview=False)


def _notice_apply(notice: Notice, *, actor: Any, preview: bool) -> NoticeOutcome:
    _require_calendar_manager(actor)
    with _calendar_write(actor):
        _ensure_imported(actor)
        outcome = _notice_write(notice, actor=actor)
        if preview:
            raise _Preview(outcome)
    outcome.saved = outcome.status != "unchanged"
    return outcome


def _notice_write(notice: Notice, *, actor: Any) -> NoticeOutcome:
    year = notice.year
    wanted = {d: (kind, name, notice.source) for d, (kind, name) in notice.days().items()}
    rows = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    local = {d: row for d, row in rows.items() if row.local}
    days = [NoticeDay(d, kind, name, kept_local=(f"{local[d].get_kind_display()} {local[d].name}" if d in local
                                                 else "")) for d, (kind, name, _s) in wanted.items()]
    cy = CalendarYear.objects.filter(year=year).first()
    stored = {d: (row.kind, row.name, row.source) for d, row in rows.items() if not row.local}
    if (cy is not None and cy.origin == YearOrigin.NOTICE and cy.notice == notice.as_json()
            and stored == {d: v for d, v in wanted.items() if d not in local}):
        return NoticeOutcome(notice, "unchanged", previous_source=cy.source, days=days)
    before = calendar.load()
    old = _set_year(year, source=notice.source, origin=YearOrigin.NOTICE, notice=notice.as_json())
    _sync_year_days(year, wanted)
    after = calendar.load()
    changes = []
    if old is not None:
        first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
        names = {None: None, 0: "rest", 1: "working"}
        for o in range(first, last + 1):
            a, b = _state(before, o), _state(after, o)
            if a != b:
                changes.append(DayChange(dt.date.fromordinal(o), names[a], names[b] or "rest"))
    if old is None:
        reason = _("录入国务院办公厅%(y)d年节假日安排（%(s)s）") % {"y": year, "s": notice.source}
    else:
        reason = _("%(y)d年节假日安排改为 %(s)s（原：%(o)s）") % {"y": year, "s": notice.source, "o": old.source}
    moved = _recompute_changes(before, reason=reason, actor=actor)
    return NoticeOutcome(notice, "new" if old is None else "replaced", previous_source=old.source if old else "",
                         days=days, changes=changes, moved=moved)


def calendar_release_accept(*, year: int, actor: Any) -> list[Recomputed]:
    """Switch a year entered from the notice to the installed chinesecalendar release (``jisheng calendar
    accept-release YEAR``) once an administrator has compared the two (``jisheng bootstrap`` lists the
    differences). Local days stay; open deadlines touched are recomputed and recorded. Returns the moves.

    Raises :class:`InvalidInput` when the package does not cover ``year`` or the year does not come from a
    notice (nothing to accept); :class:`NotPermitted` for a user without ``calendar.manage``.
    """
    _require_calendar_manager(actor)
    source = calendar.chinesecalendar_source()
    if year not in calendar.chinesecalendar_years():
        raise InvalidInput(_("已安装的 %(s)s 不包含 %(y)d 年，无法采用。") % {"s": source, "y": year}, location="year")
    with _calendar_write(actor):
        cy = CalendarYear.objects.filter(year=year).first()
        if cy is None or cy.origin != YearOrigin.NOTICE:
            raise InvalidInput(_("%(y)d 年不是按录入的通知覆盖的年份，无需采用程序包数据"
                                 "（运行 jisheng bootstrap 即可）。") % {"y": year}, location="year")
        before = calendar.load()
        previous = cy.source
        _set_year(year, source=source, origin=YearOrigin.CHINESECALENDAR, notice={})
        wanted = {d: (kind, name, src) for d, kind, name, src in calendar.statutory_exceptions() if d.year == year}
        _sync_year_days(year, wanted)
        return _recompute_changes(before, reason=_("%(y)d年改用 %(s)s（替换录入的通知 %(o)s）") % {
            "y": year, "s": source, "o": previous}, actor=actor)


# --- local days (the calendar page) ----------------------------------------------------------------

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
    with _calendar_write(actor):
        _ensure_imported(actor)
        if not CalendarYear.objects.filter(year=date.year).exists():
            raise calendar.CalendarYearMissing(date.year)
        CalendarDay.objects.update_or_create(
            date=date, defaults={"kind": kind, "name": name.strip(), "local": True,
                                 "source": _("管理员添加（%(user)s）") % {"user": getattr(actor, "username", "-")}})
        why = reason or _("工作日历变更：%(d)s 设为%(k)s（%(n)s）") % {
            "d": date.isoformat(), "k": DayKind(kind).label, "n": name.strip()}
        return _record(_recompute(first=date, last=date), reason=why, actor=actor)


def calendar_day_remove(*, date: dt.date, actor: Any, reason: str = "") -> list[DeadlineRecomputation]:
    """Remove a local calendar day added by an administrator and recompute open deadlines.

    When the local day had replaced a statutory day (e.g. a local change of 2026-10-01, or of a day of a year
    entered from the notice), the statutory day comes back instead of the date silently becoming an ordinary
    weekday. Imported (statutory) days cannot be removed here; raises :class:`InvalidInput` for them or a
    missing day.
    """
    with _calendar_write(actor):
        row = CalendarDay.objects.filter(date=date).first()
        if row is None or not row.local:
            raise InvalidInput(_("%(d)s 不是管理员添加的地方性日期，不能删除。") % {"d": date.isoformat()},
                               location="date")
        name = row.name
        statutory = _statutory_days(date.year)
        if date in statutory and CalendarYear.objects.filter(year=date.year).exists():
            row.kind, row.name, row.source = statutory[date]
            row.local = False
            row.save()
        else:
            row.delete()
        why = reason or _("工作日历变更：删除 %(d)s（%(n)s）") % {"d": date.isoformat(), "n": name}
        return _record(_recompute(first=date, last=date), reason=why, actor=actor)


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
