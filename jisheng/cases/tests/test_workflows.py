"""The transition tables walked exhaustively: every status × action of every registered case type (the real
procedures and a toy one), through the engine's services, as an actor holding the row's capability."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from jisheng.cases import services, types
from jisheng.cases.models import Case, CaseEvent, CaseMaterial, CaseStep
from jisheng.cases.workflows import (
    LEGAL_REVIEW_AGREE,
    LEGAL_REVIEW_BACK,
    GuardContext,
    Transition,
    Workflow,
)
from jisheng.core import clock
from jisheng.core.errors import NotPermitted, TransitionNotAllowed

from .conftest import TOY, toy_type

DAY = dt.date(2013, 6, 3)


def _all_types() -> list[types.CaseType]:
    """Every registered type plus the toy one (registered by the test that walks it)."""
    known = [t for t in types.all_types() if not t.key.startswith(("toy", "test", "matrix"))]
    return [*known, toy_type(key="toy_walk", prefix="TW")]


PAIRS = [(t.key, status, action) for t in _all_types() for status in t.workflow.statuses
         for action in t.workflow.actions]


def test_the_walk_covers_every_registered_type() -> None:
    walked = {key for key, _s, _a in PAIRS}
    assert {t.key for t in types.all_types() if not t.key.startswith(("toy", "test", "matrix"))} <= walked
    assert "toy_walk" in walked and "birth_approval" in walked


def _prepare(case: Case, action: str) -> None:
    """Make the row's guards pass: every material provided (one missing for a supplement notice), major only
    when sent to legal review, no clock still running before closing."""
    if not case.materials.exists():
        CaseMaterial.objects.create(case=case, key="id", name="身份证", required=True, provided=False)
    case.materials.update(provided=action != "request_supplement")
    Case.objects.filter(pk=case.pk).update(is_major=action == "request_legal_review", is_special=False)
    case.clocks.filter(met_on__isnull=True).update(met_on=DAY)


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.status, CaseStep.objects.filter(case=case).count(), CaseEvent.objects.filter(case=case).count(),
            case.clocks.count())


def _take(case: Case, ctype: types.CaseType, row: Transition, actor: Any) -> None:
    if row.action in ctype.decision_actions:
        outcome = next(o for o in ctype.outcomes if o.action == row.action)
        services.case_decide(case, outcome=outcome.key, reasons="经审查", actor=actor,
                             provision_keys=["admin-licensing-law-2003/art-38"], deviation_reason="走查测试")
    elif row.action == LEGAL_REVIEW_AGREE:
        services.case_legal_review(case, outcome="agree", opinion="主体合法，依据正确，程序合法。", actor=actor)
    elif row.action == LEGAL_REVIEW_BACK:
        services.case_legal_review(case, outcome="return", opinion="事实不清，请补充调查记录。", actor=actor)
    else:
        services.case_transition(case, action=row.action, actor=actor, opinion="同意")


def _parties(ctype: types.CaseType, area: Any) -> list[tuple[Any, str]]:
    """A married couple with a daughter from the registry, in the roles the type has."""
    from jisheng.registry import services as registry
    from jisheng.registry.tests.factories import make_person

    wife = make_person(area, name="王小红", sex="F", birth_date=dt.date(1986, 4, 2), hukou_type="urban")
    husband = make_person(area, name="李建国", sex="M", birth_date=dt.date(1984, 9, 10), hukou_type="urban")
    registry.marriage_register(husband=husband, wife=wife, start_date=dt.date(2010, 5, 1), actor=None)
    child = make_person(area, name="李思思", sex="F", birth_date=dt.date(2011, 3, 5), with_id=False)
    people = {"wife": wife, "husband": husband, "child": child}
    return [(people[p.role], p.role) for p in ctype.parties if p.role in people]


#: Facts that make a procedure's own guards pass (what its app would read from its own records), per type.
WALK_FACTS: dict[str, dict[str, Any]] = {
    "petition": {"repeat_after_re_review": True, "reply_pending_receipt": False, "original_received": True,
                 "review_received": True, "reviewed": False, "re_reviewed": False},
}


def _actor(ctype: types.CaseType, relative: str, actor_for: Any, make_user: Any, county: Any) -> Any:
    """A user holding the type's capability ``relative``: the engine's usual role for it when that role holds it
    (licensing), else the first role that does (a petition clerk decides petitions)."""
    from jisheng.accounts.roles import CAPABILITIES

    usual = actor_for(relative)
    if ctype.capability(relative) in CAPABILITIES.get(usual.role, frozenset()):
        return usual
    role = sorted(r for r, caps in CAPABILITIES.items() if ctype.capability(relative) in caps)[0]
    return make_user(role, county)


def _outside_parties(ctype: types.CaseType) -> list[dict[str, str]]:
    """A named party outside the registry for each required role the type takes from outside it (a petitioner)."""
    return [{"role": p.role, "name": "张三", "phone": "13800000000"} for p in ctype.parties
            if p.required and not p.registry]


@pytest.mark.django_db
@pytest.mark.parametrize(("type_key", "status", "action"), PAIRS, ids=lambda v: str(v))
def test_every_status_and_action(type_key: str, status: str, action: str, town_a: Any, village_a: Any,
                                 county: Any, actor_for: Any, make_user: Any, register_type: Any,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    if type_key == "toy_walk":
        register_type(key="toy_walk", prefix="TW")
    if type_key in WALK_FACTS:  # the procedure's own guards read facts its app keeps: make them pass
        facts = WALK_FACTS[type_key]
        monkeypatch.setitem(types._types, type_key,
                            dataclasses.replace(types.get(type_key), guard_facts=lambda case: dict(facts)))
    ctype = types.get(type_key)
    wf = ctype.workflow
    row = wf.table.get((status, action))
    with clock.frozen(DAY):
        case = services.case_create(case_type=type_key, area=town_a, application_date=DAY,
                                    actor=actor_for("change"), applicants=_parties(ctype, village_a),
                                    outside_parties=_outside_parties(ctype))
        Case.objects.filter(pk=case.pk).update(status=status)
        _prepare(case, action)
        case.refresh_from_db()
        before = _snapshot(case)
        if row is None:
            # not in the table: refused for every role, and nothing changes
            for cap in ("change", "decide", "legal_review"):
                with pytest.raises(TransitionNotAllowed):
                    services.case_transition(case, action=action, actor=actor_for(cap))
            assert _snapshot(case) == before
            return
        actor = _actor(ctype, row.capability, actor_for, make_user, county)
        _take(case, ctype, row, actor)
    case.refresh_from_db()
    assert case.status == row.target
    step = CaseStep.objects.get(case=case, seq=before[1] + 1)
    assert (step.action, step.from_status, step.to_status, step.on) == (action, status, row.target, DAY)
    assert step.actor == actor
    assert CaseEvent.objects.filter(case=case, kind="transition", data__action=action).count() == 1


@pytest.mark.parametrize("ctype", _all_types(), ids=lambda t: t.key)
def test_the_tables_are_consistent(ctype: types.CaseType) -> None:
    wf = ctype.workflow
    assert wf.initial in wf.statuses
    reachable = {wf.initial} | {t.target for t in wf.transitions}
    assert reachable == set(wf.statuses), wf.key
    for status in wf.terminal:
        assert wf.actions_from(status) == [], (wf.key, status)
    assert {t.action for t in wf.transitions} == set(wf.actions), wf.key
    for t in wf.transitions:
        assert "." not in t.capability, "transition capabilities are relative to the type's namespace"


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
def test_decide_guards(ctx: GuardContext, allowed: bool) -> None:
    if allowed:
        assert TOY.transition("reviewed", "grant", ctx).target == "granted"
    else:
        with pytest.raises(TransitionNotAllowed):
            TOY.transition("reviewed", "grant", ctx)


def test_supplement_is_told_only_once() -> None:
    ctx = GuardContext(materials_missing=("结婚证",), supplement_notices=1)
    with pytest.raises(TransitionNotAllowed, match="一次性告知"):
        TOY.transition("received", "request_supplement", ctx)


def test_a_file_with_a_running_duty_is_not_closed() -> None:
    with pytest.raises(TransitionNotAllowed, match="决定公开"):
        TOY.transition("granted", "close", GuardContext(running_clocks=("决定公开",)))
    assert TOY.transition("granted", "close", GuardContext()).target == "closed"


@pytest.mark.django_db
def test_guard_failure_changes_nothing(toy: str, town_a: Any, actor_for: Any) -> None:
    case = services.case_create(case_type=toy, area=town_a, application_date=DAY, actor=actor_for("change"))
    CaseMaterial.objects.create(case=case, key="marriage", name="结婚证", required=True)
    before = _snapshot(case)
    with pytest.raises(TransitionNotAllowed, match="结婚证"):
        services.case_transition(case, action="accept", actor=actor_for("change"))
    assert _snapshot(case) == before


@pytest.mark.django_db
def test_wrong_role_is_not_permitted_and_changes_nothing(toy: str, town_a: Any, actor_for: Any) -> None:
    case = services.case_create(case_type=toy, area=town_a, application_date=DAY, actor=actor_for("change"))
    Case.objects.filter(pk=case.pk).update(status="reviewed")
    before = _snapshot(case)
    with pytest.raises(NotPermitted):
        services.case_decide(case, outcome="granted", reasons="x", provision_keys=["admin-licensing-law-2003/art-38"],
                             actor=actor_for("change"))
    with pytest.raises(TransitionNotAllowed, match="决定表单"):
        services.case_transition(case, action="grant", actor=actor_for("decide"))
    assert _snapshot(case) == before
