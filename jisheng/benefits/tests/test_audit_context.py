"""Benefits writes made through the staff pages are audited with the request's client address and request id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse

from jisheng.benefits.enums import RollStatus
from jisheng.benefits.models import PaymentRoll
from jisheng.core.models import AuditAction
from tests.conftest import login
from tests.request_audit import assert_events_carry_the_request, audited_request

from .factories import approved_enrolment


def test_opening_and_generating_a_roll_through_the_page_carries_the_request_address_and_id(
        county: Any, village_a: Any, make_user: Any) -> None:
    """Regression: the generation task opened a fresh audit context, so when it ran inside the request (the
    immediate backend runs it when the page's transaction commits) its events had no address and another id."""
    approved_enrolment(village_a, name="欧阳娜娜", start_month=dt.date(2026, 10, 1))
    maker = make_user("finance_officer", county)
    result = audited_request(login(Client(), maker), "post", reverse("benefits:roll_list"),
                             {"programme": "special-assistance", "month": "2026-11"}, ip="192.0.2.44")
    roll = PaymentRoll.objects.get()
    assert result.response.status_code == 302 and roll.status == RollStatus.GENERATED and roll.line_count == 1
    assert_events_carry_the_request(result, ip="192.0.2.44")
    assert [(e.object_type, e.action) for e in result.events if e.action != AuditAction.UPDATE] == [
        ("benefits.paymentroll", AuditAction.CREATE), ("benefits.paymentroll", AuditAction.BATCH)]
    assert {e.actor for e in result.events} == {maker}


def test_a_roll_generated_by_the_worker_names_the_officer_who_queued_it(county: Any, village_a: Any,
                                                                        make_user: Any) -> None:
    """Outside any request (the task worker) the task acts for the user who queued it, in a context of its own."""
    from jisheng.benefits import services, tasks
    from jisheng.core.models import AuditEvent

    approved_enrolment(village_a, start_month=dt.date(2026, 10, 1))
    maker = make_user("finance_officer", county)
    roll = services.roll_open(programme="special-assistance", month=dt.date(2026, 11, 1), area=county, actor=maker)
    last = AuditEvent.objects.latest("id").pk
    tasks.generate_roll.call(roll.pk, maker.pk)
    events = list(AuditEvent.objects.filter(id__gt=last))
    assert events and {(e.actor, e.ip) for e in events} == {(maker, None)}
    assert len({e.request_id for e in events}) == 1 and events[0].request_id


def test_a_service_called_outside_a_request_names_its_actor(county: Any, make_user: Any) -> None:
    """Regression: a service called without a context (the demo, a script) recorded its events as the system's."""
    from jisheng.benefits import services
    from jisheng.core.models import AuditEvent

    maker = make_user("finance_officer", county)
    roll = services.roll_open(programme="special-assistance", month=dt.date(2026, 11, 1), area=county, actor=maker)
    created = AuditEvent.objects.get(object_type="benefits.paymentroll", object_id=str(roll.pk),
                                     action=AuditAction.CREATE)
    assert (created.actor, created.ip) == (maker, None) and created.request_id
