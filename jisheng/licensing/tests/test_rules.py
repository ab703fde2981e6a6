"""Birth-approval rule cases (YAML, readable by the legal staff): the Jiangsu situations, both sides, and the dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jisheng.core.errors import InvalidInput
from jisheng.law.provisions import in_force, in_force_state, provision_data, provision_exists, version_data
from jisheng.law.rules import RuleCase, assert_rule_case, load_rule_cases, rule_case_params
from jisheng.licensing import rules

CASES_FILE = Path(__file__).parent / "cases" / "birth_approval.yaml"


@pytest.mark.parametrize("case", rule_case_params(CASES_FILE))
def test_birth_approval_rule_case(case: RuleCase) -> None:
    assert_rule_case(case)


#: Case names that start with these prefixes are the negative cases of a situation.
NEGATIVE_PREFIX = {
    **{f"js-pfp-reg-2002/art-22/item-{n}": f"22({'一二三四五六七'[n - 1]})" for n in range(1, 8)},
    **{f"js-pfp-reg-2002/art-23/item-{n}": f"23({'一二三四五六'[n - 1]})" for n in range(1, 7)},
    "js-pfp-reg-2002/art-23/para-2": "23第二款", "js-pfp-reg-2002/art-23/para-3": "23第三款",
    "js-pfp-reg-2014/art-22/item-1": "2014(22一)", "js-pfp-reg-2014/art-23/item-5": "2014(23五)",
    "js-pfp-reg-2014/art-23/para-2": "2014(23第二款)", "js-pfp-reg-2014/art-23/para-3": "2014(23第三款)",
}


def _positive(cases: list[RuleCase], key: str) -> list[RuleCase]:
    return [c for c in cases if c.expect.get("eligible") is True and key in c.expect.get("provisions", [])]


def test_every_situation_has_cases_on_both_sides() -> None:
    """Every situation of the 2002 text on both sides; every 2014 situation on the positive side and its new
    grounds (22.1 单独, 23.5 sea fishing, 23 para. 2 limb disability, para. 3 conversion) on both sides."""
    cases = load_rule_cases(CASES_FILE)
    keys = [*rules.SITUATIONS_2002, *rules.SITUATIONS_2014, "js-pfp-reg-2002/art-23/para-3",
            "js-pfp-reg-2014/art-23/para-3"]
    for key in keys:
        assert _positive(cases, key), key
    for key, prefix in NEGATIVE_PREFIX.items():
        negative = [c for c in cases if c.expect.get("eligible") is False and c.name.startswith(prefix)]
        assert negative, key
    assert len(rules.SITUATIONS_2002) == 14 and len(rules.SITUATIONS_2014) == 13


def test_the_version_in_force_on_the_application_date_applies() -> None:
    version = rules.birth_approval.version_for
    assert version(dt.date(2014, 3, 27)).basis == "js-pfp-reg-2002"
    assert version(rules.V2014_FROM).basis == "js-pfp-reg-2014" and dt.date(2014, 3, 28) == rules.V2014_FROM
    assert version(dt.date(2015, 12, 31)).basis == "js-pfp-reg-2014"
    assert version(rules.V2016_FROM).basis == "js-pfp-reg-2016"
    assert version(dt.date(2021, 8, 19)).basis == "js-pfp-reg-2016"
    assert version(rules.V2021_NATIONAL_FROM).basis == "pfp-law-2021"
    assert dt.date(2021, 8, 20) == rules.V2021_NATIONAL_FROM
    assert version(rules.V2021_FROM).basis == "js-pfp-reg-2021"


def test_the_versions_boundaries_agree_with_the_catalogue() -> None:
    """A rule version starts on its text's verified date of effect: the 2014 amendment and the national law."""
    assert version_data("js-pfp-reg-2014").effective == rules.V2014_FROM
    assert version_data("pfp-law-2015").effective == rules.V2016_FROM
    assert version_data("pfp-law-2021").effective == rules.V2021_NATIONAL_FROM
    assert in_force("pfp-law-2021/art-18", rules.V2021_NATIONAL_FROM)
    assert not in_force("pfp-law-2021/art-18", rules.V2021_NATIONAL_FROM - dt.timedelta(days=1))
    # decisions after 2014-03-28 cannot cite the 2002 numbering any more
    assert in_force_state("js-pfp-reg-2002/art-22/item-6", dt.date(2014, 3, 28)) is False
    assert in_force_state("js-pfp-reg-2014/art-22/item-1", dt.date(2014, 3, 27)) is False


