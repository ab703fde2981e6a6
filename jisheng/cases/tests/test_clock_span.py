"""Suspensions and extensions lie inside their clock's span: not before the clock started, not after today, and
not after the due date — a period that has run out cannot have time taken out of it (the "suspension" would change
nothing and the history would say the clock was suspended), nor be extended (an overdue clock would run again)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisheng.accounts.roles import Role
from jisheng.cases import services
from jisheng.cases.models import ClockSuspension
from jisheng.cases.types import ClockRule
from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from tests.conftest import login


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


@pytest.mark.django_db
def test_an_extension_is_approved_within_the_period_on_its_own_date(register_type: Any, town_a: Any,
                                                                     actor_for: Any) -> None:
    """An extension is approved before the period runs out (行政许可法 Art. 42): one approved after the due date
    would turn an overdue clock into a running one. A historical extension is entered on its own date."""
    key = register_type(key="toy_extend", prefix="TX", clock_rules=(
        ClockRule("decision", "决定", starts_on="received", stop_on=frozenset({"action:grant"}), amount=20,
                  extension_parameter="licensing.decision_extension"),)).key
    leader = actor_for("approve_extension")
    with clock.frozen(dt.date(2013, 7, 15)):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 10),
                                    actor=actor_for("change"))
        assert case.clocks.get().due == dt.date(2013, 7, 10)
        with pytest.raises(InvalidInput, match="2013-07-10 届满") as refused:
            services.case_extend_clock(case, kind="decision", days=10, reason="负责人批准", actor=leader)
        assert refused.value.location == "on"
        with pytest.raises(InvalidInput, match="补录理由"):
            services.case_extend_clock(case, kind="decision", days=10, reason="负责人批准", actor=leader,
                                       on=dt.date(2013, 7, 8))
        extended = services.case_extend_clock(case, kind="decision", days=10, reason="负责人批准", actor=leader,
                                              on=dt.date(2013, 7, 8), backdate_reason="补录纸质审批单")
    assert extended.extensions.get().on == dt.date(2013, 7, 8)
    assert extended.due == dt.date(2013, 7, 24)


@pytest.mark.django_db
def test_the_extension_form_takes_the_approval_date(register_type: Any, town_a: Any, county: Any, actor_for: Any,
                                                    make_user: Any, client: Any) -> None:
    key = register_type(key="toy_extend_page", prefix="TY", clock_rules=(
        ClockRule("decision", "决定", starts_on="received", stop_on=frozenset({"action:grant"}), amount=20,
                  extension_parameter="licensing.decision_extension"),)).key
    with clock.frozen(dt.date(2013, 7, 15)):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 10),
                                    actor=actor_for("change"))
        login(client, make_user(Role.LEADER, county))
        page = client.get(f"/cases/{case.number}/").content.decode()
        assert 'name="backdate_reason"' in page.split('value="extend"')[1].split("</form>")[0]
        refused = client.post(f"/cases/{case.number}/clock/", {"kind": "decision", "op": "extend", "days": "10",
                                                                "reason": "负责人批准"}, follow=True)
        assert "已于 2013-07-10 届满，延长须在届满前批准" in refused.content.decode()
        client.post(f"/cases/{case.number}/clock/", {"kind": "decision", "op": "extend", "days": "10",
                                                     "reason": "负责人批准", "day": "2013-07-08",
                                                     "backdate_reason": "补录纸质审批单"})
    assert case.clocks.get().extensions.get().on == dt.date(2013, 7, 8)
