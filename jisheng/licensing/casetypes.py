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

from jisheng.cases import types
from jisheng.cases.types import CaseType, ClockRule, MaterialSpec
from jisheng.cases.workflows import APPRAISAL, CERTIFICATE, HANDOFF, LICENSING

from . import rules


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


def birth_approval_basis(case: Any) -> list[str]:
    """Provision keys the facts meet on the application date (proposed for the decision)."""
    try:
        return list(rules.evaluate(case.facts, case.application_date).provisions)
    except Exception:
        return []


def birth_approval_assessment(case: Any) -> dict[str, Any] | None:
    """The self-check's view of the case facts on the application date (same code path as the portal)."""
    from .guidance import self_check

    try:
        return self_check(case.facts, case.application_date)
    except Exception:
        return None


def remedies_on(on: dt.date) -> list[str]:
    """The reconsideration and litigation rights told with a refusal on ``on`` (行政许可法 Art. 38),
    with the periods of the law parameters ``reconsideration.application`` and ``litigation.direct_suit``
    in force that day (their provision keys are recorded with the decision event, not printed)."""
    from jisheng.law.parameters import parameter_value

    lines = []
    try:
        rec = parameter_value("reconsideration.application", on)
        lines.append(str(_("如不服本决定，可以自收到本决定书之日起%(n)s%(u)s内依法申请行政复议。"))
                     % {"n": rec.value, "u": rec.unit_label})
    except Exception:  # noqa: S110 - a missing parameter leaves the line out; the check below refuses empty
        pass
    try:
        lit = parameter_value("litigation.direct_suit", on)
        lines.append(str(_("也可以自收到本决定书之日起%(n)s%(u)s内直接向人民法院提起行政诉讼。"))
                     % {"n": lit.value, "u": lit.unit_label})
    except Exception:  # noqa: S110
        pass
    return lines


def _after_action(case: Any, action: str, actor: Any) -> None:
    from . import documents

    documents.generate_for_action(case, action, actor)


BIRTH_APPROVAL = CaseType(
    key="birth_approval",
    label=_("再生育审批"),
    workflow=LICENSING,
    number_prefix="ZS",
    clock_rules=(
        ClockRule("supplement_notice", _("一次性告知补正"), start_on="create",
                  stop_on=frozenset({"request_supplement", "accept", "refuse_acceptance", "withdraw"}),
                  parameter="birth_approval.supplement_notice", basis="sz-birth-approval-procedure/art-2"),
        ClockRule("town_opinion", _("镇（街道）审核意见"), start_on="accept",
                  stop_on=frozenset({"give_town_opinion", "withdraw"}),
                  parameter="birth_approval.town_opinion", basis="sz-birth-approval-procedure/art-3"),
        ClockRule("decision", _("县级审批决定"), start_on="give_town_opinion", stop_on=frozenset({"grant", "refuse"}),
                  parameter="birth_approval.decision", basis="sz-birth-approval-procedure/art-4"),
        ClockRule("publication", _("准予决定公开"), start_on="grant", stop_on=frozenset(),
                  parameter="licensing.publication", amount=7, basis="three-systems-opinion-2018/art-2/item-1"),
    ),
    materials=birth_approval_materials,
    document_kinds={"acceptance_receipt": _("受理通知书"), "supplement_notice": _("补正材料一次性告知书"),
                    "decision": _("决定书"), "certificate": _("生育证")},
    remedies=remedies_on,
    decision_basis=birth_approval_basis,
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


DISABILITY_APPRAISAL = CaseType(
    key="disability_appraisal", label=_("病残儿医学鉴定"), workflow=APPRAISAL, number_prefix="JD",
    clock_rules=(
        ClockRule("objection", _("对鉴定结论提出异议"), start_on="record_conclusion",
                  stop_on=frozenset({"object", "accept_conclusion"}), unit="months", amount=1,
                  basis="disabled-child-appraisal-measures-2002/objection"),
    ),
    materials=_simple_materials("《病残儿医学鉴定表》", "患儿出生医学证明", "病史资料", "父母与患儿合影"),
    after_action=_appraisal_after,
    payload_actions=frozenset({"schedule_session", "record_conclusion", "record_final_conclusion"}),
    panel_template="licensing/appraisal_panel.html",
)

ONLY_CHILD_CERTIFICATE = CaseType(
    key="only_child_certificate", label=_("独生子女父母光荣证"), workflow=CERTIFICATE, number_prefix="GR",
    materials=_simple_materials("夫妻双方居民身份证", "结婚证", "子女出生医学证明", "户口簿"),
    after_action=_after_action,
)

FLOATING_CERTIFICATE = CaseType(
    key="floating_certificate", label=_("流动人口婚育证明"), workflow=CERTIFICATE, number_prefix="LD",
    materials=_simple_materials("居民身份证", "结婚证（已婚者）"),
    after_action=_after_action,
)

REWARD_APPLICATION = CaseType(
    key="reward_application", label=_("奖励扶助金申请"), workflow=HANDOFF, number_prefix="JL",
    materials=_simple_materials("居民身份证", "户口簿", "独生子女父母光荣证或相关证明"),
)


def register_all() -> None:
    """Register every licensing case type with the case engine."""
    for t in (BIRTH_APPROVAL, DISABILITY_APPRAISAL, ONLY_CHILD_CERTIFICATE, FLOATING_CERTIFICATE,
              REWARD_APPLICATION):
        types.register(t)
