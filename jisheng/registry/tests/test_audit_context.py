"""Registry writes made through the staff pages are audited with the request's client address and request id."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jisheng.core.idnumber import make_id_number
from jisheng.core.models import AuditAction
from jisheng.registry.models import LifeEvent, Person, RosterImport
from jisheng.registry.tests.factories import make_person
from tests.conftest import login
from tests.request_audit import assert_events_carry_the_request, audited_request

pytestmark = pytest.mark.django_db


def test_a_life_event_through_the_page_carries_the_request_address_and_id(town_a: Any, village_a: Any,
                                                                          make_user: Any) -> None:
    person = make_person(village_a, name="陆建华")
    officer = make_user("town_officer", town_a)
    result = audited_request(login(Client(), officer), "post", reverse("registry:event_floating", args=[person.pk]),
                             {"date": "2026-03-02", "origin": "安徽省临泉县"}, ip="203.0.113.9")
    assert result.response.status_code == 302 and LifeEvent.objects.filter(person=person).exists()
    assert_events_carry_the_request(result, ip="203.0.113.9")
    assert {(e.object_type, e.action) for e in result.events} == {
        ("registry.person", AuditAction.UPDATE), ("registry.lifeevent", AuditAction.CREATE)}
    assert {e.actor for e in result.events} == {officer}


def test_a_roster_import_through_the_page_carries_the_request_address_and_id(town_a: Any, village_a: Any,
                                                                             make_user: Any) -> None:
    """The upload, and the import the task runs when the upload commits, are one request's events."""
    officer = make_user("town_officer", town_a)
    number = make_id_number("320585", dt.date(1975, 3, 8), 11)
    upload = io.BytesIO(("姓名,性别,身份证号,出生日期,户口性质,户籍地,现居住地\r\n"
                         f"陆建华,男,{number},1975-03-08,农业,城厢镇,{village_a.code}\r\n").encode())
    upload.name = "花名册.csv"
    result = audited_request(login(Client(), officer), "post", reverse("registry:import_new"),
                             {"file": upload, "mode": "valid"}, ip="203.0.113.10")
    assert result.response.status_code == 302
    assert RosterImport.objects.get().status == "done" and Person.objects.filter(id_number=number).exists()
    assert_events_carry_the_request(result, ip="203.0.113.10")
    assert {"registry.rosterimport", "registry.person"} <= {e.object_type for e in result.events}
    assert {e.actor for e in result.events} == {officer}
