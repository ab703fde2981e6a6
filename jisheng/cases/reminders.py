"""Reminders of statutory clocks (期限提醒): the engine tells a case's handlers, on the days a case type names
(:attr:`~jisheng.cases.types.CaseType.reminder_days`, e.g. 7, 3, 1 and 0 calendar days before), that a running clock
is coming due — once per threshold and due date, however often the daily job runs.

The rules, each pinned by ``cases/tests/test_reminders.py``:

- **What runs.** A clock is reminded while it runs (``met_on`` null), has a due date (not "pending calendar"), is
  not suspended (an open :class:`~jisheng.cases.models.ClockSuspension`: the due date moves every day; the
  reminders resume when the clock does) and its case is not in a terminal status of its type.
- **Which threshold.** On ``today`` a clock with ``days_left = due - today`` (calendar days) is due the smallest
  threshold ``t`` with ``t >= days_left``; nothing when ``days_left`` is larger than every threshold or negative.
  Threshold 0 fires on the due day itself; an overdue clock gets no threshold reminder (it is on the overdue list
  and the workbench's deadlines at risk instead). A job that did not run for some days sends only the nearest
  threshold, never the ones it missed (a week's outage near a due date gives one reminder, "3 days left", not
  "7 days" and "3 days" at once); the reminder records the ``days_left`` it said.
- **Once.** One :class:`~jisheng.cases.models.ClockReminder` per (clock, threshold, due date), held by a unique
  constraint: the job run twice, or two jobs at once (the second waits on the first's row and then finds it), send
  once. An extension moves the due date, so the thresholds of the new due date fire once each, on their days.
- **To whom.** The accounts that may handle the case: active, holding ``<ns>.change`` of its type, with the case's
  area in their scope (their area is the case's area or above it), less those the type's ``scope_exclude`` keeps
  from the case. A procedure replaces or extends that list with :func:`register_recipients` (e.g. with the town
  officers of a petition assignment's per-instance clock ``A<pk>``, who do not open the case through the engine).
- **Where.** Each reminder is a line "期限提醒" on its recipients' workbench (:func:`reminders_for`, shown by
  :mod:`jisheng.cases.workbench`) until the clock is met, its due date passes or a later threshold replaces it, and an
  event in the case's history (kind ``reminder_sent``).

The days come from the type, or from ``settings.JISHENG["REMINDER_DAYS"] = {"<type key>": [7, 3, 1, 0]}`` when
that names the type (an empty list turns the type's reminders off).

The job: :func:`send_due_reminders`, run daily by ``jisheng cases remind`` (cron or a systemd timer, shortly after
midnight China Standard Time) or as the django-tasks task :func:`jisheng.cases.tasks.send_reminders`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext as _

from jisheng.core import audit, clock

from . import types
from .models import Case, CaseClock, CaseEvent, ClockReminder, ClockSuspension
from .selectors import TypeStatusIn
from .types import CaseType

#: ``resolver(clock, handlers) -> the accounts to remind``: ``handlers`` is the engine's list (see the module
#: docstring); return it, extend it or replace it (e.g. by an assignment's town officers for instance ``A<pk>``).
Recipients = Callable[[CaseClock, list[Any]], Iterable[Any]]
#: ``link(clock, user) -> URL`` of the page where ``user`` handles the clock, for a recipient who cannot open the
#: case page (None: the reminder is not listed for that user).
Link = Callable[[CaseClock, Any], "str | None"]

logger = logging.getLogger(__name__)

_resolvers: dict[str, Recipients] = {}
_links: dict[str, Link] = {}

#: The longest a recipients summary gets before "等 N 人".
SUMMARY_LENGTH = 255


def register_recipients(case_type_key: str, resolver: Recipients, *, link: Link | None = None) -> None:
    """Let a procedure decide who is reminded of its clocks (called from its ``AppConfig.ready()``).

    ``resolver(clock, handlers)`` gets the clock (with its case and the case's area loaded) and the engine's list
    of handlers and returns the accounts to remind. ``link(clock, user)`` names the page a recipient who cannot
    open the case page (``cases:detail``) handles it on. Registering again replaces the earlier functions.
    """
    _resolvers[case_type_key] = resolver
    if link is not None:
        _links[case_type_key] = link
    else:
        _links.pop(case_type_key, None)


def unregister_recipients(case_type_key: str) -> None:
    """Forget a type's resolver and link (tests clean up with it)."""
    _resolvers.pop(case_type_key, None)
    _links.pop(case_type_key, None)


def has_resolver(case_type_key: str) -> bool:
    """True when a procedure picks the recipients of its type's reminders (:func:`register_recipients`)."""
    return case_type_key in _resolvers


def link_for(case_type_key: str) -> Link | None:
    """The link function registered for the type, or None."""
    return _links.get(case_type_key)


def _valid(days: Any) -> bool:
    return (isinstance(days, list | tuple) and all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 366
                                                   for d in days) and len(set(days)) == len(days))


