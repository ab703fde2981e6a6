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
    assert cli(facts, tmp_path)["provisions"] == ["js-pfp-reg-2016/birth-registration"]
    assert api(facts)["provisions"] == ["js-pfp-reg-2016/birth-registration"]


@pytest.mark.django_db
def test_without_any_date_the_rules_in_force_today_apply(tmp_path: Path) -> None:
    from jisheng.core import clock

    with clock.frozen(dt.date(2013, 6, 1)):
        assert cli({"children": []}, tmp_path)["provisions"] == []
        assert api({"children": []})["eligible"] is None
    with clock.frozen(dt.date(2022, 6, 1)):
        assert api({"children": []})["provisions"] == ["js-pfp-reg-2021/birth-registration"]


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
