"""What the case engine puts on a staff member's workbench: open cases and clocks at risk."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from jisheng.core.modules import Todo, WorkbenchItems

from . import selectors, types
from .access import cases_for_user

#: Statuses in which no statutory clock matters any more (the application ended without a decision).
ENDED_WITHOUT_DECISION = ("withdrawn", "not_accepted")


def workbench_items(user: Any) -> WorkbenchItems:
    """Counts of open cases and the running clocks due within three days (or overdue)."""
    items = WorkbenchItems(module="licensing")
    if not user.has_capability("cases.view"):
        return items
    qs = cases_for_user(user)
    terminal = {s for t in types.all_types() for s in t.workflow.terminal} | {"granted", "refused"}
    items.counts[_("在办案件")] = qs.exclude(status__in=terminal).count()
    # a decided file still has running clocks (the publication of a grant): only files that ended without
    # a decision have nothing left to count
    for c in selectors.clocks_at_risk(qs.exclude(status__in=ENDED_WITHOUT_DECISION))[:20]:
        items.deadlines_at_risk.append(Todo(label=f"{c.case.number} {c.label}",
                                            url=reverse("cases:detail", args=[c.case.number]), due=c.due,
                                            module=_("行政许可")))
    return items
