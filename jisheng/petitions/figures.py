"""Petition figures for the dashboard (issue 12 Deliver 7): how many petitions came in, were accepted, answered and
answered on time, how satisfied their petitioners were, and whether every petitioner heard back (件件有回音) — by
channel, assigned unit, town or month, each figure with the petitions behind it.

The figures describe a **cohort**: the petitions received (``Petition.received_at``, China Standard Time) from
``start`` to ``end`` inclusive, as they stood on ``as_of`` (default today; events dated after it are not counted, so a
report for a past day can be reproduced):

- ``received`` 登记: every petition of the cohort;
- ``accepted`` 受理: accepted (the workflow step ``accept`` on or before ``as_of``); referred, channelled and
  repeat petitions are not accepted (``petition-work-reg-2022/art-23``, ``petition-reg-2005/art-22``);
- ``answered`` 办结: the written opinion was given — the conclusion clock (60 calendar days from acceptance, possibly
  extended once by 30: ``petition-work-reg-2022/art-34``, ``petition-reg-2005/art-33``) was met on or before
  ``as_of``; ``on_time`` 按期办结: met on or before its (extended) due date;
- ``followed_up`` 回访 and its results ``satisfied`` 满意 / ``basically`` 基本满意 / ``dissatisfied`` 不满意: each
  petition once, by the follow-up of its latest followed-up round (original, review, re-review);
- ``due_to_answer`` 应答复: accepted petitions whose conclusion due date is on or before ``as_of``, or that have a
  reply already; ``reply_received`` 已答复送达: of those, the ones whose first-round reply the petitioner received on
  or before ``as_of`` (``PetitionReply.received_on``). Routing notices (referral, channel, not accepted) are not
  replies and count in neither.

Rates (percent with one decimal, None when the denominator is 0): ``on_time_rate`` = on_time / answered,
``satisfaction_rate`` = (satisfied + basically) / followed_up, ``answered_rate`` (件件有回音率) =
reply_received / due_to_answer.

Groupings (``by``): ``channel`` (every channel, zeros too), ``unit`` (each assigned town or outside unit — a petition
assigned to two is in both rows; "未交办" for none), ``town`` (the town of the area the matter concerns,
``Petition.concerned_area``; "未指明镇（街道）" when none or above town level) and ``month`` (of receipt, every month
of the period). The total row counts each petition once.

Scope: a user's figures cover the petitions whose case they may open (:func:`selectors.petitions_for_user`); a
queryset of petitions may be given instead (it must already be scoped).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jisheng.cases.models import CaseClock, CaseStep
from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from jisheng.core.models import Area, AreaLevel

from .enums import Channel, FollowUpResult, ReplyRound
from .models import FollowUp, Petition, PetitionAssignment, PetitionReply

#: The figures, in the order a table shows them, with their labels.
FIGURES: dict[str, Any] = {
    "received": gettext_lazy("登记"),
    "accepted": gettext_lazy("受理"),
    "answered": gettext_lazy("办结"),
    "on_time": gettext_lazy("按期办结"),
    "followed_up": gettext_lazy("回访"),
    "satisfied": gettext_lazy("满意"),
    "basically": gettext_lazy("基本满意"),
    "dissatisfied": gettext_lazy("不满意"),
    "due_to_answer": gettext_lazy("应答复"),
    "reply_received": gettext_lazy("已答复送达"),
}

#: The groupings a table can have, with their labels.
GROUPINGS: dict[str, Any] = {
    "channel": gettext_lazy("信访渠道"),
    "unit": gettext_lazy("承办单位"),
    "town": gettext_lazy("镇（街道）"),
    "month": gettext_lazy("月份"),
}

#: The key of the total row.
TOTAL = "total"

_ROUND_ORDER: dict[str, int] = {ReplyRound.ORIGINAL: 0, ReplyRound.REVIEW: 1, ReplyRound.RE_REVIEW: 2}


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Row:
    """One row of the table: a group (``key``, ``label``) and, per figure of :data:`FIGURES`, the primary keys of
    the petitions behind it."""

    key: str
    label: str
    cells: dict[str, frozenset[int]]

    def count(self, figure: str) -> int:
        """The number of petitions behind ``figure`` (KeyError for an unknown figure)."""
        return len(self.cells[figure])

    @property
    def counts(self) -> dict[str, int]:
        """``{figure: count}`` in the order of :data:`FIGURES`."""
        return {f: len(self.cells[f]) for f in FIGURES}

    @property
    def on_time_rate(self) -> Decimal | None:
        """按期办结率: on time / answered, percent."""
        return _rate(self.count("on_time"), self.count("answered"))

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意率: (satisfied + basically satisfied) / followed up, percent."""
        return _rate(self.count("satisfied") + self.count("basically"), self.count("followed_up"))

    @property
    def answered_rate(self) -> Decimal | None:
        """件件有回音率: replies received / petitions due to be answered, percent."""
        return _rate(self.count("reply_received"), self.count("due_to_answer"))


