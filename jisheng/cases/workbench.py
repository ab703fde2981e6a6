"""What the case engine puts on a staff member's workbench, one set per module (licensing, and each procedure app
that lands): open cases, the legal reviews waiting for the account, and statutory clocks at risk — only cases the
account may open (:func:`cases_for_user`), clocks only of the types the account acts on, never a closed file — and
the clock reminders (期限提醒) sent to the account that still stand (:func:`jisheng.cases.reminders.reminders_for`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from jisheng.core import clock
from jisheng.core.modules import Todo, WorkbenchItems

from . import reminders, selectors, types
from .access import cases_for_user
from .models import ClockReminder

#: At most this many legal reviews and as many deadlines at risk on the workbench (one query each).
SHOWN = 20

#: Capabilities whose holders act on a type's clocks (handle, decide, approve an extension, publish): their
#: workbench lists the type's deadlines at risk. A reviewer or an auditor only reads them on the case pages.
CLOCK_ACTORS = ("register", "change", "town_opinion", "decide", "approve_extension", "publish")

#: What a reminder line reads of its reminder, clock and case (the link functions of procedures get the clock's kind
#: and instance too).
REMINDER_FIELDS = ("due", "threshold", "clock__kind", "clock__instance", "clock__label", "clock__case__number",
                   "clock__case__case_type", "clock__case__area__path")

#: What a deadline at risk shows of its clock and case (the rest, the case's facts among it, is not read).
CLOCK_FIELDS = ("label", "due", "pending_year", "met_on", "case__number", "case__case_type")


def workbench_items(user: Any) -> list[WorkbenchItems]:
    """Per module: the count of open cases, the legal-review to-do, and running clocks due within three days,
    overdue or waiting for the calendar (each with its days left); then the account's standing clock reminders as
    to-dos "期限提醒：…" (one query more, only for an account of a type that sends reminders)."""
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
    _reminder_todos(user, viewable, by_module)
    return list(by_module.values())


def reminder_types(user: Any) -> list[str]:
    """The types whose reminders ``user`` may have been sent: of those that send reminders, the ones the account
    handles (``change``) or whose procedure picks its own recipients (:func:`reminders.register_recipients`). The
    workbench reads reminders (one query) only when there is one."""
    sending = reminders.reminded_types()
    return [t.key for t in types.all_types() if t.key in sending
            and (types.may(user, t, "change") or reminders.has_resolver(t.key))]


def _reminder_link(user: Any, r: ClockReminder, viewable: set[str]) -> str | None:
    case = r.clock.case
    path = getattr(getattr(user, "area", None), "path", None)
    if case.case_type in viewable and path is not None and case.area.path.startswith(path):
        return reverse("cases:detail", args=[case.number])
    link = reminders.link_for(case.case_type)
    return link(r.clock, user) if link is not None else None


def _reminder_todos(user: Any, viewable: list[types.CaseType], by_module: dict[str, WorkbenchItems]) -> None:
    """Put the reminders ``user`` was sent that still stand on the to-do list as "期限提醒：…", soonest first."""
    keys = reminder_types(user)
    if not keys:
        return
    today = clock.today()
    shown = {t.key for t in viewable}
    for r in reminders.reminders_for(user, today=today, limit=SHOWN, case_types=keys,
                                          only=REMINDER_FIELDS):
        url = _reminder_link(user, r, shown)
        if url is None:
            continue
        ctype = types.get(r.clock.case.case_type)
        left = (r.due - today).days
        when = _("今日届满") if left == 0 else _("剩 %(n)d 天") % {"n": left}  # the due date is the line's badge
        by_module.setdefault(ctype.module, WorkbenchItems(module=ctype.module)).todos.append(Todo(
            label=_("期限提醒：%(n)s %(l)s（%(w)s）") % {"n": r.clock.case.number, "l": r.clock.label, "w": when},
            url=url, due=r.due, module=str(ctype.module_label), overdue=False))
