"""The petition workflow as data (信访; legal-facts §4.6): ``(status, action) -> status`` with guards.

Capabilities are relative to the ``petitions`` namespace. Routing (accept / refer / channel / refuse_repeat)
within 15 days of receipt; the handling opinion (support / explain / not support) through ``case_decide`` for the
first round; the reply to the petitioner; review (复查) and re-review (复核) on request, each answered by an
opinion and replied again; close. A closed case can still take a review request inside its window (the window is
checked by :func:`jisheng.petitions.services.petition_request_review`, the guards here check what the case file
holds). A dissatisfied follow-up never moves the status.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jisheng.cases.workflows import GuardContext, Transition, Workflow


def is_repeat_after_re_review(ctx: GuardContext) -> str | None:
    """``refuse_repeat`` only for a repeat of a petition that went through re-review on the same request
    (``petition-reg-2005/art-35``; ``petition-work-reg-2022/art-36``)."""
    if not ctx.extra.get("repeat_after_re_review"):
        return str(_("只有经复核后以同一事实和理由再次提出的信访事项才能不予受理"))
    return None


def reply_received(ctx: GuardContext) -> str | None:
    """A replied petition closes once the day the petitioner received the reply is recorded."""
    if ctx.extra.get("reply_pending_receipt"):
        return str(_("答复尚未登记信访人收到日期，不能办结"))
    return None


def review_possible(ctx: GuardContext) -> str | None:
    """A review needs an answered first round and no review yet."""
    if ctx.extra.get("reviewed"):
        return str(_("已经复查，不能再次请求复查"))
    if not ctx.extra.get("original_received"):
        return str(_("处理意见尚未送达信访人，不能请求复查"))
    return None


def re_review_possible(ctx: GuardContext) -> str | None:
    """A re-review needs a replied review and no re-review yet; after it the matter is final."""
    if ctx.extra.get("re_reviewed"):
        return str(_("同一事实和理由已经复核，不再受理"))
    if not ctx.extra.get("review_received"):
        return str(_("复查意见尚未送达信访人，不能请求复核"))
    return None


PETITION = Workflow(
    key="petition",
    statuses={
        "registered": _("已登记"),
        "accepted": _("已受理"),
        "referred": _("已转送有权处理机关"),
        "channelled": _("已告知依法定途径解决"),
        "not_accepted": _("不予受理（重复信访）"),
        "answered": _("已出具处理意见"),
        "replied": _("已答复"),
        "review": _("复查中"),
        "review_answered": _("已出具复查意见"),
        "re_review": _("复核中"),
        "re_review_answered": _("已出具复核意见（终结）"),
        "closed": _("已办结"),
    },
    actions={
        "accept": _("受理"),
        "refer": _("转送有权处理机关"),
        "channel": _("告知依法定途径解决"),
        "refuse_repeat": _("不予受理（重复信访）"),
        "support": _("处理意见：支持"),
        "explain": _("处理意见：解释说明"),
        "not_support": _("处理意见：不予支持"),
        "reply": _("答复信访人"),
        "request_review": _("请求复查"),
        "give_review_opinion": _("出具复查意见"),
        "request_re_review": _("请求复核"),
        "give_re_review_opinion": _("出具复核意见"),
        "close": _("办结"),
    },
    initial="registered",
    transitions=(
        Transition("registered", "accept", "accepted", "change"),
        Transition("registered", "refer", "referred", "change"),
        Transition("registered", "channel", "channelled", "change"),
        Transition("registered", "refuse_repeat", "not_accepted", "change", (is_repeat_after_re_review,)),
        Transition("accepted", "support", "answered", "decide"),
        Transition("accepted", "explain", "answered", "decide"),
        Transition("accepted", "not_support", "answered", "decide"),
        Transition("answered", "reply", "replied", "change"),
        Transition("review_answered", "reply", "replied", "change"),
        Transition("re_review_answered", "reply", "replied", "change"),
        Transition("replied", "request_review", "review", "change", (review_possible,)),
        Transition("closed", "request_review", "review", "change", (review_possible,)),
        Transition("review", "give_review_opinion", "review_answered", "decide"),
        Transition("replied", "request_re_review", "re_review", "change", (re_review_possible,)),
        Transition("closed", "request_re_review", "re_review", "change", (re_review_possible,)),
        Transition("re_review", "give_re_review_opinion", "re_review_answered", "decide"),
        Transition("replied", "close", "closed", "change", (reply_received,)),
        Transition("referred", "close", "closed", "change"),
        Transition("channelled", "close", "closed", "change"),
        Transition("not_accepted", "close", "closed", "change"),
    ),
    terminal=frozenset(),
)

#: The actions that route a registered petition (stop the acceptance clock).
ROUTING_ACTIONS = frozenset({"accept", "refer", "channel", "refuse_repeat"})
#: The first-round opinion actions (taken through ``case_decide``).
OPINION_ACTIONS = frozenset({"support", "explain", "not_support"})
