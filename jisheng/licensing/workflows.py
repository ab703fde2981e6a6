"""The licensing procedures' workflows as data (行政许可法; legal-facts §2): ``(status, action) -> status``.

Capabilities are relative to the case type's namespace (``licensing``): ``change`` = ``licensing.change``.
The engine (:mod:`jisheng.cases`) knows none of these names; it reads them through the case types.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jisheng.cases.workflows import (
    Guard,
    Transition,
    Workflow,
    legal_review_not_required,
    legal_review_required,
    materials_complete,
    materials_incomplete,
    no_running_clocks,
    special_records_attached,
    supplement_not_yet_notified,
)

# --- The licensing workflow (行政许可一般程序), used by birth approval -------------------------------

_DECIDE_GUARDS: tuple[Guard, ...] = (special_records_attached, legal_review_not_required)

LICENSING = Workflow(
    key="licensing",
    statuses={
        "received": _("已收件"),
        "supplement_requested": _("待补正"),
        "accepted": _("已受理"),
        "not_accepted": _("不予受理"),
        "town_reviewed": _("镇级已出具意见"),
        "legal_review": _("法制审核中"),
        "legal_reviewed": _("法制审核完毕"),
        "granted": _("准予许可"),
        "refused": _("不予许可"),
        "withdrawn": _("申请人撤回"),
        "closed": _("已结案归档"),
    },
    actions={
        "request_supplement": _("一次性告知补正"),
        "accept": _("受理"),
        "refuse_acceptance": _("不予受理"),
        "give_town_opinion": _("出具镇级审核意见"),
        "request_legal_review": _("提交法制审核"),
        "complete_legal_review": _("法制审核同意"),
        "return_legal_review": _("法制审核退回"),
        "grant": _("决定准予"),
        "refuse": _("决定不予许可"),
        "withdraw": _("撤回申请"),
        "close": _("结案归档"),
    },
    initial="received",
    transitions=(
        Transition("received", "request_supplement", "supplement_requested", "change",
                   (materials_incomplete, supplement_not_yet_notified)),
        Transition("received", "accept", "accepted", "change", (materials_complete,)),
        Transition("received", "refuse_acceptance", "not_accepted", "change"),
        Transition("received", "withdraw", "withdrawn", "change"),
        Transition("supplement_requested", "accept", "accepted", "change", (materials_complete,)),
        Transition("supplement_requested", "refuse_acceptance", "not_accepted", "change"),
        Transition("supplement_requested", "withdraw", "withdrawn", "change"),
        Transition("accepted", "give_town_opinion", "town_reviewed", "town_opinion"),
        Transition("accepted", "withdraw", "withdrawn", "change"),
        Transition("town_reviewed", "request_legal_review", "legal_review", "decide",
                   (legal_review_required,)),
        Transition("town_reviewed", "grant", "granted", "decide", _DECIDE_GUARDS),
        Transition("town_reviewed", "refuse", "refused", "decide", _DECIDE_GUARDS),
        Transition("legal_review", "complete_legal_review", "legal_reviewed", "legal_review"),
        Transition("legal_review", "return_legal_review", "town_reviewed", "legal_review"),
        Transition("legal_reviewed", "grant", "granted", "decide", (special_records_attached,)),
        Transition("legal_reviewed", "refuse", "refused", "decide", (special_records_attached,)),
        Transition("granted", "close", "closed", "decide", (no_running_clocks,)),
        Transition("refused", "close", "closed", "decide", (no_running_clocks,)),
        Transition("not_accepted", "close", "closed", "change"),
        Transition("withdrawn", "close", "closed", "change"),
    ),
    terminal=frozenset({"closed"}),
)

# --- Disabled-child medical appraisal (病残儿医学鉴定, 计划生育技术服务管理条例 Art. 12) ------------------

APPRAISAL = Workflow(
    key="appraisal",
    statuses={
        "received": _("已收件"),
        "county_reviewed": _("县级初审通过"),
        "scheduled": _("已排入市级鉴定会"),
        "concluded": _("市级鉴定结论已出"),
        "re_appraisal": _("省级再鉴定中"),
        "final": _("鉴定结论终局"),
        "refused": _("初审不通过"),
        "withdrawn": _("申请人撤回"),
    },
    actions={
        "county_review": _("县级初审通过"),
        "refuse": _("初审不通过"),
        "schedule_session": _("排入鉴定会"),
        "record_conclusion": _("登记市级鉴定结论"),
        "object": _("提出异议（申请再鉴定）"),
        "accept_conclusion": _("结论生效"),
        "record_final_conclusion": _("登记省级再鉴定结论"),
        "withdraw": _("撤回申请"),
    },
    initial="received",
    transitions=(
        Transition("received", "county_review", "county_reviewed", "decide"),
        Transition("received", "refuse", "refused", "decide"),
        Transition("received", "withdraw", "withdrawn", "change"),
        Transition("county_reviewed", "schedule_session", "scheduled", "decide"),
        Transition("county_reviewed", "withdraw", "withdrawn", "change"),
        Transition("scheduled", "record_conclusion", "concluded", "decide"),
        Transition("concluded", "object", "re_appraisal", "change"),
        Transition("concluded", "accept_conclusion", "final", "decide"),
        Transition("re_appraisal", "record_final_conclusion", "final", "decide"),
    ),
    terminal=frozenset({"final", "refused", "withdrawn"}),
)

# --- Certificates issued on application (光荣证, 婚育证明) -------------------------------------------

CERTIFICATE = Workflow(
    key="certificate",
    statuses={
        "received": _("已收件"),
        "supplement_requested": _("待补正"),
        "issued": _("已发证"),
        "refused": _("不予发证"),
        "cancelled": _("已注销"),
        "withdrawn": _("申请人撤回"),
    },
    actions={
        "request_supplement": _("一次性告知补正"),
        "issue": _("发证"),
        "refuse": _("不予发证"),
        "cancel": _("注销"),
        "withdraw": _("撤回申请"),
    },
    initial="received",
    transitions=(
        Transition("received", "request_supplement", "supplement_requested", "change",
                   (materials_incomplete, supplement_not_yet_notified)),
        Transition("received", "issue", "issued", "change", (materials_complete,)),
        Transition("received", "refuse", "refused", "change"),
        Transition("received", "withdraw", "withdrawn", "change"),
        Transition("supplement_requested", "issue", "issued", "change", (materials_complete,)),
        Transition("supplement_requested", "refuse", "refused", "change"),
        Transition("supplement_requested", "withdraw", "withdrawn", "change"),
        Transition("issued", "cancel", "cancelled", "change"),
    ),
    terminal=frozenset({"refused", "cancelled", "withdrawn"}),
)

# --- Hand-off to another module (奖励扶助申请 → benefits) ---------------------------------------------

HANDOFF = Workflow(
    key="handoff",
    statuses={
        "received": _("已收件"),
        "handed_off": _("已移交奖励扶助模块"),
        "withdrawn": _("申请人撤回"),
    },
    actions={"hand_off": _("移交"), "withdraw": _("撤回申请")},
    initial="received",
    transitions=(
        Transition("received", "hand_off", "handed_off", "change"),
        Transition("received", "withdraw", "withdrawn", "change"),
    ),
    terminal=frozenset({"handed_off", "withdrawn"}),
)

WORKFLOWS: dict[str, Workflow] = {w.key: w for w in (LICENSING, APPRAISAL, CERTIFICATE, HANDOFF)}
