"""Every engine service called as every role: allowed exactly when the role holds the capability the capability
table (accounts/roles.py) gives it for the case's type, refused with NotPermitted — and nothing written — otherwise.
The views only decide who sees a form; the services decide who may act."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest

from jisheng.accounts.roles import CAPABILITIES, Role
from jisheng.cases import services
from jisheng.cases.models import Case, CaseEvent
from jisheng.cases.types import ClockRule, MaterialSpec, RecordKind
from jisheng.core import clock
from jisheng.core.errors import NotPermitted

DAY = dt.date(2013, 6, 10)
PDF = b"%PDF-1.4\n% scan\n"
CLOCKS = (ClockRule("decision", "决定", starts_on="received", stop_on=frozenset({"action:grant"}), amount=20,
                    max_extension=10),
          ClockRule("unit", "承办单位答复", starts_on="action:accept", stop_on=frozenset(), amount=30, unit="calendar",
                    per_instance=True))
RECORDS = (RecordKind("publication", "决定公开", capability="publish", phase="decided"),)


def _at(case: Case, status: str, **changes: Any) -> Case:
    Case.objects.filter(pk=case.pk).update(status=status, **changes)
    case.refresh_from_db()
    return case


def _upload(case: Case, actor: Any) -> Any:
    return services.case_attach_document(case, kind="id", name="id.pdf", stream=io.BytesIO(PDF), size=len(PDF),
                                         actor=actor)


#: service name → (relative capabilities any of which allows it, how to call it on a fresh case)
SERVICES: dict[str, tuple[tuple[str, ...], Callable[[Case, Any, Any], Any]]] = {
    "case_create": (("register", "change"), lambda case, actor, helper: services.case_create(
        case_type=case.case_type, area=case.area, application_date=DAY, actor=actor)),
    "case_transition": (("change",), lambda case, actor, helper: services.case_transition(
        case, action="accept", actor=actor)),
    "case_decide": (("decide",), lambda case, actor, helper: services.case_decide(
        _at(case, "reviewed"), outcome="granted", reasons="符合", actor=actor,
        provision_keys=["admin-licensing-law-2003/art-38"])),
    "case_legal_review": (("legal_review",), lambda case, actor, helper: services.case_legal_review(
        _at(case, "legal_review", is_major=True), outcome="agree", opinion="主体合法，依据正确，程序合法。",
        actor=actor)),
    "case_add_record": (("publish",), lambda case, actor, helper: services.case_add_record(
        case, kind="publication", text="门户网站", actor=actor)),
    "case_attach_document": (("register", "change"), lambda case, actor, helper: _upload(case, actor)),
    "case_withdraw_document": (("register", "change"), lambda case, actor, helper: services.case_withdraw_document(
        case, document=_upload(case, helper), reason="上传错了", actor=actor)),
    "case_mark_special": (("change",), lambda case, actor, helper: services.case_mark_special(
        case, reason="情形复杂", actor=actor)),
    "case_suspend_clock": (("change", "decide"), lambda case, actor, helper: services.case_suspend_clock(
        case, kind="decision", start=DAY, reason="鉴定", actor=actor)),
    "case_resume_clock": (("change", "decide"), lambda case, actor, helper: services.case_resume_clock(
        services.case_suspend_clock(case, kind="decision", start=DAY, reason="鉴定", actor=helper).case,
        kind="decision", end=DAY, actor=actor)),
    "case_extend_clock": (("approve_extension", "decide"), lambda case, actor, helper: services.case_extend_clock(
        case, kind="decision", days=5, reason="经负责人批准", actor=actor)),
    "case_start_clock": (("change", "decide"), lambda case, actor, helper: services.case_start_clock(
        _at(case, "accepted"), kind="unit", instance="城厢镇", start=DAY, actor=actor)),
}


def _holds(role: str, relatives: tuple[str, ...]) -> bool:
    return any(f"licensing.{rel}" in CAPABILITIES[role] for rel in relatives)


def test_the_table_gives_each_capability_to_someone_and_the_leader_no_handling() -> None:
    for name, (relatives, _call) in SERVICES.items():
        assert any(_holds(role, relatives) for role in Role.values), name
    assert not _holds(Role.LEADER, ("change", "decide"))  # a leader approves extensions, resumes no clock
    assert _holds(Role.LEADER, ("approve_extension",))
    assert not _holds(Role.PETITION_CLERK, ("view",)) and not _holds(Role.FINANCE_OFFICER, ("view",))


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role.values))
@pytest.mark.parametrize("service", list(SERVICES))
def test_each_service_as_each_role(service: str, role: str, register_type: Any, town_a: Any, county: Any,
                                   make_user: Any, actor_for: Any) -> None:
    relatives, call = SERVICES[service]
    key = register_type(key="toy_caps", prefix="TK", clock_rules=CLOCKS, records=RECORDS,
                        materials=lambda facts, as_of: [MaterialSpec("id", "身份证")]).key
    actor = make_user(role, town_a if role in (Role.TOWN_OFFICER, Role.VILLAGE_GUIDE) else county)
    with clock.frozen(DAY):
        case = services.case_create(case_type=key, area=town_a, application_date=DAY, actor=actor_for("change"))
        if service == "case_transition":
            _upload(case, actor_for("change"))
        if service == "case_add_record":
            _at(case, "granted")
        helper = actor_for("change")
        if _holds(role, relatives):
            call(case, actor, helper)
            return
        events = CaseEvent.objects.count()
        with pytest.raises(NotPermitted):
            call(case, actor, helper)
    # the refused call wrote nothing beyond what the set-up itself did
    expected = events + (1 if service in ("case_withdraw_document", "case_resume_clock") else 0)
    assert CaseEvent.objects.count() == expected, service
