"""Case engine details: append-only history, clocks (suspension, one extension), numbering, publication."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisheng.cases import selectors, services, types
from jisheng.cases.models import CaseEvent, CaseStep
from jisheng.cases.types import CaseType, ClockRule
from jisheng.cases.workflows import LICENSING
from jisheng.core import clock
from jisheng.core.errors import AppendOnlyViolation, InvalidInput, NotPermitted, TransitionNotAllowed


@pytest.fixture
def clocked() -> Any:
    types.register(CaseType(key="test_clocked", label="测试", workflow=LICENSING, number_prefix="TC", clock_rules=(
        ClockRule("decision", "决定", start_on="create", stop_on=frozenset({"grant"}), amount=20),)))
    yield "test_clocked"
    types._types.pop("test_clocked", None)


@pytest.mark.django_db
def test_history_is_append_only(clocked: str, town_a: Any, actor_for: Any) -> None:
    case = services.case_create(case_type=clocked, area=town_a, application_date=dt.date(2013, 6, 3),
                                actor=actor_for("cases.change"))
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
    officer = actor_for("cases.change")
    numbers = [services.case_create(case_type=clocked, area=town_a, application_date=d, actor=officer).number
               for d in (dt.date(2013, 1, 2), dt.date(2013, 12, 30), dt.date(2014, 1, 2))]
    assert numbers == ["TC2013-00001", "TC2013-00002", "TC2014-00001"]


@pytest.mark.django_db
def test_suspension_and_one_lawful_extension(clocked: str, town_a: Any, actor_for: Any, make_user: Any,
                                            county: Any) -> None:
    from jisheng.accounts.roles import Role

    officer = actor_for("cases.change")
    with clock.frozen(dt.date(2013, 9, 2)):
        case = services.case_create(case_type=clocked, area=town_a, application_date=dt.date(2013, 9, 2),
                                    actor=officer)
    c = case.clocks.get()
    # 20 working days from Mon 2 Sep 2013 across 中秋节 (19–21 Sep, make-up Sun 22 Sep) → 30 Sep
    assert c.due == dt.date(2013, 9, 30)
    with clock.frozen(dt.date(2013, 9, 10)):
        services.case_suspend_clock(case, kind="decision", start=dt.date(2013, 9, 10), end=dt.date(2013, 9, 12),
                                    reason="专家评审", actor=officer)
    c.refresh_from_db()
    # three working days not counted; the period now crosses 国庆节 (1–7 Oct): 30 Sep → 10 Oct
    assert c.due == dt.date(2013, 10, 10)
    with pytest.raises(NotPermitted):
        services.case_extend_clock(case, kind="decision", days=10, reason="情况复杂", actor=officer)
    leader = make_user(Role.LEADER, county)
    services.case_extend_clock(case, kind="decision", days=10, reason="情况复杂，经负责人批准", actor=leader)
    c.refresh_from_db()
    assert (c.extension, c.due) == (10, dt.date(2013, 10, 23))  # Sat 12 Oct was a make-up working day
    assert any("延长10个工作日（只延长一次）" in line for line in c.explanation)
    with pytest.raises(TransitionNotAllowed, match="已延长过一次"):
        services.case_extend_clock(case, kind="decision", days=5, reason="再延", actor=leader)
    with pytest.raises(InvalidInput):
        services.case_suspend_clock(case, kind="nope", start=dt.date(2013, 9, 10), reason="x", actor=officer)


@pytest.mark.django_db
def test_an_open_suspension_counts_until_resumed(clocked: str, town_a: Any, actor_for: Any) -> None:
    officer = actor_for("cases.change")
    with clock.frozen(dt.date(2013, 9, 2)):
        case = services.case_create(case_type=clocked, area=town_a, application_date=dt.date(2013, 9, 2),
                                    actor=officer)
        services.case_suspend_clock(case, kind="decision", start=dt.date(2013, 9, 3), reason="鉴定", actor=officer)
    with pytest.raises(InvalidInput, match="已在中止中"):
        services.case_suspend_clock(case, kind="decision", start=dt.date(2013, 9, 4), reason="再次", actor=officer)
    with clock.frozen(dt.date(2013, 9, 6)):
        c = services.case_resume_clock(case, kind="decision", end=dt.date(2013, 9, 5), actor=officer)
    assert [(s.start, s.end) for s in c.suspensions.all()] == [(dt.date(2013, 9, 3), dt.date(2013, 9, 5))]
    assert c.due == dt.date(2013, 10, 10)  # 30 Sep + 3 working days after 1–7 Oct: 8, 9, 10 Oct


@pytest.mark.django_db
def test_the_publication_queue_lists_granted_decisions_until_published(
        test_types: dict[str, str], town_a: Any, actor_for: Any) -> None:
    types.register(CaseType(key="test_pub", label="测试", workflow=LICENSING, number_prefix="TP", clock_rules=(
        ClockRule("publication", "公开", start_on="grant", stop_on=frozenset(), amount=7),)))
    try:
        town, county = actor_for("cases.change"), actor_for("cases.decide")
        case = services.case_create(case_type="test_pub", area=town_a, application_date=dt.date(2013, 6, 3),
                                    actor=town)
        services.case_transition(case, action="accept", actor=town)
        services.case_transition(case, action="give_town_opinion", actor=town)
        with clock.frozen(dt.date(2013, 6, 20)):
            services.case_decide(case, outcome="granted", reasons="符合", provision_keys=["k"], actor=county)
        queue = selectors.publication_queue(case.__class__.objects.all())
        assert [(q.case.number, q.due) for q in queue] == [(case.number, dt.date(2013, 7, 1))]
        with clock.frozen(dt.date(2013, 6, 25)):
            services.case_mark_published(case, actor=county, where="门户网站")
        assert selectors.publication_queue(case.__class__.objects.all()) == []
        with pytest.raises(TransitionNotAllowed):
            services.case_mark_published(case, actor=county)
    finally:
        types._types.pop("test_pub", None)
