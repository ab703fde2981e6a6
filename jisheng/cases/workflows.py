"""Case workflows as data: ``(status, action) -> status`` with guards. No side effects here.

Every procedure's case type names one :class:`Workflow`, defined in the procedure's own app. A transition
lists the capability the actor needs, relative to the case type's namespace (``change``, ``decide``… —
``licensing`` + ``decide`` = ``licensing.decide``), and the guards that must pass. Guards are pure functions
of a :class:`GuardContext` (a snapshot of what the case record holds, built by
:func:`jisheng.cases.selectors.case_guard_context`); each returns ``None`` when it passes or a message saying
why the action is refused.

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
    - ``requires_legal_review`` / ``legal_review_done``: major decision flag and whether the latest legal
      review (法制审核) agreed;
    - ``has_decision``: a decision record exists;
    - ``running_clocks``: labels of the statutory clocks still running (a duty not yet done, e.g. publication);
    - ``extra``: the facts the case type's own guards read (``CaseType.guard_facts``).
    """

    materials_missing: tuple[str, ...] = ()
    supplement_notices: int = 0
    is_special: bool = False
    special_records_missing: tuple[str, ...] = ()
    requires_legal_review: bool = False
    legal_review_done: bool = False
    has_decision: bool = False
    running_clocks: tuple[str, ...] = ()
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
    """A major decision is taken only after a legal review that agreed (国办发〔2018〕118号: 未经法制审核或者审核
    未通过的，不得作出决定)."""
    if ctx.requires_legal_review and not ctx.legal_review_done:
        return str(_("重大决定须先经法制审核且审核同意"))
    return None


def legal_review_required(ctx: GuardContext) -> str | None:
    """Sending to legal review is meant for major decisions (special or marked major)."""
    if not ctx.requires_legal_review:
        return str(_("本案不属于重大决定，无需法制审核"))
    return None


def no_running_clocks(ctx: GuardContext) -> str | None:
    """A file is closed only when every duty with a statutory clock is done (e.g. the grant was published)."""
    if ctx.running_clocks:
        return str(_("尚有未完成的法定期限事项：")) + "、".join(ctx.running_clocks)
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


#: The workflow actions the engine's legal review (:func:`jisheng.cases.services.case_legal_review`) takes: a
#: workflow that sends major decisions to legal review has a status with both, from the review status.
LEGAL_REVIEW_AGREE = "complete_legal_review"
LEGAL_REVIEW_BACK = "return_legal_review"
LEGAL_REVIEW_REQUEST = "request_legal_review"
#: Actions the generic action form never takes: they need the legal review form.
ENGINE_PAYLOAD_ACTIONS = frozenset({LEGAL_REVIEW_AGREE, LEGAL_REVIEW_BACK})
