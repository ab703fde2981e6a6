"""Contract §2: the CLI, the public API and the public self-check give the same answer for the same facts."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from jisheng.law.rules import load_rule_cases

CASES = load_rule_cases(Path(__file__).parent / "cases" / "birth_approval.yaml")
SAMPLE = ([c for c in CASES if c.expect["eligible"] is True][:6]
          + [c for c in CASES if c.expect["eligible"] is False][:3])
KEYS = ["eligible", "provisions", "unmet", "missing", "materials"]


def cli(facts: dict[str, Any], tmp_path: Path, *extra: str) -> dict[str, Any]:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("eligibility", "birth-approval", "--facts", str(path), *extra, stdout=out)
    return json.loads(out.getvalue())


def api(facts: dict[str, Any], query: str = "") -> dict[str, Any]:
    response = Client().post(f"/api/v1/eligibility/birth-approval{query}", data=json.dumps(facts),
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("case", SAMPLE, ids=lambda c: c.name)
def test_cli_api_and_self_check_agree(case: Any, tmp_path: Path) -> None:
    from_cli = cli(case.facts, tmp_path, "--as-of", case.as_of.isoformat())
    from_api = api(case.facts, f"?as_of={case.as_of.isoformat()}")
    assert list(from_cli) == KEYS and from_cli == from_api
    assert from_cli["eligible"] is case.expect["eligible"]
    assert sorted(from_cli["provisions"]) == sorted(case.expect["provisions"])
    response = Client().post("/portal/self-check/", data={"facts_json": json.dumps(case.facts),
                                                          "as_of": case.as_of.isoformat()})
    assert response.status_code == 200
    shown = response.context["result"]
    assert shown["provisions"] == from_api["provisions"] and shown["eligible"] is from_api["eligible"]
    for key in from_api["provisions"]:
        assert key in response.content.decode()


@pytest.mark.django_db
def test_as_of_defaults_to_the_application_date(tmp_path: Path) -> None:
    facts = {"application_date": "2016-02-01", "children": []}
    expected = ["pfp-law-2015/art-18", "js-pfp-reg-2016/birth-registration"]
    assert cli(facts, tmp_path)["provisions"] == expected
    assert api(facts)["provisions"] == expected


@pytest.mark.django_db
def test_without_any_date_the_rules_in_force_today_apply(tmp_path: Path) -> None:
    from jisheng.core import clock

    with clock.frozen(dt.date(2013, 6, 1)):
        assert cli({"children": []}, tmp_path)["provisions"] == []
        assert api({"children": []})["eligible"] is None
    with clock.frozen(dt.date(2022, 6, 1)):
        assert api({"children": []})["provisions"] == ["pfp-law-2021/art-18", "js-pfp-reg-2021/birth-registration"]


@pytest.mark.django_db
def test_unknown_facts_give_null_and_the_missing_paths(tmp_path: Path) -> None:
    result = cli({"application_date": "2013-06-01", "wife": {"hukou": "urban"}}, tmp_path)
    assert result["eligible"] is None and "wife.birth_date" in result["missing"] and "children" in result["missing"]


@pytest.mark.django_db
def test_bad_input_exits_2_naming_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.json:1: not valid JSON") as info:
        call_command("eligibility", "birth-approval", "--facts", str(bad))
    assert info.value.returncode == 2
    baddate = tmp_path / "baddate.json"
    baddate.write_text('{"application_date": "2013-02-30"}', encoding="utf-8")
    with pytest.raises(CommandError, match="application_date"):
        call_command("eligibility", "birth-approval", "--facts", str(baddate))
    response = Client().post("/api/v1/eligibility/birth-approval", data="[1]", content_type="application/json")
    assert response.status_code == 400


def _spouse(birth: str, **kw: Any) -> dict[str, Any]:
    return {"birth_date": birth, "hukou": "urban", "is_only_child": False, "parent_was_only_child": False,
            "martyr_only_child": False, "duty_disability_grade": None, "underground_years": 0, "underground_now": False,
            "brothers": 1, "sisters": 1, "brothers_able_to_have_children": 1, "previous_marriage": None,
            "sea_fishing_years": 0, "sea_fishing_now": False, "limb_disability_grade": None,
            "hukou_converted_on": None, **kw}


def _couple(application_date: str, children: int, *, husband_only_child: bool) -> dict[str, Any]:
    kids = [{"birth_date": f"{2011 + i}-03-05", "sex": "F", "parents": "joint", "alive": True,
             "disability_appraisal": None} for i in range(children)]
    return {"application_date": application_date, "wife": _spouse("1986-04-02"),
            "husband": _spouse("1984-09-10", is_only_child=husband_only_child),
            "marriage": {"date": "2010-05-01", "husband_married_into_wife_family": False,
                         "supports_wife_parents": False},
            "residence": {"coastal_reclamation_area": False, "land_mu_per_person": None, "mainly_farming": False},
            "children": kids, "wife_pregnant": False}


#: The issue's "done when": the 2014 单独二孩 amendment from 2014-03-28 and the national three-child rule from
#: 2021-08-20, judged on the application date of the facts file (no --as-of).
DONE_WHEN = [
    ("一方独生子女、一个子女，2014-06-01：2014年文本第二十二条第（一）项",
     _couple("2014-06-01", 1, husband_only_child=True), True, ["js-pfp-reg-2014/art-22/item-1"]),
    ("一方独生子女、一个子女，2014-03-01：2002年文本不符合", _couple("2014-03-01", 1, husband_only_child=True),
     False, []),
    ("两个子女，2021-09-01：人口与计划生育法第十八条（三孩）", _couple("2021-09-01", 2, husband_only_child=False),
     True, ["pfp-law-2021/art-18"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("facts", "eligible", "provisions"), [d[1:] for d in DONE_WHEN],
                         ids=[d[0] for d in DONE_WHEN])
def test_the_cli_answers_the_issue_s_done_when_cases(facts: dict[str, Any], eligible: bool, provisions: list[str],
                                                     tmp_path: Path) -> None:
    """``jisheng eligibility birth-approval --facts FILE.json`` on the dates of the 2014 amendment and the 2021 law;
    the API and the public self-check say the same."""
    from_cli = cli(facts, tmp_path)
    assert from_cli["eligible"] is eligible and from_cli["provisions"] == provisions
    assert api(facts) == from_cli
    shown = Client().post("/portal/self-check/", data={"facts_json": json.dumps(facts)}).context["result"]
    assert shown["eligible"] is eligible and shown["provisions"] == provisions


@pytest.mark.django_db
def test_the_new_facts_reach_the_rule_through_every_interface(tmp_path: Path) -> None:
    """Sea fishing (Art. 23 item 6) and a hukou converted 4 years 11 months earlier (para. 3), and a bad grade."""
    facts = _couple("2013-06-01", 1, husband_only_child=False)
    facts["wife"].update(hukou_converted_on="2008-07-01", hukou_conversion_kind="lives_in_countryside")
    facts["husband"].update(sea_fishing_years=6, sea_fishing_now=True)
    expected = ["js-pfp-reg-2002/art-23/item-6", "js-pfp-reg-2002/art-23/para-3"]
    assert cli(facts, tmp_path)["provisions"] == expected and api(facts)["provisions"] == expected
    facts["husband"]["limb_disability_grade"] = 7
    response = Client().post("/api/v1/eligibility/birth-approval", data=json.dumps(facts),
                             content_type="application/json")
    assert response.status_code == 400 and "husband.limb_disability_grade" in response.content.decode()
