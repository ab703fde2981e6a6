"""Test helpers for benefits: approved enrolments without walking the review (for roll tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jisheng.benefits.enums import EnrolmentStatus
from jisheng.benefits.models import Enrolment
from jisheng.benefits.services import town_of
from jisheng.core.models import Area
from jisheng.registry.tests.factories import make_person


def approved_enrolment(area: Area, *, programme: str = "special-assistance", category: str = "deceased",
                       start_month: dt.date | None = dt.date(2026, 1, 1), hukou: str = "urban",
                       granted_amount: Decimal | None = None, name: str = "王小明",
                       birth_date: dt.date = dt.date(1960, 3, 1), **fields: Any) -> Enrolment:
    """An enrolment approved from ``start_month`` for a new person living in ``area``."""
    fields.setdefault("approved_on", start_month)
    fields.setdefault("status", EnrolmentStatus.APPROVED)
    person = make_person(area, name=name, sex="F", birth_date=birth_date, hukou_type=hukou,
                         bank_name="太仓农商行", bank_account=f"62{Enrolment.objects.count() + 1:014d}")
    return Enrolment.objects.create(
        programme=programme, category=category, person=person, area=area, town=town_of(area), hukou_type=hukou,
        application_date=start_month or dt.date(2026, 1, 1), start_month=start_month,
        account_name=person.name, bank_name=person.bank_name, bank_account=person.bank_account,
        granted_amount=granted_amount, **fields,
    )
