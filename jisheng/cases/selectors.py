"""Reads of the case engine: guard snapshots, actions a user may take, lists, histories, clocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, Expression, F, Prefetch, Q, QuerySet, prefetch_related_objects

from jisheng.core import clock
from jisheng.core.masking import mask_name
from jisheng.core.pagination import Page, id_desc_page
from jisheng.registry.selectors import id_number_query

from . import types
from .models import (
    Case,
    CaseApplicant,
    CaseClock,
    CaseDecision,
    CaseDocument,
    CaseEvent,
    CaseMaterial,
    CaseRecord,
    CaseStep,
    ClockExtension,
    ClockSuspension,
    LegalReview,
    LegalReviewOutcome,
)
from .reads import OneIdReads
from .types import SPECIAL_RECORDS
from .workflows import ENGINE_PAYLOAD_ACTIONS, GuardContext, Workflow

PAGE_SIZE = 50


def case_workflow(case: Case) -> Workflow:
    """The workflow of the case's type."""
    return types.get(case.case_type).workflow


def special_records_missing(case: Case) -> list[str]:
    """Labels of the three special-case records not yet attached (empty when all three are there)."""
    present = set(CaseDocument.objects.filter(case=case, kind__in=list(SPECIAL_RECORDS), active=True)
                  .values_list("kind", flat=True))
    return [str(label) for key, label in SPECIAL_RECORDS.items() if key not in present]


def case_requires_legal_review(case: Case) -> bool:
    """A major decision (special case, or marked major) needs the legal review (法制审核)."""
    return bool(case.is_special or case.is_major)


def latest_legal_review(case: Case) -> LegalReview | None:
    """The case's most recent legal review (only it counts)."""
    return case.legal_reviews.order_by("-id").first()


def case_is_decided(case: Case, *, has_decision: bool | None = None) -> bool:
    """True once the case has a decision (read from the database, not from a cached relation, unless the caller
    passes ``has_decision`` it has just read) or stands in a status a decision leads to or a terminal one."""
    ctype = types.get(case.case_type)
    decided = {row.target for row in ctype.workflow.transitions if row.action in ctype.decision_actions}
    if case.status in ctype.workflow.terminal or case.status in decided:
        return True
    return has_decision if has_decision is not None else CaseDecision.objects.filter(case_id=case.pk).exists()


def _guard_context(case: Case, *, materials_missing: tuple[str, ...], supplement_notices: int,
                   review: LegalReview | None, running_clocks: tuple[str, ...],
                   special_records_missing: tuple[str, ...], has_decision: bool) -> GuardContext:
    try:
        extra = dict(types.get(case.case_type).guard_facts(case))
    except KeyError:
        extra = {}
    return GuardContext(
        materials_missing=materials_missing,
        supplement_notices=supplement_notices,
        is_special=case.is_special,
        special_records_missing=special_records_missing if case.is_special else (),
        requires_legal_review=case_requires_legal_review(case),
        legal_review_done=review is not None and review.outcome == LegalReviewOutcome.AGREE,
        has_decision=has_decision,
        running_clocks=running_clocks,
        extra=extra,
    )


def case_guard_context(case: Case) -> GuardContext:
    """Build the snapshot the workflow guards judge (see :class:`~jisheng.cases.workflows.GuardContext`)."""
    return _guard_context(
        case,
        materials_missing=tuple(case.materials.filter(required=True, provided=False).values_list("name", flat=True)),
        supplement_notices=case.steps.filter(action="request_supplement").count(),
        review=latest_legal_review(case),
        running_clocks=tuple(case.clocks.filter(met_on__isnull=True).values_list("label", flat=True)),
        special_records_missing=tuple(special_records_missing(case)) if case.is_special else (),
        has_decision=hasattr(case, "decision"),
    )


