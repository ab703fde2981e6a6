"""Case-file review scores a birth-approval file from its record; towns are ranked."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from jisheng.accounts.roles import Role
from jisheng.cases import services as cases
from jisheng.cases.access import cases_for_user
from jisheng.cases.review import score_case, town_ranking
from jisheng.core import clock
from jisheng.licensing import services

from .helpers import make_couple

PDF = b"%PDF-1.4\n% scan\n"


def _file(area: Any, town: Any, county: Any, make_user: Any, *, opinion_day: dt.date, name: str) -> Any:
    wife, husband, _ = make_couple(area, wife_name=f"{name}红", husband_name=f"{name}军")
    officer = make_user(Role.TOWN_OFFICER, town)
    with clock.frozen(dt.date(2013, 6, 3)):
        case = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2013, 6, 3),
                                                facts={"wife": {"is_only_child": True},
                                                       "husband": {"is_only_child": True}}, actor=officer)
        for m in case.materials.all():
            cases.case_attach_document(case, kind=m.key, name="m.pdf", stream=io.BytesIO(PDF), size=len(PDF),
                                       actor=officer)
        cases.case_transition(case, action="accept", actor=officer)
    with clock.frozen(opinion_day):
        cases.case_transition(case, action="give_town_opinion", actor=officer, opinion="符合")
        cases.case_decide(case, outcome="granted", reasons="双独一孩", provision_keys=["js-pfp-reg-2002/art-22/item-6"],
                          actor=make_user(Role.CITY_ADMIN, county))
    return case


@pytest.mark.django_db
def test_a_late_town_opinion_is_deducted_with_its_evidence(village_a: Any, village_b: Any, town_a: Any,
                                                           town_b: Any, county: Any, make_user: Any,
                                                           staff_client: Any) -> None:
    on_time = _file(village_a, town_a, county, make_user, opinion_day=dt.date(2013, 6, 13), name="甲")
    late = _file(village_b, town_b, county, make_user, opinion_day=dt.date(2013, 6, 14), name="乙")
    with clock.frozen(dt.date(2013, 6, 20)):
        good = score_case(on_time)
        bad = score_case(late)
    assert (good.score, good.vetoed) == (100, False)  # publication still running within its limit: not judged yet
    c2 = next(line for line in bad.lines if line["id"] == "C2")
    assert c2["deduction"] == 15
    assert c2["evidence"] == "镇（街道）审核意见：届满日 2013-06-13，完成于 2013-06-14（超期）"
    assert bad.score == good.score - 15
    legal = make_user(Role.LEGAL_REVIEWER, county)
    with clock.frozen(dt.date(2013, 6, 20)):
        ranking = town_ranking(cases_for_user(legal))
    assert [(r["town"].name, r["average"]) for r in ranking] == [("城厢镇", 100.0), ("沙溪镇", 85.0)]
    page = staff_client(Role.LEGAL_REVIEWER, county).get(f"/cases/{late.number}/review/")
    assert page.status_code == 200 and "完成于 2013-06-14（超期）" in page.content.decode()
    # years later the decision was still not published: the publication limit counts against the file
    with clock.frozen(dt.date(2013, 7, 20)):
        c7 = next(line for line in score_case(on_time).lines if line["id"] == "C7")
    assert c7["deduction"] == 10 and "仍未完成（超期）" in c7["evidence"]


@pytest.mark.django_db
def test_a_special_file_without_legal_review_is_vetoed(village_a: Any, town_a: Any, county: Any,
                                                       make_user: Any) -> None:
    from jisheng.cases.models import Case

    case = _file(village_a, town_a, county, make_user, opinion_day=dt.date(2013, 6, 10), name="丙")
    Case.objects.filter(pk=case.pk).update(is_special=True)  # as if marked after the fact: the review must catch it
    case.refresh_from_db()
    result = score_case(case)
    assert result.vetoed and result.score == 0 and result.grade == "不合格"
    vetoes = {line["id"]: line for line in result.lines if line["category"] == "否决项"}
    assert vetoes["V3"]["passed"] is False and vetoes["V4"]["evidence"] == "决定前无法制审核"
