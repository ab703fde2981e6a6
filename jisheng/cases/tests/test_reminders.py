"""Clock reminders (期限提醒, issue 12 Deliver 5): each threshold of a type's reminder days fires once per clock and due
date, on its day, however often the daily job runs — also after an extension, never for a met clock — and reaches
the case's handlers (and whoever the procedure adds) on their workbench."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections

from jisheng.accounts.roles import Role
from jisheng.cases import reminders, services, workbench
from jisheng.cases.models import CaseEvent, ClockReminder
from jisheng.cases.reminders import send_due_reminders, threshold_due
from jisheng.cases.types import ClockRule
from jisheng.core import clock

START = dt.date(2023, 3, 1)

#: 20 calendar days from receipt, met by acceptance, one extension of at most 10 days.
ANSWER = ClockRule("answer", "答复", starts_on="received", stop_on=frozenset({"action:accept"}), unit="calendar",
                   amount=20, max_extensions=1, max_extension=10)


@pytest.fixture
def reminded(register_type: Any) -> str:
    """A toy type reminding at 7, 3, 1 and 0 days before its clock's due date."""
    key: str = register_type(key="toy_reminded", prefix="TR", clock_rules=(ANSWER,), reminder_days=(7, 3, 1, 0)).key
    return key


def _case(key: str, area: Any, actor: Any, day: dt.date = START) -> Any:
    with clock.frozen(day):
        return services.case_create(case_type=key, area=area, application_date=day, actor=actor)


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _run_daily(first: dt.date, last: dt.date, *, times: int = 1) -> list[tuple[dt.date, int, dt.date]]:
    """Run the job every day from ``first`` to ``last`` (``times`` a day); (day, threshold, due) of each sent."""
    sent = []
    for day in _days(first, last):
        with clock.frozen(day):
            for _ in range(times):
                sent += [(day, r.threshold, r.due) for r in send_due_reminders().sent]
    return sent


def test_the_due_threshold_is_the_nearest_one_not_below_the_days_left() -> None:
    days = (7, 3, 1, 0)
    assert [threshold_due(days, n) for n in (9, 8, 7, 6, 4, 3, 2, 1, 0, -1)] == [
        None, None, 7, 7, 7, 3, 3, 1, 0, None]
    assert threshold_due((), 0) is None


@pytest.mark.django_db
def test_each_threshold_fires_once_on_its_day_however_often_the_job_runs(
        reminded: str, town_a: Any, actor_for: Any) -> None:
    case = _case(reminded, town_a, actor_for("change"))
    due = case.clocks.get().due
    assert due == START + dt.timedelta(days=20)
    sent = _run_daily(START, due + dt.timedelta(days=3), times=2)
    assert sent == [(due - dt.timedelta(days=n), n, due) for n in (7, 3, 1, 0)]
    assert ClockReminder.objects.filter(clock__case=case).count() == 4
    # the 3-day reminder said 3 days, and the history says who was reminded
    assert [r.days_left for r in ClockReminder.objects.order_by("sent_on")] == [7, 3, 1, 0]
    events = list(CaseEvent.objects.filter(case=case, kind="reminder_sent").order_by("id"))
    assert [e.data["threshold"] for e in events] == [7, 3, 1, 0]
    assert "剩 3 天" in events[1].summary and "今日届满" in events[3].summary


@pytest.mark.django_db
def test_a_second_run_on_the_same_day_sends_nothing_and_says_so(reminded: str, town_a: Any, actor_for: Any) -> None:
    case = _case(reminded, town_a, actor_for("change"))
    day = case.clocks.get().due - dt.timedelta(days=3)
    first = send_due_reminders(day)
    second = send_due_reminders(day)
    assert (first.considered, len(first.sent), first.already) == (1, 1, 0)
    assert (second.considered, len(second.sent), second.already) == (1, 0, 1)
    assert ClockReminder.objects.count() == 1