@dataclass
class Figures:
    """The table: the cohort's period, grouping and day, its rows and the total row."""

    start: dt.date
    end: dt.date
    by: str
    as_of: dt.date
    rows: list[Row] = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row(TOTAL, _("合计"), {f: frozenset() for f in FIGURES}))

    def row(self, key: str) -> Row:
        """The row ``key`` (``TOTAL`` for the total).

        Raises:
            KeyError: no such row.
        """
        if key == TOTAL:
            return self.total
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def cases(self, key: str, figure: str) -> QuerySet[Petition]:
        """The petitions behind cell (``key``, ``figure``), oldest receipt first, with their cases (their numbers:
        ``.values_list("case__number", flat=True)``).

        Raises:
            KeyError: no such row or figure.
        """
        ids = self.row(key).cells[figure]
        return (Petition.objects.filter(pk__in=list(ids)).select_related("case")
                .order_by("received_at", "id"))


def _scope(queryset_or_user: Any) -> QuerySet[Petition]:
    if isinstance(queryset_or_user, QuerySet):
        return queryset_or_user
    from .selectors import petitions_for_user

    return petitions_for_user(queryset_or_user)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = dt.datetime.combine(start, dt.time(0), tzinfo=clock.CST)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=clock.CST)
    return first, after


def _months(start: dt.date, end: dt.date) -> list[str]:
    found, day = [], start.replace(day=1)
    while day <= end:
        found.append(f"{day:%Y-%m}")
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return found


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return _("%(y)s年%(m)d月") % {"y": year, "m": int(month)}


def petition_figures(queryset_or_user: Any, start: dt.date, end: dt.date, by: str = "channel", *,
                     as_of: dt.date | None = None) -> Figures:
    """The figures of the petitions received from ``start`` to ``end`` (inclusive, China Standard Time) as they
    stood on ``as_of`` (default today), grouped ``by`` ``"channel"``, ``"unit"``, ``"town"`` or ``"month"`` — see
    the module docstring for each figure. ``queryset_or_user``: a staff account (its petitions) or a scoped
    queryset of petitions. Five queries whatever the number of petitions (six by unit or town).

    Raises:
        InvalidInput: an unknown grouping (location ``by``) or ``end`` before ``start`` (location ``end``).
    """
    if by not in GROUPINGS:
        raise InvalidInput(_("未知的统计口径：%(b)s") % {"b": by}, location="by")
    if end < start:
        raise InvalidInput(_("结束日期不得早于开始日期"), location="end")
    day = as_of or clock.today()
    scope = _scope(queryset_or_user)
    first, after = _bounds(start, end)
    cohort = scope.filter(received_at__gte=first, received_at__lt=after)
    base = list(cohort.values_list("pk", "channel", "received_at", "concerned_area__path"))
    pks = cohort.values("pk")

    accepted = set(CaseStep.objects.filter(case__petition__in=pks, action="accept", on__lte=day)
                   .values_list("case__petition", flat=True))
    answered: set[int] = set()
    on_time: set[int] = set()
    due_by_day: set[int] = set()
    for pk, due, met_on in (CaseClock.objects.filter(case__petition__in=pks, kind="conclusion", instance="")
                            .values_list("case__petition", "due", "met_on")):
        if pk not in accepted:
            continue
        if met_on is not None and met_on <= day:
            answered.add(pk)
            if due is not None and met_on <= due:
                on_time.add(pk)
        if due is not None and due <= day:
            due_by_day.add(pk)
    replied: set[int] = set()
    received_reply: set[int] = set()
    for pk, sent_on, received_on in (PetitionReply.objects.filter(petition__in=pks, round=ReplyRound.ORIGINAL)
                                     .values_list("petition", "sent_on", "received_on")):
        if sent_on <= day:
            replied.add(pk)
        if received_on is not None and received_on <= day:
            received_reply.add(pk)
    due_to_answer = (due_by_day | replied) & accepted
    latest: dict[int, tuple[int, str]] = {}
    for pk, round_, result in (FollowUp.objects.filter(petition__in=pks, on__lte=day)
                               .values_list("petition", "round", "result")):
        rank = _ROUND_ORDER.get(round_, 0)
        if pk not in latest or rank > latest[pk][0]:
            latest[pk] = (rank, result)
    results = {r: {pk for pk, (_rank, res) in latest.items() if res == r} for r in FollowUpResult.values}

    per_petition: dict[str, set[int]] = {
        "received": {row[0] for row in base}, "accepted": accepted, "answered": answered, "on_time": on_time,
        "followed_up": set(latest), "satisfied": results[FollowUpResult.SATISFIED],
        "basically": results[FollowUpResult.BASICALLY], "dissatisfied": results[FollowUpResult.DISSATISFIED],
        "due_to_answer": due_to_answer, "reply_received": received_reply & due_to_answer,
    }
    groups, labels = _groups(by, base, pks, start, end)
    figures = Figures(start=start, end=end, by=by, as_of=day)
    everyone = per_petition["received"]
    figures.total = Row(TOTAL, _("合计"), {f: frozenset(ids & everyone) for f, ids in per_petition.items()})
    for key, label in labels.items():
        members = groups.get(key, set())
        figures.rows.append(Row(key, label, {f: frozenset(ids & members) for f, ids in per_petition.items()}))
    return figures


