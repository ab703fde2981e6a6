"""Case-file review (案卷评查, legal-facts §8.1): a weighted checklist scored from the case record.

Veto items (否决项): any failure makes the file 不合格 with score 0. Form items (卷面) and content items
(内容) deduct their weight when they fail. Each item returns its evidence — the dates, documents and steps it
looked at — so the review page shows why each point was lost. Items that do not apply to a file (e.g. a
supplement notice when none was needed) pass as "不适用".

Each case type declares its checklist (``CaseType.checklist``) from the item builders here (clocks, documents,
legal basis, decider, legal review, reasons, remedies, rule deviations…); :func:`score_case` is the one
scoring loop, pure over the case record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jisheng.core import clock

from .models import Case
from .types import SPECIAL_RECORDS

__all__ = ["CONTENT", "FORM", "VETO", "Outcome", "ReviewItem", "ReviewResult", "basis_cited", "clock_met",
           "decided", "decider_competent", "decision_follows_rules", "doc_present", "legal_review_agreed",
           "materials_at_acceptance", "reasons_given", "remedies_told", "score_case", "three_records",
           "town_ranking", "was"]

VETO, FORM, CONTENT = "veto", "form", "content"
CATEGORY_LABELS = {VETO: "否决项", FORM: "卷面", CONTENT: "内容"}


@dataclass(frozen=True)
class Outcome:
    """``passed`` True/False, or None when the item does not apply; ``evidence`` says what was seen."""

    passed: bool | None
    evidence: str


@dataclass(frozen=True)
class ReviewItem:
    """One checklist line: id, category, weight in points (0 for veto items), label, automatic check."""

    id: str
    category: str
    weight: int
    label: str
    check: Callable[[Case], Outcome]


@dataclass
class ReviewResult:
    """The score (0–100), whether a veto failed, and every item's outcome with its deduction."""

    score: int
    vetoed: bool
    lines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def grade(self) -> str:
        if self.vetoed:
            return "不合格"
        return "优秀" if self.score >= 90 else "合格" if self.score >= 70 else "不合格"


# The checks read the case's related rows through ``.all()`` and filter in Python, so that
# :func:`town_ranking` can prefetch them once for every file (:data:`PREFETCH`) instead of ~13 queries a file.

def _steps(case: Case, *actions: str) -> list[Any]:
    return sorted((s for s in case.steps.all() if s.action in actions), key=lambda s: s.seq)


def _step(case: Case, action: str) -> Any:
    return next(iter(_steps(case, action)), None)


def _doc(case: Case, kind: str) -> Any:
    return min((d for d in case.documents.all() if d.kind == kind and d.active), key=lambda d: d.pk, default=None)


def clock_met(kind: str, label: str) -> Callable[[Case], Outcome]:
    """Every clock of ``kind`` was met by its due date (running ones fail once overdue)."""
    def check(case: Case) -> Outcome:
        found = sorted((c for c in case.clocks.all() if c.kind == kind), key=lambda c: c.pk)
        if not found:
            return Outcome(None, f"本案未启动“{label}”期限")
        today = clock.today()
        notes, failed, open_ = [], False, False
        for c in found:
            if c.due is None:
                open_ = True
                notes.append(f"{c.label}：届满日待定（工作日历缺少{c.pending_year}年）")
            elif c.met_on is None:
                if today > c.due:
                    failed = True
                    notes.append(f"{c.label}：届满日 {c.due:%Y-%m-%d}，至 {today:%Y-%m-%d} 仍未完成（超期）")
                else:
                    open_ = True
                    notes.append(f"{c.label}：届满日 {c.due:%Y-%m-%d}，尚在期限内")
            else:
                late = c.met_on > c.due
                failed = failed or late
                notes.append(f"{c.label}：届满日 {c.due:%Y-%m-%d}，完成于 {c.met_on:%Y-%m-%d}"
                             + ("（超期）" if late else ""))
        return Outcome(False if failed else None if open_ else True, "；".join(notes))
    return check