@pytest.mark.django_db
def test_an_extension_after_the_three_day_reminder_makes_the_new_due_dates_thresholds_fire_once_each(
        reminded: str, town_a: Any, actor_for: Any) -> None:
    case = _case(reminded, town_a, actor_for("change"))
    old_due = case.clocks.get().due
    before = _run_daily(START, old_due - dt.timedelta(days=3))
    assert [(t, d) for _day, t, d in before] == [(7, old_due), (3, old_due)]
    with clock.frozen(old_due - dt.timedelta(days=2)):
        services.case_extend_clock(case, kind="answer", days=10, reason="情况复杂，经负责人批准",
                                   actor=actor_for("approve_extension"))
    new_due = case.clocks.get().due
    assert new_due == old_due + dt.timedelta(days=10)
    after = _run_daily(old_due - dt.timedelta(days=2), new_due + dt.timedelta(days=2), times=2)
    assert after == [(new_due - dt.timedelta(days=n), n, new_due) for n in (7, 3, 1, 0)]
    assert ClockReminder.objects.filter(due=old_due).count() == 2  # the old date's 1 and 0 never fire


@pytest.mark.django_db
def test_a_met_clock_is_not_reminded(reminded: str, town_a: Any, actor_for: Any) -> None:
    case = _case(reminded, town_a, actor_for("change"))
    due = case.clocks.get().due
    assert _run_daily(START, due - dt.timedelta(days=6)) == [(due - dt.timedelta(days=7), 7, due)]
    with clock.frozen(due - dt.timedelta(days=5)):
        services.case_transition(case, action="accept", actor=actor_for("change"))
    assert case.clocks.get().met_on == due - dt.timedelta(days=5)
    assert _run_daily(due - dt.timedelta(days=5), due + dt.timedelta(days=1)) == []


@pytest.mark.django_db
def test_a_job_that_did_not_run_for_days_sends_only_the_nearest_threshold(
        reminded: str, town_a: Any, actor_for: Any) -> None:
    case = _case(reminded, town_a, actor_for("change"))
    due = case.clocks.get().due
    # nothing ran from the 8th day before to the 3rd day before: on the 2nd day before only "3" goes out
    sent = _run_daily(due - dt.timedelta(days=2), due + dt.timedelta(days=1))
    assert sent == [(due - dt.timedelta(days=2), 3, due), (due - dt.timedelta(days=1), 1, due), (due, 0, due)]
    assert ClockReminder.objects.get(threshold=3).days_left == 2


@pytest.mark.django_db
def test_an_overdue_or_suspended_clock_gets_no_threshold_reminder(
        reminded: str, town_a: Any, actor_for: Any) -> None:
    officer = actor_for("change")
    late = _case(reminded, town_a, officer)
    due = late.clocks.get().due
    assert send_due_reminders(due + dt.timedelta(days=1)).considered == 0
    paused = _case(reminded, town_a, officer)
    with clock.frozen(due - dt.timedelta(days=10)):
        services.case_suspend_clock(paused, kind="answer", start=due - dt.timedelta(days=10), reason="鉴定",
                                    actor=officer)
    with clock.frozen(due - dt.timedelta(days=3)):
        run = send_due_reminders()
    assert [r.clock.case for r in run.sent] == [late]


@pytest.mark.django_db
def test_a_clock_shorter_than_the_first_threshold_is_reminded_on_its_first_day(
        register_type: Any, town_a: Any, actor_for: Any) -> None:
    short = ClockRule("answer", "答复", starts_on="received", stop_on=frozenset({"action:accept"}), unit="calendar",
                      amount=5)
    key = register_type(key="toy_short", prefix="TS", clock_rules=(short,), reminder_days=(7, 3, 1, 0)).key
    case = _case(key, town_a, actor_for("change"))
    due = case.clocks.get().due
    assert due == START + dt.timedelta(days=5)
    # 5 days left is inside the 7-day threshold: it goes out at once, saying 5 days
    assert _run_daily(START, due) == [(START, 7, due), (due - dt.timedelta(days=3), 3, due),
                                      (due - dt.timedelta(days=1), 1, due), (due, 0, due)]
    assert ClockReminder.objects.get(threshold=7).days_left == 5


