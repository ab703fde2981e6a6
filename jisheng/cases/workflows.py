"""Case workflows as data: ``(status, action) -> status`` with guards. No side effects here.

Every procedure's case type names one :class:`Workflow`. A transition lists the capability the actor
needs and the guards that must pass. Guards are pure functions of a :class:`GuardContext` (a snapshot
of what the case record holds, built by :func:`jisheng.cases.selectors.case_guard_context`); each
returns ``None`` when it passes or a message saying why the action is refused.

The engine (:func:`jisheng.cases.services.case_transition`) looks the pair up in
:meth:`Workflow.transition`; a pair that is not in the table, or whose guard fails, raises
:class:`~jisheng.core.errors.TransitionNotAllowed` and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jisheng.core.errors import TransitionNotAllowed


@dataclass(frozen=True)
class GuardContext:
    """What the guards may look at: a read-only snapshot of one case.

    - ``materials_missing``: names of required materials not yet provided;
    - ``supplement_notices``: how many one-time supplement notices were already issued (0 or 1);
    - ``is_special`` / ``special_records_missing``: special-case flag and the names of the three records
      (collective discussion, grassroots forum, investigation) still missing;
    - ``requires_legal_review`` / ``legal_review_done``: major decision flag and whether a legal reviewer
      completed the review;
    - ``has_decision``: a decision record exists.
    """

    materials_missing: tuple[str, ...] = ()
    supplement_notices: int = 0
    is_special: bool = False
    special_records_missing: tuple[str, ...] = ()
    requires_legal_review: bool = False
    legal_review_done: bool = False
    has_decision: bool = False
    extra: dict[str, object] = field(default_factory=dict)


Guard = Callable[[GuardContext], "str | None"]


def materials_complete(ctx: GuardContext) -> str | None:
    """The checklist's required materials are all provided (行政许可法 Art. 32: accept complete applications)."""
    if ctx.materials_missing:
        return str(_("材料不齐全，尚缺：")) + "、".join(ctx.materials_missing)
    return None


def materials_incomplete(ctx: GuardContext) -> str | None:
    """A supplement notice makes sense only while something is missing."""
    if not ctx.materials_missing:
        return str(_("材料已齐全，无需补正"))
    return None


def supplement_not_yet_notified(ctx: GuardContext) -> str | None:
    """Missing materials are told once (一次告知): a second supplement notice is refused."""
    if ctx.supplement_notices:
        return str(_("补正材料已一次性告知，不得再次要求补正"))
    return None


def special_records_attached(ctx: GuardContext) -> str | None:
    """A special case needs the three records before a decision (seed 二(三))."""
    if ctx.is_special and ctx.special_records_missing:
        return str(_("特殊案件须附三项记录后方可决定，尚缺：")) + "、".join(ctx.special_records_missing)
    return None


def legal_review_not_required(ctx: GuardContext) -> str | None:
    """Deciding straight after the town opinion is possible only for a non-major decision."""
    if ctx.requires_legal_review and not ctx.legal_review_done:
        return str(_("重大决定须先经法制审核"))
    return None


def legal_review_required(ctx: GuardContext) -> str | None:
    """Sending to legal review is meant for major decisions (special or marked major)."""
    if not ctx.requires_legal_review:
        return str(_("本案不属于重大决定，无需法制审核"))
    return None


@dataclass(frozen=True)
class Transition:
    """One row of a transition table."""

    source: str
    action: str
    target: str
    capability: str
    guards: tuple[Guard, ...] = ()


