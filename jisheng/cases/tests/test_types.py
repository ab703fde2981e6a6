"""A procedure the engine has never seen — parties outside the registry, its own outcomes, records and
per-unit clocks — runs on the engine without a line of the engine changing; a type that does not fit is refused
when it registers, naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils.translation import gettext_lazy as _

from jisheng.cases import services, types
from jisheng.cases.types import CaseTypeError, ClockRule, Outcome, Party, RecordKind
from jisheng.cases.workflows import Transition, Workflow
from jisheng.core import clock
from jisheng.core.errors import InvalidInput

#: A petition-like procedure: received, routed to units, answered with one of three outcomes, replied to.
HEARD = Workflow(
    key="heard",
    statuses={"received": _("已登记"), "routed": _("已交办"), "answered": _("已答复"), "closed": _("已办结")},
    actions={"route": _("交办"), "support": _("支持"), "explain": _("解释"), "reject": _("不支持"),
             "close": _("办结")},
    initial="received",
    transitions=(
        Transition("received", "route", "routed", "change"),
        Transition("routed", "support", "answered", "decide"),
        Transition("routed", "explain", "answered", "decide"),
        Transition("routed", "reject", "answered", "decide"),
        Transition("answered", "close", "closed", "change"),
    ),
    terminal=frozenset({"closed"}),
)


def heard_type(**overrides: Any) -> types.CaseType:
    fields: dict[str, Any] = {
        "key": "toy_heard", "label": "玩具信访", "workflow": HEARD, "number_prefix": "TXF", "module": "toys",
        "module_label": "玩具信访", "capability_ns": "licensing",
        "parties": (Party("petitioner", "信访人", registry=False, required=True),),
        "outcomes": (Outcome("supported", "支持", "support", favourable=True),
                     Outcome("explained", "解释说明", "explain", favourable=None),
                     Outcome("not_supported", "不支持", "reject", favourable=False, tells_remedies=True)),
        "records": (RecordKind("reply", "答复送达", needs_text=True, phase="decided"),
                    RecordKind("answer", "承办单位答复")),
        "clock_rules": (
            ClockRule("acceptance", "告知是否受理", starts_on="received", stop_on=frozenset({"action:route"}),
                      unit="calendar", amount=15),
            ClockRule("unit_answer", "承办单位答复", starts_on="action:route", stop_on=frozenset({"record:answer"}),
                      unit="calendar", amount=30, per_instance=True),
            ClockRule("reply", "答复信访人", starts_on="received", stop_on=frozenset({"record:reply"}), unit="calendar",
                      amount=60, max_extensions=1, max_extension=30),
        ),
        "remedies": lambda case, on: ["可以自收到答复之日起30日内请求复查。", "也可以依法提起行政诉讼。"],
    }
    fields.update(overrides)
    return types.CaseType(**fields)


@pytest.mark.django_db
def test_a_second_procedure_runs_on_the_engine_unchanged(town_a: Any, actor_for: Any) -> None:
    types.register(heard_type())
    try:
        town, county = actor_for("change"), actor_for("decide")
        with clock.frozen(dt.date(2023, 3, 1)):
            with pytest.raises(InvalidInput, match="信访人"):
                services.case_create(case_type="toy_heard", area=town_a, application_date=dt.date(2023, 3, 1),
                                     actor=town)
            case = services.case_create(case_type="toy_heard", area=town_a, application_date=dt.date(2023, 3, 1),
                                        actor=town, outside_parties=[{"role": "petitioner", "name": "张某",
                                                                      "phone": "13800138000"}])
            services.case_transition(case, action="route", actor=town, opinion="交城厢镇、沙溪镇")
            for unit in ("城厢镇", "沙溪镇"):
                services.case_start_clock(case, kind="unit_answer", instance=unit, start=dt.date(2023, 3, 1),
                                          actor=town)
        with clock.frozen(dt.date(2023, 3, 20)):
            services.case_add_record(case, kind="answer", instance="城厢镇", actor=town)
            services.case_add_record(case, kind="answer", instance="沙溪镇", actor=town)
            decision = services.case_decide(case, outcome="explained", reasons="政策已解释清楚",
                                            provision_keys=["petition-work-reg-2022/art-31"], actor=county)
            services.case_add_record(case, kind="reply", text="已电话答复并寄送书面答复意见", actor=town)
            services.case_transition(case, action="close", actor=town)
        case.refresh_from_db()
        assert case.status == "closed" and decision.outcome_label() == "解释说明" and decision.remedies == []
        assert case.applicants.get().display_name == "张某"
        clocks = {(c.kind, c.instance): (c.met_on, c.met_in_time) for c in case.clocks.all()}
        assert clocks == {("acceptance", ""): (dt.date(2023, 3, 1), True),
                          ("unit_answer", "城厢镇"): (dt.date(2023, 3, 20), True),
                          ("unit_answer", "沙溪镇"): (dt.date(2023, 3, 20), True),
                          ("reply", ""): (dt.date(2023, 3, 20), True)}
    finally:
        types.unregister("toy_heard")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"key": "Bad-Key"}, "key must be"),
    ({"number_prefix": "xf"}, "number_prefix"),
    ({"capability_ns": "nobody"}, "no role holds 'nobody.change'"),
    ({"outcomes": (Outcome("x", "X", "fly", favourable=True),)}, "unknown action 'fly'"),
    ({"clock_rules": (ClockRule("c", "C", starts_on="action:fly", stop_on=frozenset(), amount=1),)},
     "unknown event 'action:fly'"),
    ({"clock_rules": (ClockRule("c", "C", starts_on="received", stop_on=frozenset({"record:none"}), amount=1),)},
     "unknown event 'record:none'"),
    ({"clock_rules": (ClockRule("c", "C", starts_on="received", stop_on=frozenset()),)}, "neither parameter"),
    ({"clock_rules": (ClockRule("c", "C", starts_on="received", stop_on=frozenset(), amount=1, per_instance=True),)},
     "per-instance"),
    ({"records": (RecordKind("a", "A"), RecordKind("a", "B"))}, "duplicate record"),
    ({"workflow": Workflow(key="abs", statuses={"a": "A", "b": "B"}, actions={"go": "Go"}, initial="a",
                           transitions=(Transition("a", "go", "b", "licensing.change"),))}, "must be relative"),
])
def test_a_type_that_does_not_fit_is_refused_naming_the_field(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(CaseTypeError, match=message):
        types.register(heard_type(**overrides))
    assert "toy_heard" not in {t.key for t in types.all_types()}


def test_a_prefix_is_one_types_only() -> None:
    with pytest.raises(CaseTypeError, match="used by 'birth_approval'"):
        types.register(heard_type(number_prefix="ZS"))


def test_every_registered_type_passes_the_start_up_check() -> None:
    from jisheng.cases.checks import check_case_types

    assert check_case_types(None) == []
