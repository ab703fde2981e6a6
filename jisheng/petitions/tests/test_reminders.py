"""Reminders of an assignment's answer clock reach the assigned town's officers (not one the petition names), who are
led to their assignment page; the clock and its records name the town, never the assignment's key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.cases import reminders
from jisheng.cases.models import ClockReminder
from jisheng.core import clock
from jisheng.core.models import Area
from jisheng.petitions import services
from jisheng.petitions.models import Petition
from tests.conftest import login

from .conftest import at

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def test_an_assigned_towns_officers_are_reminded_and_a_named_officer_is_not(
        receive: Callable[..., Petition], clerk: User, town_a: Area, town_b: Area, officer_a: User,
        officer_b: User, make_user: Callable[..., User]) -> None:
    named = make_user(Role.TOWN_OFFICER, town_a)
    petition = receive(DAY, complained_user=named)
    with clock.frozen(at(DAY, 11)):
        services.petition_accept(petition, actor=clerk, on=DAY)
        a = services.petition_assign(petition, area=town_a, due=DAY + dt.timedelta(days=10), instruction="请核实",
                                     actor=clerk)
    answer_clock = petition.case.clocks.get(kind="unit_response")
    assert answer_clock.label == f"承办单位答复（{town_a.name}）"
    run = reminders.send_due_reminders(DAY + dt.timedelta(days=3))  # 7 days left
    assert run is not None
    sent = ClockReminder.objects.get(clock=answer_clock)
    to = set(sent.recipients.all())
    assert clerk in to and officer_a in to
    assert named not in to and officer_b not in to
    with clock.frozen(at(DAY + dt.timedelta(days=3), 12)):
        page = login(Client(), officer_a).get("/").content.decode()
    assert f"/petitions/assignments/{a.pk}/" in page and petition.case.number in page
    assert "王小红" not in page and "王*" not in page


def test_a_unit_answer_on_the_case_page_names_the_town(receive: Callable[..., Petition], clerk: User,
                                                     town_a: Area, officer_a: User) -> None:
    petition = receive(DAY)
    with clock.frozen(at(DAY + dt.timedelta(days=1), 11)):
        services.petition_accept(petition, actor=clerk, on=DAY)
        a = services.petition_assign(petition, area=town_a, due=DAY + dt.timedelta(days=10), instruction="请核实",
                                     actor=clerk)
        services.delivery_acknowledge(a, actor=officer_a)
        services.assignment_respond(a, response="已核实补发", actor=officer_a)
        page = login(Client(), clerk).get(f"/cases/{petition.case.number}/").content.decode()
    assert f"承办单位答复 · 2026-03-03 · {town_a.name}" in page
    assert f"· {a.instance}" not in page and f"（{a.instance}）" not in page


def test_the_town_reads_its_assignment_sheet_and_another_town_gets_404(
        receive: Callable[..., Petition], clerk: User, town_a: Area, town_b: Area, officer_a: User,
        officer_b: User) -> None:
    """The assigned town opens its 交办单 from the assignment page (audited, the petitioner withheld when the
    petition complains about that town); another town's officer gets the same 404 as for no such sheet."""
    from jisheng.core.models import AuditEvent
    from tests import tools

    petition = receive(DAY, complained_area=town_a)
    with clock.frozen(at(DAY + dt.timedelta(days=1), 11)):
        services.petition_accept(petition, actor=clerk, on=DAY)
        a = services.petition_assign(petition, area=town_a, due=DAY + dt.timedelta(days=10), instruction="请核实",
                                     actor=clerk)
        town = login(Client(), officer_a)
        page = town.get(f"/petitions/assignments/{a.pk}/").content.decode()
        assert f'href="/petitions/assignments/{a.pk}/sheet/"' in page
        sheet = town.get(f"/petitions/assignments/{a.pk}/sheet/")
        assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
        text = tools.pdftotext(b"".join(sheet.streaming_content))  # type: ignore[attr-defined]
        assert "交办单" in text and "王小红" not in text and "13800000000" not in text and "王*" not in text
        assert AuditEvent.objects.filter(object_id=a.sheet_id, action="view", actor=officer_a).exists()
        assert login(Client(), officer_b).get(f"/petitions/assignments/{a.pk}/sheet/").status_code == 404
        assert town.get("/petitions/assignments/999999/sheet/").status_code == 404


def test_the_conclusion_clock_reminds_once_per_threshold_also_after_the_extension(
        receive: Callable[..., Petition], clerk: User, leader: User) -> None:
    """A petition accepted 2026-03-02 must conclude by 2026-05-01 (60 days; a holiday, so 2026-05-06 by contract §1).
    Run twice every day: 7, 3, 1 and 0 days before fire once each, on their days; the head extends by 30 days on the
    due day (after the 0-day reminder) and the new due date's 7, 3, 1 and 0 fire once each again."""
    petition = receive(DAY)
    with clock.frozen(at(DAY, 11)):
        services.petition_accept(petition, actor=clerk, on=DAY)
    conclusion = petition.case.clocks.get(kind="conclusion")
    first_due = conclusion.due
    assert first_due == dt.date(2026, 5, 6)

    def run_days(start: dt.date, end: dt.date) -> list[tuple[dt.date, int, dt.date]]:
        fired = []
        day = start
        while day <= end:
            for _twice in range(2):
                for r in reminders.send_due_reminders(day).sent:
                    if r.clock_id == conclusion.pk:
                        fired.append((day, r.threshold, r.due))
            day += dt.timedelta(days=1)
        return fired

    before = run_days(DAY, first_due)
    assert before == [(first_due - dt.timedelta(days=t), t, first_due) for t in (7, 3, 1, 0)]
    with clock.frozen(at(first_due, 15)):
        services.petition_extend(petition, days=30, reason="需要多个部门会商", actor=leader, on=first_due)
    conclusion.refresh_from_db()
    new_due = conclusion.due
    assert new_due is not None and new_due > first_due
    after = run_days(first_due, new_due + dt.timedelta(days=2))
    assert after == [(new_due - dt.timedelta(days=t), t, new_due) for t in (7, 3, 1, 0)]
    assert ClockReminder.objects.filter(clock=conclusion).count() == 8
