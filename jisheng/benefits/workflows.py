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


#: What each action is called in messages (a second approval in another tab reads "当前状态为「已审核」，不能审核").
ACTION_LABELS = {
    "determine": "认定资格", "reject": "不予确认", "pass_village": "通过村级审核", "pass_town": "通过镇级审核",
    "approve": "审核", "end": "终止", "generate": "生成", "return": "退回", "export": "生成银行文件",
    "import_returns": "导入回盘", "close": "对账完毕",
}


def next_status(table: dict[tuple[str, str], str], status: str, action: str) -> str:
    """Return the status after ``action`` from ``status``.

    Raises:
        TransitionNotAllowed: the table has no such move (nothing is changed by the caller).
    """
    try:
        return table[(status, action)]
    except KeyError:
        labels = dict(E.choices) | dict(R.choices)
        doing = ACTION_LABELS.get(action, action)
        raise TransitionNotAllowed(f"当前状态为「{labels.get(status, status)}」，不能{doing}") from None


def enrolment_actions(status: str) -> list[str]:
    return [a for (s, a) in ENROLMENT_TRANSITIONS if s == status]


def roll_actions(status: str) -> list[str]:
    return [a for (s, a) in ROLL_TRANSITIONS if s == status]
