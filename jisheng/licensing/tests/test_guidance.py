"""Self-check questionnaire and leaflets come from the same rules as the API and the staff screens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from jisheng.law.rules import load_rule_cases
from jisheng.licensing import guidance, rules

CASES = load_rule_cases(Path(__file__).parent / "cases" / "birth_approval.yaml")


@pytest.mark.parametrize("key", rules.SITUATIONS_2002)
def test_each_leaflet_lists_exactly_the_materials_the_rule_returns(key: str) -> None:
    case = next(c for c in CASES if c.expect["eligible"] is True and c.expect["provisions"] == [key])
    determination = rules.evaluate(case.facts, case.as_of)
    leaflet = guidance.leaflet(key, dt.date(2013, 6, 1))
    assert leaflet is not None and leaflet["all_materials"] == determination.materials


@pytest.mark.django_db
def test_the_leaflet_page_prints_conditions_materials_and_the_days_in_force() -> None:
    response = Client().get("/portal/leaflets/js-pfp-reg-2002/art-23/item-5/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "第二十三条第（五）项" in text and "人均耕地五亩以上" in text and "村委会出具的人均耕地证明" in text
    assert "7个工作日内提出审核意见" in text and "15个工作日内作出决定" in text
    assert Client().get("/portal/leaflets/js-pfp-reg-2002/art-24/item-1/").status_code == 404
    listing = Client().get("/portal/leaflets/").content.decode()
    assert listing.count("/portal/leaflets/js-pfp-reg-2002/") == 12


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

    partial = Client().post("/portal/self-check/", data={"as_of": "2013-06-01", "wife_hukou": "rural"})
    result = partial.context["result"]
    assert result["eligible"] is None
    assert "女方出生日期" in result["questions"] and "夫妻现有子女数" in result["questions"]


@pytest.mark.django_db
def test_a_later_version_is_marked_unverified_on_screen() -> None:
    response = Client().post("/portal/self-check/", data={"as_of": "2017-03-01", "children": "1"})
    text = response.content.decode()
    assert response.context["result"]["provisions"] == ["js-pfp-reg-2016/birth-registration"]
    assert "尚待核实（UNVERIFIED）" in text and "条文待核实" in text