@pytest.mark.django_db
def test_a_closed_file_is_not_reminded_even_with_a_clock_left_running(
        reminded: str, town_a: Any, actor_for: Any) -> None:
    officer = actor_for("change")
    case = _case(reminded, town_a, officer)
    due = case.clocks.get().due
    with clock.frozen(START + dt.timedelta(days=2)):
        services.case_transition(case, action="withdraw", actor=officer)
        services.case_transition(case, action="close", actor=officer)
    assert case.clocks.get().met_on is None  # withdrawal does not meet the toy's clock
    assert _run_daily(START + dt.timedelta(days=2), due) == []


@pytest.mark.django_db
def test_handlers_of_the_case_are_reminded_and_see_it_on_their_workbench(
        reminded: str, town_a: Any, town_b: Any, county: Any, make_user: Any) -> None:
    officer = make_user(Role.TOWN_OFFICER, town_a)
    city = make_user(Role.CITY_ADMIN, county)  # licensing.change at the county: the case's area is in scope
    other_town = make_user(Role.TOWN_OFFICER, town_b)
    make_user(Role.TOWN_OFFICER, town_a, is_active=False)
    guide = make_user(Role.VILLAGE_GUIDE, town_a)  # registers, does not handle
    case = _case(reminded, town_a, officer)
    due = case.clocks.get().due
    with clock.frozen(due - dt.timedelta(days=3)):
        (reminder,) = send_due_reminders().sent
        assert set(reminder.recipients.all()) == {officer, city}
        assert reminder.recipients_summary == "、".join(str(u) for u in sorted([officer, city],
                                                                              key=lambda u: u.username))
        lines = {u: [t.label for i in workbench.workbench_items(u) for t in i.todos if "期限提醒" in t.label]
                 for u in (officer, city, other_town, guide)}
    assert lines[officer] == [f"期限提醒：{case.number} 答复（剩 3 天）"]
    with clock.frozen(due - dt.timedelta(days=3)):
        (todo,) = [t for i in workbench.workbench_items(officer) for t in i.todos if "期限提醒" in t.label]
    assert (todo.url, todo.due, todo.module, todo.overdue) == (f"/cases/{case.number}/", due, "玩具", False)
    assert lines[city] == lines[officer]
    assert lines[other_town] == [] and lines[guide] == []
    with clock.frozen(due - dt.timedelta(days=1)):
        send_due_reminders()
        labels = [t.label for i in workbench.workbench_items(officer) for t in i.todos if "期限提醒" in t.label]
        assert labels == [f"期限提醒：{case.number} 答复（剩 1 天）"]  # the latest only
        services.case_transition(case, action="accept", actor=officer)
        assert not [t for i in workbench.workbench_items(officer) for t in i.todos if "期限提醒" in t.label]


@pytest.mark.django_db
def test_a_procedure_adds_recipients_and_the_page_they_handle_it_on(
        reminded: str, town_a: Any, town_b: Any, make_user: Any) -> None:
    officer = make_user(Role.TOWN_OFFICER, town_a)
    unit = make_user(Role.TOWN_OFFICER, town_b)  # cannot open the case page: gets the procedure's link
    case = _case(reminded, town_a, officer)
    reminders.register_recipients(reminded, lambda c, handlers: [*handlers, unit, officer],
                                  link=lambda c, user: f"/cases/?instance={c.kind}")
    try:
        with clock.frozen(case.clocks.get().due):
            (reminder,) = send_due_reminders().sent
            assert list(reminder.recipients.order_by("id")) == [officer, unit]
            todos = {u: [(t.label, t.url) for i in workbench.workbench_items(u) for t in i.todos
                         if "期限提醒" in t.label] for u in (officer, unit)}
    finally:
        reminders.unregister_recipients(reminded)
    assert todos[officer] == [(f"期限提醒：{case.number} 答复（今日届满）", f"/cases/{case.number}/")]
    assert todos[unit] == [(f"期限提醒：{case.number} 答复（今日届满）", "/cases/?instance=answer")]