def _decided(case: Case) -> Any:
    return getattr(case, "decision", None)


def basis_cited(case: Case) -> Outcome:
    """Every provision of the decision exists in the catalogue and was in force on the decision date (a key
    whose version's dates are unverified passes, with that said in the evidence)."""
    from jisheng.law.provisions import describe, in_force_state

    d = _decided(case)
    if d is None:
        return Outcome(None, "尚未作出决定")
    if not d.provision_keys:
        return Outcome(False, "决定未引用法律依据条款")
    states = {k: in_force_state(k, d.decided_on) for k in d.provision_keys}
    bad = [k for k, state in states.items() if state is False]
    if bad:
        return Outcome(False, "决定之日无效或不存在的依据：" + "、".join(describe(k) for k in bad))
    unsure = [k for k, state in states.items() if state is None]
    return Outcome(True, "依据：" + "、".join(describe(k) for k in d.provision_keys)
                   + ("（施行日期待核实：" + "、".join(describe(k) for k in unsure) + "）" if unsure else ""))


def decision_follows_rules(case: Case) -> Outcome:
    """A decision against the rules' verdict carries a written reason (shown here)."""
    d = _decided(case)
    if d is None:
        return Outcome(None, "尚未作出决定")
    verdict = d.rule_verdict or {}
    if not verdict.get("checked"):
        return Outcome(None, "本事项无规则校验")
    said = {True: "符合", False: "不符合", None: "事实不全，无法判断"}[verdict.get("eligible")]
    if not d.against_rule:
        return Outcome(True, f"规则校验：{said}；决定与之一致")
    if d.deviation_reason.strip():
        return Outcome(True, f"规则校验：{said}；决定与之不一致，理由：{d.deviation_reason[:80]}")
    return Outcome(False, f"规则校验：{said}；决定与之不一致且未写明理由")


def decider_competent(case: Case) -> Outcome:
    """The decision was taken by an account holding the type's ``decide`` capability."""
    from . import types

    ctype = types.get(case.case_type)
    step = next(iter(_steps(case, *ctype.decision_actions)), None)
    if step is None:
        return Outcome(None, "尚未作出决定")
    if step.actor is None:
        return Outcome(False, f"决定人：{step.actor_label}（账号已不存在，无法核实权限）")
    ok = step.actor.has_capability(ctype.capability("decide"))
    return Outcome(ok, f"决定人：{step.actor_label}（{step.actor.get_role_display()}）")


def three_records(case: Case) -> Outcome:
    """A special case carries the three records (seed 二(三))."""
    if not case.is_special:
        return Outcome(None, "非特殊案件")
    present = {d.kind for d in case.documents.all() if d.active}
    missing = [str(label) for key, label in SPECIAL_RECORDS.items() if key not in present]
    return Outcome(not missing, "三项记录齐全" if not missing else "缺：" + "、".join(missing))


def legal_review_agreed(case: Case) -> Outcome:
    """A major decision was preceded by a legal review that agreed, with its written opinion."""
    from . import types
    from .workflows import LEGAL_REVIEW_AGREE

    if not (case.is_special or case.is_major):
        return Outcome(None, "非重大决定")
    decision = next(iter(_steps(case, *types.get(case.case_type).decision_actions)), None)
    if decision is None:
        return Outcome(None, "尚未作出决定")
    reviews = [s for s in _steps(case, LEGAL_REVIEW_AGREE, "return_legal_review") if s.seq < decision.seq]
    last = reviews[-1] if reviews else None
    ok = last is not None and last.action == LEGAL_REVIEW_AGREE
    if last is None:
        return Outcome(False, "决定前无法制审核")
    return Outcome(ok, f"法制审核：{last.actor_label} {last.on:%Y-%m-%d}，{last.opinion[:60]}")


