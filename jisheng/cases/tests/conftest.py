"""Fixtures of the case-engine tests: a toy procedure the engine has never heard of, actors per capability.

The engine's own tests never import a procedure app (import-linter forbids it): they declare a toy workflow and
toy case types here, in the licensing capability namespace (so the demo roles hold their capabilities), and
register them only for the test that asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils.translation import gettext_lazy as _

from jisheng.accounts.roles import Role
from jisheng.cases import types
from jisheng.cases.types import CaseType, MaterialSpec, Outcome, Party
from jisheng.cases.workflows import (
    Transition,
    Workflow,
    legal_review_not_required,
    legal_review_required,
    materials_complete,
    materials_incomplete,
    no_running_clocks,
    special_records_attached,
    supplement_not_yet_notified,
)

#: A role holding each relative capability in the ``licensing`` namespace (the toy types use it).
ROLE_FOR = {
    "register": Role.VILLAGE_GUIDE,
    "change": Role.TOWN_OFFICER,
    "town_opinion": Role.TOWN_OFFICER,
    "decide": Role.CITY_ADMIN,
    "publish": Role.CITY_ADMIN,
    "legal_review": Role.LEGAL_REVIEWER,
    "approve_extension": Role.LEADER,
    "file_review": Role.LEGAL_REVIEWER,
}

_DECIDE = (special_records_attached, legal_review_not_required)

#: A procedure shaped like any administrative decision: receive, accept, review, (legal review), decide, close.
TOY = Workflow(
    key="toy",
    statuses={"received": _("已收件"), "supplement_requested": _("待补正"), "accepted": _("已受理"),
              "reviewed": _("已审核"), "legal_review": _("法制审核中"), "legal_reviewed": _("法制审核完毕"),
              "granted": _("准予"), "refused": _("不予"), "withdrawn": _("撤回"), "closed": _("已结案")},
    actions={"request_supplement": _("补正"), "accept": _("受理"), "review": _("审核"),
             "request_legal_review": _("提交法制审核"), "complete_legal_review": _("法制审核同意"),
             "return_legal_review": _("法制审核退回"), "grant": _("准予"), "refuse": _("不予"),
             "withdraw": _("撤回"), "close": _("结案")},
    initial="received",
    transitions=(
        Transition("received", "request_supplement", "supplement_requested", "change",
                   (materials_incomplete, supplement_not_yet_notified)),
        Transition("received", "accept", "accepted", "change", (materials_complete,)),
        Transition("received", "withdraw", "withdrawn", "change"),
        Transition("supplement_requested", "accept", "accepted", "change", (materials_complete,)),
        Transition("accepted", "review", "reviewed", "change"),
        Transition("reviewed", "request_legal_review", "legal_review", "decide", (legal_review_required,)),
        Transition("legal_review", "complete_legal_review", "legal_reviewed", "legal_review"),
        Transition("legal_review", "return_legal_review", "reviewed", "legal_review"),
        Transition("reviewed", "grant", "granted", "decide", _DECIDE),
        Transition("reviewed", "refuse", "refused", "decide", _DECIDE),
        Transition("legal_reviewed", "grant", "granted", "decide", (special_records_attached,)),
        Transition("legal_reviewed", "refuse", "refused", "decide", (special_records_attached,)),
        Transition("granted", "close", "closed", "decide", (no_running_clocks,)),
        Transition("refused", "close", "closed", "decide", (no_running_clocks,)),
        Transition("withdrawn", "close", "closed", "change"),
    ),
    terminal=frozenset({"closed"}),
)

TOY_OUTCOMES = (Outcome("granted", _("准予"), "grant", favourable=True),
                Outcome("refused", _("不予"), "refuse", favourable=False, tells_remedies=True))


def _materials(facts: dict[str, Any], as_of: Any) -> list[MaterialSpec]:
    return [MaterialSpec(key=k, name=n) for k, n in facts.get("_materials", [])]


def toy_type(key: str = "toy_procedure", prefix: str = "TY", **overrides: Any) -> CaseType:
    """A toy case type in the licensing namespace, with remedies told on refusal."""
    fields: dict[str, Any] = {
        "key": key, "label": "玩具事项", "workflow": TOY, "number_prefix": prefix, "module": "toys",
        "module_label": "玩具", "capability_ns": "licensing", "outcomes": TOY_OUTCOMES, "materials": _materials,
        "parties": (Party("applicant", "申请人"), Party("wife", "女方"), Party("husband", "男方")),
        "remedies": lambda case, on: ["可以申请行政复议。", "可以提起行政诉讼。"],
    }
    fields.update(overrides)
    return CaseType(**fields)


@pytest.fixture
def register_type() -> Iterator[Callable[..., CaseType]]:
    """Register toy types for one test; each is removed afterwards."""
    made: list[str] = []

    def register(**overrides: Any) -> CaseType:
        t = toy_type(**overrides)
        types.register(t)
        made.append(t.key)
        return t

    yield register
    for key in made:
        types.unregister(key)


@pytest.fixture
def toy(register_type: Callable[..., CaseType]) -> str:
    """The key of a plain toy type (no clocks)."""
    return register_type().key


@pytest.fixture
def actor_for(make_user: Callable[..., Any], town_a: Any, county: Any) -> Callable[[str], Any]:
    """``actor_for("decide")``: a user whose role holds ``licensing.decide`` (city roles sit at the county)."""
    made: dict[str, Any] = {}

    def get(capability: str) -> Any:
        role = ROLE_FOR[capability.rsplit(".", 1)[-1]]
        if role not in made:
            area = town_a if role in (Role.TOWN_OFFICER, Role.VILLAGE_GUIDE) else county
            made[role] = make_user(role, area)
        return made[role]

    return get
