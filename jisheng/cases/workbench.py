"""What the case engine puts on a staff member's workbench: open cases per module, legal reviews waiting for
the account, and statutory clocks at risk — only cases the account may open (:func:`cases_for_user`), each
labelled with its own module, never a closed file."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from jisheng.core.modules import Todo, WorkbenchItems

from . import selectors, types
from .access import cases_for_user


def workbench_items(user: Any) -> WorkbenchItems:
    """Counts of open cases per module, the legal-review to-do, and running clocks due within three days,
    overdue or waiting for the calendar (each with its days left)."""
    items = WorkbenchItems(module="cases")
    viewable = types.viewable_types(user)
    if not viewable:
        return items
    qs = cases_for_user(user)
    by_module: dict[str, list[types.CaseType]] = {}
    for t in viewable:
        by_module.setdefault(str(t.module_label), []).append(t)
    for label, ctypes in by_module.items():
        open_q = qs.none()
        for t in ctypes:
            open_q = open_q | qs.filter(case_type=t.key, status__in=selectors.open_statuses(t))
        items.counts[_("在办案件（%(m)s）") % {"m": label}] = open_q.count()
    for case in selectors.awaiting_legal_review(qs, user)[:20]:
        ctype = types.get(case.case_type)
        items.todos.append(Todo(label=_("法制审核：%(n)s %(t)s") % {"n": case.number, "t": ctype.label},
                                url=reverse("cases:legal_review", args=[case.number]), module=str(ctype.module_label)))
    for c in selectors.clocks_at_risk(qs)[:20]:
        ctype = types.get(c.case.case_type)
        left = selectors.days_left(c)
        when = (_("届满日待定（工作日历缺少%(y)s年）") % {"y": c.pending_year} if c.due is None
                else _("已超期 %(n)d 天") % {"n": -left} if left is not None and left < 0
                else _("剩 %(n)d 天") % {"n": left})
        items.deadlines_at_risk.append(Todo(label=f"{c.case.number} {c.label}（{when}）",
                                            url=reverse("cases:detail", args=[c.case.number]), due=c.due,
                                            module=str(ctype.module_label)))
    return items
