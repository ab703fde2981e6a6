"""A suspension lies inside its clock's span: not before the clock started, not after today, and not after the
due date — a period that has run out cannot have time taken out of it (the "suspension" would change nothing and
the history would say the clock was suspended)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisheng.cases import services
from jisheng.cases.models import ClockSuspension
from jisheng.cases.types import ClockRule
from jisheng.core import clock
from jisheng.core.errors import InvalidInput


@pytest.mark.django_db
def test_a_suspension_starting_after_the_due_date_is_refused(register_type: Any, town_a: Any,
                                                              actor_for: Any) -> None:
    key = register_type(key="toy_span", prefix="TS", clock_rules=(
        ClockRule("decision", "决定", starts_on="received", stop_on=frozenset({"action:grant"}), amount=20),)).key
    town = actor_for("change")
    with clock.frozen(dt.date(2013, 8, 30)):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 10), actor=town)
        due = case.clocks.get().due
        assert due == dt.date(2013, 7, 10)
        with pytest.raises(InvalidInput, match="晚于期限届满日 2013-07-10") as refused:
            services.case_suspend_clock(case, kind="decision", start=dt.date(2013, 7, 20), end=dt.date(2013, 8, 21),
                                        reason="鉴定", actor=town)
        assert refused.value.location == "start"
        assert not ClockSuspension.objects.exists()
        # on the due date itself the period still runs: that day and the rest of the suspension are taken out
        services.case_suspend_clock(case, kind="decision", start=due, end=dt.date(2013, 7, 12), reason="鉴定",
                                    actor=town)
    assert case.clocks.get().due == dt.date(2013, 7, 15)
