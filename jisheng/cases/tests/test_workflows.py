"""The transition tables walked exhaustively: every status × action of every workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisheng.cases import services
from jisheng.cases.models import Case, CaseDocument, CaseEvent, CaseMaterial, CaseStep
from jisheng.cases.types import SPECIAL_RECORDS
from jisheng.cases.workflows import (
    LICENSING,
    WORKFLOWS,
    GuardContext,
    Transition,
    Workflow,
)
from jisheng.core.errors import NotPermitted, TransitionNotAllowed

PAIRS = [(wf.key, status, action) for wf in WORKFLOWS.values() for status in wf.statuses for action in wf.actions]


def _prepare(case: Case, row: Transition | None) -> None:
    """Make the row's guards pass: missing material only for a supplement notice, major for legal review."""
    if row is None:
        return
    if row.action == "request_supplement":
        CaseMaterial.objects.create(case=case, key="id", name="身份证", required=True, provided=False)
    if row.action in ("request_legal_review",):
        Case.objects.filter(pk=case.pk).update(is_major=True)


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.status, CaseStep.objects.filter(case=case).count(), CaseEvent.objects.filter(case=case).count(),
            case.clocks.count())


@pytest.mark.django_db
@pytest.mark.parametrize(("workflow", "status", "action"), PAIRS, ids=lambda v: str(v))
def test_every_status_and_action(workflow: str, status: str, action: str, test_types: dict[str, str],
                                 town_a: Any, actor_for: Any) -> None:
    wf = WORKFLOWS[workflow]
    row = wf.table.get((status, action))
    registrar = actor_for("cases.change")
    case = services.case_create(case_type=test_types[workflow], area=town_a, application_date=dt.date(2013, 6, 3),
                                actor=registrar)
    Case.objects.filter(pk=case.pk).update(status=status)
    _prepare(case, row)
    case.refresh_from_db()
    before = _snapshot(case)
    if row is None:
        # not in the table: refused for every role, and nothing changes
        for cap in ("cases.change", "cases.decide", "cases.legal_review"):
            with pytest.raises(TransitionNotAllowed):
                services.case_transition(case, action=action, actor=actor_for(cap))
        assert _snapshot(case) == before
    else:
        services.case_transition(case, action=action, actor=actor_for(row.capability), opinion="同意")
        case.refresh_from_db()
        assert case.status == row.target
        step = CaseStep.objects.get(case=case, seq=before[1] + 1)
        assert (step.action, step.from_status, step.to_status, step.opinion) == (action, status, row.target, "同意")
        assert step.actor == actor_for(row.capability)
        assert CaseEvent.objects.filter(case=case, kind="transition", data__action=action).count() == 1


def test_the_tables_are_consistent() -> None:
    for wf in WORKFLOWS.values():
        assert wf.initial in wf.statuses
        reachable = {wf.initial} | {t.target for t in wf.transitions}
        assert reachable == set(wf.statuses), wf.key
        for status in wf.terminal:
            assert wf.actions_from(status) == [], (wf.key, status)
        used = {t.action for t in wf.transitions}
        assert used == set(wf.actions), wf.key


def test_a_bad_table_is_refused_when_built() -> None:
    with pytest.raises(ValueError, match="duplicate row"):
        Workflow(key="x", statuses={"a": "A", "b": "B"}, actions={"go": "Go"}, initial="a",
                 transitions=(Transition("a", "go", "b", "c"), Transition("a", "go", "a", "c")))
    with pytest.raises(ValueError, match="unknown status"):
        Workflow(key="x", statuses={"a": "A"}, actions={"go": "Go"}, initial="a",
                 transitions=(Transition("a", "go", "zz", "c"),))


@pytest.mark.parametrize(("ctx", "allowed"), [
    (GuardContext(), True),
    (GuardContext(is_special=True, special_records_missing=("基层座谈会记录",), requires_legal_review=True,
                  legal_review_done=True), False),
    (GuardContext(is_special=True, requires_legal_review=True, legal_review_done=True), True),
    (GuardContext(requires_legal_review=True, legal_review_done=False), False),
])
def test_decide_guards_from_town_reviewed(ctx: GuardContext, allowed: bool) -> None:
    if allowed:
        assert LICENSING.transition("town_reviewed", "grant", ctx).target == "granted"
    else:
        with pytest.raises(TransitionNotAllowed):
            LICENSING.transition("town_reviewed", "grant", ctx)


def test_supplement_is_told_only_once() -> None:
    ctx = GuardContext(materials_missing=("结婚证",), supplement_notices=1)
    with pytest.raises(TransitionNotAllowed, match="一次性告知"):
        LICENSING.transition("received", "request_supplement", ctx)


@pytest.mark.django_db
def test_guard_failure_changes_nothing(test_types: dict[str, str], town_a: Any, actor_for: Any) -> None:
    case = services.case_create(case_type=test_types["licensing"], area=town_a,
                                application_date=dt.date(2013, 6, 3), actor=actor_for("cases.change"))
    CaseMaterial.objects.create(case=case, key="marriage", name="结婚证", required=True)
    before = _snapshot(case)
    with pytest.raises(TransitionNotAllowed, match="结婚证"):
        services.case_transition(case, action="accept", actor=actor_for("cases.change"))
    assert _snapshot(case) == before


@pytest.mark.django_db
def test_wrong_role_is_not_permitted_and_changes_nothing(test_types: dict[str, str], town_a: Any,
                                                          actor_for: Any) -> None:
    case = services.case_create(case_type=test_types["licensing"], area=town_a,
                                application_date=dt.date(2013, 6, 3), actor=actor_for("cases.change"))
    Case.objects.filter(pk=case.pk).update(status="town_reviewed")
    before = _snapshot(case)
    with pytest.raises(NotPermitted):
        services.case_transition(case, action="grant", actor=actor_for("cases.change"))
    assert _snapshot(case) == before


@pytest.mark.django_db
def test_special_case_is_blocked_until_the_three_records(test_types: dict[str, str], town_a: Any,
                                                          actor_for: Any) -> None:
    import io

    town = actor_for("cases.change")
    case = services.case_create(case_type=test_types["licensing"], area=town_a,
                                application_date=dt.date(2013, 6, 3), actor=town)
    services.case_mark_special(case, reason="再婚后收养子女情形复杂", actor=town)
    services.case_transition(case, action="accept", actor=town)
    services.case_transition(case, action="give_town_opinion", actor=town, opinion="符合条件")
    county = actor_for("cases.decide")
    with pytest.raises(TransitionNotAllowed, match="三项记录"):
        services.case_transition(case, action="grant", actor=county)
    services.case_transition(case, action="request_legal_review", actor=county)
    services.case_transition(case, action="complete_legal_review", actor=actor_for("cases.legal_review"))
    pdf = b"%PDF-1.4\n% record\n"
    for i, key in enumerate(SPECIAL_RECORDS):
        with pytest.raises(TransitionNotAllowed, match="三项记录"):
            services.case_decide(case, outcome="granted", reasons="符合条件", provision_keys=["k"], actor=county)
        services.case_attach_document(case, kind=key, name=f"r{i}.pdf", stream=io.BytesIO(pdf), size=len(pdf),
                                      actor=town)
    decision = services.case_decide(case, outcome="granted", reasons="符合条件", provision_keys=["k"], actor=county)
    case.refresh_from_db()
    assert case.status == "granted" and decision.provision_keys == ["k"]
    assert CaseDocument.objects.filter(case=case, kind__in=list(SPECIAL_RECORDS)).count() == 3
