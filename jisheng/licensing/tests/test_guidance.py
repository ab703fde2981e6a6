"""Self-check questionnaire and leaflets come from the same rules as the API and the staff screens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from jisheng.law.rules import load_rule_cases
from jisheng.licensing import guidance, rules

CASES = load_rule_cases(Path(__file__).parent / "cases" / "birth_approval.yaml")


def _leaflet_cases() -> list[tuple[str, str, object]]:
    """(period, situation, a YAML rule case of that period whose eligible result is exactly that situation)."""
    out = []
    for period in guidance.periods():
        for keys in guidance.situations(period.basis):
            case = next((c for c in CASES if c.expect["eligible"] is True and period.contains(c.as_of)
                         and sorted(c.expect["provisions"]) == sorted(keys)), None)
            if case is not None:
                out.append((period.slug, guidance._situation_slug(keys), case))
    return out


LEAFLET_CASES = _leaflet_cases()


def test_most_leaflets_have_a_rule_case() -> None:
    """Every 2002 and 2014 situation and today's registration have a YAML case to compare with."""
    slugs = {(p, s) for p, s, _c in LEAFLET_CASES}
    assert len([p for p, _s in slugs if p == "2002-11-01"]) == 14
    assert len([p for p, _s in slugs if p == "2014-03-28"]) == 13
    assert ("2016-01-01", "registration") in slugs and ("2021-09-29", "registration") in slugs


@pytest.mark.django_db
@pytest.mark.parametrize(("period", "slug", "case"), LEAFLET_CASES, ids=[f"{p}/{s}" for p, s, _c in LEAFLET_CASES])
def test_each_leaflet_lists_exactly_the_materials_the_rule_returns(period: str, slug: str, case: object) -> None:
    determination = rules.evaluate(case.facts, case.as_of)  # type: ignore[attr-defined]
    leaflet = guidance.leaflet(period, slug, dt.date(2026, 11, 16))
    assert leaflet is not None and leaflet["all_materials"] == determination.materials


@pytest.mark.parametrize("case", [c for c in CASES if c.expect["eligible"] is True], ids=lambda c: c.name)
def test_every_provision_a_rule_returns_has_a_leaflet_of_its_period(case: object) -> None:
    """What the rule grants on a date is described by a leaflet of that date's period (Art. 23 para. 3 only
    extends another ground and is cited with it)."""
    period = guidance.period_for(case.as_of)  # type: ignore[attr-defined]
    covered = {k for keys in guidance.situations(period.basis) for k in keys}
    for key in case.expect["provisions"]:  # type: ignore[attr-defined]
        assert key in covered or key.endswith("/para-3"), (period.basis, key)