@dataclass(frozen=True)
class CaseFile:
    """Everything the case page shows of one case's file, in the order the page shows it: materials and documents
    by id, steps by sequence, clocks by start (``suspensions`` and ``extensions`` by clock id, by start and by id),
    records by date, legal reviews by id, the history oldest first, the decision or None. Read by
    :func:`case_file` in one round trip whatever the number of rows; :meth:`guard_context` judges the workflow's
    guards on these rows, so the page asks the database nothing more for its actions."""

    case: Case
    materials: list[CaseMaterial]
    documents: list[CaseDocument]
    steps: list[CaseStep]
    clocks: list[CaseClock]
    suspensions: dict[int, list[ClockSuspension]]
    extensions: dict[int, list[ClockExtension]]
    records: list[CaseRecord]
    legal_reviews: list[LegalReview]
    events: list[CaseEvent]
    decision: CaseDecision | None

    def special_records_missing(self) -> list[str]:
        """Labels of the three special-case records not yet attached (as :func:`special_records_missing`)."""
        present = {d.kind for d in self.documents if d.active and d.kind in SPECIAL_RECORDS}
        return [str(label) for key, label in SPECIAL_RECORDS.items() if key not in present]

    def guard_context(self) -> GuardContext:
        """The snapshot :func:`case_guard_context` builds, from the rows already read."""
        return _guard_context(
            self.case,
            materials_missing=tuple(m.name for m in self.materials if m.required and not m.provided),
            supplement_notices=sum(1 for s in self.steps if s.action == "request_supplement"),
            review=self.legal_reviews[-1] if self.legal_reviews else None,
            running_clocks=tuple(c.label for c in self.clocks if c.met_on is None),
            special_records_missing=tuple(self.special_records_missing()) if self.case.is_special else (),
            has_decision=self.decision is not None,
        )


#: The case page's reads of one case's file, compiled once per process and sent together (:mod:`.reads`).
_FILE_READS = OneIdReads(
    decision=lambda pk: CaseDecision.objects.filter(case_id=pk),
    clocks=lambda pk: CaseClock.objects.filter(case_id=pk).order_by("start", "id"),
    suspensions=lambda pk: ClockSuspension.objects.filter(clock__case_id=pk).order_by("start", "id"),
    extensions=lambda pk: ClockExtension.objects.filter(clock__case_id=pk).order_by("id"),
    materials=lambda pk: CaseMaterial.objects.filter(case_id=pk).order_by("id"),
    documents=lambda pk: CaseDocument.objects.filter(case_id=pk).order_by("id"),
    steps=lambda pk: CaseStep.objects.filter(case_id=pk).order_by("seq"),
    records=lambda pk: CaseRecord.objects.filter(case_id=pk).order_by("on", "id"),
    legal_reviews=lambda pk: LegalReview.objects.filter(case_id=pk).order_by("id"),
    events=lambda pk: CaseEvent.objects.filter(case_id=pk).order_by("at", "id"),
)


def case_file(case: Case) -> CaseFile:
    """The file of ``case`` as the case page shows it (see :class:`CaseFile`): one query on PostgreSQL (one per
    table elsewhere), whatever the number of rows. Every row knows its case (``row.case`` reads no query)."""
    rows = _FILE_READS.read(case.pk, using=case._state.db or "default")
    for name in ("decision", "clocks", "materials", "documents", "steps", "records", "legal_reviews", "events"):
        for row in rows[name]:
            row.case = case
    by_clock: dict[str, dict[int, list[Any]]] = {"suspensions": {}, "extensions": {}}
    clocks = {c.pk: c for c in rows["clocks"]}
    for name, grouped in by_clock.items():
        for row in rows[name]:
            row.clock = clocks[row.clock_id]
            grouped.setdefault(row.clock_id, []).append(row)
    return CaseFile(
        case=case, materials=rows["materials"], documents=rows["documents"], steps=rows["steps"],
        clocks=rows["clocks"], suspensions=by_clock["suspensions"], extensions=by_clock["extensions"],
        records=rows["records"], legal_reviews=rows["legal_reviews"], events=rows["events"],
        decision=rows["decision"][0] if rows["decision"] else None,
    )


