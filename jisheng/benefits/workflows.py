"""Transition tables of enrolments and payment rolls: ``(status, action) → status``. No side effects.

Guards that need data (a posting period has ended, the approver differs from the preparer) are
checked by the services; these tables only say which moves exist.
"""

from __future__ import annotations

from jisheng.core.errors import TransitionNotAllowed

from .enums import EnrolmentStatus as E
from .enums import RollStatus as R

ENROLMENT_TRANSITIONS: dict[tuple[str, str], str] = {
    (E.APPLIED, "determine"): E.VILLAGE_REVIEW,          # eligible per the rules → village review
    (E.APPLIED, "reject"): E.REJECTED,                   # not eligible
    (E.VILLAGE_REVIEW, "pass_village"): E.TOWN_REVIEW,   # village agreed, village posting ended
    (E.VILLAGE_REVIEW, "reject"): E.REJECTED,
    (E.TOWN_REVIEW, "pass_town"): E.COUNTY_REVIEW,       # town agreed, town posting ended
    (E.TOWN_REVIEW, "reject"): E.REJECTED,
    (E.COUNTY_REVIEW, "approve"): E.APPROVED,            # county agreed, county posting ended
    (E.COUNTY_REVIEW, "reject"): E.REJECTED,
    (E.APPROVED, "end"): E.ENDED,                        # death, new child, recovery, verification stop
}

ROLL_TRANSITIONS: dict[tuple[str, str], str] = {
    (R.DRAFT, "generate"): R.GENERATED,
    (R.GENERATED, "generate"): R.GENERATED,              # idempotent re-run (and corrections before approval)
    (R.GENERATED, "return"): R.DRAFT,                    # checker sends it back; lines are regenerated
    (R.GENERATED, "approve"): R.APPROVED,
    (R.APPROVED, "export"): R.EXPORTED,
    (R.EXPORTED, "export"): R.EXPORTED,                  # re-export or a retry batch
    (R.EXPORTED, "import_returns"): R.EXPORTED,
    (R.EXPORTED, "close"): R.CLOSED,                     # every line paid (or failed and written off)
}


def next_status(table: dict[tuple[str, str], str], status: str, action: str) -> str:
    """Return the status after ``action`` from ``status``.

    Raises:
        TransitionNotAllowed: the table has no such move (nothing is changed by the caller).
    """
    try:
        return table[(status, action)]
    except KeyError:
        raise TransitionNotAllowed(f"「{action}」不能在状态「{status}」下进行") from None


def enrolment_actions(status: str) -> list[str]:
    return [a for (s, a) in ENROLMENT_TRANSITIONS if s == status]


def roll_actions(status: str) -> list[str]:
    return [a for (s, a) in ROLL_TRANSITIONS if s == status]
