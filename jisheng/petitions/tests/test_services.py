"""Petition services: intake from every channel, routing, assignments and deliveries, opinions, replies,
reviews, follow-ups, the supervisor flag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from jisheng.accounts.models import User
from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from jisheng.petitions import rules, selectors, services
from jisheng.petitions.models import Petition

from .conftest import at

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def test_a_received_petition_reads_back_by_its_tracking_code(receive: Callable[..., Petition]) -> None:
    petition = receive(DAY, channel="web")
    assert len(petition.tracking_code) == 12
    found = selectors.petition_by_tracking_code(petition.tracking_code.lower())
    assert found == petition
    assert selectors.petition_by_tracking_code("AAAAAAAAAAAA") is None
    assert selectors.petition_by_tracking_code("0O1I") is None
    status = selectors.public_status(petition)
    assert status["status"] == "registered" and status["status_label"] == "已登记"
    assert status["acceptance_due"] == dt.date(2026, 3, 17)  # 15 calendar days, start day not counted
    assert status["reply"] is None
    assert "王小红" not in str(status)
    case = petition.case
    assert case.case_type == "petition" and case.application_date == DAY
    assert petition.regime == rules.REG_2022
    assert case.applicants.get().name == "王小红"
    acceptance = case.clocks.get(kind="acceptance")
    assert acceptance.basis == "petition-work-reg-2022/art-23"


def test_web_and_hotline_intake_act_as_service_accounts_that_cannot_sign_in(county) -> None:
    web = services.intake_actor("web")
    hotline = services.intake_actor("hotline_12345")
    assert web != hotline and not web.has_usable_password() and web.area == county
    assert services.intake_actor("web") == web
    with clock.frozen(at(DAY, 10)):
        petition, created = services.petition_receive(
            channel="hotline_12345", received_at=at(DAY), subject="咨询", content="咨询政策",
            petitioner={"name": "李四", "phone": "13900000000"}, actor=hotline, order_no="WO-1")
        again, created_again = services.petition_receive(
            channel="hotline_12345", received_at=at(DAY), subject="咨询", content="咨询政策",
            petitioner={"name": "李四", "phone": "13900000000"}, actor=hotline, order_no="WO-1")
    assert created and not created_again and again == petition
    assert petition.case.area == county
    assert Petition.objects.filter(order_no="WO-1").count() == 1


def test_a_group_visit_records_at_most_five_representatives(receive: Callable[..., Petition], clerk: User) -> None:
    reps = [{"name": f"代表{i}"} for i in range(6)]
    with clock.frozen(at(DAY, 10)), pytest.raises(InvalidInput, match="不得超过5人"):
        services.petition_receive(channel="visit", received_at=at(DAY), subject="集体访", content="诉求",
                                  petitioner={"name": "张三"}, actor=clerk, representatives=reps, group_size=30)
    petition = receive(DAY, representatives=reps[:5], group_size=30)
    assert petition.case.applicants.filter(role="representative").count() == 5


def test_a_repeat_is_linked_to_the_first_petition(receive: Callable[..., Petition]) -> None:
    first = receive(DAY)
    second = receive(DAY, repeat_of=first)
    third = receive(DAY, repeat_of=second)
    assert second.repeat_of == first and third.repeat_of == first


def test_order_numbers_are_idempotent_in_sequence(receive: Callable[..., Petition], clerk: User) -> None:
    first = receive(DAY, order_no="12345-0001")
    with clock.frozen(at(DAY, 11)):
        again, created = services.petition_receive(
            channel="hotline_12345", received_at=at(DAY), subject="另一个", content="x",
            petitioner={"name": "赵六"}, actor=clerk, order_no="12345-0001")
    assert not created and again == first
    assert Petition.objects.count() == 1