def available_actions(case: Case, user: Any, ctx: GuardContext | None = None) -> list[dict[str, Any]]:
    """The actions of the case's workflow from its status that ``user`` may take for this type, judged on the
    guard snapshot ``ctx`` (read from the database when not given).

    Each item: ``{"action", "label", "target", "blocked": message or None, "kind": "step" | "decision" |
    "legal_review" | "payload"}`` — blocked actions are shown with the guard's reason so staff see why a step
    is not yet possible; ``kind`` says which form takes it.
    """
    ctype = types.get(case.case_type)
    workflow = ctype.workflow
    rows = [row for row in workflow.actions_from(case.status) if types.may(user, ctype, row.capability)]
    if not rows:
        return []
    if ctx is None:
        ctx = case_guard_context(case)
    items = []
    for row in rows:
        blocked = next((msg for g in row.guards if (msg := g(ctx))), None)
        kind = ("decision" if row.action in ctype.decision_actions else "legal_review"
                if row.action in ENGINE_PAYLOAD_ACTIONS else "payload" if row.action in ctype.payload_actions
                else "step")
        items.append({"action": row.action, "label": workflow.actions[row.action],
                      "target": workflow.statuses[row.target], "blocked": blocked, "kind": kind})
    return items


def open_statuses(case_type: types.CaseType) -> list[str]:
    """The statuses of a type in which the case is still being handled (not terminal)."""
    return [s for s in case_type.workflow.statuses if s not in case_type.workflow.terminal]


#: The due windows of the case list: running clocks overdue, due within 3 or 7 days, or waiting for the calendar.
DUE_WINDOWS = ("overdue", "3", "7", "pending")


def case_list(queryset: QuerySet[Case], *, limit: int | None = PAGE_SIZE, **filters: str) -> list[Case]:
    """The first ``limit`` cases (newest first by id; all with None) filtered as :func:`filtered_cases` says (the
    export; the list pages with :func:`case_page`)."""
    qs = filtered_cases(queryset, **filters).order_by("-id")
    return list(qs[:limit] if limit else qs)


def case_page(queryset: QuerySet[Case], *, after: int | None = None, newer: int | None = None,
              size: int = PAGE_SIZE, **filters: str) -> Page[Case]:
    """One page of the case list, newest first: the cases older than ``after`` or (a "previous" link) just newer
    than ``newer``, filtered as :func:`filtered_cases` says; one query whatever the position."""
    return id_desc_page(filtered_cases(queryset, **filters), after=after, newer=newer, size=size)


def filtered_cases(queryset: QuerySet[Case], *, case_type: str = "", status: str = "", area_code: str = "",
                   applicant: str = "", due: str = "") -> QuerySet[Case]:
    """The cases of ``queryset`` (with their area) filtered by type, status, receiving area (subtree of
    ``area_code``), a party (a whole ID number matches exactly, after the registry's normalisation; anything else
    is a name prefix) and the due window of their running clocks (``overdue``, ``3`` or ``7`` days, ``pending``
    calendar)."""
    qs = queryset.select_related("area")
    if case_type:
        qs = qs.filter(case_type=case_type)
    if status:
        qs = qs.filter(status=status)
    if area_code:
        qs = qs.filter(area__path__contains=f"{area_code}/")
    text = applicant.strip()
    if text:
        number = id_number_query(text)
        if number:
            parties = CaseApplicant.objects.filter(Q(person__id_number=number) | Q(id_number__in={number, text}))
        else:
            parties = CaseApplicant.objects.filter(Q(person__name__startswith=text) | Q(name__startswith=text))
        qs = qs.filter(id__in=parties.values("case_id"))
    if due:
        today = clock.today()
        running = CaseClock.objects.filter(met_on__isnull=True)
        if due == "overdue":
            running = running.filter(due__lt=today)
        elif due == "pending":
            running = running.filter(due__isnull=True)
        elif due.isdigit():
            running = running.filter(due__lte=today + dt.timedelta(days=int(due)))
        qs = qs.filter(id__in=running.values("case_id"))
    return qs