@pytest.mark.parametrize("key", list(rules.PROVISIONS))
def test_each_provision_s_verified_flag_agrees_with_the_catalogue(key: str) -> None:
    """``PROVISIONS[key].verified`` is the catalogue's flag (the text version's, for rule keys the catalogue cites
    as a whole: the Jiangsu 2016 and 2021 texts)."""
    from jisheng.licensing.casetypes import catalogue_key

    cited = catalogue_key(key)
    assert provision_exists(cited), key
    expected = provision_data(cited).verified if cited == key else version_data(cited).verified
    assert rules.PROVISIONS[key].verified is expected, key


def test_the_duty_disability_grades_and_their_sources() -> None:
    on_2013, before = dt.date(2013, 6, 1), dt.date(2004, 9, 30)
    assert all(rules._duty_2b_or_above(g, before) for g in ("special", "1", "2A", "2B"))
    assert not any(rules._duty_2b_or_above(g, on_2013) for g in ("3A", "3B", None))
    assert [n for n in range(1, 11) if rules._duty_2b_or_above(f"grade-{n}", on_2013)] == [1, 2, 3, 4, 5, 6]
    assert not rules._duty_2b_or_above("grade-1", before)
    assert all(provision_exists(k) for k in rules.DUTY_GRADE_SOURCES)
    assert version_data("military-pension-reg-2004").effective == rules.TEN_GRADE_SCALE_FROM


def test_the_new_facts_are_type_checked() -> None:
    ok = {"wife": {"sea_fishing_years": 5, "sea_fishing_now": True, "limb_disability_grade": 2,
                   "hukou_converted_on": "2010-01-01", "hukou_conversion_kind": "en_bloc",
                   "duty_disability_grade": "grade-10"},
          "husband": {"limb_disability_grade": "3", "hukou_converted_on": None, "duty_disability_grade": "2B"},
          "residence": {"mainly_farming": False}}
    rules.validate_facts(ok)
    for path, bad in (("wife.sea_fishing_years", -1), ("wife.sea_fishing_now", "yes"),
                      ("wife.limb_disability_grade", 5), ("wife.limb_disability_grade", True),
                      ("wife.hukou_converted_on", "2010-02-30"), ("wife.hukou_conversion_kind", "moved"),
                      ("wife.duty_disability_grade", "grade-11"), ("residence.mainly_farming", 1)):
        part, key = path.split(".")
        with pytest.raises(InvalidInput) as info:
            rules.validate_facts({part: {key: bad}})
        assert info.value.location == path


def test_the_2016_remarriage_ground_counts_both_spouses_children_together() -> None:
    def facts(wife_n: int | None, husband_n: int | None) -> dict[str, Any]:
        prev = [None if n is None else {"ended_by": "divorce", "children": n} for n in (wife_n, husband_n)]
        return {"wife": {"previous_marriage": prev[0]}, "husband": {"previous_marriage": prev[1]}, "children": []}

    on = dt.date(2019, 3, 1)
    grounds = {k: rules._remarried_at_most_two_before(rules.BirthFacts(facts(*n)))
               for k, n in {"1+1": (1, 1), "2+0": (2, None), "2+1": (2, 1), "2+2": (2, 2), "0+0": (None, None)}.items()}
    assert grounds == {"1+1": True, "2+0": True, "2+1": False, "2+2": False, "0+0": False}
    assert rules.evaluate({**facts(2, 2), "children": []}, on).provisions == ["pfp-law-2015/art-18",
                                                                              "js-pfp-reg-2016/birth-registration"]


def test_the_age_condition_is_named_when_it_fails_and_only_then() -> None:
    base = {"wife": {"birth_date": "1989-06-02", "hukou": "urban", "is_only_child": True},
            "husband": {"is_only_child": True}, "children": [{"sex": "F", "parents": "joint"}]}
    young = rules.evaluate(base, dt.date(2013, 6, 1))
    assert young.eligible is False and "wife-age-24" in young.unmet
    of_age = rules.evaluate(base, dt.date(2013, 6, 2))
    assert of_age.eligible is True and of_age.provisions == ["js-pfp-reg-2002/art-22/item-6"]
