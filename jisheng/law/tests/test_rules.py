"""Rules framework: determinations, dated versions, missing facts, YAML cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jisheng.core.errors import InvalidInput
from jisheng.law.citations import citations_of
from jisheng.law.rules import (
    MISSING,
    Determination,
    Facts,
    Ground,
    Params,
    Rule,
    assert_rule_case,
    decide,
    load_rule_cases,
    rule_case_mismatches,
    rule_case_params,
    rule_get,
)

CASES = Path(__file__).parent / "cases" / "example_rule.yaml"
rule = Rule("test-special-assistance", "特别扶助资格（框架测试用）")


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@rule.version(valid_from=dt.date(2008, 1, 1), basis="special-assistance-pilot-2007")
def special_assistance_2008(facts: Facts, as_of: dt.date, params: Params) -> Determination:
    age = facts.check("wife-age-49", lambda b: _age(b, as_of) >= 49, "wife.birth_date")
    only = facts.check("only-child", bool, "only_child")
    deceased = Ground("special-assistance-pilot-2007/art-2",
                      [facts.check("child-deceased", lambda s: s == "deceased", "child_status")],
                      materials=["死亡证明"])
    alive = facts.check("child-disabled-grade-3", lambda s: s == "alive", "child_status")
    disabled_checks = [alive]
    if alive.holds:  # the grade matters only for a living child; null = not disabled
        disabled_checks.append(facts.check("child-disabled-grade-3", lambda g: g is not None and g <= 3,
                                           "disability_grade"))
    disabled = Ground("special-assistance-pilot-2007/art-2", disabled_checks, materials=["残疾人证"])
    return decide([deceased, disabled], common=[age, only], common_materials=["独生子女父母光荣证"])


def test_determination_to_dict_shape() -> None:
    d = Determination(True, provisions=["a/art-1"], materials=["x"])
    assert d.to_dict() == {"eligible": True, "provisions": ["a/art-1"], "unmet": [], "missing": [], "materials": ["x"]}


@pytest.mark.parametrize("case", rule_case_params(CASES))
def test_yaml_cases(case: object) -> None:
    assert_rule_case(case)  # type: ignore[arg-type]


def test_cases_carry_file_and_line() -> None:
    cases = load_rule_cases(CASES)
    assert len(cases) == 7
    assert cases[0].location.endswith("example_rule.yaml:5")
    assert cases[1].as_of == dt.date(2013, 5, 31) and cases[1].facts["wife"]["birth_date"] == "1964-06-01"


def test_a_wrong_expectation_is_reported_with_location() -> None:
    case = load_rule_cases(CASES)[1]
    wrong = type(case)(**{**case.__dict__, "expect": {"eligible": True}})
    assert rule_case_mismatches(wrong) == ["eligible: expected True, got False"]
    with pytest.raises(AssertionError, match=r"example_rule\.yaml:12"):
        assert_rule_case(wrong)


def test_version_in_force_and_before_first_version() -> None:
    assert rule_get("test-special-assistance").version_for(dt.date(2008, 1, 1)).func is special_assistance_2008
    with pytest.raises(InvalidInput, match="2007-12-31"):
        rule.evaluate({}, as_of=dt.date(2007, 12, 31))


def test_overlapping_versions_are_refused() -> None:
    r = Rule("test-overlap")

    @r.version(valid_from=dt.date(2010, 1, 1), valid_to=dt.date(2016, 1, 1))
    def v1(facts: Facts, as_of: dt.date, params: Params) -> Determination:
        return Determination(True)

    @r.version(valid_from=dt.date(2016, 1, 1))
    def v2(facts: Facts, as_of: dt.date, params: Params) -> Determination:
        return Determination(False)

    assert r.evaluate({}, as_of=dt.date(2015, 12, 31)).eligible is True
    assert r.evaluate({}, as_of=dt.date(2016, 1, 1)).eligible is False
    with pytest.raises(ValueError, match="overlaps"):
        @r.version(valid_from=dt.date(2015, 6, 1))
        def v3(facts: Facts, as_of: dt.date, params: Params) -> Determination:
            return Determination(None)


def test_all_grounds_failing_is_false_even_with_missing_facts() -> None:
    facts = {"only_child": True, "child_status": "alive", "disability_grade": None}
    d = rule.evaluate(facts, as_of=dt.date(2013, 1, 1))
    assert d.to_dict() == {"eligible": False, "provisions": [], "unmet": ["child-deceased", "child-disabled-grade-3"],
                           "missing": [], "materials": []}


def test_unknown_child_status_is_missing_not_false() -> None:
    d = rule.evaluate({"wife": {"birth_date": "1960-01-01"}, "only_child": True}, as_of=dt.date(2013, 1, 1))
    assert (d.eligible, d.missing) == (None, ["child_status"])


def test_facts_reader_records_missing_and_keeps_nulls() -> None:
    facts = Facts({"wife": {"birth_date": "1980-02-29", "previous_marriage": None}, "children": [{"sex": "F"}]})
    assert facts.date("wife.birth_date") == dt.date(1980, 2, 29)
    assert facts.get("wife.previous_marriage") is None
    assert facts.get("children.0.sex") == "F"
    assert facts.get("children.1.sex") is MISSING
    assert facts.get("husband.birth_date") is MISSING
    assert facts.missing == ["children.1.sex", "husband.birth_date"]
    with pytest.raises(InvalidInput) as err:
        Facts({"wife": {"birth_date": "1980-02-30"}}).date("wife.birth_date")
    assert err.value.location == "wife.birth_date"


def test_params_read_values_in_force_on_as_of() -> None:
    params = Params(dt.date(2019, 5, 15))
    assert params.value("ogi.reply") == 20
    assert [p.key for p in params.used] == ["ogi.reply"]


@pytest.mark.django_db  # other apps' citers read the database (the decisions that cite a provision)
def test_rule_versions_are_listed_as_citations() -> None:
    found = [c for c in citations_of("special-assistance-pilot-2007/art-2") if c.kind == "规则"]
    assert any(c.title == "特别扶助资格（框架测试用）" for c in found)
