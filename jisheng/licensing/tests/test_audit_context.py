"""Licensing writes through a page carry the request's client address and one request id (audit.acting)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jisheng.accounts.roles import Role
from jisheng.cases.models import Case
from jisheng.core.models import AuditEvent
from tests.conftest import login

from .helpers import make_couple


@pytest.mark.django_db
def test_a_registration_through_the_page_carries_the_request_address_and_id(village_a: Any, town_a: Any,
                                                                           make_user: Any) -> None:
    wife, husband, _child = make_couple(village_a)
    officer = make_user(Role.TOWN_OFFICER, town_a)
    client = login(Client(), officer)
    before = AuditEvent.objects.count()
    response = client.post("/licensing/birth-approval/new/", {
        "reg-application_date": "2013-06-03", "reg-wife_person": wife.pk, "reg-husband_person": husband.pk},
        REMOTE_ADDR="10.8.2.45")
    assert response.status_code == 302 and Case.objects.filter(case_type="birth_approval").count() == 1
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) > 3 and {e.ip for e in events} == {"10.8.2.45"}
    assert len({e.request_id for e in events}) == 1 and {e.actor for e in events} == {officer}