def doc_present(kind: str, label: str, needed: Callable[[Case], bool]) -> Callable[[Case], Outcome]:
    """The generated document ``kind`` is in the file when ``needed(case)``."""
    def check(case: Case) -> Outcome:
        if not needed(case):
            return Outcome(None, "不适用")
        d = _doc(case, kind)
        return Outcome(d is not None, f"{label} {d.doc_number}（{d.sha256[:8]}）" if d else f"缺少{label}")
    return check


def reasons_given(case: Case) -> Outcome:
    """The decision states its reasons."""
    d = _decided(case)
    if d is None:
        return Outcome(None, "尚未作出决定")
    return Outcome(bool(d.reasons.strip()), f"理由：{d.reasons[:40]}" if d.reasons.strip() else "决定未写明理由")


def remedies_told(case: Case) -> Outcome:
    """An unfavourable decision tells reconsideration and litigation (two remedy lines at least)."""
    from . import types

    d = _decided(case)
    try:
        tells = d is not None and types.get(case.case_type).outcome(d.outcome).tells_remedies
    except KeyError:
        tells = False
    if not tells:
        return Outcome(None, "不适用（非不利决定）")
    assert d is not None
    return Outcome(len(d.remedies) >= 2, f"告知救济途径 {len(d.remedies)} 项")


def materials_at_acceptance(case: Case) -> Outcome:
    """The required materials were complete when the case was accepted."""
    step = _step(case, "accept")
    if step is None:
        return Outcome(None, "尚未受理")
    # what the file held when it was accepted: uploads filed by then count, even if replaced or withdrawn since,
    # and uploads filed afterwards do not (the materials' "provided" flag is today's state)
    filed = {d.kind for d in case.documents.all() if d.filed_at is not None and d.filed_at <= step.at}
    missing = [m.name for m in case.materials.all() if m.required and m.key not in filed]
    return Outcome(not missing, "受理时材料齐全" if not missing else "受理时尚缺：" + "、".join(missing))


def was(action: str) -> Callable[[Case], bool]:
    """``needed`` for :func:`doc_present`: the step ``action`` happened."""
    return lambda case: bool(_steps(case, action))


def decided() -> Callable[[Case], bool]:
    """``needed`` for :func:`doc_present`: the case has a decision."""
    return lambda case: _decided(case) is not None


def score_case(case: Case, checklist: Sequence[ReviewItem] | None = None) -> ReviewResult:
    """Score ``case`` against its type's checklist (or ``checklist``): 100 minus failed weights, 0 when a veto
    item fails."""
    from . import types

    items = checklist if checklist is not None else types.get(case.case_type).checklist
    lines = []
    vetoed = False
    deducted = 0
    for item in items:
        outcome = item.check(case)
        deduction = 0
        if outcome.passed is False:
            if item.category == VETO:
                vetoed = True
            else:
                deduction = item.weight
        deducted += deduction
        lines.append({"id": item.id, "category": CATEGORY_LABELS[item.category], "label": item.label,
                      "weight": item.weight, "passed": outcome.passed, "evidence": outcome.evidence,
                      "deduction": deduction})
    return ReviewResult(score=0 if vetoed else max(0, 100 - deducted), vetoed=vetoed, lines=lines)


#: Related rows the checks read; prefetch them when scoring many files.
PREFETCH = ("steps__actor", "documents", "clocks", "materials", "legal_reviews")


def town_ranking(cases: Any) -> list[dict[str, Any]]:
    """Average score per receiving town over decided files, best first: ``[{"town", "files", "average",
    "vetoed"}]``."""
    by_town: dict[Any, list[ReviewResult]] = {}
    for case in cases.filter(decision__isnull=False).select_related("area", "decision").prefetch_related(*PREFETCH):
        by_town.setdefault(case.area, []).append(score_case(case))
    rows = [{"town": town, "files": len(results),
             "average": round(sum(r.score for r in results) / len(results), 1),
             "vetoed": sum(1 for r in results if r.vetoed)} for town, results in by_town.items()]
    return sorted(rows, key=lambda r: (-r["average"], r["town"].code))
