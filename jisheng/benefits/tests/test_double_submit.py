"""Benefits forms sent twice (a double click, two tabs): the second changes nothing and says so (issue 11)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisheng.benefits import services
from jisheng.benefits.models import EnrolmentChange, Posting
from jisheng.core.errors import Conflict

from .factories import approved_enrolment

M = dt.date


def test_the_same_change_recorded_twice_is_recorded_once(village_a: Any) -> None:
    enrolment = approved_enrolment(village_a)
    services.enrolment_change(enrolment, kind="death", event_date=M(2026, 4, 20), actor=None)
    with pytest.raises(Conflict, match="已登记"):
        services.enrolment_change(enrolment, kind="death", event_date=M(2026, 4, 20), actor=None)
    details = {"bank_name": "工商银行", "bank_account": "6222000011112222"}
    other = approved_enrolment(village_a, name="李四")
    services.enrolment_change(other, kind="bank_account", event_date=M(2026, 11, 20), actor=None, details=details)
    with pytest.raises(Conflict):
        services.enrolment_change(other, kind="bank_account", event_date=M(2026, 11, 20), actor=None,
                                  details=details)
    assert EnrolmentChange.objects.count() == 2


def test_a_posting_opened_twice_for_the_same_people_is_opened_once(village_a: Any, county: Any,
                                                                   make_user: Any) -> None:
    from jisheng.benefits.enums import EnrolmentStatus

    officer = make_user("city_admin", county)
    enrolment = approved_enrolment(village_a, status=EnrolmentStatus.VILLAGE_REVIEW, start_month=None)
    services.posting_open(programme="special-assistance", level="village", area=village_a,
                          enrolments=[enrolment], start_date=M(2026, 11, 2), actor=officer)
    with pytest.raises(Conflict, match="公示"):
        services.posting_open(programme="special-assistance", level="village", area=village_a,
                              enrolments=[enrolment], start_date=M(2026, 11, 2), actor=officer)
    assert Posting.objects.count() == 1