def _groups(by: str, base: list[tuple[Any, ...]], pks: QuerySet[Any], start: dt.date,
            end: dt.date) -> tuple[dict[str, set[int]], dict[str, str]]:
    """``({group key: petition pks}, {group key: label})`` in the order the rows are shown."""
    groups: dict[str, set[int]] = defaultdict(set)
    labels: dict[str, str] = {}
    if by == "channel":
        for pk, channel, _at, _path in base:
            groups[channel].add(pk)
        labels = {value: str(label) for value, label in Channel.choices}
    elif by == "month":
        for pk, _channel, at, _path in base:
            groups[f"{clock.local(at):%Y-%m}"].add(pk)
        labels = {key: _month_label(key) for key in _months(start, end)}
    elif by == "town":
        codes = {code for *_rest, path in base for code in (path or "").split("/") if code}
        towns = dict(Area.objects.filter(code__in=codes, level=AreaLevel.TOWN).order_by("code")
                     .values_list("code", "name"))
        for pk, _channel, _at, path in base:
            town = next((code for code in (path or "").split("/") if code in towns), "")
            groups[town or "none"].add(pk)
        labels = {code: name for code, name in towns.items() if code in groups}
        if "none" in groups:
            labels["none"] = _("未指明镇（街道）")
    else:  # unit
        assigned: set[int] = set()
        named: dict[str, str] = {}
        for pk, code, name, unit in (PetitionAssignment.objects.filter(petition__in=pks)
                                     .values_list("petition", "area__code", "area__name", "unit_name")):
            key = f"area:{code}" if code else f"unit:{unit}"
            named[key] = name if code else unit
            groups[key].add(pk)
            assigned.add(pk)
        labels = dict(sorted(named.items(), key=lambda item: (not item[0].startswith("area:"), item[0])))
        unassigned = {row[0] for row in base} - assigned
        if unassigned:
            groups["none"] = unassigned
            labels["none"] = _("未交办")
    return groups, labels


def figure_cases(queryset_or_user: Any, start: dt.date, end: dt.date, by: str, key: str, figure: str, *,
                 as_of: dt.date | None = None) -> QuerySet[Petition]:
    """The petitions behind one cell of :func:`petition_figures` (same arguments, plus the row ``key`` — a group key
    or ``"total"`` — and the ``figure``), for the page that lists the case numbers behind a figure.

    Raises:
        InvalidInput: an unknown grouping, period, row (location ``key``) or figure (location ``figure``).
    """
    if figure not in FIGURES:
        raise InvalidInput(_("未知的统计项：%(f)s") % {"f": figure}, location="figure")
    table = petition_figures(queryset_or_user, start, end, by, as_of=as_of)
    try:
        return table.cases(key, figure)
    except KeyError:
        raise InvalidInput(_("没有这一行：%(k)s") % {"k": key}, location="key") from None
