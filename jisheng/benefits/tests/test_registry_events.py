"""Registry events reach the benefits (issue 11): a death, a move out of the city and a divorce recorded in the
registry end or flag the person's enrolments through the service the benefits app registers with the registry
(the registry imports nothing of benefits), and a payment already made for a month after the death is recovered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jisheng.benefits import services
from jisheng.benefits.enums import EnrolmentStatus, RollStatus
from jisheng.benefits.models import RegistryNotice, RollLine
from jisheng.benefits.selectors import workbench_items
from jisheng.registry import hooks
from jisheng.registry import services as registry
from jisheng.registry.tests.factories import make_person

from .factories import approved_enrolment
from .test_payroll import _roll

M = dt.date


@pytest.fixture
def finance(make_user: Any, county: Any) -> tuple[Any, Any]:
    return make_user("finance_officer", county), make_user("finance_officer", county)


def _lines(person_id: int, roll: Any) -> list[tuple[dt.date, str, Decimal]]:
    return list(RollLine.objects.filter(person_id=person_id, roll=roll).order_by("month", "kind")
                .values_list("month", "kind", "amount"))


def test_the_benefits_app_registers_its_service_with_the_registry():
    assert hooks.life_event_listeners()["benefits"] is services.registry_event_apply


def test_a_death_recorded_for_an_enrolled_person_stops_the_next_rolls_line_and_lists_the_recovery(
        village_a, county, finance, make_user):
    """Done-when of issue 11. October was paid (closed); November's roll was generated and awaits the checker
    when the registry records a death on 15 September: payment ends with September, November's line goes and
    October's payment becomes a recovery line of the November roll, which the checker can still approve."""
    maker, checker = finance
    e = approved_enrolment(village_a, start_month=M(2026, 1, 1), name="赵小红")
    other = approved_enrolment(village_a, start_month=M(2026, 1, 1), name="钱小兰")
    for month in (M(2026, 9, 1), M(2026, 10, 1)):
        services.roll_approve(_roll("special-assistance", month, county, maker), actor=checker)
    november = _roll("special-assistance", M(2026, 11, 1), county, maker)
    assert _lines(e.person_id, november) == [(M(2026, 11, 1), "regular", Decimal("500.00"))]

    registry.person_record_death(e.person, date=M(2026, 9, 15), actor=make_user("town_officer", county))

    e.refresh_from_db()
    assert (e.status, e.end_month, e.end_reason) == (EnrolmentStatus.ENDED, M(2026, 9, 1), "death")
    november.refresh_from_db()
    assert _lines(e.person_id, november) == [(M(2026, 10, 1), "recovery", Decimal("-500.00"))]
    assert _lines(other.person_id, november) == [(M(2026, 11, 1), "regular", Decimal("500.00"))]
    assert (november.status, november.line_count, november.total_amount) == (RollStatus.GENERATED, 2, Decimal("0.00"))
    services.roll_approve(november, actor=checker)  # the totals shown to the checker are the lines'
    # the officers are told
    notice = RegistryNotice.objects.get(enrolment=e)
    assert (notice.kind, notice.action) == ("death", "ended")
    assert "多发 1 个月" in notice.message and "500" in notice.message
    assert any("赵**" in t.label for t in workbench_items(make_user("town_officer", county)).todos)


def test_a_death_before_the_next_roll_is_generated_leaves_the_person_out_of_it_with_the_recovery(
        village_a, county, finance):
    maker, checker = finance
    e = approved_enrolment(village_a, start_month=M(2026, 1, 1))
    services.roll_approve(_roll("special-assistance", M(2026, 10, 1), county, maker), actor=checker)
    registry.person_record_death(e.person, date=M(2026, 9, 30), actor=None)
    november = _roll("special-assistance", M(2026, 11, 1), county, maker)
    assert _lines(e.person_id, november) == [(M(2026, 10, 1), "recovery", Decimal("-500.00"))]


def test_a_move_out_of_the_city_ends_payment_after_the_move_month(village_a, county, finance):
    maker, _checker = finance
    e = approved_enrolment(village_a, start_month=M(2026, 1, 1))
    registry.person_move(e.person, date=M(2026, 10, 8), destination="上海市嘉定区", actor=None)
    e.refresh_from_db()
    assert (e.status, e.end_month) == (EnrolmentStatus.ENDED, M(2026, 10, 1))
    assert e.changes.get().details["reason"] == "迁出本市（上海市嘉定区）"
    november = _roll("special-assistance", M(2026, 11, 1), county, maker)
    assert _lines(e.person_id, november) == []
    assert RegistryNotice.objects.get(enrolment=e).action == "ended"


def test_a_divorce_flags_the_enrolment_for_review_and_pays_on(village_a, county, finance):
    maker, _checker = finance
    wife = approved_enrolment(village_a, start_month=M(2026, 1, 1), name="孙丽")
    husband = make_person(village_a, name="周强", birth_date=M(1958, 1, 1))
    marriage = registry.marriage_register(husband=husband, wife=wife.person, start_date=M(1985, 5, 1), actor=None)
    registry.marriage_end(marriage, end_date=M(2026, 10, 9), end_reason="divorce", actor=None)
    wife.refresh_from_db()
    assert wife.status == EnrolmentStatus.APPROVED
    notice = RegistryNotice.objects.get(enrolment=wife)
    assert (notice.kind, notice.action) == ("divorce", "review")
    november = _roll("special-assistance", M(2026, 11, 1), county, maker)
    assert _lines(wife.person_id, november) == [(M(2026, 11, 1), "regular", Decimal("500.00"))]


def test_a_notice_is_acknowledged_on_the_enrolment_page(client, village_a, county, make_user):
    from django.urls import reverse

    from tests.conftest import login

    e = approved_enrolment(village_a, start_month=M(2026, 1, 1), name="赵小红")
    registry.person_record_death(e.person, date=M(2026, 9, 15), actor=None)
    officer = make_user("town_officer", county)
    login(client, officer)
    page = client.get(reverse("benefits:enrolment_detail", args=[e.pk])).content.decode()
    assert "人口信息登记死亡" in page
    client.post(reverse("benefits:enrolment_action", args=[e.pk]), {"action": "notice_ack"})
    notice = RegistryNotice.objects.get(enrolment=e)
    assert notice.handled_by == officer and notice.handled_at is not None
    assert not [t for t in workbench_items(officer).todos if "赵**" in t.label]
