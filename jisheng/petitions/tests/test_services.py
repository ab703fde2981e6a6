"""Petition services: intake from every channel, routing, assignments and deliveries, opinions, replies,
reviews, follow-ups, the supervisor flag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from jisheng.accounts.models import User
from jisheng.core import clock
from jisheng.core.errors import InvalidInput, NotPermitted
from jisheng.core.models import Area
from jisheng.petitions import rules, selectors, services
from jisheng.petitions.models import Petition, PetitionAssignment

from .conftest import at

Handled = tuple[Petition, list[PetitionAssignment]]

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


def test_web_and_hotline_intake_act_as_service_accounts_that_cannot_sign_in(county: Area) -> None:
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


def _d(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


@pytest.fixture
def handled(receive: Callable[..., Petition], clerk: User, town_a: Area, town_b: Area, officer_a: User,
            officer_b: User) -> Handled:
    """A petition accepted on day 1 and assigned to two towns on day 2 (due day 20); B's delivery fails first."""
    petition = receive(DAY)
    with clock.frozen(at(_d(2), 10)):
        services.petition_accept(petition, actor=clerk, on=_d(1))
        a = services.petition_assign(petition, area=town_a, due=_d(17), instruction="请核实", actor=clerk)
        b = services.petition_assign(petition, area=town_b, due=_d(17), instruction="请核实", actor=clerk)
    return petition, [a, b]


def test_two_towns_answer_after_a_failed_delivery_is_retried(handled: Handled, clerk: User, officer_a: User,
                                                            officer_b: User) -> None:
    from jisheng.petitions.models import Delivery

    petition, (a, b) = handled
    assert {c.instance for c in petition.case.clocks.filter(kind="unit_response")} == {a.instance, b.instance}
    assert petition.case.clocks.get(instance=a.instance).due == a.due == _d(17)
    with clock.frozen(at(_d(3), 10)):
        services.delivery_acknowledge(a, actor=officer_a)
        failed = services.delivery_record(assignment=b, channel="fax", on=_d(3), outcome="failed",
                                          failure_reason="传真无人接收", actor=clerk)
        b.refresh_from_db()
        assert b.status == "pending"
        with pytest.raises(InvalidInput):
            services.delivery_record(assignment=b, channel="fax", on=_d(3), outcome="failed", actor=clerk)
        with pytest.raises(Exception, match="尚未送达"):
            services.assignment_respond(b, response="已核实", actor=officer_b)
        retry = services.delivery_record(assignment=b, channel="post", on=_d(3), outcome="delivered",
                                         retry_of=failed, actor=clerk)
        failed.refresh_from_db()
        assert failed.outcome == "failed" and retry.retry_of == failed
        b.refresh_from_db()
        assert b.status == "delivered"
        with pytest.raises(InvalidInput):  # a failed attempt is retried once
            services.delivery_record(assignment=b, channel="post", on=_d(3), outcome="delivered",
                                     retry_of=failed, actor=clerk)
        with pytest.raises(NotPermitted):  # town B's officer cannot answer town A's assignment
            services.assignment_respond(a, response="x", actor=officer_b)
        services.assignment_respond(a, response="A镇已核实补发", actor=officer_a)
        services.assignment_respond(b, response="B镇无此情况", actor=officer_b)
    assert Delivery.objects.filter(assignment=b, outcome="delivered").count() == 1
    clocks = petition.case.clocks.filter(kind="unit_response")
    assert all(c.met_on == _d(3) for c in clocks)
    a.refresh_from_db()
    assert a.status == "answered" and a.responded_by == officer_a


def _answer_and_reply(petition: Petition, clerk: User, *, opinion_on: dt.date, reply_on: dt.date) -> None:
    services.petition_give_opinion(petition, outcome="support", facts="经核实情况属实",
                                   reasons="符合奖励条件", provision_keys=["petition-work-reg-2022/art-32"],
                                   actor=clerk, on=opinion_on)
    services.petition_send_reply(petition, text="经核实，将补发奖励。", channel="visit", on=reply_on, actor=clerk)


