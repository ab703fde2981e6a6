"""Petitions' written papers: each step files its PDF once, on the case with its hash; the wording and the
regulation cited follow the receipt date (2022-04-28 → 《信访条例》, 2022-05-02 → 《信访工作条例》); the opinion
has its three parts; an assignment sheet to a town complained about carries no name, phone or ID number."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import pytest

from jisheng.accounts.models import User
from jisheng.cases.models import CaseDocument
from jisheng.core import clock
from jisheng.core.models import Area
from jisheng.petitions import documents, services
from jisheng.petitions.models import Petition
from tests import tools

from .conftest import at

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
NAME, PHONE, ID_NUMBER = "王小红", "13800000000", "320585198001011234"
CONTENT = (f"本人{NAME}（身份证号{ID_NUMBER}，电话{PHONE}）反映：城厢镇计生办工作人员拖延发放独生子女父母奖励，"
           "请求核实补发。")


def _d(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


def flat(text: str) -> str:
    return "".join(text.split())


def read(doc: CaseDocument) -> bytes:
    with doc.file.open("rb") as f:
        data: bytes = f.read()
    return data


def text_of(doc: CaseDocument) -> str:
    data = read(doc)
    assert data.startswith(b"%PDF-")
    return flat(tools.pdftotext(data))


def docs(petition: Petition, kind: str) -> list[CaseDocument]:
    return list(petition.case.documents.filter(kind=kind).order_by("id"))


def the(petition: Petition, kind: str) -> CaseDocument:
    (doc,) = docs(petition, kind)
    return doc


def _opinion(petition: Petition, clerk: User, *, outcome: str = "support", keys: list[str] | None = None,
             on: dt.date | None = None) -> None:
    services.petition_give_opinion(
        petition, outcome=outcome, facts="2019年至2025年的奖励因户籍信息未同步而未发放，情况属实。",
        reasons="您符合独生子女父母奖励条件，应当补发。", on=on,
        provision_keys=keys or ["petition-work-reg-2022/art-32"], actor=clerk)


def test_each_step_files_its_paper_once_with_its_hash(receive: Callable[..., Petition], clerk: User,
                                                      leader: User, town_a: Area, town_b: Area) -> None:
    petition = receive(DAY, petitioner={"name": NAME, "phone": PHONE, "id_number": ID_NUMBER})
    with clock.frozen(at(_d(2), 10)):
        services.petition_accept(petition, actor=clerk, on=_d(1))
        services.petition_assign(petition, area=town_a, due=_d(17), instruction="请核实", actor=clerk)
        services.petition_assign(petition, area=town_b, due=_d(17), instruction="请核实", actor=clerk)
    with clock.frozen(at(_d(50), 10)):
        services.petition_extend(petition, days=30, reason="需要调取多年发放记录", actor=leader)
    with clock.frozen(at(_d(60), 10)):
        _opinion(petition, clerk)
        reply = services.petition_send_reply(petition, text="见处理意见书", channel="visit", on=_d(60), actor=clerk)
        services.reply_mark_received(reply, on=_d(60), actor=clerk)
    with clock.frozen(at(_d(70), 10)):
        services.petition_request_review(petition, on=_d(70), request="认为补发金额计算有误，请求复查。", actor=clerk)
        _opinion(petition, clerk, outcome="explain", keys=["petition-work-reg-2022/art-35"])
        reply = services.petition_send_reply(petition, text="见复查意见书", channel="visit", on=_d(70), actor=clerk)
        services.reply_mark_received(reply, on=_d(70), actor=clerk)
        services.petition_request_review(petition, on=_d(70), request="仍不服，请求复核。", actor=clerk,
                                         re_review=True)
        _opinion(petition, clerk, outcome="not_support", keys=["petition-work-reg-2022/art-36"])
    kinds = sorted(petition.case.documents.values_list("kind", flat=True))
    assert kinds == sorted(["acceptance_notice", "assignment_sheet", "assignment_sheet", "extension_notice",
                            "opinion", "review_opinion", "re_review_opinion"])
    for doc in petition.case.documents.all():
        assert doc.origin == "generated" and doc.content_type == "application/pdf"
        assert doc.sha256 == hashlib.sha256(read(doc)).hexdigest()
        assert doc.doc_number.endswith("号") and petition.case.number[-5:] in doc.doc_number
        assert petition.case.events.filter(kind="document_generated", data__document_id=doc.pk).count() == 1

    acceptance = text_of(the(petition, "acceptance_notice"))
    assert "信访事项受理告知书" in acceptance and f"{NAME}：" in acceptance
    assert "2026年3月2日以来访形式" in acceptance and "决定予以受理" in acceptance
    assert "60日内办结（至迟于2026年5月6日）" in acceptance and "信访处理意见书" in acceptance
    assert "太仓市卫生健康委员会（印章）" in acceptance and "2026年3月3日" in acceptance
    assert "《信访工作条例》第23条（告知受理）" in acceptance and "petition-work-reg" not in acceptance

    extension = text_of(the(petition, "extension_notice"))
    assert "信访事项延期办理告知书" in extension and f"{NAME}：" in extension
    assert "已于2026年3月3日受理" in extension
    assert "因需要调取多年发放记录" in extension and "经本机关负责人批准，办理期限延长30日，至2026年6月1日" in extension
    assert "《信访工作条例》第34条" in extension

    opinion = text_of(the(petition, "opinion"))
    assert "信访处理意见书" in opinion and f"{NAME}：" in opinion
    parts = [opinion.index(h) for h in ("一、信访诉求。", "二、事实和理由。", "三、处理意见及依据。")]
    assert parts == sorted(parts)
    assert "请求核实补发" in opinion[parts[0]:parts[1]]
    assert "情况属实" in opinion[parts[1]:parts[2]] and "应当补发" in opinion[parts[1]:parts[2]]
    assert "三、处理意见及依据。依照《信访工作条例》第32条（处理意见书）的规定，本机关对您的诉求予以支持。" in opinion
    assert "自收到本信访处理意见书之日起30日内" in opinion and "请求复查" in opinion
    assert "2026年5月1日" in opinion  # signed on the opinion's date

    review = text_of(the(petition, "review_opinion"))
    assert "信访事项复查意见书" in review and "一、复查请求。认为补发金额计算有误" in review
    assert "三、复查意见及依据。" in review and "作出解释说明" in review and "请求复核" in review
    re_review = text_of(the(petition, "re_review_opinion"))
    assert "信访事项复核意见书" in re_review and "仍不服，请求复核" in re_review and "不予支持" in re_review
    assert "终结意见" in re_review and "信访部门和其他机关、单位不再受理" in re_review
    assert "请求复查" not in re_review


@pytest.mark.parametrize(("received", "regulation", "other", "acceptance", "opinion_title", "opinion_basis"), [
    (dt.date(2022, 4, 28), "《信访条例》", "《信访工作条例》", "《信访条例》第22条（直接受理）", "信访事项书面答复意见",
     "《信访条例》第32条（处理意见）"),
    (dt.date(2022, 5, 2), "《信访工作条例》", "《信访条例》第", "《信访工作条例》第23条（告知受理）", "信访处理意见书",
     "《信访工作条例》第32条（处理意见书）"),
])
def test_the_papers_cite_the_regulation_of_the_receipt_date(
        receive: Callable[..., Petition], clerk: User, received: dt.date, regulation: str, other: str,
        acceptance: str, opinion_title: str, opinion_basis: str) -> None:
    petition = receive(received)
    with clock.frozen(at(dt.date(2022, 5, 6), 10)):  # both accepted under the 2022 text: the receipt date governs
        services.petition_accept(petition, actor=clerk, on=dt.date(2022, 5, 5))
        _opinion(petition, clerk, on=dt.date(2022, 5, 6))
    notice = text_of(the(petition, "acceptance_notice"))
    assert acceptance in notice and f"依照{regulation}的规定" in notice and other not in notice
    paper = text_of(the(petition, "opinion"))
    assert paper.count(opinion_title) >= 1 and f"依据：{opinion_basis}" in paper
    if received < dt.date(2022, 5, 1):
        assert "现书面答复如下" in paper and "上一级行政机关请求复查" in paper and "信访处理意见书" not in paper
        assert "并将处理意见书面答复您" in notice
    else:
        assert "现出具信访处理意见书如下" in paper and "上一级机关请求复查" in paper
    assert "petition-" not in paper and "petition-" not in notice


def test_routing_notices_name_the_body_and_the_procedure(receive: Callable[..., Petition], clerk: User) -> None:
    referred, channelled = receive(DAY), receive(dt.date(2022, 4, 28))
    with clock.frozen(at(_d(3), 10)):
        services.petition_refer(referred, body="太仓市人力资源和社会保障局", actor=clerk)
        services.petition_channel(channelled, procedure="行政复议", body="太仓市人民政府", actor=clerk,
                                  on=dt.date(2022, 4, 29))
    referral = text_of(the(referred, "referral_notice"))
    assert "信访事项转送告知书" in referral and "不属于本机关职责范围" in referral
    assert "已将该信访事项转送太仓市人力资源和社会保障局" in referral and "《信访工作条例》第22条" in referral
    channel = text_of(the(channelled, "channel_notice"))
    assert "属于应当通过行政复议解决的事项" in channel and "向太仓市人民政府提出" in channel
    assert "《信访条例》第21条第1款" in channel and "《信访工作条例》" not in channel
    assert "太仓市卫生健康委员会（印章）2022年4月29日" in channel
    assert referred.case.documents.count() == 1 and channelled.case.documents.count() == 1


def test_a_repeat_after_re_review_is_refused_in_writing(receive: Callable[..., Petition], clerk: User) -> None:
    first = receive(DAY)
    with clock.frozen(at(_d(1), 10)):
        services.petition_accept(first, actor=clerk)
        _opinion(first, clerk)
        reply = services.petition_send_reply(first, text="答复", channel="visit", on=_d(1), actor=clerk)
        services.reply_mark_received(reply, on=_d(1), actor=clerk)
        services.petition_request_review(first, on=_d(1), request="复查", actor=clerk)
        _opinion(first, clerk, keys=["petition-work-reg-2022/art-35"])
        reply = services.petition_send_reply(first, text="复查答复", channel="visit", on=_d(1), actor=clerk)
        services.reply_mark_received(reply, on=_d(1), actor=clerk)
        services.petition_request_review(first, on=_d(1), request="复核", actor=clerk, re_review=True)
        _opinion(first, clerk, keys=["petition-work-reg-2022/art-36"])
    again = receive(_d(5), repeat_of=first)
    with clock.frozen(at(_d(6), 10)):
        services.petition_refuse_repeat(again, actor=clerk)
    notice = text_of(the(again, "not_accepted_notice"))
    assert "信访事项不予受理告知书" in notice and first.case.number in notice
    assert "不再受理" in notice and "《信访工作条例》第36条" in notice


def test_the_assignment_sheet_masks_the_petitioner_and_withholds_them_from_the_unit_complained_about(
        receive: Callable[..., Petition], clerk: User, town_a: Area, town_b: Area) -> None:
    petition = receive(DAY, content=CONTENT, complained_area=town_a,
                       petitioner={"name": NAME, "phone": PHONE, "id_number": ID_NUMBER, "address": "城厢镇某路1号"})
    with clock.frozen(at(_d(2), 10)):
        services.petition_accept(petition, actor=clerk, on=_d(1))
        services.petition_assign(petition, area=town_a, due=_d(17), instruction=f"请约谈{NAME}核实", actor=clerk)
        services.petition_assign(petition, area=town_b, due=_d(17), instruction="请核实", actor=clerk)
    complained, other = (text_of(d) for d in docs(petition, "assignment_sheet"))
    assert "信访事项交办单" in complained and "城厢镇人民政府：" in complained
    assert "请求核实补发" in complained and "答复期限2026年3月19日" in complained
    for secret in (NAME, "王*", PHONE, "138", "1234", ID_NUMBER, "320585198", "某路1号"):
        assert secret not in complained, secret
    assert "信访人依规定不予提供（本件反映你单位）" in complained
    assert "身份证号××，电话××" in complained
    assert "《信访工作条例》第30条第3款" in complained
    assert "沙溪镇人民政府：" in other and "王**" in other and "138****0000" in other
    assert NAME not in other and PHONE not in other and ID_NUMBER not in other
    assert "依规定不予提供" not in other and "信访人王**，联系电话138****0000" in other


def test_an_assignment_to_a_town_whose_officer_is_complained_about_withholds_the_identity(
        receive: Callable[..., Petition], clerk: User, town_a: Area, officer_a: User) -> None:
    petition = receive(DAY, complained_user=officer_a)
    with clock.frozen(at(_d(2), 10)):
        services.petition_accept(petition, actor=clerk, on=_d(1))
        assignment = services.petition_assign(petition, area=town_a, due=_d(17), instruction="请核实", actor=clerk)
    assert documents.identity_withheld(petition, assignment)
    sheet = text_of(the(petition, "assignment_sheet"))
    assert "王小红" not in sheet and "王*" not in sheet and "13800000000" not in sheet


def test_typical_papers_are_one_page_with_the_seal_and_date_under_the_text(
        receive: Callable[..., Petition], clerk: User, town_a: Area) -> None:
    petition = receive(DAY)
    with clock.frozen(at(_d(2), 10)):
        services.petition_accept(petition, actor=clerk, on=_d(1))
        services.petition_assign(petition, area=town_a, due=_d(17), instruction="请核实", actor=clerk)
        _opinion(petition, clerk)
    for kind in ("acceptance_notice", "assignment_sheet", "opinion"):
        pages = [flat(p) for p in tools.pdf_pages(read(the(petition, kind)))]
        assert len(pages) == 1, kind
        seal = pages[0].index("太仓市卫生健康委员会（印章）2026年3月")
        assert seal > pages[0].index("。") and pages[0].index("依据：", seal) > seal


def test_accepting_through_the_engines_own_action_files_the_notice_once(receive: Callable[..., Petition],
                                                                        clerk: User) -> None:
    from jisheng.cases.services import case_transition

    petition = receive(DAY)
    with clock.frozen(at(_d(1), 10)):
        case_transition(petition.case, action="accept", actor=clerk)
    notice = the(petition, "acceptance_notice")
    assert notice.title == "信访事项受理告知书" and "2026年3月3日" in text_of(notice)


def test_a_long_opinion_keeps_its_opinion_remedy_and_seal_together_and_names_the_representatives(
        receive: Callable[..., Petition], clerk: User) -> None:
    petition = receive(DAY, representatives=[{"name": "李四"}, {"name": "赵六"}], group_size=12)
    line = "的奖励因户籍信息未同步而未按时发放，经与公安、民政部门数据比对，情况属实，涉及金额已核定。"
    facts = "\n".join(f"第{i}户{line}" for i in range(1, 9))
    with clock.frozen(at(_d(2), 10)):
        services.petition_accept(petition, actor=clerk, on=_d(1))
        services.petition_give_opinion(petition, outcome="support", facts=facts, reasons="应当补发。",
                                       provision_keys=["petition-work-reg-2022/art-32"], actor=clerk)
    pages = [flat(p) for p in tools.pdf_pages(read(the(petition, "opinion")))]
    assert len(pages) == 2
    assert pages[0].startswith("太仓市卫生健康委员会") and "王小红、李四、赵六：" in pages[0]
    assert "第8户" in "".join(pages) and "三、处理意见及依据" not in pages[0]
    last = pages[1]
    seal = last.index("太仓市卫生健康委员会（印章）2026年3月4日")
    assert last.index("三、处理意见及依据。") < last.index("请求复查") < seal