@pytest.mark.django_db
def test_the_setting_overrides_the_types_days_and_is_checked(
        reminded: str, town_a: Any, actor_for: Any, settings: Any) -> None:
    case = _case(reminded, town_a, actor_for("change"))
    due = case.clocks.get().due
    settings.JISHENG = {**settings.JISHENG, "REMINDER_DAYS": {reminded: [5]}}
    assert _run_daily(START, due) == [(due - dt.timedelta(days=5), 5, due)]
    settings.JISHENG = {**settings.JISHENG, "REMINDER_DAYS": {reminded: [3, 3]}}
    with pytest.raises(ImproperlyConfigured, match="toy_reminded"):
        send_due_reminders(due)
    assert [e.id for e in reminders.check_reminder_days(None)] == ["cases.E002"]
    settings.JISHENG = {**settings.JISHENG, "REMINDER_DAYS": {reminded: []}}  # off for the type
    assert reminders.check_reminder_days(None) == []
    assert _run_daily(START, due) == []


@pytest.mark.django_db
def test_the_command_and_the_task_run_the_job(reminded: str, town_a: Any, actor_for: Any) -> None:
    from jisheng.cases.tasks import send_reminders

    case = _case(reminded, town_a, actor_for("change"))
    due = case.clocks.get().due
    out = StringIO()
    call_command("cases", "remind", "--date", (due - dt.timedelta(days=7)).isoformat(), stdout=out)
    assert "发送提醒 1 条" in out.getvalue()
    result = send_reminders.enqueue((due - dt.timedelta(days=7)).isoformat())
    assert "发送提醒 0 条，已提醒过 1 条" in str(result.return_value)
    assert ClockReminder.objects.count() == 1


@pytest.mark.django_db
def test_a_failing_resolver_stops_only_its_reminder_and_the_next_run_sends_it(
        reminded: str, town_a: Any, actor_for: Any, caplog: Any) -> None:
    from django.core.management.base import CommandError

    first, second = (_case(reminded, town_a, actor_for("change")) for _ in range(2))
    day = first.clocks.get().due - dt.timedelta(days=7)

    def broken(c: Any, handlers: list[Any]) -> list[Any]:
        if c.case == first:
            raise RuntimeError("resolver down")
        return handlers

    reminders.register_recipients(reminded, broken)
    try:
        run = send_due_reminders(day)
        with pytest.raises(CommandError, match="失败 1 条") as failed:
            call_command("cases", "remind", "--date", day.isoformat(), stdout=StringIO())
    finally:
        reminders.unregister_recipients(reminded)
    assert [r.clock.case for r in run.sent] == [second] and run.failed == [f"{first.number} 答复"]
    assert failed.value.returncode == 1
    assert not CaseEvent.objects.filter(case=first, kind="reminder_sent").exists()
    assert "resolver down" in caplog.text
    assert [r.clock.case for r in send_due_reminders(day).sent] == [first]


@pytest.mark.django_db
def test_the_command_refuses_a_malformed_date() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD") as refused:
        call_command("cases", "remind", "--date", "2026-13-01")
    assert refused.value.returncode == 2


# --- two jobs at once (PostgreSQL; keep this the module's last test: its flush empties the reference data) -------

@pytest.fixture(scope="module")
def reload_reference_data_after(django_db_blocker: Any) -> Iterator[None]:
    """Module-scoped, so torn down after the transactional test's flush: load the session's areas again."""
    yield
    from jisheng.core.areas import load_address_codes, load_areas
    from jisheng.core.demo import generate_villages

    with django_db_blocker.unblock():
        load_areas()
        load_address_codes()
        generate_villages(seed=1, county_code="320585")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_jobs_at_once_send_each_reminder_once(
        reload_reference_data_after: None, reminded: str, town_a: Any, actor_for: Any) -> None:
    cases = [_case(reminded, town_a, actor_for("change")) for _ in range(5)]
    day = cases[0].clocks.get().due - dt.timedelta(days=3)
    barrier = threading.Barrier(2)
    sent: list[int] = []
    errors: list[BaseException] = []

    def job() -> None:
        try:
            barrier.wait(timeout=10)
            sent.append(len(send_due_reminders(day).sent))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sum(sent) == 5
    assert ClockReminder.objects.count() == 5
    assert CaseEvent.objects.filter(kind="reminder_sent").count() == 5
