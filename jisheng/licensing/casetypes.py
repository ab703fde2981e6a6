"""The licensing procedures as case types on the case engine (registered in ``LicensingConfig.ready``).

Birth approval (再生育审批, Suzhou procedure, legal-facts §2.1): the town of the wife's hukou receives;
missing materials are told once in writing within 3 working days; the town gives its opinion within
7 working days of complete materials; the county-level department decides within 15 working days.
Day counts come from the dated law parameters ``birth_approval.*`` in force on each clock's start date.
Granted decisions are queued for publication within the ``licensing.publication`` limit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.utils.translation import gettext_lazy as _

from jisheng.cases import review, types
from jisheng.cases.review import CONTENT, FORM, VETO, ReviewItem
from jisheng.cases.types import CaseType, ClockRule, MaterialSpec, Outcome, Party, RecordKind, RuleVerdict

from . import rules
from .workflows import APPRAISAL, CERTIFICATE, HANDOFF, LICENSING


def _licensing(**fields: Any) -> CaseType:
    """A case type of the licensing module: its navigation entry and the ``licensing.*`` capabilities."""
    return CaseType(module="licensing", module_label=_("行政许可"), capability_ns="licensing", **fields)

COUPLE = (Party("wife", _("女方"), required=True), Party("husband", _("男方"), required=True),
          Party("applicant", _("申请人")), Party("child", _("子女")))
PARENTS_AND_CHILD = (Party("wife", _("女方"), required=True), Party("husband", _("男方"), required=True),
                     Party("child", _("患儿"), required=True), Party("applicant", _("申请人")))
#: Certificates and reward applications: one parent applies (女方, or 申请人 for a man), the spouse may join.
APPLICANTS = (Party("wife", _("女方")), Party("husband", _("男方")), Party("applicant", _("申请人")))
#: Excluding time (appraisal, hearing) and extending by the head's approval: the licensing law's articles in
#: force on each clock's start date (2003 text; 2019 amendment).
SUSPENSION_BASIS = "admin-licensing-law:art-45"
EXTENSION_BASIS = "admin-licensing-law:art-42/para-1"


def _key(name: str) -> str:
    return "m-" + hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:10]


def birth_approval_materials(facts: dict[str, Any], as_of: dt.date) -> list[MaterialSpec]:
    """The checklist: the materials of every provision the facts meet (or the common ones when none is met
    yet), each required. Materials shown as in the rules (self-check and leaflets use the same list)."""
    try:
        result = rules.evaluate(facts, as_of)
    except Exception:  # a rule version may be missing for odd dates: fall back to the common list
        result = None
    names = list(result.materials) if result and result.materials else list(rules.COMMON_MATERIALS_2002)
    basis = ",".join(result.provisions)[:128] if result else ""
    return [MaterialSpec(key=_key(n), name=n, required=True, basis=basis) for n in names]


def catalogue_key(rule_key: str) -> str:
    """The provision-catalogue key a rule's provision stands for: itself when the catalogue has the article;
    otherwise the text version it belongs to (the 2016 and 2021 Jiangsu texts, whose article numbers are not
    verified yet, are cited as a whole rather than under an invented number)."""
    from jisheng.law.provisions import provision_exists

    return rule_key if provision_exists(rule_key) else rule_key.split("/", 1)[0]


def birth_approval_basis(case: Any) -> list[str]:
    """Catalogue keys of the provisions the facts meet on the application date (proposed for the decision)."""
    try:
        keys = rules.evaluate(case.facts, case.application_date).provisions
    except Exception:
        return []
    return list(dict.fromkeys(catalogue_key(k) for k in keys))


def birth_approval_rule_check(case: Any, on: dt.date) -> RuleVerdict | None:
    """The rule's verdict on the case facts, judged by the law in force on the application date (the date
    whose law applies to an application); None when the facts cannot be judged."""
    try:
        result = rules.evaluate(case.facts, case.application_date)
    except Exception:
        return None
    summary = ("符合：" + "、".join(result.provisions) if result.eligible
               else "事实不全：" + "、".join(result.missing) if result.eligible is None
               else "不符合任何再生育情形")
    return RuleVerdict(eligible=result.eligible, provisions=tuple(result.provisions), summary=summary[:200])


def birth_approval_assessment(case: Any) -> dict[str, Any] | None:
    """The self-check's view of the case facts on the application date (same code path as the portal), for the
    receiving town of the case (the wife's hukou town, :func:`.services.receiving_town_for`): its bodies are named
    from the case's own area rather than from every town of the municipality."""
    from .guidance import self_check

    try:
        return self_check(case.facts, case.application_date, town=case.area)
    except Exception:
        return None


def remedies_for(case: Any, on: dt.date) -> list[str]:
    """The remedies told with an unfavourable decision on ``case`` on ``on``: the engine's dated remedies
    (reconsideration body and court named from the case's area, periods in force that day; docs/adr/0045)."""
    from jisheng.cases.remedies import remedies_on

    return remedies_on(case.area, on)


def _after_action(case: Any, action: str, actor: Any) -> None:
    from . import documents

    documents.generate_for_action(case, action, actor)


def _after_issue(case: Any, action: str, actor: Any) -> None:
    """Certificates: the certificate is printed when issued (a refusal to issue prints nothing here)."""
    if action == "issue":
        _after_action(case, action, actor)


def _granted(case: Any) -> bool:
    return getattr(getattr(case, "decision", None), "outcome", "") == "granted"


#: Case-file review (案卷评查) of a birth-approval file (legal-facts §8.1): veto items, form (20), content (80).
BIRTH_APPROVAL_CHECKLIST: tuple[ReviewItem, ...] = (
    ReviewItem("V1", VETO, 0, "引用法律依据正确（条款在决定之日有效）", review.basis_cited),
    ReviewItem("V2", VETO, 0, "决定主体合法（有审批权限）", review.decider_competent),
    ReviewItem("V3", VETO, 0, "特殊案件附三项记录", review.three_records),
    ReviewItem("V4", VETO, 0, "重大决定经法制审核同意", review.legal_review_agreed),
    ReviewItem("V5", VETO, 0, "与规则校验不一致的决定写明理由", review.decision_follows_rules),
    ReviewItem("F1", FORM, 5, "受理通知书入卷", review.doc_present("acceptance_receipt", "受理通知书",
                                                          review.was("accept"))),
    ReviewItem("F2", FORM, 5, "补正告知书入卷", review.doc_present("supplement_notice", "补正告知书",
                                                          review.was("request_supplement"))),
    ReviewItem("F3", FORM, 5, "决定书入卷", review.doc_present("decision", "决定书", review.decided())),
    ReviewItem("F4", FORM, 5, "准予的发证入卷", review.doc_present("certificate", "生育证", _granted)),
    ReviewItem("C1", CONTENT, 10, "3个工作日内一次性告知补正", review.clock_met("supplement_notice", "一次性告知")),
    ReviewItem("C2", CONTENT, 15, "镇（街道）按期出具审核意见", review.clock_met("town_opinion", "镇级审核")),
    ReviewItem("C3", CONTENT, 15, "按期作出审批决定", review.clock_met("decision", "审批决定")),
    ReviewItem("C4", CONTENT, 10, "决定写明理由", review.reasons_given),
    ReviewItem("C5", CONTENT, 10, "不予决定告知复议、诉讼权利和期限", review.remedies_told),
    ReviewItem("C6", CONTENT, 10, "受理时材料齐全", review.materials_at_acceptance),
    ReviewItem("C7", CONTENT, 10, "准予决定按期公开", review.clock_met("publication", "决定公开")),
)
PUBLICATION = RecordKind("publication", _("决定公开"), capability="publish", phase="decided", needs_text=True,
                         basis="three-systems-opinion-2018/art-2/item-1")

BIRTH_APPROVAL = _licensing(
    key="birth_approval",
    label=_("再生育审批"),
    workflow=LICENSING,
    number_prefix="ZS",
    parties=COUPLE,
    outcomes=(Outcome("granted", _("准予再生育"), "grant", favourable=True),
              Outcome("refused", _("不予批准"), "refuse", favourable=False, tells_remedies=True)),
    clock_rules=(
        ClockRule("supplement_notice", _("一次性告知补正"), starts_on="received",
                  stop_on=frozenset({"action:request_supplement", "action:accept", "action:refuse_acceptance",
                                     "action:withdraw"}),
                  parameter="birth_approval.supplement_notice", basis="sz-birth-approval-procedure-2013/art-2"),
        ClockRule("town_opinion", _("镇（街道）审核意见"), starts_on="action:accept",
                  stop_on=frozenset({"action:give_town_opinion", "action:withdraw"}),
                  parameter="birth_approval.town_opinion", basis="sz-birth-approval-procedure-2013/art-3",
                  suspension_basis=SUSPENSION_BASIS),
        ClockRule("decision", _("县级审批决定"), starts_on="action:give_town_opinion",
                  stop_on=frozenset({"action:grant", "action:refuse"}), parameter="birth_approval.decision",
                  basis="sz-birth-approval-procedure-2013/art-4", suspension_basis=SUSPENSION_BASIS,
                  extension_parameter="licensing.decision_extension", extension_basis=EXTENSION_BASIS),
        ClockRule("publication", _("准予决定公开"), starts_on="action:grant", stop_on=frozenset({"record:publication"}),
                  parameter="licensing.publication", amount=7, basis="three-systems-opinion-2018/art-2/item-1"),
    ),
    records=(PUBLICATION,),
    checklist=BIRTH_APPROVAL_CHECKLIST,
    materials=birth_approval_materials,
    document_kinds={"acceptance_receipt": _("受理通知书"), "supplement_notice": _("补正材料一次性告知书"),
                    "decision": _("决定书"), "certificate": _("生育证"), "legal_review_opinion": _("法制审核意见书")},
    remedies=remedies_for,
    decision_basis=birth_approval_basis,
    rule_check=birth_approval_rule_check,
    assessment=birth_approval_assessment,
    after_action=_after_action,
)


def _simple_materials(*names: str) -> Any:
    def build(facts: dict[str, Any], as_of: dt.date) -> list[MaterialSpec]:
        return [MaterialSpec(key=_key(n), name=n) for n in names]
    return build


def _appraisal_after(case: Any, action: str, actor: Any) -> None:
    from .procedures import appraisal_after_action

    appraisal_after_action(case, action, actor)


DISABILITY_APPRAISAL = _licensing(
    key="disability_appraisal", label=_("病残儿医学鉴定"), workflow=APPRAISAL, number_prefix="JD",
    parties=PARENTS_AND_CHILD,
    clock_rules=(
        # 《病残儿医学鉴定管理办法》 (2002): one month to object; the measures are not in the provision catalogue
        # yet (legal-facts §2.4), so the clock cites no key.
        ClockRule("objection", _("对鉴定结论提出异议"), starts_on="action:record_conclusion",
                  stop_on=frozenset({"action:object", "action:accept_conclusion"}), unit="months", amount=1),
    ),
    materials=_simple_materials("《病残儿医学鉴定表》", "患儿出生医学证明", "病史资料", "父母与患儿合影"),
    after_action=_appraisal_after,
    payload_actions=frozenset({"schedule_session", "record_conclusion", "record_final_conclusion"}),
    panel_template="licensing/appraisal_panel.html",
)

ONLY_CHILD_CERTIFICATE = _licensing(
    key="only_child_certificate", label=_("独生子女父母光荣证"), workflow=CERTIFICATE, number_prefix="GR",
    parties=APPLICANTS,
    materials=_simple_materials("夫妻双方居民身份证", "结婚证", "子女出生医学证明", "户口簿"),
    after_action=_after_issue,
)

FLOATING_CERTIFICATE = _licensing(
    key="floating_certificate", label=_("流动人口婚育证明"), workflow=CERTIFICATE, number_prefix="LD",
    parties=(Party("wife", _("女方"), required=True), Party("husband", _("男方"))),
    materials=_simple_materials("居民身份证", "结婚证（已婚者）"),
    after_action=_after_issue,
)

REWARD_APPLICATION = _licensing(
    key="reward_application", label=_("奖励扶助金申请"), workflow=HANDOFF, number_prefix="JL",
    parties=APPLICANTS,
    materials=_simple_materials("居民身份证", "户口簿", "独生子女父母光荣证或相关证明"),
)


ALL = (BIRTH_APPROVAL, DISABILITY_APPRAISAL, ONLY_CHILD_CERTIFICATE, FLOATING_CERTIFICATE, REWARD_APPLICATION)


def register_all() -> None:
    """Register every licensing case type with the case engine."""
    for t in ALL:
        types.register(t)


def cited_keys() -> list[tuple[str, str]]:
    """Every provision key licensing's code and data cite — the rule's provisions as the catalogue knows them
    (:func:`catalogue_key`) — for the start-up check ``law.E004``."""
    return [(catalogue_key(key), f"licensing/rules.py PROVISIONS[{key!r}]") for key in rules.PROVISIONS]


__all__ = ["ALL", "BIRTH_APPROVAL", "catalogue_key", "cited_keys", "register_all"]