@dataclass(frozen=True)
class Workflow:
    """A status machine: labelled statuses and actions and the table of allowed transitions."""

    key: str
    statuses: dict[str, Promise]
    actions: dict[str, Promise]
    initial: str
    transitions: tuple[Transition, ...]
    terminal: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        seen: set[tuple[str, str]] = set()
        for t in self.transitions:
            if t.source not in self.statuses or t.target not in self.statuses:
                raise ValueError(f"{self.key}: unknown status in {t}")
            if t.action not in self.actions:
                raise ValueError(f"{self.key}: unknown action {t.action!r}")
            if (t.source, t.action) in seen:
                raise ValueError(f"{self.key}: duplicate row ({t.source}, {t.action})")
            seen.add((t.source, t.action))
        if self.initial not in self.statuses:
            raise ValueError(f"{self.key}: unknown initial status {self.initial!r}")

    @property
    def table(self) -> dict[tuple[str, str], Transition]:
        """``{(status, action): Transition}``."""
        return {(t.source, t.action): t for t in self.transitions}

    def transition(self, status: str, action: str, ctx: GuardContext | None = None) -> Transition:
        """Return the transition for ``action`` in ``status`` after checking its guards.

        Raises:
            TransitionNotAllowed: the pair is not in the table, or a guard fails (message says why).
        """
        row = self.table.get((status, action))
        if row is None:
            raise TransitionNotAllowed(str(_("当前状态“{status}”下不能执行“{action}”")).format(
                status=self.statuses.get(status, status), action=self.actions.get(action, action)))
        if ctx is not None:
            for guard in row.guards:
                problem = guard(ctx)
                if problem:
                    raise TransitionNotAllowed(problem)
        return row

    def actions_from(self, status: str) -> list[Transition]:
        """The rows that start in ``status``, in table order."""
        return [t for t in self.transitions if t.source == status]


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
        "complete_legal_review": _("完成法制审核"),
        "grant": _("决定准予"),
        "refuse": _("决定不予许可"),
        "withdraw": _("撤回申请"),
        "close": _("结案归档"),
    },
    initial="received",
    transitions=(
        Transition("received", "request_supplement", "supplement_requested", "cases.change",
                   (materials_incomplete, supplement_not_yet_notified)),
        Transition("received", "accept", "accepted", "cases.change", (materials_complete,)),
        Transition("received", "refuse_acceptance", "not_accepted", "cases.change"),
        Transition("received", "withdraw", "withdrawn", "cases.change"),
        Transition("supplement_requested", "accept", "accepted", "cases.change", (materials_complete,)),
        Transition("supplement_requested", "refuse_acceptance", "not_accepted", "cases.change"),
        Transition("supplement_requested", "withdraw", "withdrawn", "cases.change"),
        Transition("accepted", "give_town_opinion", "town_reviewed", "cases.town_opinion"),
        Transition("accepted", "withdraw", "withdrawn", "cases.change"),
        Transition("town_reviewed", "request_legal_review", "legal_review", "cases.decide",
                   (legal_review_required,)),
        Transition("town_reviewed", "grant", "granted", "cases.decide", _DECIDE_GUARDS),
        Transition("town_reviewed", "refuse", "refused", "cases.decide", _DECIDE_GUARDS),
        Transition("legal_review", "complete_legal_review", "legal_reviewed", "cases.legal_review"),
        Transition("legal_reviewed", "grant", "granted", "cases.decide", (special_records_attached,)),
        Transition("legal_reviewed", "refuse", "refused", "cases.decide", (special_records_attached,)),
        Transition("granted", "close", "closed", "cases.decide"),
        Transition("refused", "close", "closed", "cases.decide"),
        Transition("not_accepted", "close", "closed", "cases.change"),
        Transition("withdrawn", "close", "closed", "cases.change"),
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
        Transition("received", "county_review", "county_reviewed", "cases.decide"),
        Transition("received", "refuse", "refused", "cases.decide"),
        Transition("received", "withdraw", "withdrawn", "cases.change"),
        Transition("county_reviewed", "schedule_session", "scheduled", "cases.decide"),
        Transition("county_reviewed", "withdraw", "withdrawn", "cases.change"),
        Transition("scheduled", "record_conclusion", "concluded", "cases.decide"),
        Transition("concluded", "object", "re_appraisal", "cases.change"),
        Transition("concluded", "accept_conclusion", "final", "cases.decide"),
        Transition("re_appraisal", "record_final_conclusion", "final", "cases.decide"),
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
        Transition("received", "request_supplement", "supplement_requested", "cases.change",
                   (materials_incomplete, supplement_not_yet_notified)),
        Transition("received", "issue", "issued", "cases.change", (materials_complete,)),
        Transition("received", "refuse", "refused", "cases.change"),
        Transition("received", "withdraw", "withdrawn", "cases.change"),
        Transition("supplement_requested", "issue", "issued", "cases.change", (materials_complete,)),
        Transition("supplement_requested", "refuse", "refused", "cases.change"),
        Transition("supplement_requested", "withdraw", "withdrawn", "cases.change"),
        Transition("issued", "cancel", "cancelled", "cases.change"),
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
        Transition("received", "hand_off", "handed_off", "cases.change"),
        Transition("received", "withdraw", "withdrawn", "cases.change"),
    ),
    terminal=frozenset({"handed_off", "withdrawn"}),
)

WORKFLOWS: dict[str, Workflow] = {w.key: w for w in (LICENSING, APPRAISAL, CERTIFICATE, HANDOFF)}
