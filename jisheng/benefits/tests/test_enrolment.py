"""Enrolment: application → determination from registry facts → village, town and county review, each
after its posting period → approval; changes; grants within budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jisheng.benefits import services
from jisheng.benefits.enums import EnrolmentStatus
from jisheng.benefits.models import Enrolment, PostingEntry
from jisheng.core.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from jisheng.registry import services as registry
from jisheng.registry.tests.factories import make_person

from .factories import approved_enrolment

D = dt.date


@pytest.fixture
def bereaved_mother(village_a):
    """A couple whose only child (born 1995) died in 2020; the mother was born on 1970-01-01."""
    mother = make_person(village_a, name="王小红", sex="F", birth_date=D(1970, 1, 1), bank_account="6228000000000001")
    father = make_person(village_a, name="李大明", sex="M", birth_date=D(1968, 2, 2))
    registry.marriage_register(husband=father, wife=mother, start_date=D(1993, 5, 1), actor=None)
    child = make_person(village_a, name="李晓", sex="M", birth_date=D(1995, 8, 8))
    registry.parent_child_link(parent=mother, child=child, actor=None)
    registry.parent_child_link(parent=father, child=child, actor=None)
    registry.person_record_death(child, date=D(2020, 3, 3), actor=None)
    return mother


def _pass_level(enrolment, level, area, start, user):
    posting = services.posting_open(programme=enrolment.programme, level=level, area=area, enrolments=[enrolment],
                                    start_date=start, actor=user)
    assert posting.end_date == start + dt.timedelta(days=6)
    with pytest.raises(TransitionNotAllowed):
        services.enrolment_review(enrolment, opinion="agree", actor=user, today=posting.end_date)
    with pytest.raises(TransitionNotAllowed):
        services.posting_close(posting, actor=user, today=posting.end_date)  # last day of the period
    services.posting_close(posting, actor=user, today=posting.end_date + dt.timedelta(days=1))
    return services.enrolment_review(enrolment, opinion="agree", actor=user,
                                     today=posting.end_date + dt.timedelta(days=1)), posting


def test_application_to_approval_through_three_postings(bereaved_mother, village_a, town_a, county, make_user):
    officer = make_user("city_admin", county)
    enrolment = services.enrolment_apply(person=bereaved_mother, programme="special-assistance",
                                         application_date=D(2026, 3, 2), actor=officer)
    result = services.enrolment_determine(enrolment, actor=officer)
    enrolment.refresh_from_db()
    assert result.eligible is True and enrolment.category == "deceased"
    assert enrolment.status == EnrolmentStatus.VILLAGE_REVIEW
    assert enrolment.determination["provisions"][0] == "special-assistance-pilot-2007/art-2"
    assert enrolment.bank_account == "6228000000000001"

    enrolment, village_posting = _pass_level(enrolment, "village", village_a, D(2026, 3, 3), officer)
    assert enrolment.status == EnrolmentStatus.TOWN_REVIEW
    enrolment, _ = _pass_level(enrolment, "town", town_a, D(2026, 3, 11), officer)
    assert enrolment.status == EnrolmentStatus.COUNTY_REVIEW
    enrolment, _ = _pass_level(enrolment, "county", county, D(2026, 3, 25), officer)
    assert enrolment.status == EnrolmentStatus.APPROVED
    assert enrolment.approved_on == D(2026, 4, 1) and enrolment.start_month == D(2026, 4, 1)
    assert enrolment.verification_due == D(2027, 3, 31)
    assert enrolment.verifications.get().due_date == D(2027, 3, 31)
    assert list(enrolment.reviews.values_list("level", "opinion")) == [
        ("village", "agree"), ("town", "agree"), ("county", "agree")]

    entry = PostingEntry.objects.get(posting=village_posting)
    assert (entry.masked_name, entry.area_name, entry.amount_text, entry.period_text) == (
        "王**", village_a.name, "500.00元/人·月（标准待核实）", "2026年03月起")
    shown = " ".join([entry.masked_name, entry.area_name, entry.amount_text, entry.period_text])
    assert "李晓" not in shown and bereaved_mother.id_number not in shown and "死亡" not in shown


def test_not_eligible_is_rejected_and_missing_facts_stay_applied(village_a, county, make_user):
    officer = make_user("town_officer", county)
    young = make_person(village_a, name="周青", sex="F", birth_date=D(1990, 1, 1))
    e = services.enrolment_apply(person=young, programme="special-assistance", application_date=D(2026, 3, 2),
                                 actor=officer)
    assert services.enrolment_determine(e, actor=officer).unmet == ["self_age_49", "one_child_only"]  # no spouse
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.REJECTED
    older = make_person(village_a, name="吴芳", sex="F", birth_date=D(1960, 1, 1))
    registry.parent_child_link(parent=older, child=make_person(village_a, name="吴一", birth_date=D(1985, 1, 1)),
                               actor=None)
    e2 = services.enrolment_apply(person=older, programme="rural-reward", application_date=D(2026, 3, 2),
                                  actor=officer)
    result = services.enrolment_determine(e2, actor=officer)
    e2.refresh_from_db()
    assert result.eligible is None and "no_violation_1973_2001" in result.missing
    assert e2.status == EnrolmentStatus.APPLIED
    with pytest.raises(InvalidInput):
        services.enrolment_apply(person=older, programme="rural-reward", application_date=D(2026, 3, 2),
                                 actor=officer)


def test_a_disagreeing_level_rejects(bereaved_mother, county, make_user):
    officer = make_user("city_admin", county)
    e = services.enrolment_apply(person=bereaved_mother, programme="special-assistance",
                                 application_date=D(2026, 3, 2), actor=officer)
    services.enrolment_determine(e, actor=officer)
    services.enrolment_review(e, opinion="disagree", note="材料不实", actor=officer)
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.REJECTED


def test_services_refuse_roles_without_the_capability(bereaved_mother, county, make_user):
    with pytest.raises(NotPermitted):
        services.enrolment_apply(person=bereaved_mother, programme="special-assistance",
                                 application_date=D(2026, 3, 2), actor=make_user("auditor", county))


def test_changes_take_effect_from_their_month(village_a, village_b, county):
    e = approved_enrolment(village_a)
    change = services.enrolment_change(e, kind="move", event_date=D(2026, 6, 10), actor=None,
                                       details={"area_id": village_b.pk})
    e.refresh_from_db()
    assert change.effective_month == D(2026, 7, 1) and e.area == village_b and e.town == village_b.parent
    change = services.enrolment_change(e, kind="new_child", event_date=D(2026, 9, 30), actor=None)
    e.refresh_from_db()
    assert change.effective_month == D(2026, 10, 1) and e.end_month == D(2026, 9, 1)
    assert e.status == EnrolmentStatus.ENDED and e.end_reason == "new_child"
    with pytest.raises(InvalidInput):
        services.enrolment_change(e, kind="bank_account", event_date=D(2026, 9, 30), actor=None,
                                  details={"bank_account": "62-abc"})


def test_grants_must_fit_the_year_budget(village_a, county, make_user):
    officer = make_user("city_admin", county)
    services.grant_budget_set(programme="hardship-aid", year=2026, area=county, amount=Decimal("5000"), actor=officer)
    first = approved_enrolment(village_a, programme="hardship-aid", category="", granted_amount=Decimal("3000"),
                               approved_on=D(2026, 2, 1))
    assert first.granted_amount == Decimal("3000")
    person = make_person(village_a, name="孙丽", sex="F", birth_date=D(1975, 1, 1))
    e = services.enrolment_apply(person=person, programme="hardship-aid", application_date=D(2026, 5, 1),
                                 facts={"hardship_reason": "重病"}, granted_amount=Decimal("2500"), actor=officer)
    services.enrolment_determine(e, actor=officer)
    e.refresh_from_db()
    for level, area in (("village", village_a), ("town", village_a.parent), ("county", county)):
        posting = services.posting_open(programme="hardship-aid", level=level, area=area, enrolments=[e],
                                        start_date=D(2026, 5, 2), actor=officer)
        services.posting_close(posting, actor=officer, today=D(2026, 5, 9))
        if level == "county":
            with pytest.raises(InvalidInput) as err:
                services.enrolment_review(e, opinion="agree", actor=officer, today=D(2026, 5, 10))
            assert "预算 5000.00 元，已用 3000.00 元" in str(err.value)
            assert Enrolment.objects.get(pk=e.pk).status == EnrolmentStatus.COUNTY_REVIEW
        else:
            e = services.enrolment_review(e, opinion="agree", actor=officer, today=D(2026, 5, 10))
