"""Decisions cite the law: provisions of the catalogue in force on the decision date, chosen from a pick-list;
free text or a repealed provision is refused by the service; the rules' verdict is recorded, and a decision
against it needs a written reason the case-file review shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisheng.cases import review, services
from jisheng.cases.models import Case, CaseDecision, CaseEvent
from jisheng.cases.types import RuleVerdict
from jisheng.core import clock
from jisheng.core.errors import InvalidInput


def _reviewed(key: str, town_a: Any, actor: Any, day: dt.date) -> Case:
    case = services.case_create(case_type=key, area=town_a, application_date=day, actor=actor)
    Case.objects.filter(pk=case.pk).update(status="reviewed")
    case.refresh_from_db()
    return case


@pytest.mark.django_db
@pytest.mark.parametrize(("keys", "message"), [
    (["江苏条例第二十二条"], "不是法规库中的条款"),
    (["js-pfp-reg-2002/art-99"], "不是法规库中的条款"),
    (["petition-reg-2005/art-33"], "不是有效条款"),           # the 2005 petition regulation ended 2022-04-30
    (["admin-licensing-law-2003/art-38"], "不是有效条款"),    # superseded by the 2019 text
    ([], "至少一项"),
])
def test_a_free_text_unknown_or_repealed_basis_is_refused_by_the_service(
        keys: list[str], message: str, toy: str, town_a: Any, actor_for: Any) -> None:
    with clock.frozen(dt.date(2026, 11, 16)):
        case = _reviewed(toy, town_a, actor_for("change"), dt.date(2026, 11, 2))
        with pytest.raises(InvalidInput, match=message):
            services.case_decide(case, outcome="granted", reasons="符合", provision_keys=keys,
                                 actor=actor_for("decide"))
    case.refresh_from_db()
    assert case.status == "reviewed" and not CaseDecision.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_the_provision_in_force_that_day_is_accepted_and_an_unverified_text_is_flagged(
        toy: str, town_a: Any, actor_for: Any) -> None:
    with clock.frozen(dt.date(2026, 11, 16)):
        case = _reviewed(toy, town_a, actor_for("change"), dt.date(2026, 11, 2))
        decision = services.case_decide(case, outcome="granted", reasons="符合", actor=actor_for("decide"),
                                        provision_keys=["admin-licensing-law-2019/art-38", "js-pfp-reg-2021"])
    assert decision.provision_keys == ["admin-licensing-law-2019/art-38", "js-pfp-reg-2021"]
    assert decision.rule_verdict == {"checked": False, "unconfirmed_basis": ["js-pfp-reg-2021"]}
    outcome = review.basis_cited(case)
    assert outcome.passed is True and "施行日期待核实" in outcome.evidence
    # the case's history names the basis in words, as the letter does, never by its catalogue key
    event = CaseEvent.objects.get(case=case, kind="decision")
    assert "《中华人民共和国行政许可法》第38条" in event.summary and "admin-licensing-law" not in event.summary
    assert event.data["provision_keys"] == decision.provision_keys  # the keys stay in the event's data


@pytest.mark.django_db
def test_a_decision_against_the_rules_needs_a_reason_that_the_review_shows(
        register_type: Any, town_a: Any, actor_for: Any) -> None:
    key = register_type(key="toy_ruled", prefix="TR",
                        rule_check=lambda case, on: RuleVerdict(eligible=False, summary="不符合任何情形")).key
    with clock.frozen(dt.date(2013, 6, 20)):
        case = _reviewed(key, town_a, actor_for("change"), dt.date(2013, 6, 3))
        with pytest.raises(InvalidInput, match="不一致的决定须写明理由"):
            services.case_decide(case, outcome="granted", reasons="符合", actor=actor_for("decide"),
                                 provision_keys=["admin-licensing-law-2003/art-38"])
        decision = services.case_decide(case, outcome="granted", reasons="符合", actor=actor_for("decide"),
                                        provision_keys=["admin-licensing-law-2003/art-38"],
                                        deviation_reason="规则未收录的特殊情形，经集体讨论认定符合条件")
    assert decision.against_rule and decision.rule_verdict["eligible"] is False
    outcome = review.decision_follows_rules(case)
    assert outcome.passed is True and "经集体讨论认定符合条件" in outcome.evidence
    assert "经集体讨论" in case.events.get(kind="decision").summary


@pytest.mark.django_db
def test_a_decision_that_follows_the_rules_needs_no_reason(register_type: Any, town_a: Any, actor_for: Any) -> None:
    key = register_type(key="toy_ruled", prefix="TR",
                        rule_check=lambda case, on: RuleVerdict(eligible=False)).key
    with clock.frozen(dt.date(2013, 6, 20)):
        case = _reviewed(key, town_a, actor_for("change"), dt.date(2013, 6, 3))
        decision = services.case_decide(case, outcome="refused", reasons="不符合再生育条件",
                                        actor=actor_for("decide"), provision_keys=["admin-licensing-law-2003/art-38"])
    assert not decision.against_rule and decision.deviation_reason == ""
    assert decision.remedies == ["可以申请行政复议。", "可以提起行政诉讼。"]  # an unfavourable outcome tells them


def test_the_pick_list_holds_the_provisions_in_force_on_the_day() -> None:
    from jisheng.law.provisions import provisions_in_force

    in_2013 = {p.key for p in provisions_in_force(dt.date(2013, 6, 20), "行政许可")}
    in_2026 = {p.key for p in provisions_in_force(dt.date(2026, 11, 16), "行政许可")}
    assert "admin-licensing-law-2003/art-38" in in_2013 and "admin-licensing-law-2019/art-38" not in in_2013
    assert "admin-licensing-law-2019/art-38" in in_2026 and "admin-licensing-law-2003/art-38" not in in_2026
    assert {p.key for p in provisions_in_force(dt.date(2026, 11, 16), "信访条例")}.isdisjoint(
        {"petition-reg-2005/art-33"})


def test_a_cited_key_missing_from_the_catalogue_stops_start_up() -> None:
    from jisheng.law import citations
    from jisheng.law.checks import check_cited_keys

    assert check_cited_keys(None) == []
    citations.register_cited_keys("test", lambda: [("sz-birth-approval-procedure/art-2", "a clock basis")])
    try:
        errors = check_cited_keys(None)
    finally:
        citations._cited.pop("test", None)
    assert [e.id for e in errors] == ["law.E004"] and "sz-birth-approval-procedure/art-2" in errors[0].msg


def test_the_pick_list_search_matches_every_word() -> None:
    from jisheng.law.provisions import provisions_in_force

    found = {p.key for p in provisions_in_force(dt.date(2026, 11, 16), "行政许可法 决定")}
    assert "admin-licensing-law-2019/art-38" in found
    assert all(k.startswith("admin-licensing-law-2019/") for k in found)


@pytest.mark.django_db
def test_the_provision_page_counts_the_decisions_and_names_the_clocks_that_cite_it(
        register_type: Any, town_a: Any, actor_for: Any) -> None:
    """A legal officer sees what an amendment touches: case types' clocks and decisions (counted, not listed:
    the page is open to all staff and case numbers of other towns would leak)."""
    from jisheng.cases.apps import citations
    from jisheng.cases.types import ClockRule

    key = register_type(key="toy_cited", prefix="TZ", clock_rules=(
        ClockRule("decision", "审批决定", starts_on="received", stop_on=frozenset({"action:grant"}), amount=20,
                  basis="admin-licensing-law:art-42/para-1"),)).key
    with clock.frozen(dt.date(2013, 6, 20)):
        for _ in range(2):
            case = _reviewed(key, town_a, actor_for("change"), dt.date(2013, 6, 3))
            services.case_decide(case, outcome="granted", reasons="符合", actor=actor_for("decide"),
                                 provision_keys=["admin-licensing-law-2003/art-38"])
    decided = [(c.kind, c.title, c.detail) for c in citations("admin-licensing-law-2003/art-38")]
    assert decided == [("决定", "玩具事项（2013年）", "2 件决定引用")]
    assert "玩具事项：审批决定" in [c.title for c in citations("admin-licensing-law-2019/art-42/para-1")]