@dataclass(frozen=True)
class CaseRow:
    """A case as the list and its export show it: type and status in words, the receiving town, the parties'
    masked names and the nearest running deadline (``due`` None with ``pending_year`` while the calendar lacks
    a year; ``clock`` None when no clock runs)."""

    case: Case
    type_label: str
    status_label: str
    town: str
    parties: tuple[str, ...]
    clock: CaseClock | None
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def nearest_clock(clocks: list[CaseClock]) -> CaseClock | None:
    """Of running clocks, the one due first; a clock waiting for the calendar only when none has a due date."""
    dated = [c for c in clocks if c.due is not None and c.met_on is None]
    if dated:
        return min(dated, key=lambda c: (c.due, c.id))
    return next((c for c in clocks if c.met_on is None), None)


def case_rows(cases: list[Case], today: dt.date | None = None) -> list[CaseRow]:
    """List rows for ``cases`` (from :func:`case_list`): parties and running clocks are fetched for the whole
    page in two queries, whatever its length."""
    day = today or clock.today()
    prefetch_related_objects(
        cases,
        Prefetch("applicants", queryset=CaseApplicant.objects.select_related("person").order_by("id"),
                 to_attr="list_parties"),
        Prefetch("clocks", queryset=CaseClock.objects.filter(met_on__isnull=True).order_by("id"),
                 to_attr="running_clocks"),
    )
    rows = []
    for c in cases:
        try:
            ctype = types.get(c.case_type)
            type_label, status_label = str(ctype.label), str(ctype.workflow.statuses.get(c.status, c.status))
        except KeyError:
            type_label, status_label = c.case_type, c.status
        nearest = nearest_clock(c.running_clocks)  # type: ignore[attr-defined]
        rows.append(CaseRow(
            case=c, type_label=type_label, status_label=status_label, town=c.area.name,
            parties=tuple(mask_name(a.display_name) for a in c.list_parties),  # type: ignore[attr-defined]
            clock=nearest, days_left=days_left(nearest, day) if nearest is not None else None))
    return rows