def test_opinion_reply_follow_up_and_close(handled: Handled, clerk: User) -> None:
    petition, _assignments = handled
    with clock.frozen(at(_d(10), 10)):
        _answer_and_reply(petition, clerk, opinion_on=_d(9), reply_on=_d(10))
        petition.case.refresh_from_db()
        assert petition.case.status == "replied"
        assert petition.case.clocks.get(kind="conclusion").met_on == _d(9)
        assert petition.case.decision.outcome == "support"
        with pytest.raises(Exception, match="收到日期"):
            services.petition_close(petition, actor=clerk)
        reply = petition.replies.get()
        services.reply_mark_received(reply, on=_d(10), actor=clerk)
        services.petition_close(petition, actor=clerk)
        petition.case.refresh_from_db()
        assert petition.case.status == "closed"
        services.follow_up_record(petition, result="dissatisfied", on=_d(10), note="补发太慢", actor=clerk)
        petition.refresh_from_db()
        petition.case.refresh_from_db()
        assert petition.supervisor_flag and "不满意" in petition.supervisor_flag_reason
        assert petition.case.status == "closed"  # dissatisfaction never reopens
        with pytest.raises(InvalidInput, match="已回访"):
            services.follow_up_record(petition, result="satisfied", on=_d(10), actor=None)
    assert selectors.public_status(petition)["reply"]["text"] == "经核实，将补发奖励。"
    assert selectors.public_status(petition)["satisfaction"] == "不满意"


def test_an_opinion_cites_provisions_in_force(handled: Handled, clerk: User) -> None:
    petition, _assignments = handled
    with clock.frozen(at(_d(9), 10)), pytest.raises(InvalidInput):
        services.petition_give_opinion(petition, outcome="support", facts="f", reasons="r",
                                       provision_keys=["petition-reg-2005/art-32"], actor=clerk)


def test_extension_needs_the_head_and_moves_the_due_date(handled: Handled, clerk: User, leader: User) -> None:


    petition, _assignments = handled
    with clock.frozen(at(_d(5), 10)):
        with pytest.raises(NotPermitted):
            services.petition_extend(petition, days=30, reason="情况复杂", actor=clerk)
        with pytest.raises(InvalidInput):
            services.petition_extend(petition, days=31, reason="情况复杂", actor=leader)
        c = services.petition_extend(petition, days=30, reason="情况复杂", actor=leader)
    assert c.due == _d(1 + 60 + 30)
    assert petition.case.records.filter(kind="extension_notice").exists()


def test_a_named_officer_never_reaches_the_petition(receive: Callable[..., Petition], leader: User,
                                                    clerk: User) -> None:
    from django.http import Http404

    from jisheng.cases.access import case_get_for_user, cases_for_user
    from jisheng.petitions.access import petition_get_for_user

    petition = receive(DAY, complained_user=leader)
    with pytest.raises(Http404):
        petition_get_for_user(leader, petition.case.number)
    with pytest.raises(Http404):
        case_get_for_user(leader, petition.case.number)
    assert not cases_for_user(leader).filter(pk=petition.case.pk).exists()
    assert petition_get_for_user(clerk, petition.case.number) == petition


def test_a_complained_about_towns_assignment_view_has_no_identity(receive: Callable[..., Petition], clerk: User,
                                                                 town_a: Area, town_b: Area, officer_a: User,
                                                                 officer_b: User) -> None:
    from django.http import Http404

    from jisheng.petitions.access import assignment_get_for_user

    petition = receive(DAY, complained_area=town_a)
    with clock.frozen(at(_d(2), 10)):
        services.petition_accept(petition, actor=clerk, on=_d(1))
        a = services.petition_assign(petition, area=town_a, due=_d(20), instruction="核实", actor=clerk)
        b = services.petition_assign(petition, area=town_b, due=_d(20), instruction="核实", actor=clerk)
    view_a = selectors.assignment_view(assignment_get_for_user(officer_a, a.pk), officer_a)
    assert view_a["petitioner"] is None and view_a["identity_withheld"]
    assert "王小红" not in str(view_a) and "13800000000" not in str(view_a)
    view_b = selectors.assignment_view(assignment_get_for_user(officer_b, b.pk), officer_b)
    assert view_b["petitioner"] is not None and view_b["petitioner"]["name"] != "王小红"
    with pytest.raises(Http404):
        assignment_get_for_user(officer_a, b.pk)
    assert list(selectors.assignments_for_user(officer_a)) == [a]


def test_the_overdue_list_changes_the_day_after_the_due_date(receive: Callable[..., Petition],
                                                             clerk: User) -> None:
    petition = receive(DAY)
    due = petition.case.clocks.get(kind="acceptance").due
    assert due == _d(15)
    assert selectors.overdue(clerk, due) == []
    rows = selectors.overdue(clerk, due + dt.timedelta(days=1))
    assert [r["petition"] for r in rows] == [petition]
    assert selectors.clerk_todo(clerk)[0]["due"] == due


