"""Birth-approval rule cases (YAML, readable by the legal staff): the 12 Jiangsu situations, both sides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jisheng.law.rules import RuleCase, assert_rule_case, load_rule_cases, rule_case_params
from jisheng.licensing import rules

CASES_FILE = Path(__file__).parent / "cases" / "birth_approval.yaml"


@pytest.mark.parametrize("case", rule_case_params(CASES_FILE))
def test_birth_approval_rule_case(case: RuleCase) -> None:
    assert_rule_case(case)


def test_every_one_of_the_twelve_situations_has_cases_on_both_sides() -> None:
    cases = load_rule_cases(CASES_FILE)
    for key in rules.SITUATIONS_2002:
        positive = [c for c in cases if c.expect.get("eligible") is True and key in c.expect.get("provisions", [])]
        number = key.rsplit("/", 2)
        label = f"{number[1][-2:]}({number[2][-1]})"
        negative = [c for c in cases if c.expect.get("eligible") is False and c.name.startswith(
            f"{label[:2]}({'一二三四五六七'[int(label[3]) - 1]})")]
        assert positive, key
        assert negative, key
    assert len(rules.SITUATIONS_2002) == 12


def test_the_version_in_force_on_the_application_date_applies() -> None:
    assert rules.birth_approval.version_for(dt.date(2015, 12, 31)).basis == "js-pfp-reg-2002"
    assert rules.birth_approval.version_for(rules.V2016_FROM).basis == "js-pfp-reg-2016"
    assert rules.birth_approval.version_for(rules.V2021_FROM).basis == "js-pfp-reg-2021"


def test_the_age_condition_is_named_when_it_fails_and_only_then() -> None:
    base = {"wife": {"birth_date": "1989-06-02", "hukou": "urban", "is_only_child": True},
            "husband": {"is_only_child": True}, "children": [{"sex": "F", "parents": "joint"}]}
    young = rules.evaluate(base, dt.date(2013, 6, 1))
    assert young.eligible is False and "wife-age-24" in young.unmet
    of_age = rules.evaluate(base, dt.date(2013, 6, 2))
    assert of_age.eligible is True and of_age.provisions == ["js-pfp-reg-2002/art-22/item-6"]