def status_choices(case_types: list[types.CaseType]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The statuses of ``case_types`` in words, grouped by type: ``[(type label, [("type:status", label)])]``.
    The value names the type, since types share status codes (``received``) with different meanings."""
    return [(str(t.label), [(f"{t.key}:{code}", str(label)) for code, label in t.workflow.statuses.items()])
            for t in case_types]


def case_history(case: Case) -> list[CaseEvent]:
    """The case's append-only history, oldest first."""
    return list(case.events.select_related("actor").order_by("at", "id"))


def case_steps(case: Case) -> list[CaseStep]:
    """The workflow steps of the full-process record, in order."""
    return list(case.steps.order_by("seq"))


def clock_state(c: CaseClock, today: dt.date | None = None) -> str:
    """``met`` (in time), ``late`` (met after the due date), ``pending`` (due date waits for the calendar),
    ``overdue``, ``due_soon`` (≤ 2 days) or ``running``."""
    day = today or clock.today()
    if c.met_on is not None:
        return "late" if c.due is not None and c.met_on > c.due else "met"
    if c.due is None:
        return "pending"
    if day > c.due:
        return "overdue"
    if (c.due - day).days <= 2:
        return "due_soon"
    return "running"


def days_left(c: CaseClock, today: dt.date | None = None) -> int | None:
    """Calendar days until the due date (negative when overdue); None when met or pending the calendar."""
    if c.met_on is not None or c.due is None:
        return None
    return (c.due - (today or clock.today())).days


class TypeStatusIn(Expression):
    """A condition on a case's type and status: ``(case_type = k1 AND status IN (…)) OR (case_type = k2 AND …)`` for
    ``statuses`` (``{type key: statuses}``), to pass to ``filter`` or ``exclude`` (``prefix`` names the case from
    another model, e.g. ``"case__"``).

    The same SQL as the ``Q`` objects it replaces, but the ORM resolves two columns instead of a lookup per type and
    status: the workbench built one per registered type on every request (most of its Python time). A type with no
    statuses is left out; with none at all the condition matches nothing (the query is not sent).
    """

    output_field = BooleanField()

    def __init__(self, statuses: dict[str, list[str]], prefix: str = "") -> None:
        super().__init__(output_field=BooleanField())
        self.statuses = {key: list(values) for key, values in statuses.items() if values}
        self.case_type: Any = F(prefix + "case_type")
        self.status: Any = F(prefix + "status")

    def get_source_expressions(self) -> list[Any]:
        return [self.case_type, self.status]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.case_type, self.status = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        from django.core.exceptions import EmptyResultSet

        if not self.statuses:
            raise EmptyResultSet
        type_sql, type_params = compiler.compile(self.case_type)
        status_sql, status_params = compiler.compile(self.status)
        parts: list[str] = []
        params: list[Any] = []
        for key, values in self.statuses.items():
            marks = ", ".join(["%s"] * len(values))
            parts.append(f"({type_sql} = %s AND {status_sql} IN ({marks}))")
            params.extend([*type_params, key, *status_params, *values])
        return "(" + " OR ".join(parts) + ")", params


def _open_cases(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Cases of the queryset not in a terminal status of their type (closed files never count as at risk)."""
    closed = {t.key: list(t.workflow.terminal) for t in types.all_types() if t.workflow.terminal}
    return queryset.exclude(TypeStatusIn(closed)) if closed else queryset


def clocks_at_risk(queryset: QuerySet[Case], *, within_days: int = 3, limit: int | None = None,
                   only: tuple[str, ...] = ()) -> list[CaseClock]:
    """Running clocks of the open cases of ``queryset`` due within ``within_days`` calendar days, overdue, or
    waiting for the calendar; soonest first (waiting ones last), at most ``limit`` of them (one query), each with
    its case. ``only`` names the fields to read (e.g. ``"label"``, ``"case__number"``; all when empty)."""
    last = clock.today() + dt.timedelta(days=within_days)
    qs = (CaseClock.objects.filter(case__in=_open_cases(queryset), met_on__isnull=True)
          .filter(Q(due__lte=last) | Q(due__isnull=True))
          .select_related("case").order_by(F("due").asc(nulls_last=True), "id"))
    if only:
        qs = qs.only(*only)
    return list(qs[:limit] if limit is not None else qs)


def open_case_counts(queryset: QuerySet[Case], case_types: list[types.CaseType]) -> dict[str, int]:
    """``{type key: number of open cases}`` of ``queryset`` for ``case_types``, in one query."""
    counts = {t.key: 0 for t in case_types}
    wanted = {t.key: open_statuses(t) for t in case_types}
    if not any(wanted.values()):
        return counts
    rows = queryset.filter(TypeStatusIn(wanted)).order_by().values("case_type").annotate(n=Count("id"))
    counts.update({row["case_type"]: row["n"] for row in rows})
    return counts


def publication_queue(queryset: QuerySet[Case]) -> list[CaseClock]:
    """Decisions waiting for publication (the running ``publication`` clocks), oldest due first."""
    return list(CaseClock.objects.filter(case__in=queryset, kind="publication", met_on__isnull=True)
                .select_related("case").order_by("due"))


def awaiting_legal_review(queryset: QuerySet[Case], user: Any, *, limit: int | None = None) -> list[Case]:
    """Cases waiting for a legal review that ``user`` may give (the legal reviewer's to-do), oldest first, at most
    ``limit`` of them."""
    from .workflows import LEGAL_REVIEW_AGREE

    waiting = {t.key: [row.source for row in t.workflow.transitions if row.action == LEGAL_REVIEW_AGREE]
               for t in types.all_types() if types.may(user, t, "legal_review")}
    if not any(waiting.values()):
        return []  # no type the user reviews: nothing to ask the database
    qs = queryset.filter(TypeStatusIn(waiting)).select_related("area").order_by("id")
    return list(qs[:limit] if limit is not None else qs)


def provision_words(key: str) -> str:
    """A provision in words for the case page (never the internal key when the catalogue knows it)."""
    from jisheng.law.provisions import describe

    return describe(key) if key else ""
