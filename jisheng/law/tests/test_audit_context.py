"""Calendar changes made through the staff pages are audited with the request's client address and request id."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jisheng.accounts.roles import Role
from jisheng.core.models import AuditAction
from jisheng.law import services
from jisheng.law.models import CalendarDay
from tests.conftest import login
from tests.request_audit import assert_events_carry_the_request, audited_request

pytestmark = pytest.mark.django_db


def test_a_calendar_change_through_the_page_carries_the_request_address_and_id(county: Any, make_user: Any) -> None:
    """Regression: the calendar services opened a fresh audit context, so their events had no address (ip NULL)
    and a request id of their own."""
    services.calendar_import()
    admin = make_user(Role.CITY_ADMIN, county)
    client = login(Client(), admin)
    added = audited_request(client, "post", reverse("law:calendar_day_edit"), {
        "date": "2026-06-10", "kind": "holiday", "name": "地方假日", "reason": "市政府通知"}, ip="198.51.100.23")
    assert added.response.status_code == 302 and CalendarDay.objects.get(date=dt.date(2026, 6, 10)).local
    assert_events_carry_the_request(added, ip="198.51.100.23")
    assert [(e.action, e.object_type, e.actor) for e in added.events] == [
        (AuditAction.CREATE, "law.calendarday", admin)]
    removed = audited_request(client, "post", reverse("law:calendar_day_edit"), {
        "date": "2026-06-10", "remove": "on"}, ip="198.51.100.24")
    assert removed.response.status_code == 302 and not CalendarDay.objects.filter(date=dt.date(2026, 6, 10)).exists()
    assert_events_carry_the_request(removed, ip="198.51.100.24")
    assert removed.context.request_id != added.context.request_id
