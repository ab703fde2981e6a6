"""The other procedures: appraisal suspends the birth-approval clock; certificates; reward hand-off."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from jisheng.accounts.roles import Role
from jisheng.cases import services as cases
from jisheng.cases.workflows import TransitionNotAllowed
from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from jisheng.licensing import procedures, services
from jisheng.registry import services as registry
from jisheng.registry.tests.factories import make_person

from .helpers import make_couple
from .test_birth_approval_case import pdf_text

PDF = b"%PDF-1.4\n% scan\n"


def _all_materials(case: Any, actor: Any) -> None:
    for m in case.materials.filter(provided=False):
        cases.case_attach_document(case, kind=m.key, name="m.pdf", stream=io.BytesIO(PDF), size=len(PDF), actor=actor)


@pytest.mark.django_db
def test_the_appraisal_suspends_the_birth_approval_clock_and_feeds_its_facts(
        village_a: Any, town_a: Any, county: Any, make_user: Any) -> None:
    wife, husband, child = make_couple(village_a)
    officer = make_user(Role.TOWN_OFFICER, town_a)
    decider = make_user(Role.CITY_ADMIN, county)
    with clock.frozen(dt.date(2013, 6, 3)):
        ba = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2013, 6, 3),
                                              actor=officer)
        _all_materials(ba, officer)
        cases.case_transition(ba, action="accept", actor=officer)
    assert ba.clocks.get(kind="town_opinion").due == dt.date(2013, 6, 13)
    with clock.frozen(dt.date(2013, 6, 4)):
        appraisal = procedures.appraisal_register(wife=wife, husband=husband, child=child, birth_approval=ba,
                                                  application_date=dt.date(2013, 6, 4), actor=officer)
    suspended = ba.clocks.get(kind="town_opinion")
    assert suspended.suspensions.get().end is None
    with clock.frozen(dt.date(2013, 6, 10)):
        cases.case_transition(appraisal, action="county_review", actor=decider)
        procedures.appraisal_schedule(appraisal, session_date=dt.date(2013, 9, 10), actor=decider)
    with clock.frozen(dt.date(2013, 9, 10)):
        procedures.appraisal_record_conclusion(appraisal, conclusion="non_hereditary_not_normal_labour",
                                               actor=decider)
    objection = appraisal.clocks.get(kind="objection")
    assert (objection.unit, objection.amount, objection.due) == ("months", 1, dt.date(2013, 10, 10))
    with clock.frozen(dt.date(2013, 10, 11)):
        cases.case_transition(appraisal, action="accept_conclusion", actor=decider)
    resumed = ba.clocks.get(kind="town_opinion")
    span = resumed.suspensions.get()
    assert (span.start, span.end) == (dt.date(2013, 6, 4), dt.date(2013, 10, 10))
    # 7 working days from 3 June; 4 June – 10 October not counted: 11 Oct, Sat 12 Oct (make-up day), 14–18 Oct
    assert resumed.due == dt.date(2013, 10, 18)
    assert any("中止期间 2013-06-04 至 2013-10-10" in line for line in resumed.explanation)
    ba.refresh_from_db()
    assert ba.facts["children"][0]["disability_appraisal"] == "non_hereditary_not_normal_labour"
    from jisheng.licensing.casetypes import birth_approval_basis

    assert birth_approval_basis(ba) == ["js-pfp-reg-2002/art-22/item-1"]


@pytest.mark.django_db
def test_an_objection_goes_to_the_final_provincial_re_appraisal(village_a: Any, town_a: Any, county: Any,
                                                                make_user: Any) -> None:
    wife, husband, child = make_couple(village_a)
    decider = make_user(Role.CITY_ADMIN, county)
    case = procedures.appraisal_register(wife=wife, husband=husband, child=child, actor=decider,
                                         application_date=dt.date(2013, 6, 4))
    with clock.frozen(dt.date(2013, 9, 10)):  # the objection window (one month) starts on the conclusion's day
        cases.case_transition(case, action="county_review", actor=decider)
        procedures.appraisal_schedule(case, session_date=dt.date(2013, 9, 10), actor=decider)
        procedures.appraisal_record_conclusion(case, conclusion="not_disabled", actor=decider)
    with clock.frozen(dt.date(2013, 9, 20)):
        cases.case_transition(case, action="object", actor=make_user(Role.TOWN_OFFICER, town_a))
        procedures.appraisal_record_conclusion(case, conclusion="severe_hereditary", actor=decider, final=True)
    case.refresh_from_db()
    assert case.status == "final" and case.facts["conclusion"] == "severe_hereditary"
    with pytest.raises(TransitionNotAllowed):
        cases.case_transition(case, action="object", actor=decider)


@pytest.mark.django_db
def test_the_floating_certificate_is_issued_free_by_the_hukou_town_with_its_contents(
        village_a: Any, town_a: Any, make_user: Any) -> None:
    wife, _husband, _child = make_couple(village_a)
    officer = make_user(Role.TOWN_OFFICER, town_a)
    with clock.frozen(dt.date(2013, 6, 3)):
        case = procedures.certificate_register(case_type="floating_certificate", applicant=wife,
                                               application_date=dt.date(2013, 6, 3), actor=officer,
                                               facts={"contraception": "已落实长效避孕措施"})
        assert case.area == town_a
        _all_materials(case, officer)
        cases.case_transition(case, action="issue", actor=officer)
    text = pdf_text(case.documents.get(kind="floating_certificate")).replace(" ", "")
    for expected in ("流动人口婚育证明", "王小红", "27周岁", wife.id_number, "已婚（2010-05-01登记）", "李建国",
                     "现有子女1个", "已落实长效避孕措施", "免费出具"):
        assert expected in text, expected


@pytest.mark.django_db
def test_the_only_child_certificate_is_cancelled_when_another_child_is_born(
        village_a: Any, town_a: Any, make_user: Any) -> None:
    wife, husband, _child = make_couple(village_a)
    officer = make_user(Role.TOWN_OFFICER, town_a)
    case = procedures.certificate_register(case_type="only_child_certificate", applicant=wife, spouse=husband,
                                           application_date=dt.date(2012, 3, 1), actor=officer)
    _all_materials(case, officer)
    cases.case_transition(case, action="issue", actor=officer)
    assert procedures.only_child_certificates_to_cancel(dt.date(2014, 1, 1)) == []
    with pytest.raises(InvalidInput):
        procedures.only_child_certificate_cancel_on_birth(case, actor=officer, on=dt.date(2014, 1, 1))
    second = make_person(village_a, name="李小二", sex="M", birth_date=dt.date(2014, 5, 1), with_id=False)
    for parent in (wife, husband):
        registry.parent_child_link(parent=parent, child=second, actor=None)
    assert procedures.only_child_certificates_to_cancel(dt.date(2014, 5, 2)) == [case]
    procedures.only_child_certificate_cancel_on_birth(case, actor=officer, on=dt.date(2014, 5, 2))
    case.refresh_from_db()
    assert case.status == "cancelled"


@pytest.mark.django_db
def test_a_reward_application_is_handed_to_benefits(village_a: Any, town_a: Any, make_user: Any) -> None:
    wife, husband, _child = make_couple(village_a)
    officer = make_user(Role.TOWN_OFFICER, town_a)
    case = cases.case_create(case_type="reward_application", area=town_a, application_date=dt.date(2013, 6, 3),
                             actor=officer, applicants=[(wife, "wife"), (husband, "husband")])
    assert list(procedures.reward_applications_handed_off()) == []
    cases.case_transition(case, action="hand_off", actor=officer)
    assert list(procedures.reward_applications_handed_off()) == [case]


@pytest.mark.django_db
def test_the_appraisal_through_the_staff_pages(village_a: Any, town_a: Any, county: Any, make_user: Any) -> None:
    from django.test import Client

    from jisheng.cases.models import Case
    from tests.conftest import login

    wife, husband, child = make_couple(village_a)
    child.id_number = "320585201103050028"
    child.save(update_fields=["id_number"])
    town = login(Client(), make_user(Role.TOWN_OFFICER, town_a))
    response = town.post("/licensing/applications/new/", data={
        "procedure": "disability_appraisal", "applicant": wife.id_number,
        "spouse": husband.id_number, "child": child.id_number,
        "application_date": "2013-06-04"})
    assert response.status_code == 302
    case = Case.objects.get(case_type="disability_appraisal")
    city = login(Client(), make_user(Role.CITY_ADMIN, county))
    # the generic action form refuses steps that need a payload
    with clock.frozen(dt.date(2013, 6, 10)):
        city.post(f"/cases/{case.number}/action/", data={"action": "county_review"})
        city.post(f"/cases/{case.number}/action/", data={"action": "schedule_session"})
    case.refresh_from_db()
    assert case.status == "county_reviewed"
    page = city.get(f"/cases/{case.number}/").content.decode()
    assert 'id="appraisal-panel"' in page and 'name="session_date"' in page
    with clock.frozen(dt.date(2013, 9, 10)):  # the objection window (one month) starts on the conclusion's day
        city.post(f"/licensing/appraisals/{case.number}/step/", data={"action": "schedule_session",
                                                                       "session_date": "2013-09-10"})
        city.post(f"/licensing/appraisals/{case.number}/step/", data={"action": "record_conclusion",
                                                                       "conclusion": "not_disabled"})
    case.refresh_from_db()
    assert (case.status, case.facts["session_date"], case.facts["conclusion"]) == (
        "concluded", "2013-09-10", "not_disabled")


@pytest.mark.django_db
def test_an_appraisal_applied_for_after_the_birth_approval_clock_ran_out_suspends_nothing(
        village_a: Any, town_a: Any, make_user: Any) -> None:
    """Appraisal time is taken out of a running period; one that has already run out has nothing to take out of,
    and the appraisal is registered all the same."""
    wife, husband, child = make_couple(village_a)
    officer = make_user(Role.TOWN_OFFICER, town_a)
    with clock.frozen(dt.date(2013, 6, 3)):
        ba = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2013, 6, 3),
                                              actor=officer)
        _all_materials(ba, officer)
        cases.case_transition(ba, action="accept", actor=officer)
    with clock.frozen(dt.date(2013, 6, 20)):
        appraisal = procedures.appraisal_register(wife=wife, husband=husband, child=child, birth_approval=ba,
                                                  application_date=dt.date(2013, 6, 20), actor=officer)
    overdue = ba.clocks.get(kind="town_opinion")
    assert overdue.due == dt.date(2013, 6, 13) and not overdue.suspensions.exists()
    assert appraisal.related_case == ba


@pytest.mark.django_db
def test_a_paper_of_a_back_dated_step_bears_the_steps_date(village_a: Any, town_a: Any, make_user: Any) -> None:
    """A historical file entered later: the certificate issued on 3 June 2013 says so, and the holder's age is
    her age that day — not the day the step was typed in."""
    wife, _husband, _child = make_couple(village_a)
    officer = make_user(Role.TOWN_OFFICER, town_a)
    with clock.frozen(dt.date(2016, 9, 1)):
        case = procedures.certificate_register(case_type="floating_certificate", applicant=wife,
                                               application_date=dt.date(2013, 6, 3), actor=officer)
        _all_materials(case, officer)
        cases.case_transition(case, action="issue", actor=officer, on=dt.date(2013, 6, 3),
                              backdate_reason="补录2013年纸质档案")
    text = pdf_text(case.documents.get(kind="floating_certificate")).replace(" ", "")
    assert "出具日期2013年6月3日" in text and "2016年" not in text
    assert "27周岁" in text


@pytest.mark.django_db
def test_an_appraisal_links_only_the_couples_own_birth_approval(village_a: Any, town_a: Any, make_user: Any) -> None:
    """Linking another family's birth approval would stop that family's statutory clock and write this child's
    conclusion into their facts: refused, and nothing is written."""
    wife, husband, child = make_couple(village_a)
    other_wife, other_husband, _ = make_couple(village_a, wife_name="赵敏", husband_name="钱亮",
                                               wife_birth=dt.date(1985, 1, 1), child_birth=dt.date(2011, 3, 5))
    officer = make_user(Role.TOWN_OFFICER, town_a)
    with clock.frozen(dt.date(2013, 6, 3)):
        theirs = services.birth_approval_register(wife=other_wife, husband=other_husband, actor=officer,
                                                  application_date=dt.date(2013, 6, 3))
        with pytest.raises(InvalidInput, match="不是本夫妻的再生育审批") as refused:
            procedures.appraisal_register(wife=wife, husband=husband, child=child, birth_approval=theirs,
                                          application_date=dt.date(2013, 6, 3), actor=officer)
    assert refused.value.location == "birth_approval"
    assert not theirs.clocks.filter(suspensions__isnull=False).exists()
    assert not theirs.__class__.objects.filter(case_type="disability_appraisal").exists()


@pytest.mark.django_db
def test_an_appraisal_applied_for_before_acceptance_suspends_from_the_clocks_start(
        village_a: Any, town_a: Any, make_user: Any) -> None:
    """The registration failed as a whole: the appraisal's date lay before the running clock began (accepted
    later), and a suspension may not start before its clock."""
    wife, husband, child = make_couple(village_a)
    officer = make_user(Role.TOWN_OFFICER, town_a)
    with clock.frozen(dt.date(2013, 6, 3)):
        ba = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2013, 6, 3),
                                              actor=officer)
        _all_materials(ba, officer)
    with clock.frozen(dt.date(2013, 6, 5)):
        cases.case_transition(ba, action="accept", actor=officer)
        appraisal = procedures.appraisal_register(wife=wife, husband=husband, child=child, birth_approval=ba,
                                                  application_date=dt.date(2013, 6, 4), actor=officer)
    assert appraisal.pk and ba.clocks.get(kind="town_opinion").suspensions.get().start == dt.date(2013, 6, 5)


@pytest.mark.django_db
def test_papers_print_the_time_limits_and_numbers_of_their_own_date(village_a: Any, town_a: Any, county: Any,
                                                                   make_user: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The receipt printed 7 and 15 working days whatever the law said that day, and a decision taken in 2026 on a
    2013 application was numbered 人口计生许〔2013〕."""
    from jisheng.law import parameters

    real = parameters.parameter_value

    def changed(key: str, on: dt.date) -> Any:
        value = real(key, on)
        if key == "birth_approval.town_opinion":
            return type(value)(**{**value.__dict__, "value": 9})
        return value

    wife, husband, _ = make_couple(village_a)
    officer = make_user(Role.TOWN_OFFICER, town_a)
    monkeypatch.setattr(parameters, "parameter_value", changed)
    with clock.frozen(dt.date(2013, 6, 3)):
        case = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2013, 6, 3),
                                                facts={"wife": {"is_only_child": True},
                                                       "husband": {"is_only_child": True}}, actor=officer)
        _all_materials(case, officer)
        cases.case_transition(case, action="accept", actor=officer)
    receipt = pdf_text(case.documents.get(kind="acceptance_receipt")).replace(" ", "")
    assert "9个工作日内提出审核意见" in receipt
    with clock.frozen(dt.date(2026, 11, 2)):
        cases.case_transition(case, action="give_town_opinion", actor=officer)
        decision = cases.case_decide(case, outcome="granted", reasons="双方均为独生子女",
                                     provision_keys=["pfp-law-2021/art-18"], actor=make_user(Role.CITY_ADMIN, county),
                                     deviation_reason="按决定之日有效的法律作出")
    number = case.documents.get(kind="decision").doc_number
    assert number.startswith("太卫健许〔2026〕") and decision.decided_on == dt.date(2026, 11, 2)
