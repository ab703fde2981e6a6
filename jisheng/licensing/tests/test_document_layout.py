"""Licensing's papers on the engine's layout: typical content fits one page, the closing (last paragraph, seal line,
date) never splits, and a refusal tells the remedies in force on its date and nothing that belongs to grants."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from jisheng.cases.documents import cn_date, render_pdf
from jisheng.cases.remedies import remedies_on
from jisheng.core.models import Area
from jisheng.licensing import documents, rules
from tests import tools

D = dt.date
#: A reason of about 80 characters, as a county officer writes one.
REASON = ("经审查并经户籍地调查核实，申请人夫妻现有两个子女，均为婚生且健在，不符合《江苏省人口与计划生育条例》"
          "第二十二条、第二十三条规定的可以再生育一个孩子的任何情形。")
#: Five missing materials, the longest names of the 2002 checklist among them.
MISSING = ["《再生育申请审批表》（夫妻双方单位或村（居）委会签署意见）", "夫妻双方婚育情况证明", "现有子女出生医学证明",
           "女方近期免冠照片", "独生子女证明（父母的独生子女父母光荣证等）"]
SEAL_TOWN = "城厢镇人民政府（印章）"
REFUSAL_BASIS = ["js-pfp-reg-2002/art-22/item-6", "js-pfp-reg-2002/art-23/item-1"]


def flat(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")


def pages(pdf: bytes) -> list[str]:
    return [flat(p) for p in tools.pdf_pages(pdf)]


def context(**extra: Any) -> dict[str, Any]:
    """What ``documents.build`` gives a template for a case received on 2013-06-03 by 城厢镇."""
    return {"case": SimpleNamespace(number="ZS2013-00001"), "wife": "王小红", "husband": "李建国",
            "date": cn_date(D(2013, 6, 5)), "signed_on": cn_date(D(2013, 6, 5)),
            "application_date": cn_date(D(2013, 6, 3)), "town_office": "城厢镇人民政府",
            "commission": "太仓市人口和计划生育委员会", "county": "太仓市", **extra}


def refusal(county: Area, on: dt.date, reasons: str = REASON) -> bytes:
    provisions = [(k, rules.provision(k)) for k in REFUSAL_BASIS]
    decision = SimpleNamespace(outcome="refused", reasons=reasons, remedies=remedies_on(county, on),
                               provision_keys=REFUSAL_BASIS)
    return render_pdf(documents.template("decision"), context(
        title=documents.TITLES["decision_refused"], doc_number="太人口计生许〔2013〕00001号",
        issuer="太仓市人口和计划生育委员会", decision=decision, provisions=provisions,
        basis=documents.citation(provisions), decided=cn_date(on), signed_on=cn_date(on)))


def grant() -> bytes:
    provisions = [("js-pfp-reg-2002/art-22/item-6", rules.provision("js-pfp-reg-2002/art-22/item-6"))]
    decision = SimpleNamespace(outcome="granted", reasons="双方均为独生子女，现有一个子女。", remedies=[])
    return render_pdf(documents.template("decision"), context(
        title=documents.TITLES["decision_granted"], doc_number="太人口计生许〔2013〕00002号",
        issuer="太仓市人口和计划生育委员会", decision=decision, provisions=provisions,
        basis=documents.citation(provisions), decided="2013年6月20日", signed_on="2013年6月20日"))


@pytest.fixture
def taicang(db: Any) -> Area:
    return Area.objects.get(code="320585")


@pytest.mark.django_db
def test_a_typical_refusal_is_one_page_with_its_remedies_seal_and_date(taicang: Area) -> None:
    (page,) = pages(refusal(taicang, D(2013, 6, 20)))
    assert flat(REASON) in page
    assert "依据：《江苏省人口与计划生育条例》第二十二条第（六）项、第二十三条第（一）项。" in page
    assert "向太仓市人民政府或者苏州市人口和计划生育委员会申请行政复议。" in page
    assert page.index("直接向太仓市人民法院提起行政诉讼。") < page.index("太仓市人口和计划生育委员会（印章）") \
        < page.index("2013年6月20日")


def test_a_supplement_notice_listing_five_materials_is_one_page_with_its_basis_note() -> None:
    pdf = render_pdf(documents.template("supplement_notice"), context(
        title=documents.TITLES["supplement_notice"], doc_number="城厢计生补〔2013〕00001号", issuer="城厢镇人民政府",
        missing=MISSING))
    (page,) = pages(pdf)
    assert all(flat(m) in page for m in MISSING)
    assert page.index("特此告知。") < page.index(SEAL_TOWN) < page.index("2013年6月5日") < page.index("依据：")
    assert "苏州市再生育审批办事程序（3个工作日内书面告知）。" in page


def test_a_floating_certificate_keeps_its_last_paragraph_seal_and_date_on_one_page() -> None:
    contents = {"姓名": "王小红", "年龄": "27周岁", "公民身份号码": "320585198604021248",
                "婚姻状况": "已婚（2010-05-01登记）", "配偶信息": "李建国，320585198409101217",
                "生育状况": "现有子女2个（2011年生女、2014年生男）", "避孕节育情况": "已落实长效避孕措施"}
    pdf = render_pdf(documents.template("floating_certificate"), context(
        title="流动人口婚育证明", doc_number="城厢婚育证〔2013〕00001号", issuer="城厢镇人民政府", contents=contents))
    (page,) = pages(pdf)
    assert page.index("本证明免费出具。") < page.index(SEAL_TOWN) < page.rindex("2013年6月5日")
    assert "《流动人口计划生育工作条例》第七条、第八条、第十七条。" in page


@pytest.mark.django_db
@pytest.mark.parametrize("repeat", [2, 3, 4, 6, 10])
def test_a_refusal_that_needs_two_pages_moves_its_closing_as_one_block(taicang: Area, repeat: int) -> None:
    pdf = refusal(taicang, D(2013, 6, 20), reasons=REASON * repeat)
    printed = pages(pdf)
    closing = ("直接向太仓市人民法院提起行政诉讼。", "太仓市人口和计划生育委员会（印章）", "2013年6月20日")
    assert all(part in printed[-1] for part in closing), printed[-1]
    assert not any(part in page for page in printed[:-1] for part in closing)
    assert len(printed) >= 2


@pytest.mark.django_db
def test_a_refusal_does_not_say_that_grants_are_published(taicang: Area) -> None:
    text = flat(tools.pdftotext(refusal(taicang, D(2013, 6, 20))))
    assert "准予决定依法公开" not in text and "第四十条" not in text
    assert "依据：《中华人民共和国行政许可法》第三十八条第二款。" in text
    granted = flat(tools.pdftotext(grant()))
    assert "准予决定依法公开" in granted and "第三十八条第一款、第四十条" in granted


@pytest.mark.django_db
@pytest.mark.parametrize(("on", "suit"), [(D(2015, 4, 30), "3个月"), (D(2015, 5, 1), "6个月")])
def test_the_refusal_prints_the_direct_suit_period_in_force_on_its_date(taicang: Area, on: dt.date,
                                                                         suit: str) -> None:
    text = flat(tools.pdftotext(refusal(taicang, on)))
    assert f"也可以自收到本决定书之日起{suit}内直接向太仓市人民法院提起行政诉讼。" in text


@pytest.mark.django_db
@pytest.mark.parametrize(("on", "bodies"), [(D(2023, 12, 31), "太仓市人民政府或者苏州市卫生健康委员会"),
                                            (D(2024, 1, 1), "太仓市人民政府")])
def test_the_refusal_names_the_reconsideration_bodies_of_the_law_in_force(taicang: Area, on: dt.date,
                                                                          bodies: str) -> None:
    text = flat(tools.pdftotext(refusal(taicang, on)))
    assert f"如不服本决定，可以自收到本决定书之日起60日内向{bodies}申请行政复议。" in text
    assert ("苏州市" in text) == (on < D(2024, 1, 1))


def test_the_citation_names_the_regulation_once() -> None:
    provisions = [(k, rules.provision(k)) for k in REFUSAL_BASIS]
    assert documents.citation(provisions) == "《江苏省人口与计划生育条例》第二十二条第（六）项、第二十三条第（一）项"
    assert documents.citation([("x-unknown/art-1", None)]) == "x-unknown/art-1"
    assert documents.citation([]) == ""
    national = [(k, rules.provision(k)) for k in ("pfp-law-2021/art-18", "js-pfp-reg-2021/birth-registration")]
    assert documents.citation(national) == ("《江苏省人口与计划生育条例》2021年修正文本；"
                                            "《中华人民共和国人口与计划生育法》第18条（三孩政策）")
    assert documents.provision_lines(national[:1]) == ["《中华人民共和国人口与计划生育法》第18条（三孩政策）"]
