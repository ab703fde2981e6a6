"""A record's legal date fits the case: a publication is not dated before the decision it publishes, and no record
ends a clock before that clock started (the clock would be "met" on a day the record says nothing happened)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisheng.cases import services
from jisheng.cases.models import Case, CaseRecord
from jisheng.cases.types import ClockRule, RecordKind
from jisheng.core import clock
from jisheng.core.errors import InvalidInput

TODAY = dt.date(2013, 7, 30)
CLOCKS = (ClockRule("publication", "决定公开", starts_on="action:grant", stop_on=frozenset({"record:publication"}),
                    amount=7),
          ClockRule("unit", "承办单位答复", starts_on="action:accept", stop_on=frozenset({"record:reply"}), amount=30,
                    unit="calendar", per_instance=True))
RECORDS = (RecordKind("publication", "决定公开", capability="publish", phase="decided"),
           RecordKind("reply", "承办单位答复", phase="any"))


@pytest.fixture
def case(register_type: Any, town_a: Any, actor_for: Any) -> Case:
    key = register_type(key="toy_dates", prefix="TD", clock_rules=CLOCKS, records=RECORDS).key
    town = actor_for("change")
    with clock.frozen(TODAY):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 10), actor=town)
        services.case_transition(case, action="accept", actor=town, on=dt.date(2013, 6, 12), backdate_reason="补录")
    return case


@pytest.mark.django_db
def test_a_publication_is_not_dated_before_the_decision(case: Case, actor_for: Any) -> None:
    town, county = actor_for("change"), actor_for("decide")
    with clock.frozen(TODAY):
        services.case_transition(case, action="review", actor=town, on=dt.date(2013, 6, 13), backdate_reason="补录")
        services.case_decide(case, outcome="granted", reasons="符合", actor=county, on=dt.date(2013, 6, 21),
                             backdate_reason="补录", provision_keys=["admin-licensing-law-2003/art-38"])
        with pytest.raises(InvalidInput, match="早于 2013-06-21（决定日期）") as refused:
            services.case_add_record(case, kind="publication", text="门户网站", on=dt.date(2013, 6, 15),
                                     backdate_reason="补录", actor=county)
        assert refused.value.location == "on"
        publication = case.clocks.get(kind="publication")
        assert publication.met_on is None and not CaseRecord.objects.filter(case=case).exists()
        services.case_add_record(case, kind="publication", text="门户网站", on=dt.date(2013, 6, 24),
                                 backdate_reason="补录", actor=county)
    publication.refresh_from_db()
    assert publication.met_on == dt.date(2013, 6, 24)


@pytest.mark.django_db
def test_a_reply_does_not_end_a_units_clock_before_it_started(case: Case, actor_for: Any) -> None:
    town = actor_for("change")
    with clock.frozen(TODAY):
        services.case_start_clock(case, kind="unit", instance="城厢镇", start=dt.date(2013, 6, 20), actor=town)
        with pytest.raises(InvalidInput, match="早于 2013-06-20（期限“承办单位答复（城厢镇）”的起算日）"):
            services.case_add_record(case, kind="reply", instance="城厢镇", text="已办理", on=dt.date(2013, 6, 18),
                                     backdate_reason="补录", actor=town)
        # another unit's reply that day ends nothing of 城厢镇's and is taken
        services.case_add_record(case, kind="reply", instance="浏河镇", text="已办理", on=dt.date(2013, 6, 18),
                                 backdate_reason="补录", actor=town)
        assert case.clocks.get(instance="城厢镇").met_on is None
        services.case_add_record(case, kind="reply", instance="城厢镇", text="已办理", on=dt.date(2013, 7, 1),
                                 backdate_reason="补录", actor=town)
    assert case.clocks.get(instance="城厢镇").met_on == dt.date(2013, 7, 1)
