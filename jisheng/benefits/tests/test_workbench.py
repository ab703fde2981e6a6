"""The benefits part of the workbench: each list shows its first rows and counts every one inside the account's
scope, in a fixed number of queries (a list shorter than shown is counted from its own rows; the counts it cannot
answer share one query with the count of beneficiaries)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from jisheng.accounts.roles import Role
from jisheng.benefits.enums import RollStatus
from jisheng.benefits.models import PaymentRoll, RegistryNotice, Verification
from jisheng.benefits.selectors import WORKBENCH_SHOWN, workbench_items
from jisheng.benefits.tests.factories import approved_enrolment
from jisheng.core import clock
from jisheng.core.models import Area


def _due(enrolment: Any, n: int) -> None:
    """``n`` open verifications of ``enrolment`` due within the workbench's 30 days (one per year)."""
    for year in range(n):
        Verification.objects.create(enrolment=enrolment, year=2000 + year,
                                    due_date=clock.today() + dt.timedelta(days=year % 30 - 2))


def _notices(enrolment: Any, n: int) -> None:
    for i in range(n):
        RegistryNotice.objects.create(enrolment=enrolment, kind="death", event_date=clock.today(),
                                      action="ended" if i % 2 else "flagged", message="核对")


def _counted(user: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as ctx:
        items = workbench_items(user)
    return items, len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 3, WORKBENCH_SHOWN + 2], ids=["none", "fewer-than-shown", "more-than-shown"])
def test_a_town_officer_sees_the_first_rows_and_every_count_of_the_town_in_three_queries(
        extra: int, village_a: Area, town_a: Area, town_b: Area, make_user: Any) -> None:
    mine = approved_enrolment(village_a, name="王甲")
    theirs = approved_enrolment(town_b, name="李乙")
    _due(mine, extra)
    _notices(mine, extra)
    _due(theirs, 4)  # outside the town: neither listed nor counted
    _notices(theirs, 4)
    items, queries = _counted(make_user(Role.TOWN_OFFICER, town_a))
    assert items.counts == {_("人口事件待核对"): extra, _("临近年审"): extra, _("享受对象"): 1}
    assert list(items.counts) == [_("人口事件待核对"), _("临近年审"), _("享受对象")]  # the cards' order
    shown = min(extra, WORKBENCH_SHOWN)
    assert len(items.todos) == shown and len(items.deadlines_at_risk) == shown
    assert all(f"/enrolments/{mine.pk}/" in t.url for t in [*items.todos, *items.deadlines_at_risk])
    # the two lists, then every count they could not answer with the beneficiaries' in one query
    assert queries == 3


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [2, WORKBENCH_SHOWN + 1], ids=["fewer-than-shown", "more-than-shown"])
def test_a_finance_officer_sees_every_roll_awaiting_approval_counted_in_three_queries(
        extra: int, village_a: Area, county: Area, make_user: Any) -> None:
    maker = make_user(Role.FINANCE_OFFICER, county)
    approved_enrolment(village_a)
    for n in range(extra):
        PaymentRoll.objects.create(programme="special-assistance", month=dt.date(2020 + n // 12, n % 12 + 1, 1),
                                   area=county, status=RollStatus.GENERATED, prepared_by=maker)
    items, queries = _counted(make_user(Role.FINANCE_OFFICER, county))
    assert items.counts == {_("待审核花名册"): extra, _("享受对象"): 1}
    assert len(items.todos) == min(extra, WORKBENCH_SHOWN)
    assert queries == 3  # the rolls, the retry requests, the counts
    mine, queries = _counted(maker)  # the maker does not approve their own rolls
    assert mine.counts[_("待审核花名册")] == 0 and not mine.todos and queries == 3
