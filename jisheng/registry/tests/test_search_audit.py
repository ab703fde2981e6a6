"""Every look-up of a person by ID number or name is in the audit trail (issue 11): the search page and the API
search, the edit form (which shows the record unmasked but for the numbers) and the download of an import's
errors. Browsing a list without a search term is not a look-up and records nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from jisheng.core.models import AuditEvent
from jisheng.registry.models import RosterImport
from jisheng.registry.tests.factories import make_person
from tests.conftest import login

D = dt.date


@pytest.fixture
def officer(make_user: Any, town_a: Any) -> Any:
    return make_user("town_officer", town_a)


def _views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="view").order_by("id"))


@pytest.mark.django_db
@pytest.mark.parametrize("via", ["page", "api"])
def test_searches_by_id_number_and_by_name_are_audited(client: Any, officer: Any, town_a: Any, village_a: Any,
                                                       via: str) -> None:
    person = make_person(village_a, name="王小红", sex="F", birth_date=D(1990, 1, 1))
    login(client, officer)
    url = reverse("registry:person_list") if via == "page" else "/api/v1/registry/persons"
    assert client.get(url).status_code == 200
    assert _views() == []  # a list without a search term looks nobody up
    assert client.get(url, {"q": person.id_number}).status_code == 200
    by_id = _views()
    assert [(e.object_type, e.object_id, e.actor) for e in by_id] == [("registry.person", str(person.pk), officer)]
    assert "公民身份号码" in by_id[0].changes["what"]
    assert client.get(url, {"q": "王小"}).status_code == 200
    by_name = _views()[-1]
    assert by_name.changes["query"] == "王小" and "姓名" in by_name.changes["what"]
    assert by_name.area_id == town_a.pk and by_name.actor == officer
    assert client.get(url, {"q": "wxh"}).status_code == 200
    assert _views()[-1].changes["query"] == "wxh"


@pytest.mark.django_db
def test_opening_the_edit_form_is_audited(client: Any, officer: Any, village_a: Any) -> None:
    person = make_person(village_a, name="王小红", sex="F", birth_date=D(1990, 1, 1))
    login(client, officer)
    assert client.get(reverse("registry:person_edit", args=[person.pk])).status_code == 200
    event = AuditEvent.objects.get(action="view")
    assert (event.object_type, event.object_id, event.actor) == ("registry.person", str(person.pk), officer)
    assert "修改" in event.changes["what"]


@pytest.mark.django_db
def test_downloading_an_imports_errors_is_audited_with_its_area(client: Any, officer: Any, town_a: Any) -> None:
    job = RosterImport.objects.create(filename="花名册.csv", content=b"x", sha256="0" * 64, area=town_a,
                                      status="done", errors=[{"row": 2, "column": "姓名", "problem": "姓名为空"}])
    login(client, officer)
    assert client.get(reverse("registry:import_errors", args=[job.pk]), {"format": "csv"}).status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert event.object_type == "registry.rosterimport" and event.object_id == str(job.pk)
    assert event.changes["count"] == 1 and event.changes["format"] == "csv" and event.area_id == town_a.pk
