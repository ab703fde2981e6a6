"""Case engine details: append-only history, numbering, and statutory clocks — started on the legal date,
several of a kind, suspended and extended inside their span, ended by the event that ends the duty, pending when
the calendar lacks a year, and moved (and recorded) when the calendar changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisheng.cases import selectors, services
from jisheng.cases.models import Case, CaseEvent, CaseStep
from jisheng.cases.types import ClockRule, RecordKind
from jisheng.core import clock
from jisheng.core.errors import AppendOnlyViolation, InvalidInput, NotPermitted, TransitionNotAllowed

DECIDE_CLOCK = ClockRule("decision", "决定", starts_on="received", stop_on=frozenset({"action:grant"}), amount=20,
                         max_extensions=1, max_extension=10)


@pytest.fixture
def clocked(register_type: Any) -> str:
    return register_type(key="toy_clocked", prefix="TC", clock_rules=(DECIDE_CLOCK,)).key


@pytest.mark.django_db
def test_history_is_append_only(clocked: str, town_a: Any, actor_for: Any) -> None:
    case = services.case_create(case_type=clocked, area=town_a, application_date=dt.date(2013, 6, 3),
                                actor=actor_for("change"))
    event = CaseEvent.objects.filter(case=case).first()
    assert event is not None
    event.summary = "改写"
    with pytest.raises(AppendOnlyViolation):
        event.save()
    with pytest.raises(AppendOnlyViolation):
        event.delete()
    with pytest.raises(AppendOnlyViolation):
        CaseEvent.objects.filter(case=case).update(summary="x")
    with pytest.raises(AppendOnlyViolation):
        CaseStep.objects.filter(case=case).delete()


@pytest.mark.django_db
def test_numbers_run_per_type_and_year(clocked: str, town_a: Any, actor_for: Any) -> None:
    officer = actor_for("change")
    numbers = [services.case_create(case_type=clocked, area=town_a, application_date=d, actor=officer).number
               for d in (dt.date(2013, 1, 2), dt.date(2013, 12, 30), dt.date(2014, 1, 2))]
    assert numbers == ["TC2013-00001", "TC2013-00002", "TC2014-00001"]


@pytest.mark.django_db
def test_a_clock_from_receipt_starts_on_the_receipt_date_not_on_the_day_it_is_typed_in(
        clocked: str, town_a: Any, actor_for: Any) -> None:
    with clock.frozen(dt.date(2013, 9, 9)):
        case = services.case_create(case_type=clocked, area=town_a, application_date=dt.date(2013, 9, 2),
                                    actor=actor_for("change"))
    c = case.clocks.get()
    # 20 working days from Mon 2 Sep 2013 across 中秋节 (19–21 Sep, make-up Sun 22 Sep) → 30 Sep
    assert (c.start, c.start_event, c.due) == (dt.date(2013, 9, 2), "received", dt.date(2013, 9, 30))


@pytest.mark.django_db
def test_a_back_dated_step_needs_a_reason_and_keeps_both_dates(toy: str, town_a: Any, actor_for: Any) -> None:
    officer = actor_for("change")
    with clock.frozen(dt.date(2013, 6, 10)):
        case = services.case_create(case_type=toy, area=town_a, application_date=dt.date(2013, 6, 3), actor=officer)
        with pytest.raises(InvalidInput, match="补录理由"):
            services.case_transition(case, action="accept", actor=officer, on=dt.date(2013, 6, 4))
        with pytest.raises(InvalidInput, match="早于"):
            services.case_transition(case, action="accept", actor=officer, on=dt.date(2013, 6, 1), backdate_reason="x")
        with pytest.raises(InvalidInput, match="晚于今天"):
            services.case_transition(case, action="accept", actor=officer, on=dt.date(2013, 6, 11))
        services.case_transition(case, action="accept", actor=officer, on=dt.date(2013, 6, 4),
                                 backdate_reason="纸质案卷补录")
    step = case.steps.get(action="accept")
    assert (step.on, step.backdate_reason, clock.local(step.at).date()) == (
        dt.date(2013, 6, 4), "纸质案卷补录", dt.date(2013, 6, 10))


@pytest.mark.django_db
def test_suspension_and_extension_stay_inside_the_clock_and_the_law(clocked: str, town_a: Any, actor_for: Any,
                                                                    make_user: Any, county: Any) -> None:
    officer, leader = actor_for("change"), actor_for("approve_extension")
    with clock.frozen(dt.date(2013, 9, 2)):
        case = services.case_create(case_type=clocked, area=town_a, application_date=dt.date(2013, 9, 2),
                                    actor=officer)
    with clock.frozen(dt.date(2013, 9, 13)):
        for start, end in ((dt.date(1900, 1, 1), None), (dt.date(2013, 8, 30), None),  # before the clock
                           (dt.date(2013, 9, 14), None),  # after today
                           (dt.date(2013, 9, 10), dt.date(2013, 9, 9)), (dt.date(2013, 9, 10), dt.date(2013, 9, 20))):
            with pytest.raises(InvalidInput):
                services.case_suspend_clock(case, kind="decision", start=start, end=end, reason="专家评审",
                                            actor=officer)
        with pytest.raises(InvalidInput, match="事由"):
            services.case_suspend_clock(case, kind="decision", start=dt.date(2013, 9, 10), reason=" ", actor=officer)
        services.case_suspend_clock(case, kind="decision", start=dt.date(2013, 9, 10), end=dt.date(2013, 9, 12),
                                    reason="专家评审", actor=officer)
        with pytest.raises(InvalidInput, match="重叠"):
            services.case_suspend_clock(case, kind="decision", start=dt.date(2013, 9, 11), end=dt.date(2013, 9, 13),
                                        reason="重叠", actor=officer)
    c = case.clocks.get()
    # three working days not counted; the period now crosses 国庆节 (1–7 Oct): 30 Sep → 10 Oct
    assert c.due == dt.date(2013, 10, 10)
    with clock.frozen(dt.date(2013, 10, 8)):  # the head approves before the period runs out
        with pytest.raises(NotPermitted):
            services.case_extend_clock(case, kind="decision", days=10, reason="情况复杂", actor=officer)
        with pytest.raises(InvalidInput, match="1 至 10"):
            services.case_extend_clock(case, kind="decision", days=11, reason="情况复杂", actor=leader)
        services.case_extend_clock(case, kind="decision", days=10, reason="情况复杂，经负责人批准", actor=leader)
        c.refresh_from_db()
        assert c.due == dt.date(2013, 10, 23)  # Sat 12 Oct was a make-up working day
        assert [(e.amount, e.approved_by, e.on) for e in c.extensions.all()] == [(10, leader, dt.date(2013, 10, 8))]
        with pytest.raises(TransitionNotAllowed, match="不得再次延长"):
            services.case_extend_clock(case, kind="decision", days=5, reason="再延", actor=leader)


@pytest.mark.django_db
def test_the_law_can_allow_more_than_one_extension(register_type: Any, town_a: Any, actor_for: Any) -> None:
    key = register_type(key="toy_twice", prefix="TT", clock_rules=(
        ClockRule("answer", "答复", starts_on="received", stop_on=frozenset({"action:grant"}), unit="calendar",
                  amount=60, max_extensions=2, max_extension=30),)).key
    with clock.frozen(dt.date(2023, 3, 1)):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2023, 3, 1),
                                    actor=actor_for("change"))
        for _ in range(2):
            services.case_extend_clock(case, kind="answer", days=30, reason="经负责人批准", actor=actor_for("decide"))
        with pytest.raises(TransitionNotAllowed):
            services.case_extend_clock(case, kind="answer", days=1, reason="再延", actor=actor_for("decide"))
    assert case.clocks.get().extensions.count() == 2


@pytest.mark.django_db
def test_an_open_suspension_counts_until_resumed_and_the_leader_cannot_resume_it(
        clocked: str, town_a: Any, actor_for: Any) -> None:
    officer = actor_for("change")
    with clock.frozen(dt.date(2013, 9, 3)):
        case = services.case_create(case_type=clocked, area=town_a, application_date=dt.date(2013, 9, 2),
                                    actor=officer)
        services.case_suspend_clock(case, kind="decision", start=dt.date(2013, 9, 3), reason="鉴定", actor=officer)
    with pytest.raises(InvalidInput, match="已在中止中"):
        services.case_suspend_clock(case, kind="decision", start=dt.date(2013, 9, 3), reason="再次", actor=officer)
    with clock.frozen(dt.date(2013, 9, 6)):
        with pytest.raises(NotPermitted):  # a leader approves extensions; resuming is the handling officer's
            services.case_resume_clock(case, kind="decision", end=dt.date(2013, 9, 5),
                                       actor=actor_for("approve_extension"))
        with pytest.raises(InvalidInput):
            services.case_resume_clock(case, kind="decision", end=dt.date(2013, 9, 7), actor=officer)
        c = services.case_resume_clock(case, kind="decision", end=dt.date(2013, 9, 5), actor=officer)
    assert [(s.start, s.end) for s in c.suspensions.all()] == [(dt.date(2013, 9, 3), dt.date(2013, 9, 5))]
    assert c.due == dt.date(2013, 10, 10)  # 30 Sep + 3 working days after 1–7 Oct: 8, 9, 10 Oct


@pytest.mark.django_db
def test_a_step_on_31_december_starts_a_pending_clock_instead_of_failing(
        register_type: Any, town_a: Any, actor_for: Any) -> None:
    """The calendar covers 2026 only: a 7-working-day clock from 31 December has no due date yet; the step is
    kept and the due date says why."""
    from jisheng.law.calendar import covered_years

    last = max(covered_years())
    key = register_type(key="toy_accepting", prefix="TA", clock_rules=(
        ClockRule("review", "审核", starts_on="action:accept", stop_on=frozenset({"action:review"}), amount=7),)).key
    day = dt.date(last, 12, 31)
    with clock.frozen(day):
        case = services.case_create(case_type=key, area=town_a, application_date=day, actor=actor_for("change"))
        services.case_transition(case, action="accept", actor=actor_for("change"))
    case.refresh_from_db()
    c = case.clocks.get()
    assert case.status == "accepted"
    assert (c.due, c.pending_year, selectors.clock_state(c, day)) == (None, last + 1, "pending")
    assert f"{last + 1}" in c.explanation[-1]
    assert c in selectors.clocks_at_risk(Case.objects.all(), within_days=3)


@pytest.mark.django_db
def test_a_local_holiday_moves_an_open_due_date_and_is_recorded(clocked: str, town_a: Any, actor_for: Any,
                                                               make_user: Any, county: Any) -> None:
    from jisheng.accounts.roles import Role
    from jisheng.law import services as law
    from jisheng.law.models import DeadlineRecomputation

    with clock.frozen(dt.date(2013, 9, 2)):
        case = services.case_create(case_type=clocked, area=town_a, application_date=dt.date(2013, 9, 2),
                                    actor=actor_for("change"))
        done = services.case_create(case_type=clocked, area=town_a, application_date=dt.date(2013, 9, 2),
                                    actor=actor_for("change"))
    done.clocks.update(met_on=dt.date(2013, 9, 5))  # a met clock never moves
    assert case.clocks.get().due == dt.date(2013, 9, 30)
    admin = make_user(Role.CITY_ADMIN, county)
    with clock.frozen(dt.date(2013, 9, 6)):
        law.calendar_day_set(date=dt.date(2013, 9, 16), kind="holiday", name="地方防汛停工日", actor=admin)
    c = case.clocks.get()
    assert c.due == dt.date(2013, 10, 8)  # one working day fewer before 国庆节 pushes it past the holiday week
    assert done.clocks.get().due == dt.date(2013, 9, 30)
    row = DeadlineRecomputation.objects.get()
    assert (row.subject, row.old_due, row.new_due) == (f"cases.case:{case.number}/decision", dt.date(2013, 9, 30),
                                                     dt.date(2013, 10, 8))
    event = case.events.get(kind="clock_recomputed")
    assert "2013-09-30" in event.summary and "2013-10-08" in event.summary


@pytest.mark.django_db
def test_clocks_per_instance_end_with_their_own_record(register_type: Any, town_a: Any, actor_for: Any) -> None:
    key = register_type(key="toy_units", prefix="TU", records=(RecordKind("answer", "答复"),), clock_rules=(
        ClockRule("answer", "承办单位答复", starts_on="action:accept", stop_on=frozenset({"record:answer"}),
                  unit="calendar", amount=30, per_instance=True),)).key
    officer = actor_for("change")
    with clock.frozen(dt.date(2023, 3, 1)):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2023, 3, 1), actor=officer)
        services.case_transition(case, action="accept", actor=officer)
        assert case.clocks.count() == 0  # per-instance clocks start for a named instance only
        for unit in ("城厢镇", "沙溪镇"):
            services.case_start_clock(case, kind="answer", instance=unit, start=dt.date(2023, 3, 1), actor=officer)
        with pytest.raises(InvalidInput, match="已为"):
            services.case_start_clock(case, kind="answer", instance="城厢镇", start=dt.date(2023, 3, 1), actor=officer)
    with clock.frozen(dt.date(2023, 3, 20)):
        services.case_add_record(case, kind="answer", instance="城厢镇", text="已核实答复", actor=officer)
    states = {c.instance: c.met_on for c in case.clocks.all()}
    assert states == {"城厢镇": dt.date(2023, 3, 20), "沙溪镇": None}


@pytest.mark.django_db
def test_publication_is_recorded_and_ends_its_clock_even_after_the_decision(
        register_type: Any, town_a: Any, actor_for: Any) -> None:
    key = register_type(key="toy_pub", prefix="TP", records=(
        RecordKind("publication", "决定公开", capability="publish", phase="decided", needs_text=True),),
        clock_rules=(ClockRule("publication", "公开", starts_on="action:grant",
                               stop_on=frozenset({"record:publication"}), amount=7),)).key
    town, county = actor_for("change"), actor_for("decide")
    with clock.frozen(dt.date(2013, 6, 20)):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 3), actor=town)
        services.case_transition(case, action="accept", actor=town)
        services.case_transition(case, action="review", actor=town)
        with pytest.raises(TransitionNotAllowed, match="尚未作出决定"):  # nothing to publish yet
            services.case_add_record(case, kind="publication", text="门户网站", actor=county)
        services.case_decide(case, outcome="granted", reasons="符合", actor=county,
                             provision_keys=["admin-licensing-law-2003/art-38"])
        with pytest.raises(TransitionNotAllowed, match="公开"):
            services.case_transition(case, action="close", actor=county)
    queue = selectors.publication_queue(Case.objects.all())
    assert [(q.case.number, q.due) for q in queue] == [(case.number, dt.date(2013, 7, 1))]
    with clock.frozen(dt.date(2013, 6, 25)):
        with pytest.raises(InvalidInput, match="内容"):
            services.case_add_record(case, kind="publication", actor=county)
        with pytest.raises(NotPermitted):
            services.case_add_record(case, kind="publication", text="门户网站", actor=town)
        services.case_add_record(case, kind="publication", text="门户网站“行政许可公示”栏目", actor=county)
        services.case_transition(case, action="close", actor=county)
    assert selectors.publication_queue(Case.objects.all()) == []
    c = case.clocks.get(kind="publication")
    assert (c.met_on, c.met_by, c.met_in_time) == (dt.date(2013, 6, 25), "record:publication", True)


@pytest.mark.django_db
def test_closed_files_never_appear_at_risk(clocked: str, town_a: Any, actor_for: Any) -> None:
    with clock.frozen(dt.date(2013, 6, 3)):
        case = services.case_create(case_type=clocked, area=town_a, application_date=dt.date(2013, 6, 3),
                                    actor=actor_for("change"))
    with clock.frozen(dt.date(2026, 11, 16)):
        assert [c.case for c in selectors.clocks_at_risk(Case.objects.all())] == [case]  # overdue and open
        Case.objects.filter(pk=case.pk).update(status="closed")
        assert selectors.clocks_at_risk(Case.objects.all()) == []


@pytest.mark.django_db
def test_a_clock_the_law_does_not_extend_is_not_extended_and_instances_have_a_length(
        register_type: Any, town_a: Any, actor_for: Any) -> None:
    """A clock whose rule names no lawful extension took any number of days (only the form capped it at 60; a
    number past 32767 was a 500 on PostgreSQL); an instance name past the column was a 500 too."""
    key = register_type(key="toy_plain", prefix="TX", clock_rules=(
        ClockRule("opinion", "意见", starts_on="received", stop_on=frozenset({"action:review"}), amount=7),
        ClockRule("unit", "承办单位答复", starts_on="action:accept", stop_on=frozenset(), unit="calendar", amount=30,
                  per_instance=True),)).key
    with clock.frozen(dt.date(2013, 6, 3)):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 3),
                                    actor=actor_for("change"))
        for days in (5, 40000):
            with pytest.raises(TransitionNotAllowed, match="没有法定的延长期限"):
                services.case_extend_clock(case, kind="opinion", days=days, reason="情况复杂",
                                           actor=actor_for("decide"))
        services.case_transition(case, action="accept", actor=actor_for("change"))
        with pytest.raises(InvalidInput, match="过长"):
            services.case_start_clock(case, kind="unit", instance="单" * 65, start=dt.date(2013, 6, 3),
                                      actor=actor_for("change"))
    assert not case.clocks.get(kind="opinion").extensions.exists() and case.clocks.filter(kind="unit").count() == 0