def test_review_requests_and_the_final_re_review(handled: Handled, clerk: User) -> None:
    petition, _assignments = handled
    with clock.frozen(at(_d(10), 10)):
        _answer_and_reply(petition, clerk, opinion_on=_d(9), reply_on=_d(10))
        services.reply_mark_received(petition.replies.get(), on=_d(10), actor=clerk)
    with clock.frozen(at(_d(20), 10)):
        services.petition_request_review(petition, on=_d(20), request="不服处理意见", actor=clerk)
        assert petition.case.clocks.get(kind="review").due == _d(50)
        services.petition_give_opinion(petition, outcome="explain", facts="复查查明", reasons="维持",
                                       provision_keys=["petition-work-reg-2022/art-35"], actor=clerk)
        services.petition_send_reply(petition, text="复查意见", channel="visit", on=_d(20), actor=clerk)
        services.reply_mark_received(petition.replies.get(round="review"), on=_d(20), actor=clerk)
        services.petition_request_review(petition, on=_d(20), request="请求复核", actor=clerk, re_review=True)
        services.petition_give_opinion(petition, outcome="not_support", facts="复核查明", reasons="维持",
                                       provision_keys=["petition-work-reg-2022/art-36"], actor=clerk)
        services.petition_send_reply(petition, text="复核意见", channel="visit", on=_d(20), actor=clerk)
        services.reply_mark_received(petition.replies.get(round="re_review"), on=_d(20), actor=clerk)
        services.petition_close(petition, actor=clerk)
        with pytest.raises(InvalidInput, match="不再受理"):
            services.petition_request_review(petition, on=_d(20), request="再次", actor=clerk, re_review=True)
    assert petition.opinions.count() == 3
    assert list(petition.follow_ups.all()) == []


def test_the_demo_step_creates_petitions_in_varied_states(clerk: User, make_user: Callable[..., User],
                                                          town_a: Area, town_b: Area) -> None:
    from jisheng.accounts.roles import Role
    from jisheng.petitions.demo import create_demo_petitions

    for town in Area.objects.filter(parent=clerk.area, level=4).order_by("code")[:2]:
        make_user(Role.TOWN_OFFICER, town)
    assert create_demo_petitions() == 4
    assert create_demo_petitions() == 4  # once
    statuses = sorted(Petition.objects.values_list("case__status", flat=True))
    assert statuses == ["accepted", "closed", "closed", "registered"]
    assert Petition.objects.filter(supervisor_flag=True).count() == 1


def test_a_receipt_time_a_little_ahead_of_our_clock_is_read_as_now(clerk: User) -> None:
    """A hotline platform whose clock runs up to 5 minutes fast is not refused; its time is recorded as now, so
    the receipt date is never tomorrow (here: 23:58 China time, the platform says 00:01 the next day)."""
    fields = {"channel": "hotline_12345", "subject": "奖励", "content": "请求核实", "actor": clerk,
              "petitioner": {"name": "王小红", "phone": "13800000000"}}
    now = at(DAY, 23) + dt.timedelta(minutes=58)
    with clock.frozen(now):
        petition, created = services.petition_receive(received_at=now + dt.timedelta(minutes=3), order_no="A1",
                                                      **fields)
        assert created and petition.received_at == now and petition.case.application_date == DAY
        with pytest.raises(InvalidInput) as err:
            services.petition_receive(received_at=now + dt.timedelta(minutes=6), order_no="A2", **fields)
    assert err.value.location == "received_at"


def test_a_petitioner_is_linked_only_to_a_registry_person_the_receiving_body_may_see(
        clerk: User, make_user: Callable[..., User], town_a: Area, town_b: Area) -> None:
    """The exact ID number links the registry person when the receiving clerk's area holds them; a clerk of
    another town gets the petition registered with the typed details only (no link to a record out of scope)."""
    from jisheng.accounts.roles import Role
    from jisheng.registry.tests.factories import make_person

    person = make_person(town_a, name="王小红", sex="F", birth_date=dt.date(1986, 4, 2))
    fields = {"channel": "visit", "received_at": at(DAY), "subject": "奖励", "content": "请求核实",
              "petitioner": {"name": "王小红", "phone": "13800000000", "id_number": person.id_number}}
    with clock.frozen(at(DAY, 10)):
        linked, _c = services.petition_receive(actor=clerk, **fields)
        other, _c = services.petition_receive(actor=make_user(Role.PETITION_CLERK, town_b), **fields)
    assert linked.case.applicants.get(role="petitioner").person == person
    outside = other.case.applicants.get(role="petitioner")
    assert outside.person is None and outside.id_number == person.id_number
