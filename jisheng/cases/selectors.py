"""Reads of the case engine: guard snapshots, lists, histories, clocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from jisheng.core import clock

from . import types
from .models import Case, CaseClock, CaseDocument, CaseEvent, CaseStep
from .types import SPECIAL_RECORDS
from .workflows import GuardContext, Workflow

PAGE_SIZE = 50


def case_workflow(case: Case) -> Workflow:
    """The workflow of the case's type."""
    return types.get(case.case_type).workflow


def special_records_missing(case: Case) -> list[str]:
    """Labels of the three special-case records not yet attached (empty when all three are there)."""
    present = set(CaseDocument.objects.filter(case=case, kind__in=list(SPECIAL_RECORDS))
                  .values_list("kind", flat=True))
    return [str(label) for key, label in SPECIAL_RECORDS.items() if key not in present]


def case_requires_legal_review(case: Case) -> bool:
    """A major decision (special case, or marked major) needs the legal review (法制审核)."""
    return bool(case.is_special or case.is_major)


def case_guard_context(case: Case) -> GuardContext:
    """Build the snapshot the workflow guards judge (see :class:`~jisheng.cases.workflows.GuardContext`)."""
    missing = tuple(case.materials.filter(required=True, provided=False).values_list("name", flat=True))
    notices = case.steps.filter(action="request_supplement").count()
    reviewed = case.steps.filter(action="complete_legal_review").exists()
    return GuardContext(
        materials_missing=missing,
        supplement_notices=notices,
        is_special=case.is_special,
        special_records_missing=tuple(special_records_missing(case)) if case.is_special else (),
        requires_legal_review=case_requires_legal_review(case),
        legal_review_done=reviewed,
        has_decision=hasattr(case, "decision"),
    )


def available_actions(case: Case, user: Any) -> list[dict[str, Any]]:
    """The actions of the case's workflow from its status that ``user``'s role may take.

    Each item: ``{"action", "label", "target", "blocked": message or None}`` — blocked actions are
    shown with the guard's reason so staff see why a step is not yet possible.
    """
    workflow = case_workflow(case)
    ctx = case_guard_context(case)
    items = []
    for row in workflow.actions_from(case.status):
        if not user.has_capability(row.capability):
            continue
        blocked = next((msg for g in row.guards if (msg := g(ctx))), None)
        items.append({"action": row.action, "label": workflow.actions[row.action],
                      "target": workflow.statuses[row.target], "blocked": blocked})
    return items


def case_list(queryset: QuerySet[Case], *, case_type: str = "", status: str = "",
              after_id: int | None = None) -> list[Case]:
    """One page of cases (newest first by id, keyset pagination on ``after_id``), filtered."""
    qs = queryset.select_related("area").order_by("-id")
    if case_type:
        qs = qs.filter(case_type=case_type)
    if status:
        qs = qs.filter(status=status)
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs[:PAGE_SIZE])


def case_history(case: Case) -> list[CaseEvent]:
    """The case's append-only history, oldest first."""
    return list(case.events.select_related("actor").order_by("at", "id"))


def case_steps(case: Case) -> list[CaseStep]:
    """The workflow steps of the full-process record, in order."""
    return list(case.steps.order_by("seq"))


def clock_state(c: CaseClock, today: dt.date | None = None) -> str:
    """``met`` (in time), ``late`` (met after the due date), ``overdue``, ``due_soon`` (≤ 2 days) or ``running``."""
    day = today or clock.today()
    if c.met_on is not None:
        return "met" if c.met_on <= c.due else "late"
    if day > c.due:
        return "overdue"
    if (c.due - day).days <= 2:
        return "due_soon"
    return "running"


def clocks_at_risk(queryset: QuerySet[Case], *, within_days: int = 3) -> list[CaseClock]:
    """Running clocks of these cases due within ``within_days`` calendar days or already overdue."""
    limit = clock.today() + dt.timedelta(days=within_days)
    return list(CaseClock.objects.filter(case__in=queryset, met_on__isnull=True, due__lte=limit)
                .select_related("case").order_by("due"))


def publication_queue(queryset: QuerySet[Case]) -> list[CaseClock]:
    """Granted decisions waiting for publication (the running ``publication`` clocks), oldest due first."""
    return list(CaseClock.objects.filter(case__in=queryset, kind="publication", met_on__isnull=True)
                .select_related("case").order_by("due"))
