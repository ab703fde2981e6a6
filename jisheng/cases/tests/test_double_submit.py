"""A double click, a second tab or a retry records once.

The case pages load the document a request names before the service's transaction starts, so two requests sent
together both hand the service a document that is still active. Each service locks the case and reads the
document again inside the lock: the second request is refused with a message and writes nothing. The same file
uploaded twice for a material and the same record filed twice are refused the same way.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from jisheng.cases import services
from jisheng.cases.models import Case, CaseDocument, CaseEvent, CaseRecord
from jisheng.cases.types import ClockRule, MaterialSpec, RecordKind
from jisheng.core import clock
from jisheng.core.errors import InvalidInput, TransitionNotAllowed

DAY = dt.date(2013, 6, 10)
PDF = b"%PDF-1.4\n% scan\n"


@pytest.fixture
def case(register_type: Any, town_a: Any, actor_for: Any) -> Case:
    key = register_type(key="toy_twice", prefix="TW",
                        clock_rules=(ClockRule("decision", "决定", starts_on="received",
                                               stop_on=frozenset({"action:grant"}), amount=20),),
                        records=(RecordKind("hearing", "听证笔录", needs_text=True),),
                        materials=lambda facts, as_of: [MaterialSpec("id", "身份证")]).key
    with clock.frozen(DAY):
        return services.case_create(case_type=key, area=town_a, application_date=DAY, actor=actor_for("change"))


def _upload(case: Case, actor: Any, content: bytes = PDF, **kwargs: Any) -> CaseDocument:
    return services.case_attach_document(case, kind=kwargs.pop("kind", "id"), name="a.pdf",
                                         stream=io.BytesIO(content), size=len(content), actor=actor, **kwargs)


def _events(case: Case, kind: str) -> int:
    return CaseEvent.objects.filter(case=case, kind=kind).count()


@pytest.mark.django_db
def test_withdrawing_one_upload_twice_at_once_records_one_withdrawal(case: Case, actor_for: Any) -> None:
    officer = actor_for("change")
    with clock.frozen(DAY):
        doc = _upload(case, officer)
        first, second = CaseDocument.objects.get(pk=doc.pk), CaseDocument.objects.get(pk=doc.pk)  # both requests
        services.case_withdraw_document(case, document=first, reason="上传错了", actor=officer)
        with pytest.raises(InvalidInput, match="只能撤回本案有效的上传文件"):
            services.case_withdraw_document(case, document=second, reason="上传错了", actor=officer)
    assert _events(case, "document_withdrawn") == 1


@pytest.mark.django_db
def test_replacing_one_upload_twice_at_once_leaves_one_active_replacement(case: Case, actor_for: Any) -> None:
    officer = actor_for("change")
    with clock.frozen(DAY):
        doc = _upload(case, officer)
        first, second = CaseDocument.objects.get(pk=doc.pk), CaseDocument.objects.get(pk=doc.pk)
        _upload(case, officer, PDF + b"clear", kind="", replaces=first, reason="原件不清晰")
        with pytest.raises(InvalidInput, match="只能替换本案有效的上传文件"):
            _upload(case, officer, PDF + b"clear", kind="", replaces=second, reason="原件不清晰")
    assert case.documents.filter(kind="id", active=True).count() == 1
    assert case.documents.count() == 2


@pytest.mark.django_db
def test_the_same_file_uploaded_twice_for_a_material_is_kept_once(case: Case, actor_for: Any) -> None:
    officer = actor_for("change")
    with clock.frozen(DAY):
        _upload(case, officer)
        with pytest.raises(InvalidInput, match="已上传"):
            _upload(case, officer)
        _upload(case, officer, PDF + b"back side")  # another file for the same material is welcome
    assert case.documents.filter(kind="id", active=True).count() == 2
    assert _events(case, "document") == 2


@pytest.mark.django_db
def test_the_same_record_filed_twice_is_kept_once(case: Case, actor_for: Any) -> None:
    officer = actor_for("change")
    with clock.frozen(DAY):
        services.case_add_record(case, kind="hearing", text="当事人到场陈述", actor=officer)
        with pytest.raises(InvalidInput, match="已登记"):
            services.case_add_record(case, kind="hearing", text="当事人到场陈述", actor=officer)
        services.case_add_record(case, kind="hearing", text="第二次听证：补充陈述", actor=officer)
    assert CaseRecord.objects.filter(case=case).count() == 2


@pytest.mark.django_db
def test_a_service_reads_the_case_as_it_stands_not_as_the_page_loaded_it(case: Case, actor_for: Any) -> None:
    """The page's copy of the case still says "open" after another request closed it: the upload is refused."""
    officer = actor_for("change")
    with clock.frozen(DAY):
        stale = Case.objects.get(pk=case.pk)
        services.case_transition(case, action="withdraw", actor=officer)
        services.case_transition(case, action="close", actor=officer)
        with pytest.raises(TransitionNotAllowed, match="已办结"):
            _upload(stale, officer)
    assert not case.documents.exists()


@pytest.mark.django_db
def test_a_decision_or_a_legal_review_sent_twice_is_taken_once(case: Case, actor_for: Any) -> None:
    town, county, legal = actor_for("change"), actor_for("decide"), actor_for("legal_review")
    with clock.frozen(DAY):
        _upload(case, town)
        services.case_transition(case, action="accept", actor=town)
        services.case_transition(case, action="review", actor=town)
        Case.objects.filter(pk=case.pk).update(is_major=True)
        case.refresh_from_db()
        services.case_transition(case, action="request_legal_review", actor=county)
        first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)  # two tabs on the review page
        services.case_legal_review(first, outcome="agree", opinion="主体合法，依据正确，程序合法。", actor=legal)
        with pytest.raises(TransitionNotAllowed):
            services.case_legal_review(second, outcome="return", opinion="主体合法，依据正确，程序合法。", actor=legal)
        first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)  # a double click on 作出决定
        services.case_decide(first, outcome="granted", reasons="符合", actor=county,
                             provision_keys=["admin-licensing-law-2003/art-38"])
        with pytest.raises(TransitionNotAllowed):
            services.case_decide(second, outcome="granted", reasons="符合", actor=county,
                                 provision_keys=["admin-licensing-law-2003/art-38"])
    assert case.legal_reviews.count() == 1 and _events(case, "decision") == 1
    assert case.steps.filter(action="grant").count() == 1
