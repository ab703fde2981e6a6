"""Case-file review (案卷评查, legal-facts §8.1): a weighted checklist scored from the case record.

Veto items (否决项): any failure makes the file 不合格 with score 0. Form items (卷面, 20 points) and
content items (内容, 80 points) deduct their weight when they fail. Each item returns its evidence —
the dates, documents and steps it looked at — so the review page shows why each point was lost.
Items that do not apply to a file (e.g. a supplement notice when none was needed) pass as "不适用".

The checklist is data (:data:`LICENSING_CHECKLIST`); :func:`score_case` is pure over the case record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jisheng.core import clock

from .models import Case
from .types import SPECIAL_RECORDS

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
    return min((d for d in case.documents.all() if d.kind == kind), key=lambda d: d.pk, default=None)


def _clock(kind: str, label: str) -> Callable[[Case], Outcome]:
    def check(case: Case) -> Outcome:
        c = min((c for c in case.clocks.all() if c.kind == kind), key=lambda c: c.pk, default=None)
        if c is None:
            return Outcome(None, f"本案未启动“{label}”期限")
        if c.met_on is None:
            today = clock.today()
            if today > c.due:
                return Outcome(False, f"届满日 {c.due:%Y-%m-%d}，至 {today:%Y-%m-%d} 仍未完成（超期）")
            return Outcome(None, f"届满日 {c.due:%Y-%m-%d}，尚在期限内")
        ok = c.met_on <= c.due
        return Outcome(ok, f"届满日 {c.due:%Y-%m-%d}，完成于 {c.met_on:%Y-%m-%d}" + ("" if ok else "（超期）"))
    return check


def _decided(case: Case) -> Any:
    return getattr(case, "decision", None)


def _basis_cited(case: Case) -> Outcome:
    d = _decided(case)
    if d is None:
        return Outcome(None, "尚未作出决定")
    if d.outcome == "granted" and not d.provision_keys:
        return Outcome(False, "准予决定未引用法律依据条款")
    return Outcome(True, "依据：" + ("、".join(d.provision_keys) or "（不予决定，依据见理由）"))


def _decider_competent(case: Case) -> Outcome:
    step = next(iter(_steps(case, "grant", "refuse")), None)
    if step is None:
        return Outcome(None, "尚未作出决定")
    if step.actor is None:
        return Outcome(False, f"决定人：{step.actor_label}（账号已不存在，无法核实权限）")
    ok = step.actor.has_capability("cases.decide")
    return Outcome(ok, f"决定人：{step.actor_label}（{step.actor.get_role_display()}）")


def _three_records(case: Case) -> Outcome:
    if not case.is_special:
        return Outcome(None, "非特殊案件")
    present = {d.kind for d in case.documents.all()}
    missing = [str(label) for key, label in SPECIAL_RECORDS.items() if key not in present]
    return Outcome(not missing, "三项记录齐全" if not missing else "缺：" + "、".join(missing))


def _legal_review(case: Case) -> Outcome:
    if not (case.is_special or case.is_major):
        return Outcome(None, "非重大决定")
    review = _step(case, "complete_legal_review")
    decision = next(iter(_steps(case, "grant", "refuse")), None)
    if decision is None:
        return Outcome(None, "尚未作出决定")
    ok = review is not None and review.seq < decision.seq
    return Outcome(ok, f"法制审核：{review.actor_label} {review.at:%Y-%m-%d}" if review else "决定前无法制审核")


def _doc_present(kind: str, label: str, needed: Callable[[Case], bool]) -> Callable[[Case], Outcome]:
    def check(case: Case) -> Outcome:
        if not needed(case):
            return Outcome(None, "不适用")
        d = _doc(case, kind)
        return Outcome(d is not None, f"{label} {d.doc_number}（{d.sha256[:8]}）" if d else f"缺少{label}")
    return check


def _reasons(case: Case) -> Outcome:
    d = _decided(case)
    if d is None:
        return Outcome(None, "尚未作出决定")
    return Outcome(bool(d.reasons.strip()), f"理由：{d.reasons[:40]}" if d.reasons.strip() else "决定未写明理由")


def _remedies(case: Case) -> Outcome:
    d = _decided(case)
    if d is None or d.outcome != "refused":
        return Outcome(None, "不适用（非不予决定）")
    return Outcome(len(d.remedies) >= 2, f"告知救济途径 {len(d.remedies)} 项")


def _materials_at_acceptance(case: Case) -> Outcome:
    step = _step(case, "accept")
    if step is None:
        return Outcome(None, "尚未受理")
    missing = sum(1 for m in case.materials.all() if m.required and not m.provided)
    return Outcome(missing == 0, "受理时材料齐全" if missing == 0 else f"仍缺 {missing} 项必需材料")


def _was(action: str) -> Callable[[Case], bool]:
    return lambda case: bool(_steps(case, action))


LICENSING_CHECKLIST: list[ReviewItem] = [
    ReviewItem("V1", VETO, 0, "引用法律依据正确（条款）", _basis_cited),
    ReviewItem("V2", VETO, 0, "决定主体合法（有审批权限）", _decider_competent),
    ReviewItem("V3", VETO, 0, "特殊案件附三项记录", _three_records),
    ReviewItem("V4", VETO, 0, "重大决定经法制审核", _legal_review),
    ReviewItem("F1", FORM, 5, "受理通知书入卷", _doc_present("acceptance_receipt", "受理通知书", _was("accept"))),
    ReviewItem("F2", FORM, 5, "补正告知书入卷", _doc_present("supplement_notice", "补正告知书",
                                                       _was("request_supplement"))),
    ReviewItem("F3", FORM, 5, "决定书入卷", _doc_present("decision", "决定书", lambda c: _decided(c) is not None)),
    ReviewItem("F4", FORM, 5, "准予的发证入卷", _doc_present(
        "certificate", "生育证", lambda c: getattr(_decided(c), "outcome", "") == "granted")),
    ReviewItem("C1", CONTENT, 10, "3个工作日内一次性告知补正", _clock("supplement_notice", "一次性告知")),
    ReviewItem("C2", CONTENT, 15, "镇（街道）按期出具审核意见", _clock("town_opinion", "镇级审核")),
    ReviewItem("C3", CONTENT, 15, "按期作出审批决定", _clock("decision", "审批决定")),
    ReviewItem("C4", CONTENT, 10, "决定写明理由", _reasons),
    ReviewItem("C5", CONTENT, 10, "不予决定告知复议、诉讼权利和期限", _remedies),
    ReviewItem("C6", CONTENT, 10, "受理时材料齐全", _materials_at_acceptance),
    ReviewItem("C7", CONTENT, 10, "准予决定按期公开", _clock("publication", "决定公开")),
]


def score_case(case: Case, checklist: list[ReviewItem] | None = None) -> ReviewResult:
    """Score ``case`` against the checklist: 100 minus failed weights, 0 when a veto item fails."""
    items = checklist or LICENSING_CHECKLIST
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
PREFETCH = ("steps__actor", "documents", "clocks", "materials")


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
