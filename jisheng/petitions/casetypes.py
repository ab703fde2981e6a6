"""The petition (信访) case type on the case engine (registered in ``PetitionsConfig.ready``).

Clocks (calendar days, lengths and cited provisions from the dated law parameters ``petition.*`` in force on the
receipt date — the regulation of the receipt date governs the whole petition, ``CaseType.law_date``):
whether accepted (15 days from receipt), conclusion (60 days from acceptance, one extension of at most 30 approved
by the head), each assigned unit's answer (per assignment, the length the clerk chose), review and re-review
(30 days each from the request). Reminders at 7, 3, 1 and 0 days before a (possibly extended) due date.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jisheng.cases import types
from jisheng.cases.types import CaseType, ClockRule, Outcome, Party, RecordKind

from . import rules
from .workflows import PETITION

#: The opinion's papers, the written notices of routing and extension, and forum screenshots.
DOCUMENT_KINDS = {
    "opinion": _("信访处理意见书"),
    "review_opinion": _("复查意见书"),
    "re_review_opinion": _("复核意见书"),
    "acceptance_notice": _("受理告知书"),
    "referral_notice": _("转送告知书"),
    "channel_notice": _("告知书（依法定途径解决）"),
    "not_accepted_notice": _("不予受理告知书"),
    "extension_notice": _("延期办理告知书"),
    "assignment_sheet": _("交办单"),
    "forum_screenshot": _("论坛帖子截图"),
}

RECORDS = (
    RecordKind("unit_response", _("承办单位答复"), capability="respond", phase="any", needs_text=True),
    RecordKind("notice", _("书面告知"), capability="change", phase="any", needs_text=True),
    RecordKind("extension_notice", _("延期告知"), capability="approve_extension", phase="any", needs_text=True),
)


def after_action(case: Any, action: str, actor: Any) -> None:
    """File the paper a workflow step produces inside its transaction: ``accept`` → the acceptance notice
    (:func:`jisheng.petitions.documents.generate_for_action`; the other papers are filed by their services)."""
    from . import documents

    documents.generate_for_action(case, action, actor)


def forum_materials(facts: dict[str, Any], as_of: Any) -> list[types.MaterialSpec]:
    """The case file's checklist: a forum post's screenshot (optional) for a petition logged from a web forum
    (``facts["channel"] == "forum"``); nothing for the other channels."""
    if facts.get("channel") != "forum":
        return []
    return [types.MaterialSpec("forum_screenshot", str(DOCUMENT_KINDS["forum_screenshot"]), required=False)]


def scope_exclude(user: Any) -> Q:
    """Petitions complaining about ``user`` by name: never reached by that officer (``petition-reg-2005/art-23``;
    ``petition-work-reg-2022/art-30/para-3``)."""
    return Q(petition__complained_user_id=getattr(user, "pk", None))


def guard_facts(case: Any) -> dict[str, Any]:
    """What the petition workflow's guards read: replies received, reviews taken, repeat after re-review."""
    from .models import Petition

    petition = Petition.objects.filter(case=case).select_related("repeat_of__case").first()
    if petition is None:
        return {}
    replies = {r.round: r for r in petition.replies.all()}
    steps = set(case.steps.values_list("action", flat=True))
    last_round = _last_round(steps)
    last_reply = replies.get(last_round)
    root = petition.repeat_of
    return {
        "repeat_after_re_review": bool(root is not None and root.case.steps.filter(
            action="give_re_review_opinion").exists()),
        "reply_pending_receipt": bool(last_reply is None or last_reply.received_on is None),
        "original_received": bool(replies.get("original") and replies["original"].received_on),
        "review_received": bool(replies.get("review") and replies["review"].received_on),
        "reviewed": "request_review" in steps,
        "re_reviewed": "request_re_review" in steps,
    }


def _last_round(actions: set[str]) -> str:
    if "give_re_review_opinion" in actions:
        return "re_review"
    if "give_review_opinion" in actions:
        return "review"
    return "original"


def receipt_date(case: Any) -> Any:
    """The receipt date: the regulation in force that day governs every clock of the petition (lengths and
    the provisions cited), also when a step falls under the next text."""
    return case.application_date


def opinion_basis(case: Any) -> list[str]:
    """The opinion provision proposed for the decision: the regime's opinion article."""
    petition = getattr(case, "petition", None)
    return [rules.provision(petition.regime, "opinion")] if petition is not None else []


PETITION_TYPE = CaseType(
    key="petition",
    label=_("信访事项"),
    module="petitions",
    module_label=_("信访"),
    capability_ns="petitions",
    workflow=PETITION,
    number_prefix="XF",
    parties=(Party("petitioner", _("信访人"), registry=False, required=True),
             Party("representative", _("信访代表"), registry=False, many=True)),
    outcomes=(Outcome("support", _("支持"), "support", favourable=True),
              Outcome("explain", _("解释说明"), "explain", favourable=None),
              Outcome("not_support", _("不予支持"), "not_support", favourable=False)),
    clock_rules=(
        ClockRule("acceptance", _("告知是否受理"), starts_on="received", unit="calendar",
                  stop_on=frozenset({"action:accept", "action:refer", "action:channel", "action:refuse_repeat"}),
                  parameter="petition.acceptance_notice"),
        ClockRule("conclusion", _("办结"), starts_on="action:accept", unit="calendar",
                  stop_on=frozenset({"action:support", "action:explain", "action:not_support"}),
                  parameter="petition.conclusion",
                  extension_parameter="petition.conclusion_extension"),
        ClockRule("unit_response", _("承办单位答复"), starts_on="action:accept", unit="calendar", per_instance=True,
                  stop_on=frozenset({"record:unit_response"}), parameter="petition.conclusion"),
        ClockRule("review", _("复查"), starts_on="action:request_review", unit="calendar",
                  stop_on=frozenset({"action:give_review_opinion"}), parameter="petition.review"),
        ClockRule("re_review", _("复核"), starts_on="action:request_re_review", unit="calendar",
                  stop_on=frozenset({"action:give_re_review_opinion"}), parameter="petition.re_review"),
    ),
    records=RECORDS,
    materials=forum_materials,
    document_kinds=dict(DOCUMENT_KINDS),
    decision_basis=opinion_basis,
    after_action=after_action,
    guard_facts=guard_facts,
    payload_actions=frozenset({"accept", "reply", "request_review", "request_re_review", "give_review_opinion",
                               "give_re_review_opinion", "refer", "channel", "refuse_repeat"}),
    steps_in_panel=True,
    panel_template="petitions/panel.html",
    reminder_days=(7, 3, 1, 0),
    scope_exclude=scope_exclude,
    law_date=receipt_date,
)


def register_all() -> None:
    """Register the petition case type with the case engine."""
    types.register(PETITION_TYPE)


def cited_keys() -> list[tuple[str, str]]:
    """Every provision key petitions' code cites (``rules.PROVISIONS``), for the start-up check ``law.E004``."""
    return [(key, f"petitions/rules.py PROVISIONS[{regime!r}][{step!r}]")
            for regime, steps in rules.PROVISIONS.items() for step, key in steps.items()]
