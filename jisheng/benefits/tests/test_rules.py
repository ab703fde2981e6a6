"""Eligibility and payment-period rules at their boundaries (pure functions, no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jisheng.benefits import programmes, rules
from jisheng.core.errors import InvalidInput

D = dt.date


def sa_facts(**overrides: object) -> dict[str, object]:
    facts: dict[str, object] = {"birth_date": "1968-05-10", "single_parent": False, "wife_birth_date": "1970-06-15",
                                "only_one_child": True, "living_children": 0, "child_disability_grade": None}
    facts.update(overrides)
    return facts


def test_special_assistance_wife_turns_49_on_the_day():
    assert rules.special_assistance(sa_facts(), D(2019, 6, 15)).eligible is True
    before = rules.special_assistance(sa_facts(), D(2019, 6, 14))
    assert before.eligible is False and before.unmet == ["wife_age_49"]


def test_special_assistance_single_parent_counts_own_age():
    facts = sa_facts(single_parent=True, wife_birth_date=None, birth_date="1977-01-01")
    assert rules.special_assistance(facts, D(2026, 1, 1)).eligible is True
    assert rules.special_assistance(facts, D(2025, 12, 31)).unmet == ["self_age_49"]


def test_special_assistance_born_from_1933():
    assert rules.special_assistance(sa_facts(birth_date="1933-01-01"), D(2026, 1, 1)).eligible is True
    assert rules.special_assistance(sa_facts(birth_date="1932-12-31"), D(2026, 1, 1)).unmet == ["born_from_1933"]


@pytest.mark.parametrize(("grade", "eligible"), [(1, True), (3, True), (4, False), (None, False)])
def test_special_assistance_disabled_child_grade_1_to_3(grade, eligible):
    result = rules.special_assistance(sa_facts(living_children=1, child_disability_grade=grade), D(2026, 1, 1))
    assert result.eligible is eligible and result.category == "disabled"


def test_special_assistance_deceased_category_and_provisions():
    result = rules.special_assistance(sa_facts(), D(2026, 1, 1))
    assert result.category == "deceased"
    assert result.provisions == ["special-assistance-pilot-2007/art-2"]
    full = rules.determine(programmes.get("special-assistance"), sa_facts(), D(2026, 1, 1))
    assert "special-assistance-pilot-2007/art-3" in full.provisions


def test_special_assistance_two_living_children_or_unknown_facts():
    assert rules.special_assistance(sa_facts(living_children=2), D(2026, 1, 1)).unmet == [
        "no_child_or_severely_disabled"]
    unknown = rules.special_assistance(sa_facts(only_one_child=None), D(2026, 1, 1))
    assert unknown.eligible is None and unknown.missing == ["only_one_child"]


def test_special_assistance_stops():
    assert rules.special_assistance_stops({"living_children": 1}, category="deceased") == ["new_child"]
    assert rules.special_assistance_stops({"living_children": 1, "child_disability_grade": 4},
                                          category="disabled") == ["recovered"]
    assert rules.special_assistance_stops({"death_date": "2026-05-20", "living_children": 0},
                                          category="deceased") == ["death"]


def rr_facts(**overrides: object) -> dict[str, object]:
    facts: dict[str, object] = {"birth_date": "1966-04-01", "hukou": "rural", "spouse_hukou": "rural",
                                "no_violation_1973_2001": True, "living_children": 2, "living_daughters": 2,
                                "children_ever": 2}
    facts.update(overrides)
    return facts


def test_rural_reward_age_60_and_children():
    assert rules.rural_reward(rr_facts(), D(2026, 4, 1)).eligible is True
    assert rules.rural_reward(rr_facts(), D(2026, 3, 31)).unmet == ["age_60"]
    assert rules.rural_reward(rr_facts(living_daughters=1), D(2026, 4, 1)).unmet == ["children"]
    assert rules.rural_reward(rr_facts(living_children=0, living_daughters=0), D(2026, 4, 1)).eligible is True
    assert rules.rural_reward(rr_facts(spouse_hukou="urban"), D(2026, 4, 1)).unmet == ["rural_hukou"]
    assert rules.rural_reward(rr_facts(no_violation_1973_2001=None), D(2026, 4, 1)).missing == [
        "no_violation_1973_2001"]


def test_one_time_rewards_and_grants():
    assert rules.retiree_reward({"only_child_certificate": True, "enterprise_employee": True,
                                 "retirement_date": "2026-05-01"}, D(2026, 4, 30)).unmet == ["retired"]
    assert rules.contraception_reward({"living_children": 1, "long_acting_method_date": "2026-01-02"},
                                      D(2026, 1, 2)).eligible is True
    assert rules.discretionary({"hardship_reason": "  "}, D(2026, 1, 1)).unmet == ["hardship_reason"]


def test_payable_months_first_of_month_and_death_on_the_20th():
    assert rules.payable_months(start_month=D(2026, 3, 1), stop_date=D(2026, 5, 20), through=D(2026, 8, 1)) == [
        D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1)]
    assert rules.payable_months(start_month=D(2026, 3, 1), stop_date=D(2026, 3, 1), through=D(2026, 8, 1)) == [
        D(2026, 3, 1)]
    assert rules.payable_months(start_month=D(2026, 3, 1), stop_date=D(2026, 2, 28), through=D(2026, 8, 1)) == []


def test_rate_is_the_higher_of_floor_and_local_standard_with_the_parameters_used():
    from jisheng.law.parameters import parameter_value

    prog = programmes.get("special-assistance")
    table = {(r.category, r.hukou): r for r in rules.rate_table(prog, on=D(2012, 12, 1), lookup=parameter_value)}
    assert table[("disabled", "urban")].amount == Decimal("110.00")  # no local standard before 2013
    assert table[("disabled", "urban")].basis == {"special_assistance.national_floor.disabled.urban": "110.00"}
    table = {(r.category, r.hukou): r for r in rules.rate_table(prog, on=D(2014, 1, 1), lookup=parameter_value)}
    assert table[("deceased", "rural")].amount == Decimal("500.00")
    assert table[("deceased", "rural")].verified is False  # the local standard is UNVERIFIED in law's data
    with pytest.raises(InvalidInput):
        rules.rate_table(prog, on=D(2007, 12, 1), lookup=parameter_value)


def test_programme_file_errors_name_the_entry():
    with pytest.raises(InvalidInput) as err:
        programmes.parse({"programmes": [{"key": "x", "name": "X", "frequency": "monthly", "eligibility_rule": "y",
                                          "provisions": []}]}, source="p.yaml")
    assert "p.yaml: x" in str(err.value) and "provision" in str(err.value)
    with pytest.raises(InvalidInput) as err:
        programmes.parse({"programmes": [{"key": "x", "name": "X", "frequency": "monthly", "eligibility_rule": "y",
                                          "provisions": [{"key": "k", "title": "t", "source": "s"}],
                                          "rule_versions": [
                                              {"version": "a", "valid_from": "2020-01-01", "amount_rule": "fixed",
                                               "stop_rule": "one_time"},
                                              {"version": "b", "valid_from": "2021-01-01", "amount_rule": "fixed",
                                               "stop_rule": "one_time"}]}]}, source="p.yaml")
    assert "rule_versions[1]" in str(err.value)


def test_every_programme_cites_provisions_and_the_system_check_passes():
    from jisheng.benefits.checks import check_programmes

    assert len(programmes.all_programmes()) == 6
    assert all(p.provisions for p in programmes.all_programmes().values())
    assert check_programmes(None) == []


def test_a_programme_rests_on_catalogue_provisions_and_local_practices_stay_unverified():
    """The programmes cited keys the law catalogue never had (nhfpc-2013-…, local/…): the start-up check law.E004
    now checks every one, and a practice with no written instrument is kept only as an unverified note."""
    from jisheng.benefits.apps import cited_keys
    from jisheng.law.provisions import provision_exists

    keys = [key for key, _where in cited_keys()]
    assert keys and all(provision_exists(key) for key in keys)
    base = {"key": "x", "name": "X", "frequency": "monthly", "eligibility_rule": "y",
            "rule_versions": [{"version": "a", "valid_from": "2020-01-01", "amount_rule": "fixed",
                               "stop_rule": "one_time"}]}
    with pytest.raises(InvalidInput, match="provision of the law catalogue"):
        programmes.parse({"programmes": [{**base, "provisions": [
            {"key": "", "title": "本地惯例", "source": "s", "verified": False}]}]})
    with pytest.raises(InvalidInput, match="cannot be verified"):
        programmes.parse({"programmes": [{**base, "provisions": [
            {"key": "special-assistance-pilot-2007/art-2", "title": "t", "source": "s", "verified": True},
            {"key": "", "title": "本地惯例", "source": "s", "verified": True}]}]})
