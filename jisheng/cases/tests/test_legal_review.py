"""Legal review (法制审核) as a real step: on the legal reviewer's to-do, agree / disagree / return with a
written opinion, a 法制审核意见书 in the file, and no major decision without a review that agreed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jisheng.accounts.roles import Role
from jisheng.cases import services
from jisheng.cases.models import Case, LegalReview
from jisheng.core import clock
from jisheng.core.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from tests import tools
from tests.conftest import login

BASIS = ["admin-licensing-law-2003/art-38"]


def _major_in_review(toy: str, town_a: Any, actor_for: Any) -> Case:
    town = actor_for("change")
    case = services.case_create(case_type=toy, area=town_a, application_date=dt.date(2013, 6, 3), actor=town)
    services.case_transition(case, action="accept", actor=town)
    services.case_transition(case, action="review", actor=town, opinion="经审核，情况属实")
    Case.objects.filter(pk=case.pk).update(is_major=True)
    case.refresh_from_db()
    services.case_transition(case, action="request_legal_review", actor=actor_for("decide"))
    return case


@pytest.mark.django_db
def test_a_major_decision_waits_for_a_review_that_agrees(toy: str, town_a: Any, actor_for: Any) -> None:
    legal, county = actor_for("legal_review"), actor_for("decide")
    with clock.frozen(dt.date(2013, 6, 14)):
        case = _major_in_review(toy, town_a, actor_for)
        with pytest.raises(InvalidInput, match="审核意见"):
            services.case_legal_review(case, outcome="agree", opinion="同意", actor=legal)
        with pytest.raises(NotPermitted):
            services.case_legal_review(case, outcome="agree", opinion="主体合法，依据正确，程序合法。", actor=county)
        services.case_legal_review(case, outcome="disagree", opinion="适用法律错误：应适用第二十三条，请重新审查。",
                                   actor=legal)
        case.refresh_from_db()
        assert case.status == "reviewed"  # back to the department
        with pytest.raises(TransitionNotAllowed, match="法制审核"):
            services.case_decide(case, outcome="granted", reasons="符合", provision_keys=BASIS, actor=county)
        services.case_transition(case, action="request_legal_review", actor=county, opinion="已按审核意见修改")
        review = services.case_legal_review(case, outcome="agree", opinion="主体合法，依据正确，程序合法，同意。",
                                            actor=legal)
        decision = services.case_decide(case, outcome="granted", reasons="符合", provision_keys=BASIS, actor=county)
    assert [r.outcome for r in LegalReview.objects.filter(case=case)] == ["disagree", "agree"]
    assert decision.case.status == "granted"
    text = tools.pdftotext(review.document.file.read()).replace(" ", "")
    assert "法制审核意见书" in text and "主体合法，依据正确，程序合法，同意。" in text and "同意" in text
    assert review.document.doc_number.endswith("-2号")


@pytest.mark.django_db
def test_the_review_is_on_the_reviewers_to_do_and_taken_on_its_page(toy: str, town_a: Any, county: Any,
                                                                    actor_for: Any, make_user: Any,
                                                                    client: Any) -> None:
    from jisheng.cases.workbench import workbench_items

    with clock.frozen(dt.date(2013, 6, 14)):
        case = _major_in_review(toy, town_a, actor_for)
        reviewer = make_user(Role.LEGAL_REVIEWER, county)
        todos = [t for i in workbench_items(reviewer) for t in i.todos]
        assert [t.url for t in todos] == [f"/cases/{case.number}/legal-review/"]
        assert [t for i in workbench_items(make_user(Role.TOWN_OFFICER, town_a)) for t in i.todos] == []
        login(client, reviewer)
        page = client.get(todos[0].url)
        assert page.status_code == 200 and 'id="legal-review-form"' in page.content.decode()
        assert "经审核，情况属实" in page.content.decode()
        response = client.post(todos[0].url, {"outcome": "return", "opinion": ""})
        assert response.status_code == 200 and not LegalReview.objects.exists()
        response = client.post(todos[0].url, {"outcome": "return", "opinion": "缺少户籍地调查记录，请补充后再送审。"})
        assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "reviewed" and LegalReview.objects.get().outcome == "return"
    assert case.documents.filter(kind="legal_review_opinion").count() == 1


@pytest.mark.django_db
def test_the_opinion_paper_states_the_departments_opinion_not_the_reviewers_own(toy: str, town_a: Any,
                                                                                actor_for: Any) -> None:
    """承办机构意见 is what the department said before sending the file; the reviewer's words are the review's."""
    with clock.frozen(dt.date(2013, 6, 14)):
        case = _major_in_review(toy, town_a, actor_for)
        review = services.case_legal_review(case, outcome="return", opinion="事实不清：请补充户籍地调查记录后再送审。",
                                            actor=actor_for("legal_review"))
    text = "".join(tools.pdftotext(review.document.file.read()).split())
    handling = text[text.index("承办机构意见") + len("承办机构意见"):text.index("拟适用的法律依据")]
    assert handling == "经审核，情况属实"
    assert text.count("事实不清") == 1  # the reviewer's opinion once, as the opinion


@pytest.mark.django_db
def test_a_historical_review_is_entered_on_its_own_date_so_the_decision_can_follow_it(
        toy: str, town_a: Any, actor_for: Any) -> None:
    """A paper file of 2013 entered later: the review is dated when it was given (with the reason it is entered
    late), and the decision after it is dated after the review — not after the day of typing."""
    legal, county = actor_for("legal_review"), actor_for("decide")
    with clock.frozen(dt.date(2013, 6, 14)):
        case = _major_in_review(toy, town_a, actor_for)
    with clock.frozen(dt.date(2016, 3, 1)):
        with pytest.raises(InvalidInput, match="补录理由"):
            services.case_legal_review(case, outcome="agree", opinion="主体合法，依据正确，程序合法，同意。",
                                       actor=legal, on=dt.date(2013, 6, 17))
        review = services.case_legal_review(case, outcome="agree", opinion="主体合法，依据正确，程序合法，同意。",
                                            actor=legal, on=dt.date(2013, 6, 17), backdate_reason="补录纸质案卷")
        decision = services.case_decide(case, outcome="granted", reasons="符合", provision_keys=BASIS, actor=county,
                                        on=dt.date(2013, 6, 18), backdate_reason="补录纸质案卷")
    assert review.reviewed_on == dt.date(2013, 6, 17) and decision.decided_on == dt.date(2013, 6, 18)
    step = case.steps.get(action="complete_legal_review")
    assert (step.on, step.backdate_reason) == (dt.date(2013, 6, 17), "补录纸质案卷")
    text = "".join(tools.pdftotext(review.document.file.read()).split())
    assert "2013年6月17日" in text and "2016" not in text and "太法审〔2013〕" in text


@pytest.mark.django_db
def test_the_review_judges_the_materials_as_they_were_at_acceptance(register_type: Any, town_a: Any,
                                                                    actor_for: Any) -> None:
    """The checklist item read today's "provided" flags: a file accepted incomplete and completed later scored
    as complete at acceptance."""
    import io

    from jisheng.cases import review
    from jisheng.cases.models import CaseMaterial
    from jisheng.cases.types import MaterialSpec

    key = register_type(key="toy_mat", prefix="TM",
                        materials=lambda facts, as_of: [MaterialSpec("id", "身份证"), MaterialSpec("hk", "户口簿")]).key
    town = actor_for("change")
    pdf = b"%PDF-1.4\n% scan\n"
    with clock.frozen(dt.date(2013, 6, 3)):
        case = services.case_create(case_type=key, area=town_a, application_date=dt.date(2013, 6, 3), actor=town)
        services.case_attach_document(case, kind="id", name="a.pdf", stream=io.BytesIO(pdf), size=len(pdf), actor=town)
        CaseMaterial.objects.filter(case=case, key="hk").update(provided=True)  # an old data fix-up, say
        services.case_transition(case, action="accept", actor=town)
    with clock.frozen(dt.date(2013, 6, 10)):
        services.case_attach_document(case, kind="hk", name="b.pdf", stream=io.BytesIO(pdf + b"2"),
                                      size=len(pdf) + 1, actor=town)
    outcome = review.materials_at_acceptance(case)
    assert outcome.passed is False and "户口簿" in outcome.evidence
