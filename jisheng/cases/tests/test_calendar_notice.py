"""Open case clocks and the State Council notice (contract §1a, ADR 0047): a clock waiting for next year's calendar
gets its due date when the notice is entered, a changed notice moves it, and each move is recorded in the law
app's recomputation history and as an event on the case; a preview lists the case and saves nothing.

The notice is the law app's 2027 TEST SAMPLE (fictional number, the contract's example dates).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jisheng.accounts.roles import Role
from jisheng.cases import selectors, services
from jisheng.cases.types import ClockRule
from jisheng.core import clock
from jisheng.law import services as law
from jisheng.law.models import DeadlineRecomputation
from jisheng.law.notices import parse_notice, read_notice_file

SAMPLE = Path(__file__).resolve().parents[2] / "law" / "tests" / "notices" / "sample-2027.yaml"
D = dt.date


@pytest.fixture
def clocked(register_type: Any) -> str:
    return register_type(key="toy_notice", prefix="TN", clock_rules=(
        ClockRule("decision", "决定", starts_on="received", stop_on=frozenset({"action:grant"}), amount=20),)).key


@pytest.mark.django_db
def test_a_pending_clock_gets_its_date_and_a_changed_notice_moves_it(clocked: str, town_a: Any, actor_for: Any,
                                                                     make_user: Any, county: Any) -> None:
    admin = make_user(Role.CITY_ADMIN, county)
    with clock.frozen(D(2026, 12, 21)):
        case = services.case_create(case_type=clocked, area=town_a, application_date=D(2026, 12, 21),
                                    actor=actor_for("change"))
        c = case.clocks.get()
        assert (c.due, c.pending_year, selectors.clock_state(c, D(2026, 12, 21))) == (None, 2027, "pending")

        preview = law.calendar_notice_preview(read_notice_file(SAMPLE), actor=admin)
        assert [(m.label, m.old_due, m.new_due) for m in preview.moved] == [(f"{case.number} 决定", None,
                                                                             D(2027, 1, 19))]
        c.refresh_from_db()
        assert (c.due, c.pending_year) == (None, 2027)  # a preview saves nothing
        assert not case.events.filter(kind="clock_recomputed").exists()
        assert not DeadlineRecomputation.objects.exists()

        law.calendar_notice_import(read_notice_file(SAMPLE), actor=admin)
        c.refresh_from_db()
        # 22–31 Dec (8 working days), 元旦 1–3 Jan, 4–15 Jan (18), 18 and 19 Jan
        assert (c.due, c.pending_year) == (D(2027, 1, 19), None)
        row = DeadlineRecomputation.objects.get()
        assert (row.subject, row.label, row.old_due, row.new_due, row.actor) == (
            f"cases.case:{case.number}/decision", f"{case.number} 决定", None, D(2027, 1, 19), admin)
        event = case.events.get(kind="clock_recomputed")
        assert "待定" in event.summary and "2027-01-19" in event.summary

        changed = SAMPLE.read_text(encoding="utf-8").replace("last: 2027-01-03", "last: 2027-01-04")
        law.calendar_notice_import(parse_notice(changed, "notice-2027-v2.yaml"), actor=admin)
    c.refresh_from_db()
    assert c.due == D(2027, 1, 20)
    last = DeadlineRecomputation.objects.order_by("id").last()
    assert last is not None and (last.old_due, last.new_due) == (D(2027, 1, 19), D(2027, 1, 20))
    events = list(case.events.filter(kind="clock_recomputed").order_by("id"))
    assert len(events) == 2 and "2027-01-19" in events[1].summary and "2027-01-20" in events[1].summary

    with clock.frozen(D(2026, 12, 22)):  # the same notice again moves nothing and records nothing
        law.calendar_notice_import(parse_notice(changed, "notice-2027-v2.yaml"), actor=admin)
    assert DeadlineRecomputation.objects.count() == 2 and case.events.filter(kind="clock_recomputed").count() == 2


@pytest.mark.django_db
def test_a_clock_that_runs_past_the_entered_year_waits_on_the_next_one(register_type: Any, town_a: Any,
                                                                       actor_for: Any, make_user: Any,
                                                                       county: Any) -> None:
    """A clock of 300 working days from December still lacks its due date after 2027 is entered: it now says it
    waits on 2028 (it kept saying 2027, because only a moved due date was saved)."""
    key = register_type(key="toy_long", prefix="TL", clock_rules=(
        ClockRule("long", "长期限", starts_on="received", stop_on=frozenset({"action:grant"}), amount=300),)).key
    with clock.frozen(D(2026, 12, 21)):
        case = services.case_create(case_type=key, area=town_a, application_date=D(2026, 12, 21),
                                    actor=actor_for("change"))
        assert case.clocks.get().pending_year == 2027
        law.calendar_notice_import(read_notice_file(SAMPLE), actor=make_user(Role.CITY_ADMIN, county))
    c = case.clocks.get()
    assert (c.due, c.pending_year) == (None, 2028) and "2028" in c.explanation[-1]
