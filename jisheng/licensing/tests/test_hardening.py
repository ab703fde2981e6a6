"""Licensing under misuse: a busy officer's double submit, another town's family, malformed public facts."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from jisheng.accounts.roles import Role
from jisheng.cases.models import Case
from jisheng.registry import services as registry
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

from .helpers import make_couple


def _register(client: Client, wife: Any, husband: Any) -> Any:
    return client.post("/licensing/birth-approval/new/", {
        "reg-wife": wife.id_number, "reg-husband": husband.id_number,
        "reg-application_date": "2013-06-03"})


@pytest.mark.django_db
def test_a_double_submitted_registration_opens_one_file(village_a: Any, town_a: Any, make_user: Any,
                                                         client: Any) -> None:
    wife, husband, _ = make_couple(village_a)
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    first = _register(client, wife, husband)
    assert first.status_code == 302
    second = _register(client, wife, husband)
    assert second.status_code == 200
    assert "女方已有在办的再生育审批案件 ZS2013-00001" in second.content.decode()
    assert Case.objects.filter(case_type="birth_approval").count() == 1


@pytest.mark.django_db
def test_a_family_registered_in_another_town_is_sent_there(village_a: Any, village_b: Any, town_a: Any,
                                                            make_user: Any, client: Any) -> None:
    wife = make_person(village_a, name="赵丽", sex="F", birth_date=dt.date(1986, 1, 1), hukou_area=village_b,
                       hukou_type="urban")
    husband = make_person(village_a, name="钱进", sex="M", birth_date=dt.date(1985, 1, 1))
    registry.marriage_register(husband=husband, wife=wife, start_date=dt.date(2010, 1, 1), actor=None)
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    response = _register(client, wife, husband)
    assert response.status_code == 200
    assert "女方户籍在沙溪镇，应由沙溪镇受理" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_an_unknown_linked_case_number_is_a_form_error(village_a: Any, town_a: Any, make_user: Any,
                                                      client: Any) -> None:
    wife, husband, child = make_couple(village_a)
    child.id_number = "320585201103050026"
    child.save()
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    response = client.post("/licensing/applications/new/", {
        "procedure": "disability_appraisal", "applicant": wife.id_number,
        "spouse": husband.id_number, "child": child.id_number,
        "birth_approval": "ZS2013-99999", "application_date": "2013-06-03"})
    assert response.status_code == 200
    assert "本辖区没有案号为 ZS2013-99999 的案件" in response.content.decode()
    assert not Case.objects.exists()


WRONG_TYPES = [
    ({"application_date": "2013-06-01", "husband": {"underground_years": "ten"}}, "husband.underground_years"),
    ({"application_date": "2013-06-01", "residence": {"land_mu_per_person": "lots"}}, "residence.land_mu_per_person"),
    ({"application_date": "2013-06-01", "children": 5}, "children"),
    ({"application_date": "2013-06-01", "children": ["x"]}, "children.0"),
    ({"application_date": "2013-06-01", "wife": []}, "wife"),
    ({"application_date": "2013-06-01", "wife": {"birth_date": None}}, "wife.birth_date"),
    ({"application_date": "2013-06-01", "wife": {"birth_date": 19860402}}, "wife.birth_date"),
    ({"application_date": "2013-06-01", "wife": {"hukou": "farm"}}, "wife.hukou"),
    ({"application_date": "2013-06-01", "wife": {"is_only_child": "yes"}}, "wife.is_only_child"),
    ({"application_date": "2013-06-01", "wife": {"previous_marriage": {"ended_by": "death", "children": "two"}}},
     "wife.previous_marriage.children"),
    ({"application_date": "2013-06-01", "children": [{"parents": "neighbours"}]}, "children.0.parents"),
    ({"application_date": 20130601}, "application_date"),
    ({"wife": {"birth_date": 5}, "children": "x"}, "wife.birth_date"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("facts", "path"), WRONG_TYPES)
def test_facts_of_the_wrong_type_are_refused_naming_the_path(facts: dict[str, Any], path: str) -> None:
    response = Client().post("/api/v1/eligibility/birth-approval", data=json.dumps(facts),
                             content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{path}: ")


@pytest.mark.django_db
def test_the_public_self_check_answers_bad_facts_with_a_message(client: Any) -> None:
    facts = {"application_date": "2013-06-01", "husband": {"underground_years": "x"}, "children": 5}
    response = client.post("/portal/self-check/", {"facts_json": json.dumps(facts)})
    assert response.status_code == 200
    assert "children: " in response.content.decode() or "husband.underground_years: " in response.content.decode()


def test_the_cli_exits_2_on_bad_facts(tmp_path: Any) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"application_date": "2013-06-01", "children": "x"}))
    with pytest.raises(CommandError) as error:
        call_command("eligibility", "birth-approval", "--facts", str(path))
    assert error.value.returncode == 2
    assert "children: 应为 JSON 数组" in str(error.value)


@pytest.mark.django_db
def test_a_json_body_sent_as_text_is_read_and_a_huge_body_refused() -> None:
    facts = {"application_date": "2013-06-01", "wife": {"birth_date": "1986-04-02"}}
    plain = Client().post("/api/v1/eligibility/birth-approval", data=json.dumps(facts), content_type="text/plain")
    assert plain.status_code == 200
    assert "wife.birth_date" not in plain.json()["missing"]
    huge = Client().post("/api/v1/eligibility/birth-approval", data=b'{"a": "' + b"x" * 200_000 + b'"}',
                         content_type="application/json")
    assert huge.status_code == 413


def test_the_refused_demo_couple_meets_no_provision() -> None:
    from jisheng.licensing import rules
    from jisheng.licensing.demo import REFUSED_FACTS

    for hukou in ("rural", "urban"):
        facts = {**REFUSED_FACTS, "application_date": "2013-04-08",
                 "wife": {**REFUSED_FACTS["wife"], "birth_date": "1980-01-01", "hukou": hukou},
                 "husband": {**REFUSED_FACTS["husband"], "birth_date": "1979-01-01", "hukou": hukou},
                 "marriage": {**REFUSED_FACTS["marriage"], "date": "2005-01-01"},
                 "children": [{"birth_date": "2006-01-01", "sex": "F", "parents": "joint", "alive": True,
                               "disability_appraisal": None}]}
        result = rules.evaluate(facts)
        assert (result.eligible, list(result.provisions)) == (False, [])


@pytest.mark.django_db
def test_the_decision_shows_the_letter_number_and_says_when_no_provision_is_listed(
        village_a: Any, town_a: Any, county: Any, make_user: Any, client: Any) -> None:
    from jisheng.cases import services as cases
    from jisheng.core import clock
    from jisheng.licensing import services

    wife, husband, _ = make_couple(village_a)
    officer = make_user(Role.TOWN_OFFICER, town_a)
    with clock.frozen(dt.date(2013, 6, 3)):
        case = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2013, 6, 3),
                                                actor=officer)
        for m in case.materials.all():
            cases.case_attach_document(case, kind=m.key, name="a.pdf", stream=io.BytesIO(b"%PDF-1.4"), size=8,
                                       actor=officer)
        cases.case_transition(case, action="accept", actor=officer)
        cases.case_transition(case, action="give_town_opinion", actor=officer)
        cases.case_decide(case, outcome="refused", reasons="不符合条件", provision_keys=["js-pfp-reg-2002/art-22"],
                          actor=make_user(Role.CITY_ADMIN, county))
    login(client, officer)
    page = client.get(f"/cases/{case.number}/").content.decode()
    letter = case.documents.get(kind="decision")
    assert letter.doc_number and f"· {letter.doc_number}</p>" in page
    assert "《江苏省人口与计划生育条例》第22条" in page and "救济途径" in page


@pytest.mark.django_db
def test_the_review_ranking_reads_a_fixed_number_of_queries(village_a: Any, town_a: Any, county: Any,
                                                            make_user: Any, client: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jisheng.cases import services as cases
    from jisheng.core import clock
    from jisheng.licensing import services

    officer = make_user(Role.TOWN_OFFICER, town_a)
    admin = make_user(Role.CITY_ADMIN, county)
    login(client, make_user(Role.LEGAL_REVIEWER, county))

    def decide(first: int, n: int) -> None:
        for i in range(first, first + n):
            wife, husband, _ = make_couple(village_a, wife_name=f"王{i}红", husband_name=f"李{i}国")
            with clock.frozen(dt.date(2013, 6, 3)):
                case = services.birth_approval_register(wife=wife, husband=husband,
                                                        application_date=dt.date(2013, 6, 3), actor=officer)
                for m in case.materials.all():
                    cases.case_attach_document(case, kind=m.key, name="a.pdf", stream=io.BytesIO(b"%PDF-1.4"),
                                               size=8, actor=officer)
                cases.case_transition(case, action="accept", actor=officer)
                cases.case_transition(case, action="give_town_opinion", actor=officer)
                cases.case_decide(case, outcome="refused", reasons="不符合条件",
                                  provision_keys=["js-pfp-reg-2002/art-22"], actor=admin)

    counts = []
    client.get("/cases/review-report/")  # a session's first request may refresh it: count from the next
    for first in (0, 2):
        decide(first, 2)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/cases/review-report/")
        assert page.status_code == 200 and "城厢镇" in page.content.decode()
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_a_dead_spouse_cannot_apply(village_a: Any, town_a: Any, make_user: Any, client: Any) -> None:
    wife, husband, _ = make_couple(village_a)
    registry.person_record_death(husband, date=dt.date(2012, 1, 1), actor=None)
    login(client, make_user(Role.TOWN_OFFICER, town_a))
    response = _register(client, wife, husband)
    assert response.status_code == 200
    assert "李**在人口信息中的状态为“死亡”，不能作为申请人" in response.content.decode()
    assert not Case.objects.exists()
