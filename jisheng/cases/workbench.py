"""What the case engine puts on a staff member's workbench, one set per module (licensing, and each procedure app
that lands): open cases, the legal reviews waiting for the account, and statutory clocks at risk — only cases the
account may open (:func:`cases_for_user`), clocks only of the types the account acts on, never a closed file."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from jisheng.core.modules import Todo, WorkbenchItems

from . import selectors, types
from .access import cases_for_user

#: At most this many legal reviews and as many deadlines at risk on the workbench (one query each).
SHOWN = 20

#: Capabilities whose holders act on a type's clocks (handle, decide, approve an extension, publish): their
#: workbench lists the type's deadlines at risk. A reviewer or an auditor only reads them on the case pages.
CLOCK_ACTORS = ("register", "change", "town_opinion", "decide", "approve_extension", "publish")

#: What a deadline at risk shows of its clock and case (the rest, the case's facts among it, is not read).
CLOCK_FIELDS = ("label", "due", "pending_year", "met_on", "case__number", "case__case_type")


def workbench_items(user: Any) -> list[WorkbenchItems]:
    """Per module: the count of open cases, the legal-review to-do, and running clocks due within three days,
    overdue or waiting for the calendar (each with its days left)."""
    viewable = types.viewable_types(user)
    if not viewable:
        return []
    qs = cases_for_user(user)
    by_module: dict[str, WorkbenchItems] = {}
    open_counts = selectors.open_case_counts(qs, viewable)
    for t in viewable:
        items = by_module.setdefault(t.module, WorkbenchItems(module=t.module))
        label = _("在办案件")
        items.counts[label] = items.counts.get(label, 0) + open_counts[t.key]
    for case in selectors.awaiting_legal_review(qs, user, limit=SHOWN):
        ctype = types.get(case.case_type)
        by_module[ctype.module].todos.append(Todo(
            label=_("法制审核：%(n)s %(t)s") % {"n": case.number, "t": ctype.label},
            url=reverse("cases:legal_review", args=[case.number]), module=str(ctype.module_label)))
    acting = [t.key for t in viewable if any(types.may(user, t, rel) for rel in CLOCK_ACTORS)]
    at_risk = selectors.clocks_at_risk(qs.filter(case_type__in=acting), limit=SHOWN + 1, only=CLOCK_FIELDS)
    for c in at_risk[:SHOWN]:
        ctype = types.get(c.case.case_type)
        left = selectors.days_left(c)
        when = (_("届满日待定（工作日历缺少%(y)s年）") % {"y": c.pending_year} if c.due is None
                else _("已超期 %(n)d 天") % {"n": -left} if left is not None and left < 0
                else _("剩 %(n)d 天") % {"n": left})
        by_module[ctype.module].deadlines_at_risk.append(Todo(
            label=f"{c.case.number} {c.label}（{when}）", url=reverse("cases:detail", args=[c.case.number]),
            due=c.due, module=str(ctype.module_label), overdue=left is not None and left < 0))
    if len(at_risk) > SHOWN:
        # the rest are on the case list filtered to the same window, paginated by keyset
        ctype = types.get(at_risk[SHOWN].case.case_type)
        by_module[ctype.module].deadlines_at_risk.append(Todo(
            label=_("更多临近期限的案件"), url=reverse("cases:list") + "?due=3", due=at_risk[SHOWN].due,
            module=str(ctype.module_label)))
    return list(by_module.values())
