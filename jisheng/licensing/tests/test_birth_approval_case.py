"""Birth approval as a case: town of the wife's hukou, 3/7/15 working-day clocks, documents, publication."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from jisheng.accounts.roles import Role
from jisheng.cases import services as cases
from jisheng.cases.models import CaseDocument
from jisheng.core import clock
from jisheng.core.errors import TransitionNotAllowed
from jisheng.licensing import services
from tests import tools

from .helpers import make_couple

ITEM6 = "js-pfp-reg-2002/art-22/item-6"
FACTS = {"wife": {"is_only_child": True}, "husband": {"is_only_child": True}}
PDF = b"%PDF-1.4\n% scanned material\n"


def pdf_text(doc: CaseDocument) -> str:
    doc.file.open("rb")
    data = doc.file.read()
    return tools.pdftotext(data, layout=True)


@pytest.fixture
def couple(village_a: Any) -> tuple[Any, Any, Any]:
    return make_couple(village_a)


@pytest.mark.django_db
def test_the_whole_procedure_with_clocks_and_documents(couple: Any, town_a: Any, county: Any, make_user: Any) -> None:
    wife, husband, _child = couple
    officer = make_user(Role.TOWN_OFFICER, town_a)
    decider = make_user(Role.CITY_ADMIN, county)
    with clock.frozen(dt.date(2013, 6, 3)):
        case = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2013, 6, 3),
                                                facts=FACTS, actor=officer)
    assert case.area == town_a and case.number == "ZS2013-00001"
    assert case.facts["children"] == [{"birth_date": "2011-03-05", "sex": "F", "parents": "joint", "alive": True}]
    supplement = case.clocks.get(kind="supplement_notice")
    assert (supplement.start, supplement.amount, supplement.due) == (dt.date(2013, 6, 3), 3, dt.date(2013, 6, 6))
    materials = list(case.materials.values_list("name", flat=True))
    assert "独生子女证明（父母的独生子女父母光荣证等）" in materials and "结婚证" in materials

    first = case.materials.order_by("id").first()
    cases.case_attach_document(case, kind=first.key, name="form.pdf", stream=io.BytesIO(PDF), size=len(PDF),
                               actor=officer)
    with clock.frozen(dt.date(2013, 6, 4)):
        cases.case_transition(case, action="request_supplement", actor=officer)
    supplement.refresh_from_db()
    assert supplement.met_on == dt.date(2013, 6, 4) and supplement.met_in_time
    notice = case.documents.get(kind="supplement_notice")
    text = pdf_text(notice)
    assert "补正材料一次性告知书" in text and "结婚证" in text and first.name not in text.replace(" ", "")
    with pytest.raises(TransitionNotAllowed):
        cases.case_transition(case, action="request_supplement", actor=officer)

    for m in case.materials.filter(provided=False):
        cases.case_attach_document(case, kind=m.key, name="m.jpg", stream=io.BytesIO(b"\xff\xd8\xff\xe0rest"),
                                   size=8, actor=officer)
    with clock.frozen(dt.date(2013, 6, 5)):
        cases.case_transition(case, action="accept", actor=officer)
    opinion = case.clocks.get(kind="town_opinion")
    # 7 working days from 2013-06-05: Sat 8 and Sun 9 June were make-up working days, 10–12 June 端午节.
    assert opinion.due == dt.date(2013, 6, 17)
    assert any("端午节" in line for line in opinion.explanation)
    assert any("调休" in line for line in opinion.explanation)
    assert "受理通知书" in pdf_text(case.documents.get(kind="acceptance_receipt"))

    with clock.frozen(dt.date(2013, 6, 7)):
        cases.case_transition(case, action="give_town_opinion", actor=officer, opinion="经审核符合第二十二条第（六）项")
    decision_clock = case.clocks.get(kind="decision")
    assert (decision_clock.amount, decision_clock.due) == (15, dt.date(2013, 7, 1))
    with clock.frozen(dt.date(2013, 6, 20)):
        decision = cases.case_decide(case, outcome="granted", reasons="双方均为独生子女，现有一个子女",
                                     provision_keys=[ITEM6], actor=decider)
    decision_clock.refresh_from_db()
    assert decision_clock.met_on == dt.date(2013, 6, 20) and decision.provision_keys == [ITEM6]
    letter = pdf_text(case.documents.get(kind="decision"))
    assert "准予再生育决定书" in letter and "王小红" in letter and "第二十二条第（六）项" in letter
    assert "太仓市人口和计划生育委员会" in letter
    assert "批准再生育一个孩子生育证" in pdf_text(case.documents.get(kind="certificate"))
    publication = case.clocks.get(kind="publication")
    assert publication.amount == 7 and publication.start == dt.date(2013, 6, 20)
    assert "待法制科核实" in publication.explanation[0]


@pytest.mark.django_db
def test_a_refusal_states_reasons_and_the_remedies_in_force(couple: Any, town_a: Any, county: Any,
                                                            make_user: Any) -> None:
    wife, husband, _child = couple
    officer = make_user(Role.TOWN_OFFICER, town_a)
    with clock.frozen(dt.date(2014, 3, 3)):
        case = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2014, 3, 3),
                                                actor=officer)
        for m in case.materials.all():
            cases.case_attach_document(case, kind=m.key, name="m.png", stream=io.BytesIO(b"\x89PNG\r\n\x1a\nxx"),
                                       size=10, actor=officer)
        cases.case_transition(case, action="accept", actor=officer)
        cases.case_transition(case, action="give_town_opinion", actor=officer, opinion="不符合再生育条件")
        decision = cases.case_decide(case, outcome="refused", reasons="不符合第二十二条、第二十三条规定的情形",
                                     provision_keys=["js-pfp-reg-2002/art-22", "js-pfp-reg-2002/art-23"],
                                     actor=make_user(Role.CITY_ADMIN, county))
    assert decision.remedies[0].startswith("如不服本决定，可以自收到本决定书之日起60日内")
    assert "3个月" in decision.remedies[1]  # before 2015-05-01 the direct-suit period was 3 months
    text = pdf_text(case.documents.get(kind="decision")).replace(" ", "").replace("\n", "")
    assert "不予批准再生育决定书" in text and "行政复议" in text and "行政诉讼" in text
    # the basis in words: never an internal key (found printed as "js-pfp-reg-2002/art-22" on a refusal)
    assert "js-pfp-reg" not in text and "《江苏省人口与计划生育条例》第22条" in text


@pytest.mark.django_db
def test_the_wife_hukou_town_receives(village_b: Any, town_b: Any, make_user: Any) -> None:
    wife, husband, _ = make_couple(village_b, wife_name="赵敏", husband_name="钱多")
    case = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2013, 6, 3),
                                            actor=make_user(Role.TOWN_OFFICER, town_b))
    assert case.area == town_b


@pytest.mark.django_db
def test_uploads_are_checked_by_content_and_size(couple: Any, town_a: Any, make_user: Any) -> None:
    from jisheng.cases.uploads import MAX_UPLOAD_BYTES
    from jisheng.core.errors import InvalidInput

    wife, husband, _ = couple
    officer = make_user(Role.TOWN_OFFICER, town_a)
    case = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2013, 6, 3),
                                            actor=officer)
    key = case.materials.first().key
    with pytest.raises(InvalidInput, match="PDF、JPEG 或 PNG"):
        cases.case_attach_document(case, kind=key, name="a.pdf", stream=io.BytesIO(b"MZ\x90\x00"), size=4,
                                   actor=officer)
    with pytest.raises(InvalidInput, match="扩展名"):
        cases.case_attach_document(case, kind=key, name="a.exe", stream=io.BytesIO(PDF), size=len(PDF), actor=officer)
    with pytest.raises(InvalidInput, match="过大"):
        cases.case_attach_document(case, kind=key, name="a.pdf", stream=io.BytesIO(PDF), size=MAX_UPLOAD_BYTES + 1,
                                   actor=officer)
    assert case.documents.count() == 0 and not case.materials.filter(provided=True).exists()


@pytest.mark.django_db
def test_the_case_page_shows_what_the_self_check_says(couple: Any, town_a: Any, make_user: Any,
                                                      staff_client: Any) -> None:
    wife, husband, _child = couple
    case = services.birth_approval_register(wife=wife, husband=husband, application_date=dt.date(2013, 6, 3),
                                            facts=FACTS, actor=make_user(Role.TOWN_OFFICER, town_a))
    from jisheng.core.models import AuditEvent

    page = staff_client(Role.TOWN_OFFICER, town_a).get(f"/cases/{case.number}/")
    assert page.status_code == 200
    assert page.context["assessment"]["provisions"] == [ITEM6]
    text = page.content.decode()
    # the handling officer sees the parties' full names, linked to their records, and the view is audited
    assert "第二十二条第（六）项" in text and f'href="/registry/persons/{wife.pk}/">王小红</a>' in text
    assert "js-pfp-reg-2002/art-22" not in text  # provisions in words, never their internal keys
    assert AuditEvent.objects.filter(action="view", object_id=str(case.pk), changes__what="当事人姓名").count() == 1
    # an auditor reads the file with the names masked and no trail of a name view
    text = staff_client(Role.AUDITOR, town_a).get(f"/cases/{case.number}/").content.decode()
    assert "王**" in text and "王小红" not in text


@pytest.mark.django_db
def test_after_2014_03_28_decisions_cite_the_2014_numbering(couple: Any, town_a: Any, county: Any,
                                                            make_user: Any) -> None:
    """The 2014 单独二孩 amendment: the rule proposes the 2014 article; the 2002 numbering is no longer in force."""
    from jisheng.core.errors import InvalidInput
    from jisheng.licensing.casetypes import birth_approval_basis

    wife, husband, _child = couple
    officer = make_user(Role.TOWN_OFFICER, town_a)
    with clock.frozen(dt.date(2014, 6, 3)):
        case = services.birth_approval_register(
            wife=wife, husband=husband, application_date=dt.date(2014, 6, 3), actor=officer,
            facts={"wife": {"is_only_child": False}, "husband": {"is_only_child": True}})
        assert birth_approval_basis(case) == ["js-pfp-reg-2014/art-22/item-1"]
        for m in case.materials.all():
            cases.case_attach_document(case, kind=m.key, name="m.png", stream=io.BytesIO(b"\x89PNG\r\n\x1a\nxx"),
                                       size=10, actor=officer)
        cases.case_transition(case, action="accept", actor=officer)
        cases.case_transition(case, action="give_town_opinion", actor=officer, opinion="一方为独生子女，现有一个子女")
        decider = make_user(Role.CITY_ADMIN, county)
        with pytest.raises(InvalidInput, match="不是有效条款"):
            cases.case_decide(case, outcome="granted", reasons="双独", provision_keys=[ITEM6], actor=decider)
        decision = cases.case_decide(case, outcome="granted", reasons="一方为独生子女，现有一个子女",
                                     provision_keys=birth_approval_basis(case), actor=decider)
    assert decision.provision_keys == ["js-pfp-reg-2014/art-22/item-1"]
    assert decision.rule_verdict["eligible"] is True
    letter = pdf_text(case.documents.get(kind="decision")).replace(" ", "").replace("\n", "")
    assert "《江苏省人口与计划生育条例》2014年修正文本第二十二条第（一）项" in letter and "〔条文待核实〕" in letter
