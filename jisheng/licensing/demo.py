"""Demo birth-approval files (2013) at every stage, so the case pages have something real to show.

Files that reached a decision are finished the way the law finishes them: a grant is published, and both grants
and refusals are closed (结案归档), so historical files never show as deadlines at risk; the files left at an
earlier stage show each page of the procedure (their clocks are honestly overdue).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Count, Q

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.cases import services as cases
from jisheng.cases.models import Case
from jisheng.core import clock
from jisheng.core.models import AreaLevel
from jisheng.registry.models import Marriage

from . import services

PDF = b"%PDF-1.4\n% demo scan\n"
#: (final stage, special?) for each demo couple, in order.
PLAN = [("received", False), ("supplement_requested", False), ("accepted", False), ("town_reviewed", False),
        ("granted", False), ("refused", False), ("town_reviewed", True), ("published", False)]


#: The refused demo couple's answers: neither spouse meets any Art. 22 / 23 item, so the rules on the case
#: page agree with the refusal (a couple with one only child and a rural wife would meet Art. 23 item 1; an urban
#: hukou never converted from rural keeps Art. 23 out of reach).
_NONE_SPOUSE = {"is_only_child": False, "parent_was_only_child": False, "martyr_only_child": False,
                "duty_disability_grade": None, "underground_years": 0, "underground_now": False, "brothers": 1,
                "sisters": 1, "brothers_able_to_have_children": 1, "previous_marriage": None,
                "sea_fishing_years": 0, "sea_fishing_now": False, "limb_disability_grade": None,
                "hukou_converted_on": None}
REFUSED_FACTS: dict[str, Any] = {
    "wife": _NONE_SPOUSE, "husband": _NONE_SPOUSE, "wife_pregnant": False,
    "marriage": {"husband_married_into_wife_family": False, "supports_wife_parents": False},
    "residence": {"coastal_reclamation_area": False, "land_mu_per_person": None},
}


def _wd(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (demo steps happen on working days)."""
    from jisheng.law.calendar import add_working_days

    return add_working_days(day, n)


def _couples(limit: int) -> list[Marriage]:
    return list(Marriage.objects.filter(
        is_demo=True, end_date__isnull=True, start_date__lt=dt.date(2011, 1, 1),
        wife__birth_date__range=(dt.date(1975, 1, 1), dt.date(1988, 12, 31)),
        wife__hukou_area__level=AreaLevel.VILLAGE, wife__status="alive", husband__status="alive",
    ).annotate(n=Count("wife__child_links", filter=Q(wife__child_links__child__birth_date__lt=dt.date(2013, 1, 1))))
        .filter(n=1).select_related("wife", "husband", "wife__hukou_area__parent").order_by("id")[:limit])


def _upload_all(case: Case, actor: Any) -> None:
    for m in case.materials.filter(provided=False):
        cases.case_attach_document(case, kind=m.key, name="scan.pdf", stream=io.BytesIO(PDF), size=len(PDF),
                                   actor=actor)


def create_demo_cases() -> int:
    """Create the demo files once (idempotent); return how many exist."""
    if Case.objects.filter(is_demo=True, case_type="birth_approval").exists():
        return Case.objects.filter(is_demo=True, case_type="birth_approval").count()
    admin = User.objects.filter(role=Role.CITY_ADMIN).order_by("id").first()
    legal = User.objects.filter(role=Role.LEGAL_REVIEWER).order_by("id").first()
    made = 0
    for i, (marriage, (stage, special)) in enumerate(zip(_couples(len(PLAN)), PLAN, strict=False)):
        town = marriage.wife.hukou_area.parent  # type: ignore[union-attr]
        officer = User.objects.filter(role=Role.TOWN_OFFICER, area=town).order_by("id").first()
        if officer is None or admin is None or legal is None:
            continue
        day = dt.date(2013, 3, 4) + dt.timedelta(days=7 * i)
        facts: dict[str, Any] = {"wife": {"is_only_child": True}, "husband": {"is_only_child": True}}
        if stage == "refused":  # the registry's children plus the answer "no appraisal" to the last question
            known = services.birth_approval_facts_from_registry(marriage.wife, marriage.husband, as_of=day)
            facts = {**REFUSED_FACTS, "children": [{**c, "disability_appraisal": None} for c in known["children"]]}
        with clock.frozen(day):
            case = services.birth_approval_register(
                wife=marriage.wife, husband=marriage.husband, application_date=day, facts=facts, actor=officer,
                is_special=special, special_reason="户籍迁移情况复杂，需集体讨论" if special else "", is_demo=True)
        made += 1
        if stage == "received":
            continue
        if stage == "supplement_requested":
            first = case.materials.order_by("id").first()
            with clock.frozen(_wd(day, 1)):
                if first is not None:
                    cases.case_attach_document(case, kind=first.key, name="form.pdf", stream=io.BytesIO(PDF),
                                               size=len(PDF), actor=officer)
                cases.case_transition(case, action="request_supplement", actor=officer)
            continue
        with clock.frozen(_wd(day, 2)):
            _upload_all(case, officer)
            cases.case_transition(case, action="accept", actor=officer)
        if stage == "accepted":
            continue
        with clock.frozen(_wd(day, 6)):
            cases.case_transition(case, action="give_town_opinion", actor=officer,
                                  opinion="经审核，情况属实" if stage != "refused" else "男方非独生子女，不符合条件")
        if stage == "town_reviewed":
            continue
        with clock.frozen(_wd(day, 14)):
            if stage == "refused":
                cases.case_decide(case, outcome="refused", reasons="夫妻双方均非独生子女，不符合第二十二条、第二十三条"
                                  "规定的情形", provision_keys=["js-pfp-reg-2002/art-22", "js-pfp-reg-2002/art-23"],
                                  actor=admin)
            else:
                cases.case_decide(case, outcome="granted", reasons="双方均为独生子女，现有一个子女",
                                  provision_keys=["js-pfp-reg-2002/art-22/item-6"], actor=admin)
        if stage in ("granted", "published"):
            with clock.frozen(_wd(day, 18)):
                cases.case_add_record(case, kind="publication", text="市人口计生委门户网站“行政许可公示”栏目",
                                      actor=admin)
        if stage in ("granted", "refused"):
            with clock.frozen(_wd(day, 20)):
                cases.case_transition(case, action="close", actor=admin, opinion="案卷整理完毕，归档")
    return made


def demo_step(*, seed: int, options: dict[str, Any], stdout: Any = None) -> str:
    """``jisheng demo`` step: birth-approval files of 2013 at every stage."""
    return f"{create_demo_cases()} birth-approval files"
