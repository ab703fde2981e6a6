"""``jisheng demo`` step: demo enrolments at every stage and three months of closed rolls (idempotent)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.conf import settings

from jisheng.core import clock
from jisheng.core.models import Area

from . import rules, services
from .enums import EnrolmentStatus
from .models import Enrolment


def demo_step(*, seed: int, options: dict[str, Any], stdout: Any = None) -> str:
    """Enrol ~1 % of the demo women aged 49+ in special assistance and rural women 60+ in rural reward, put a
    few applications at each review stage, and generate and approve the rolls of the last three months."""
    from jisheng.accounts.models import User
    from jisheng.registry.models import Person

    if Enrolment.objects.filter(is_demo=True).exists():
        return "demo enrolments already present; kept"
    county = Area.objects.get(code=settings.JISHENG["DEMO_COUNTY_CODE"])
    rng = random.Random(seed)
    today = clock.today()
    this_month = rules.month_start(today)
    first = (this_month - dt.timedelta(days=80)).replace(day=1)
    women = list(Person.objects.filter(is_demo=True, sex="F", status="alive",
                                       birth_date__lte=today.replace(year=today.year - 49))
                 .select_related("residence_area").order_by("id")[:20_000])
    picked = rng.sample(women, k=min(len(women), max(12, len(women) // 100)))
    made = 0
    for i, person in enumerate(picked):
        if i % 5 == 4 and person.hukou_type == "rural" and person.age_on(today) >= 60:
            programme, category = "rural-reward", ""
        else:
            programme, category = "special-assistance", ("deceased", "disabled")[i % 2]
        stage = i % 10
        reviews = (EnrolmentStatus.VILLAGE_REVIEW, EnrolmentStatus.TOWN_REVIEW, EnrolmentStatus.COUNTY_REVIEW)
        status = EnrolmentStatus.APPROVED if stage < 7 else reviews[stage - 7]
        start = first if stage < 5 else this_month
        Enrolment.objects.create(
            programme=programme, category=category, person=person, area=person.residence_area,
            town=services.town_of(person.residence_area), hukou_type=person.hukou_type, status=status,
            application_date=start - dt.timedelta(days=40), start_month=start if status == "approved" else None,
            approved_on=start if status == "approved" else None,
            determination={"eligible": True, "provisions": ["special-assistance-pilot-2007/art-2"], "unmet": [],
                           "missing": [], "category": category, "as_of": str(start), "rule_version": "demo"},
            account_name=person.name, bank_name=person.bank_name or "太仓农商行",
            bank_account=person.bank_account or f"6228{person.pk:015d}", is_demo=True,
            verification_due=dt.date(today.year + 1, 3, 31) if status == "approved" else None,
        )
        made += 1
    maker = User.objects.filter(username="finance1").first()
    checker = User.objects.filter(username="finance2").first()
    rolls = 0
    month = first
    while month < this_month:
        roll = services.roll_open(programme="special-assistance", month=month, area=county, actor=maker)
        services.roll_generate(roll, actor=maker)
        if checker is not None:
            services.roll_approve(roll, actor=checker)
        rolls += 1
        month = rules.next_month(month)
    roll = services.roll_open(programme="special-assistance", month=this_month, area=county, actor=maker)
    services.roll_generate(roll, actor=maker)
    services.grant_budget_set(programme="hardship-aid", year=today.year, area=county, amount=Decimal("200000"),
                              actor=None)
    return f"{made} demo enrolments, {rolls + 1} rolls"