def thresholds(case_type: CaseType) -> tuple[int, ...]:
    """The reminder days (calendar days before the due date) of ``case_type``, largest first: the type's
    ``reminder_days``, or ``settings.JISHENG["REMINDER_DAYS"][key]`` when the setting names the type.

    Raises:
        ImproperlyConfigured: the setting's value for the type is not a list of distinct whole days 0–366.
    """
    configured = getattr(settings, "JISHENG", {}).get("REMINDER_DAYS") or {}
    days = configured.get(case_type.key, case_type.reminder_days)
    if not _valid(days):
        raise ImproperlyConfigured(f'JISHENG["REMINDER_DAYS"][{case_type.key!r}] must be a list of distinct whole '
                                   f"days between 0 and 366, not {days!r}")
    return tuple(sorted(days, reverse=True))


@register("cases")
def check_reminder_days(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """cases.E002: ``JISHENG["REMINDER_DAYS"]`` maps type keys to lists of distinct whole days 0–366 (a typo would
    otherwise surface only when the nightly job runs)."""
    configured = getattr(settings, "JISHENG", {}).get("REMINDER_DAYS") or {}
    if not isinstance(configured, dict):
        return [Error('JISHENG["REMINDER_DAYS"] must map case type keys to lists of days', id="cases.E002")]
    return [Error(f'JISHENG["REMINDER_DAYS"][{key!r}] must be a list of distinct whole days between 0 and 366, '
                  f"not {days!r}", id="cases.E002", hint="e.g. {\"petition\": [7, 3, 1, 0]}")
            for key, days in configured.items() if not _valid(days)]


def threshold_due(days: Sequence[int], days_left: int) -> int | None:
    """The threshold that is due for a clock ``days_left`` calendar days before its due date: the smallest of
    ``days`` not below ``days_left`` (None when ``days_left`` is negative — overdue — or above every threshold).

    ``threshold_due((7, 3, 1, 0), 5) == 7``; ``(…, 3) == 3``; ``(…, 0) == 0``; ``(…, 8)`` and ``(…, -1)`` are None.
    """
    if days_left < 0:
        return None
    fitting = [d for d in days if d >= days_left]
    return min(fitting) if fitting else None


def _area_paths(path: str) -> list[str]:
    """``"32/3205/320585/"`` → ``["32/", "32/3205/", "32/3205/320585/"]``: the area and every area above it."""
    parts = [p for p in path.split("/") if p]
    return ["".join(p + "/" for p in parts[:i]) for i in range(1, len(parts) + 1)]


def handlers(c: CaseClock) -> list[Any]:
    """The accounts that may handle the case of clock ``c``: active, with ``<ns>.change`` of its type, whose area
    scope holds the case's area, less those the type's ``scope_exclude`` keeps from the case; by username."""
    from jisheng.accounts.models import User
    from jisheng.accounts.roles import roles_with

    case = c.case
    ctype = types.get(case.case_type)
    users = list(User.objects.filter(is_active=True, role__in=roles_with(ctype.capability("change")),
                                     area__path__in=_area_paths(case.area.path)).order_by("username"))
    exclude = ctype.scope_exclude
    if exclude is None or not users:
        return users
    return [u for u in users if not Case.objects.filter(pk=case.pk).filter(exclude(u)).exists()]


def recipients_for(c: CaseClock) -> list[Any]:
    """Who is reminded of clock ``c``: :func:`handlers`, passed through the type's registered resolver (if any);
    each account once, in the order given."""
    found = handlers(c)
    resolver = _resolvers.get(c.case.case_type)
    if resolver is not None:
        found = list(resolver(c, found))
    seen: set[int] = set()
    unique = []
    for user in found:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique


def _summary(users: list[Any]) -> str:
    names = [str(u) for u in users]
    if not names:
        return _("无可提醒的经办人")
    text = "、".join(names)
    if len(text) <= SUMMARY_LENGTH:
        return text
    tail = _("等 %(n)d 人") % {"n": len(names)}
    return text[: SUMMARY_LENGTH - len(tail) - 1].rstrip("、") + "…" + tail


@dataclass
class ReminderRun:
    """What one run of :func:`send_due_reminders` did on ``day``: clocks with a threshold due (``considered``),
    reminders sent now (``sent``), those an earlier or a concurrent run had sent (``already``) and the clocks whose
    reminder failed (``failed``: case number and clock label; logged, retried by the next run)."""

    day: dt.date
    considered: int = 0
    sent: list[ClockReminder] = field(default_factory=list)
    already: int = 0
    failed: list[str] = field(default_factory=list)

    def message(self) -> str:
        """One line for the command and the task result."""
        text = _("%(d)s：%(c)d 个期限到达提醒日，发送提醒 %(s)d 条，已提醒过 %(a)d 条") % {
            "d": self.day.isoformat(), "c": self.considered, "s": len(self.sent), "a": self.already}
        if self.failed:
            text += _("，失败 %(n)d 条（%(w)s）") % {"n": len(self.failed), "w": "、".join(self.failed)}
        return text


def reminded_types() -> dict[str, tuple[int, ...]]:
    """``{type key: thresholds}`` of the registered types that send reminders."""
    found = {}
    for t in types.all_types():
        days = thresholds(t)
        if days:
            found[t.key] = days
    return found


def _candidates(today: dt.date, days: dict[str, tuple[int, ...]]) -> QuerySet[CaseClock]:
    horizon = today + dt.timedelta(days=max(max(d) for d in days.values()))
    closed = {t.key: list(t.workflow.terminal) for t in types.all_types() if t.key in days and t.workflow.terminal}
    open_suspension = ClockSuspension.objects.filter(clock=OuterRef("pk"), end__isnull=True)
    qs = (CaseClock.objects.filter(case__case_type__in=list(days), met_on__isnull=True, due__gte=today,
                                   due__lte=horizon)
          .exclude(Exists(open_suspension)).select_related("case__area").order_by("due", "id"))
    return qs.exclude(TypeStatusIn(closed, prefix="case__")) if closed else qs


def send_due_reminders(today: dt.date | None = None) -> ReminderRun:
    """Send every reminder due on ``today`` (default: the clock's today, China Standard Time); idempotent.

    For each running clock of a type with reminder days whose threshold is due (:func:`threshold_due`) and not yet
    sent for its current due date, in one transaction each: the :class:`ClockReminder` with its recipients
    (:func:`recipients_for`) and the case event ``reminder_sent``. Two runs at once send once: the unique
    (clock, threshold, due) makes the second insert wait for the first and then find the row (``get_or_create``).
    A clock whose reminder fails (e.g. a procedure's resolver raises) is logged and listed in ``failed`` and the
    others are still sent; its transaction is rolled back, so the next run sends it. Runs as the system (no actor).
    Returns what it did.

    Raises:
        ImproperlyConfigured: a malformed ``JISHENG["REMINDER_DAYS"]`` (see :func:`thresholds`).
    """
    day = today or clock.today()
    run = ReminderRun(day=day)
    days = reminded_types()
    if not days:
        return run
    due_now = []
    for c in _candidates(day, days):
        assert c.due is not None  # filtered
        threshold = threshold_due(days[c.case.case_type], (c.due - day).days)
        if threshold is not None:
            due_now.append((c, threshold))
    run.considered = len(due_now)
    if not due_now:
        return run
    sent_before = set(ClockReminder.objects.filter(clock__in=[c for c, _t in due_now])
                      .values_list("clock_id", "threshold", "due"))
    for c, threshold in due_now:
        if (c.pk, threshold, c.due) in sent_before:
            run.already += 1
            continue
        try:
            reminder = _send(c, threshold, day)
        except Exception:  # one procedure's resolver must not stop the others' reminders; the next run retries
            logger.exception("reminder of clock %s (%s %s) failed", c.pk, c.case.number, c.kind)
            run.failed.append(f"{c.case.number} {c.label}")
            continue
        if reminder is None:
            run.already += 1
        else:
            run.sent.append(reminder)
    return run


def _send(c: CaseClock, threshold: int, day: dt.date) -> ClockReminder | None:
    """File the reminder of ``c`` at ``threshold`` (None when another run filed it first)."""
    assert c.due is not None
    users = recipients_for(c)
    summary = _summary(users)
    left = (c.due - day).days
    with transaction.atomic(), audit.acting(None):
        reminder, created = ClockReminder.objects.get_or_create(
            clock=c, threshold=threshold, due=c.due,
            defaults={"days_left": left, "sent_on": day, "sent_at": clock.now(), "recipients_summary": summary})
        if not created:
            return None
        reminder.recipients.set(users)
        when = _("今日届满") if left == 0 else _("剩 %(n)d 天") % {"n": left}
        CaseEvent.objects.create(
            case=c.case, at=clock.now(), actor=None, actor_label=_("系统"), kind="reminder_sent", basis=c.basis[:128],
            summary=(_("期限提醒：“%(l)s”%(due)s 届满（%(when)s），已提醒 %(who)s") % {
                "l": c.label, "due": c.due.isoformat(), "when": when, "who": summary})[:255],
            data={"kind": c.kind, "instance": c.instance, "threshold": threshold, "due": c.due.isoformat(),
                  "days_left": left, "recipients": [u.pk for u in users]})
    return reminder


def reminders_for(user: Any, *, today: dt.date | None = None, limit: int | None = None,
                  case_types: Iterable[str] | None = None, only: tuple[str, ...] = ()) -> list[ClockReminder]:
    """The reminders ``user`` was sent that still stand on ``today`` (default today), soonest due first, one per
    clock (its latest threshold): the clock still runs, the reminder was for its current due date and that date has
    not passed. Each comes with its clock, case and area (one query). ``case_types`` limits the types read; ``only``
    names the fields to read (all when empty)."""
    day = today or clock.today()
    later = ClockReminder.objects.filter(clock=OuterRef("clock"), due=OuterRef("due"),
                                         threshold__lt=OuterRef("threshold"))
    qs = (ClockReminder.objects.filter(recipients=user, clock__met_on__isnull=True, due__gte=day)
          .filter(due=F("clock__due"))
          .exclude(Exists(later))
          .select_related("clock__case__area").order_by("due", "clock_id"))
    if case_types is not None:
        qs = qs.filter(clock__case__case_type__in=list(case_types))
    if only:
        qs = qs.only(*only)
    return list(qs[:limit] if limit is not None else qs)

