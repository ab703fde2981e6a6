"""No path that names a person by ID number tells whether (or where) the number is registered outside the user's
scope (issue 11): the person form, the edit form, the API, the roster import and the newborn form answer a number
registered elsewhere with one message that names no record and no place, and suspected duplicates outside the scope
are neither returned nor counted."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse

from jisheng.core.idnumber import make_id_number
from jisheng.registry.access import ID_NUMBER_NOT_USABLE
from jisheng.registry.models import Person
from jisheng.registry.services import roster_import_file
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

D = dt.date


@pytest.fixture
def officer(make_user: Any, town_a: Any) -> Any:
    return make_user("town_officer", town_a)


def _form(village: Any, **fields: Any) -> dict[str, Any]:
    return {"name": "王小红", "sex": "F", "birth_date": "1990-01-01", "hukou_type": "rural",
            "hukou_area": village.pk, "residence_area": village.pk, "ethnicity": "汉族", **fields}


def _tells(text: str, other: Person, area: Any) -> list[str]:
    """What in ``text`` would tell the officer about the record outside their scope."""
    clues = [f"#{other.pk}", f"人员 {other.pk}", "其他地区", area.parent.name, other.name]  # (village names recur)
    return [c for c in clues if c in text]


@pytest.mark.django_db
def test_creating_a_person_whose_number_is_registered_elsewhere_names_no_record_and_no_place(
        client: Any, officer: Any, village_a: Any, village_b: Any) -> None:
    other = make_person(village_b, name="孙丽", sex="F", birth_date=D(1990, 1, 1))
    login(client, officer)
    response = client.post(reverse("registry:person_create"), _form(village_a, id_number=other.id_number))
    assert response.status_code == 200
    errors = list(response.context["form"].errors.get("id_number", []))
    assert errors == [ID_NUMBER_NOT_USABLE]
    assert _tells(response.content.decode(), other, village_b) == []


@pytest.mark.django_db
def test_changing_a_number_to_one_registered_elsewhere_names_no_record(client: Any, officer: Any, village_a: Any,
                                                                       village_b: Any) -> None:
    mine = make_person(village_a, name="王小红", sex="F", birth_date=D(1990, 1, 1), with_id=False)
    other = make_person(village_b, name="孙丽", sex="F", birth_date=D(1990, 1, 1))
    login(client, officer)
    response = client.post(reverse("registry:person_edit", args=[mine.pk]),
                           _form(village_a, id_number=other.id_number))
    assert list(response.context["form"].errors.get("id_number", [])) == [ID_NUMBER_NOT_USABLE]
    assert _tells(response.content.decode(), other, village_b) == []


@pytest.mark.django_db
def test_the_api_answers_a_number_registered_elsewhere_without_its_record(client: Any, officer: Any,
                                                                          village_a: Any, village_b: Any) -> None:
    other = make_person(village_b, name="孙丽", sex="F", birth_date=D(1990, 1, 1))
    login(client, officer)
    body = {"name": "王小红", "sex": "F", "birth_date": "1990-01-01", "hukou_type": "rural",
            "residence_area_code": village_a.code, "id_number": other.id_number}
    response = client.post("/api/v1/registry/persons", json.dumps(body), content_type="application/json")
    assert response.status_code == 409  # a conflict with a living record, like the same request sent twice
    assert ID_NUMBER_NOT_USABLE in response.json()["detail"]
    assert _tells(response.content.decode(), other, village_b) == []


@pytest.mark.django_db
def test_suspected_duplicates_outside_the_scope_are_neither_returned_nor_counted(
        client: Any, officer: Any, village_a: Any, village_b: Any) -> None:
    """A dead record of the same number in another town is queued for the county's review, but the API answer and
    the page's message say nothing of it."""
    from jisheng.registry import services

    other = make_person(village_b, name="孙丽", sex="F", birth_date=D(1990, 1, 1))
    services.person_record_death(other, date=D(2020, 1, 1), actor=None)
    login(client, officer)
    body = {"name": "王小红", "sex": "F", "birth_date": "1990-01-01", "hukou_type": "rural",
            "residence_area_code": village_a.code, "id_number": other.id_number}
    response = client.post("/api/v1/registry/persons", json.dumps(body), content_type="application/json")
    assert response.status_code == 201 and response.json()["suspected_duplicates"] == []
    second = make_id_number("320585", D(1991, 1, 1), 128)
    other2 = make_person(village_b, name="周芳", sex="F", birth_date=D(1991, 1, 1), id_number=second)
    services.person_record_death(other2, date=D(2020, 1, 1), actor=None)
    response = client.post(reverse("registry:person_create"), _form(village_a, birth_date="1991-01-01",
                                                                     id_number=second), follow=True)
    page = response.content.decode()
    assert "已登记" in page and "疑似重复记录" not in page
    from jisheng.registry.models import DuplicateCandidate

    assert DuplicateCandidate.objects.count() == 2  # both still queued for the county


@pytest.mark.django_db
def test_the_roster_import_does_not_say_the_number_is_registered_in_another_area(town_a: Any, village_a: Any,
                                                                                  village_b: Any) -> None:
    other = make_person(village_b, name="孙丽", sex="F", birth_date=D(1990, 1, 1))
    data = ("姓名,性别,身份证号,出生日期,户口性质,户籍地\r\n"
            f"王小红,女,{other.id_number},1990-01-01,农业,{village_a.code}\r\n").encode()
    outcome = roster_import_file(filename="花名册.csv", data=data, scope=town_a, actor=None)
    assert [e["problem"] for e in outcome.errors] == [ID_NUMBER_NOT_USABLE]
    assert _tells(json.dumps(outcome.errors, ensure_ascii=False), other, village_b) == []


@pytest.mark.django_db
def test_a_newborn_with_a_number_registered_elsewhere_names_no_record(client: Any, officer: Any, village_a: Any,
                                                                      village_b: Any) -> None:
    mother = make_person(village_a, name="王小红", sex="F", birth_date=D(1990, 1, 1))
    other = make_person(village_b, name="孙小丽", sex="F", birth_date=D(2015, 1, 1))
    login(client, officer)
    response = client.post(reverse("registry:event_newborn", args=[mother.pk]), {
        "name": "王宝", "sex": "F", "birth_date": "2015-01-01", "id_number": other.id_number, "with_spouse": ""})
    assert response.status_code == 200
    assert ID_NUMBER_NOT_USABLE in response.content.decode()
    assert _tells(response.content.decode(), other, village_b) == []


@pytest.mark.django_db
def test_a_number_already_used_inside_the_scope_says_so(client: Any, officer: Any, village_a: Any) -> None:
    """Inside the scope the officer can find the record by searching, so the answer may say where to look."""
    mine = make_person(village_a, name="王小红", sex="F", birth_date=D(1990, 1, 1))
    login(client, officer)
    response = client.post(reverse("registry:person_create"), _form(village_a, id_number=mine.id_number))
    errors = list(response.context["form"].errors.get("id_number", []))
    assert len(errors) == 1 and "本辖区" in errors[0] and f"#{mine.pk}" not in response.content.decode()


def test_the_one_answer_says_whom_to_ask_and_nothing_else() -> None:
    assert "联系" in ID_NUMBER_NOT_USABLE and "地区" not in ID_NUMBER_NOT_USABLE