@pytest.mark.django_db
def test_the_leaflet_page_prints_conditions_materials_and_the_days_in_force() -> None:
    response = Client().get("/portal/leaflets/2002-11-01/23-5/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "第二十三条第（五）项" in text and "人均耕地五亩以上" in text and "村委会出具的人均耕地证明" in text
    assert "7个工作日内提出审核意见" in text and "15个工作日内作出决定" in text
    assert "办理时限按 2014年3月27日 有效的规定列出" in text and "2015年12月31日前" not in text
    assert Client().get("/portal/leaflets/2002-11-01/24-1/").status_code == 404
    sea = Client().get("/portal/leaflets/2002-11-01/23-6/").content.decode()
    assert "海洋捕捞" in sea and "第二十三条第（六）项" in sea
    assert Client().get("/portal/leaflets/2002-11-01/23-para-2/").status_code == 200
    assert guidance.leaflet("2002-11-01", "23-para-3", dt.date(2013, 6, 1)) is None  # extends, no leaflet


@pytest.mark.django_db
def test_the_questionnaire_answers_become_facts_and_unknowns_are_listed() -> None:
    response = Client().post("/portal/self-check/", data={
        "as_of": "2013-06-01", "wife_birth_date": "1986-04-02", "wife_hukou": "urban", "children": "1",
        "first_child_sex": "F", "wife_only_child": "yes", "husband_only_child": "yes"})
    result = response.context["result"]
    assert result["eligible"] is True and result["provisions"] == ["js-pfp-reg-2002/art-22/item-6"]
    assert "独生子女证明（父母的独生子女父母光荣证等）" in result["materials"]
    text = response.content.decode()
    assert "第二十二条第（六）项" in text and "女方户籍所在地的镇人民政府或街道办事处" in text
    assert "太仓市人口和计划生育委员会" in text  # the one county the installation's towns lie in, that year's name

    partial = Client().post("/portal/self-check/", data={"as_of": "2013-06-01", "wife_hukou": "rural"})
    result = partial.context["result"]
    assert result["eligible"] is None
    assert "女方出生日期" in result["questions"] and "夫妻现有子女数" in result["questions"]


@pytest.mark.django_db
def test_a_later_version_s_unverified_text_defers_to_the_local_health_authority() -> None:
    response = Client().post("/portal/self-check/", data={"as_of": "2017-03-01", "children": "1"})
    text = response.content.decode()
    assert response.context["result"]["provisions"] == ["pfp-law-2015/art-18", "js-pfp-reg-2016/birth-registration"]
    assert "（条文待核实，以当地卫生健康部门解释为准）" in text
    assert "UNVERIFIED" not in text and "以法制科确认为准" not in text


@pytest.mark.django_db
def test_the_2014_text_and_the_national_law_show_their_own_numbers() -> None:
    """From 2014-03-28 the self-check cites the 2014 numbering; from 2021-08-20 the national law's Art. 18,
    whose wording is verified (no unverified banner for the national-law version)."""
    single = Client().post("/portal/self-check/", data={
        "as_of": "2014-06-01", "wife_birth_date": "1986-04-02", "wife_hukou": "urban", "children": "1",
        "first_child_sex": "F", "wife_only_child": "no", "husband_only_child": "yes", "two_generation": "no",
        "martyr_only_child": "no"})
    result = single.context["result"]
    assert result["eligible"] is True and result["provisions"] == ["js-pfp-reg-2014/art-22/item-1"]
    assert "《江苏省人口与计划生育条例》（2014年修正）第二十二条第（一）项" in single.content.decode()
    three = Client().post("/portal/self-check/", data={"as_of": "2021-09-01", "children": "2"})
    assert three.context["result"]["provisions"] == ["pfp-law-2021/art-18"]
    assert three.context["result"]["version_verified"] is True
    assert "《中华人民共和国人口与计划生育法》（2021年修正）第十八条" in three.content.decode()


@pytest.mark.django_db
def test_the_questionnaire_asks_for_the_new_facts() -> None:
    """Sea fishing, a limb disability, farming, a rural-to-urban hukou conversion and the ten-grade duty scale can
    be answered, and reach the rules as contract §2 facts."""
    from jisheng.licensing.forms import QuestionnaireForm

    base = {"as_of": "2013-06-01", "wife_birth_date": "1986-04-02", "children": "1", "first_child_sex": "F"}
    form = QuestionnaireForm(data={**base, "wife_hukou": "urban", "wife_hukou_conversion": "lives_in_countryside",
                                   "wife_hukou_converted_on": "2008-07-01", "husband_hukou": "urban",
                                   "husband_hukou_conversion": "none", "sea_fishing_years": "6",
                                   "sea_fishing_now": "yes", "limb_disability_grade": "none", "mainly_farming": "no",
                                   "duty_disability_grade": "grade-4"})
    assert form.is_valid(), form.errors
    facts = form.facts()
    assert facts["wife"]["hukou_converted_on"] == "2008-07-01"
    assert facts["wife"]["hukou_conversion_kind"] == "lives_in_countryside"
    assert facts["husband"]["hukou_converted_on"] is None and facts["husband"]["hukou"] == "urban"
    assert (facts["husband"]["sea_fishing_years"], facts["husband"]["sea_fishing_now"]) == (6, True)
    assert facts["husband"]["limb_disability_grade"] is None and facts["residence"]["mainly_farming"] is False
    assert facts["husband"]["duty_disability_grade"] == "grade-4"
    rules.validate_facts(facts)

    response = Client().post("/portal/self-check/", data={
        **base, "wife_hukou": "rural", "husband_hukou": "rural", "mainly_farming": "yes",
        "limb_disability_grade": "limb-2"})
    result = response.context["result"]
    assert "js-pfp-reg-2002/art-23/para-2" in result["provisions"] and result["eligible"] is True
