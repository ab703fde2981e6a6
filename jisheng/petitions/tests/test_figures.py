"""Petition figures (issue 12 Deliver 7): received, accepted, answered, answered on time, satisfaction and the
"every case answered" rate of the petitions received in a period, by channel, unit, town and month, each figure with
the petitions behind it — on a handful of petitions built through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jisheng.accounts.models import User
from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from jisheng.petitions import services
from jisheng.petitions.figures import FIGURES, figure_cases, petition_figures
from jisheng.petitions.models import Petition

from .conftest import at

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
AS_OF = dt.date(2026, 5, 20)
OPINION_KEYS = ["petition-work-reg-2022/art-32"]


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def _receive(clerk: User, when: dt.datetime, channel: str, **kwargs: Any) -> Petition:
    with clock.frozen(when + dt.timedelta(minutes=5)):
        petition, created = services.petition_receive(
            channel=channel, received_at=when, subject="奖励扶助金未发放", content="请求核实补发。",
            petitioner={"name": "王小红", "phone": "13800000000"}, actor=clerk, **kwargs)
    assert created
    return petition


def _answer(petition: Petition, clerk: User, *, on: dt.date, replied: dt.date, received: dt.date) -> None:
    with clock.frozen(at(received, 18)):
        services.petition_give_opinion(petition, outcome="support", facts="经核实情况属实", reasons="符合条件",
                                       provision_keys=OPINION_KEYS, actor=clerk, on=on)
        reply = services.petition_send_reply(petition, text="经核实，将补发。", channel=petition.channel,
                                             on=replied, actor=clerk)
        services.reply_mark_received(reply, on=received, actor=clerk)


@pytest.fixture
def cohort(clerk: User, town_a: Any, town_b: Any, village_a: Any) -> dict[str, Petition]:
    """Five petitions received in March 2026 (China time) and two just outside it:

    - p1 visit, 1 Mar 07:00 (still 28 Feb in UTC), about a village of town A; accepted, assigned to town A,
      answered 20 Mar (in time), reply received 22 Mar, follow-up satisfied;
    - p2 12345 hotline, about town B; accepted 6 Mar (due 5 May), assigned to 市公安局, answered 10 May (late),
      reply received 12 May, follow-up dissatisfied;
    - p3 web, 31 Mar 23:00; accepted 1 Apr (due 31 May), not answered yet;
    - p4 letter, referred to the competent body (not accepted);
    - p5 visit, accepted 12 Mar (due 11 May), not answered: overdue, no reply;
    - outside: 28 Feb 23:00 and 1 Apr 07:00 (still 31 Mar in UTC).
    """
    made = {
        "p1": _receive(clerk, at(d(3, 1), 7), "visit", concerned_area=village_a),
        "p2": _receive(clerk, at(d(3, 5)), "hotline_12345", concerned_area=town_b),
        "p3": _receive(clerk, at(d(3, 31), 23), "web"),
        "p4": _receive(clerk, at(d(3, 10)), "letter"),
        "p5": _receive(clerk, at(d(3, 12)), "visit"),
        "before": _receive(clerk, at(d(2, 28), 23), "visit"),
        "after": _receive(clerk, at(d(4, 1), 7), "visit"),
    }
    p1, p2, p3, p4, p5 = (made[k] for k in ("p1", "p2", "p3", "p4", "p5"))
    with clock.frozen(at(d(3, 3))):
        services.petition_accept(p1, actor=clerk, on=d(3, 2))
        services.petition_assign(p1, area=town_a, due=d(3, 20), instruction="请核实", actor=clerk)
    with clock.frozen(at(d(3, 7))):
        services.petition_accept(p2, actor=clerk, on=d(3, 6))
        services.petition_assign(p2, unit_name="市公安局", due=d(4, 6), instruction="请核实", actor=clerk)
    with clock.frozen(at(d(3, 12))):
        services.petition_refer(p4, body="市人力资源和社会保障局", actor=clerk, on=d(3, 11))
        services.petition_accept(p5, actor=clerk, on=d(3, 12))
    with clock.frozen(at(d(4, 1))):
        services.petition_accept(p3, actor=clerk, on=d(4, 1))
    _answer(p1, clerk, on=d(3, 20), replied=d(3, 21), received=d(3, 22))
    _answer(p2, clerk, on=d(5, 10), replied=d(5, 11), received=d(5, 12))
    with clock.frozen(at(d(5, 12), 20)):
        services.follow_up_record(p1, result="satisfied", on=d(3, 23), actor=clerk)
        services.follow_up_record(p2, result="dissatisfied", on=d(5, 12), actor=clerk)
    return made


def _numbers(qs: Any) -> set[str]:
    return set(qs.values_list("case__number", flat=True))


def test_the_totals_count_the_march_cohort_as_it_stood_on_the_day(cohort: dict[str, Petition], clerk: User) -> None:
    table = petition_figures(clerk, *MARCH, as_of=AS_OF)
    total = table.total
    assert total.counts == {"received": 5, "accepted": 4, "answered": 2, "on_time": 1, "followed_up": 2,
                            "satisfied": 1, "basically": 0, "dissatisfied": 1, "due_to_answer": 3,
                            "reply_received": 2}
    assert (total.on_time_rate, total.satisfaction_rate, total.answered_rate) == (
        Decimal("50.0"), Decimal("50.0"), Decimal("66.7"))
    p = {k: v.case.number for k, v in cohort.items()}
    assert _numbers(table.cases("total", "received")) == {p["p1"], p["p2"], p["p3"], p["p4"], p["p5"]}
    assert _numbers(table.cases("total", "accepted")) == {p["p1"], p["p2"], p["p3"], p["p5"]}
    assert _numbers(table.cases("total", "on_time")) == {p["p1"]}
    # due to be answered: p1 (replied), p2 (due 5 May), p5 (due 11 May); p3 is due 31 May
    assert _numbers(table.cases("total", "due_to_answer")) == {p["p1"], p["p2"], p["p5"]}
    assert _numbers(figure_cases(clerk, *MARCH, "channel", "total", "reply_received", as_of=AS_OF)) == {
        p["p1"], p["p2"]}


def test_an_earlier_day_sees_only_what_had_happened_by_then(cohort: dict[str, Petition], clerk: User) -> None:
    total = petition_figures(clerk, *MARCH, as_of=d(4, 30)).total
    # p2 was not answered yet and nothing was due: only p1 answered, replied and followed up
    assert {f: total.count(f) for f in ("accepted", "answered", "on_time", "followed_up", "due_to_answer",
                                        "reply_received")} == {
        "accepted": 4, "answered": 1, "on_time": 1, "followed_up": 1, "due_to_answer": 1, "reply_received": 1}
    assert total.answered_rate == Decimal("100.0")
    assert petition_figures(clerk, *MARCH, as_of=d(3, 31)).total.count("accepted") == 3  # p3 on 1 April


def test_by_channel_lists_every_channel(cohort: dict[str, Petition], clerk: User) -> None:
    table = petition_figures(clerk, *MARCH, by="channel", as_of=AS_OF)
    assert [r.label for r in table.rows] == [
        "来访", "来信", "服务热线", "12345热线", "12356热线", "网上信访", "网络论坛"]
    visit = table.row("visit")
    assert (visit.count("received"), visit.count("accepted"), visit.count("answered"), visit.count("due_to_answer"),
            visit.count("reply_received")) == (2, 2, 1, 2, 1)
    assert visit.answered_rate == Decimal("50.0")
    hotline = table.row("hotline_12345")
    assert (hotline.count("answered"), hotline.count("on_time"), hotline.on_time_rate) == (1, 0, Decimal("0.0"))
    assert table.row("service_line").counts == dict.fromkeys(FIGURES, 0)
    assert table.row("service_line").on_time_rate is None
    assert _numbers(table.cases("letter", "received")) == {cohort["p4"].case.number}


def test_by_month_uses_china_time_and_shows_every_month(cohort: dict[str, Petition], clerk: User) -> None:
    table = petition_figures(clerk, d(2, 1), d(4, 30), by="month", as_of=AS_OF)
    assert [(r.key, r.label, r.count("received")) for r in table.rows] == [
        ("2026-02", "2026年2月", 1), ("2026-03", "2026年3月", 5), ("2026-04", "2026年4月", 1)]
    assert _numbers(table.cases("2026-04", "received")) == {cohort["after"].case.number}


def test_by_town_and_by_unit(cohort: dict[str, Petition], clerk: User, town_a: Any, town_b: Any) -> None:
    towns = petition_figures(clerk, *MARCH, by="town", as_of=AS_OF)
    assert [(r.label, r.count("received")) for r in towns.rows] == [
        (town_a.name, 1), (town_b.name, 1), ("未指明镇（街道）", 3)]
    assert towns.row(town_a.code).satisfaction_rate == Decimal("100.0")
    assert towns.row(town_b.code).count("dissatisfied") == 1
    units = petition_figures(clerk, *MARCH, by="unit", as_of=AS_OF)
    assert [(r.label, r.count("received"), r.count("on_time")) for r in units.rows] == [
        (town_a.name, 1, 1), ("市公安局", 1, 0), ("未交办", 3, 0)]
    assert _numbers(units.cases("unit:市公安局", "answered")) == {cohort["p2"].case.number}


def test_scope_and_bad_arguments(cohort: dict[str, Petition], officer_a: User, leader: User, clerk: User) -> None:
    # the town officer does not open the commission's petitions; the head sees them all
    assert petition_figures(officer_a, *MARCH, as_of=AS_OF).total.count("received") == 0
    assert petition_figures(leader, *MARCH, as_of=AS_OF).total.count("received") == 5
    only_web = Petition.objects.filter(channel="web")
    assert petition_figures(only_web, *MARCH, as_of=AS_OF).total.count("received") == 1
    with pytest.raises(InvalidInput) as bad_by:
        petition_figures(clerk, *MARCH, by="weekday")
    assert bad_by.value.location == "by"
    with pytest.raises(InvalidInput):
        petition_figures(clerk, MARCH[1], MARCH[0])
    with pytest.raises(InvalidInput) as bad_figure:
        figure_cases(clerk, *MARCH, "channel", "visit", "happiness")
    assert bad_figure.value.location == "figure"
    with pytest.raises(InvalidInput) as bad_key:
        figure_cases(clerk, *MARCH, "channel", "fax", "received")
    assert bad_key.value.location == "key"


@pytest.mark.parametrize(("by", "queries"), [("channel", 5), ("month", 5), ("town", 6), ("unit", 6)])
def test_a_table_reads_a_fixed_number_of_queries(cohort: dict[str, Petition], clerk: User, by: str, queries: int,
                                                 django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(queries):
        table = petition_figures(clerk, *MARCH, by=by, as_of=AS_OF)
    assert table.total.count("received") == 5


def test_satisfaction_counts_each_petition_once_by_its_latest_round(cohort: dict[str, Petition], clerk: User) -> None:
    p2 = cohort["p2"]  # dissatisfied with the first answer: asks for a review, basically satisfied with it
    with clock.frozen(at(d(5, 22), 18)):
        services.petition_request_review(p2, on=d(5, 13), request="不服处理意见，请求复查", actor=clerk)
        services.petition_give_opinion(p2, outcome="explain", facts="复查查明", reasons="维持并解释",
                                       provision_keys=OPINION_KEYS, actor=clerk, on=d(5, 20))
        reply = services.petition_send_reply(p2, text="复查意见", channel="visit", on=d(5, 21), actor=clerk)
        services.reply_mark_received(reply, on=d(5, 21), actor=clerk)
        services.follow_up_record(p2, result="basically", on=d(5, 22), actor=clerk)
    before = petition_figures(clerk, *MARCH, as_of=d(5, 21)).total
    after = petition_figures(clerk, *MARCH, as_of=d(5, 31)).total
    assert (before.count("followed_up"), before.count("dissatisfied"), before.count("basically")) == (2, 1, 0)
    assert (after.count("followed_up"), after.count("dissatisfied"), after.count("basically")) == (2, 0, 1)
    assert (before.satisfaction_rate, after.satisfaction_rate) == (Decimal("50.0"), Decimal("100.0"))
    assert after.count("answered") == 2  # the review's opinion does not make a second answer
