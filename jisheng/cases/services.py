"""All writes of the case engine. One transaction per call; ``actor=`` on every state change; every call checks
the actor's capability for the case's type (``<capability_ns>.<relative>``, :mod:`jisheng.cases.types`).

- :func:`case_create` registers a case (number, parties, checklist, clocks that run from receipt);
- :func:`case_transition` is the one way a status changes: capability, workflow table and guards, then the step
  (with its legal date), the event and the clocks — or, on any refusal, nothing at all;
- :func:`case_decide` records the decision on provisions in force, with the rules' verdict;
- :func:`case_legal_review` records a legal review (agree / disagree / return) with its opinion;
- :func:`case_add_record` files a record (service record, prior notice, publication…) whose date can start or
  end statutory clocks;
- :func:`case_attach_document`, :func:`case_withdraw_document`, :func:`case_store_generated_document` keep the
  case file; :func:`case_mark_special`;
- statutory clocks: :func:`case_start_clock`, :func:`case_suspend_clock`, :func:`case_resume_clock`,
  :func:`case_extend_clock` (行政许可法 Art. 45 excluded time, Art. 42 extension) and
  :func:`recompute_open_clocks`, which the law app calls when the working-day calendar changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from jisheng.core import audit, clock
from jisheng.core.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from jisheng.core.models import Area

from . import types
from .models import (
    Case,
    CaseApplicant,
    CaseClock,
    CaseDecision,
    CaseDocument,
    CaseEvent,
    CaseMaterial,
    CaseRecord,
    CaseSequence,
    CaseStep,
    ClockExtension,
    ClockSuspension,
    ClockUnit,
    DocumentOrigin,
    LegalReview,
    LegalReviewOutcome,
)
from .selectors import case_guard_context, case_is_decided
from .types import RECEIVED, SPECIAL_RECORDS, CaseType, ClockRule
from .uploads import validate_upload
from .workflows import ENGINE_PAYLOAD_ACTIONS, LEGAL_REVIEW_AGREE, LEGAL_REVIEW_BACK

#: The earliest legal date the engine accepts (the oldest instrument it knows is from the 1980s).
EARLIEST = dt.date(1980, 1, 1)


def _label(actor: Any) -> str:
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", "") or "system")


def _type(case: Case) -> CaseType:
    try:
        return types.get(case.case_type)
    except KeyError:
        raise InvalidInput(_("未知的事项：%(t)s") % {"t": case.case_type}, location="case_type") from None


def _require(actor: Any, ctype: CaseType, *relatives: str) -> None:
    """The actor must hold one of ``<ns>.<relative>`` for the type.

    Raises:
        NotPermitted: naming what is missing.
    """
    if not any(types.may(actor, ctype, rel) for rel in relatives):
        raise NotPermitted(_("当前账号无权执行此操作（需要权限 %(cap)s）") % {
            "cap": " / ".join(ctype.capability(r) for r in relatives)})


def _lock(case: Case) -> Case:
    """Lock the case's row until the transaction ends and reload the caller's copy from it.

    The pages load a case — and the document a request names — before the service runs, so two requests sent
    together (a double click, a second tab, a retry) would both act on what the page saw. Every write service
    calls this first: the second request waits for the first, then sees what it wrote and is refused.
    """
    case.refresh_from_db(from_queryset=Case.objects.select_for_update())
    return case


def _event(case: Case, *, kind: str, summary: str, actor: Any, data: dict[str, Any] | None = None,
           basis: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, at=clock.now(), actor=actor if getattr(actor, "pk", None) else None, actor_label=_label(actor),
        kind=kind, summary=summary[:255], data=data or {}, basis=basis[:128])


def _next_number(case_type: CaseType, year: int) -> str:
    seq, _created = CaseSequence.objects.get_or_create(case_type=case_type.key, year=year)
    seq = CaseSequence.objects.select_for_update().get(pk=seq.pk)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{case_type.number_prefix}{year}-{seq.last:05d}"


def legal_date(on: dt.date | None, *, reason: str, not_before: dt.date, location: str,
               not_before_is: str = "") -> tuple[dt.date, str]:
    """The legal date of a step or record: ``on`` (default today) and the back-dating reason.

    A date before today is the back-dated entry of a historical file and needs a ``reason``.

    Raises:
        InvalidInput: a date after today, before ``not_before`` (the case's receipt or its last step, or what
            ``not_before_is`` names), before 1980, or back-dated without a reason — ``location`` names the field.
    """
    today = clock.today()
    day = on or today
    if day > today:
        raise InvalidInput(_("日期 %(d)s 晚于今天") % {"d": day.isoformat()}, location=location)
    if day < max(not_before, EARLIEST):
        raise InvalidInput(_("日期 %(d)s 早于 %(n)s（%(what)s）") % {
            "d": day.isoformat(), "n": max(not_before, EARLIEST).isoformat(),
            "what": not_before_is or _("收件日或上一环节的日期")}, location=location)
    if day < today and not reason.strip():
        raise InvalidInput(_("补录 %(d)s 的历史环节须写明补录理由") % {"d": day.isoformat()},
                           location="backdate_reason")
    return day, reason.strip() if day < today else ""


# --- clocks ---------------------------------------------------------------------------------------

def _parameter_amount(parameter: str, on: dt.date) -> tuple[int, str, bool]:
    from jisheng.law.parameters import parameter_value

    value = parameter_value(parameter, on)
    if not isinstance(value.value, int | str):
        raise InvalidInput(f"parameter {parameter} is not a whole number", location=parameter)
    return int(value.value), value.provision, bool(value.verified)


def _rule_amount(rule: ClockRule, on: dt.date) -> tuple[int, str]:
    """The clock's length on ``on`` and a note: the dated law parameter, or the rule's fixed amount
    (used only when the parameter has no value in force that day; the note says so).

    Raises:
        InvalidInput: no parameter value in force and no fallback amount.
    """
    if rule.parameter:
        try:
            amount, provision, verified = _parameter_amount(rule.parameter, on)
        except InvalidInput:
            if rule.amount is None:
                raise
            return rule.amount, _("参数 %(p)s 在 %(d)s 尚无有效取值，按本地规定 %(n)d 计（待法制科核实）。") % {
                "p": rule.parameter, "d": on.isoformat(), "n": rule.amount}
        from jisheng.law.provisions import describe

        note = _("期限依据：%(b)s%(v)s。") % {"b": describe(provision), "v": "" if verified else _("（待核实）")}
        return amount, note
    assert rule.amount is not None  # validated at registration
    return rule.amount, ""


def clock_recompute(c: CaseClock) -> CaseClock:
    """Recompute ``due`` and ``explanation`` of a clock from its start, suspensions and extensions (not saved).

    A suspension still open counts up to today. When the working-day calendar lacks a year the period runs
    into, ``due`` becomes None and ``pending_year`` names the year ("pending calendar"): the step that
    started the clock is kept, and :func:`recompute_open_clocks` fills the date in once the year is entered.
    Uses :func:`jisheng.law.deadlines.compute_due`.
    """
    from jisheng.law.calendar import CalendarYearMissing
    from jisheng.law.deadlines import compute_due

    today = clock.today()
    spans = [(s.start, s.end or max(s.start, today)) for s in c.suspensions.all()] if c.pk else []
    extension = sum(e.amount for e in c.extensions.all()) if c.pk else 0
    note = [c.source_note] if c.source_note else []
    try:
        result = compute_due(c.start, c.amount, c.unit, suspensions=spans, extension=extension)
    except CalendarYearMissing as exc:
        c.due, c.pending_year = None, exc.year
        c.explanation = [*note, _("届满日待定：%(msg)s 管理员录入该年节假日安排后自动计算。") % {"msg": str(exc)}]
        return c
    c.due, c.pending_year = result.due, None
    c.explanation = [*note, *result.explanation]
    return c


def _rule_basis(ctype: CaseType, c: CaseClock, field: str) -> str:
    try:
        rule = ctype.clock_rule(c.kind)
    except KeyError:
        return ""
    parameter = rule.extension_parameter if field == "extension_basis" else None
    return _clock_basis(rule, getattr(rule, field), parameter, _law_day(c.case, c.start))


def _due_text(c: CaseClock) -> str:
    return c.due.isoformat() if c.due else _("待定（工作日历缺少%(y)s年）") % {"y": c.pending_year}


def _law_day(case: Case, start: dt.date) -> dt.date:
    """The date whose law governs a clock of ``case`` starting on ``start`` (the type's ``law_date`` or ``start``)."""
    try:
        fixed = types.get(case.case_type).law_date(case)
    except KeyError:
        fixed = None
    return fixed or start


def _clock_basis(rule: ClockRule, ref: str, parameter: str | None, day: dt.date) -> str:
    """The provision a clock (or its extension) rests on, on ``day``: ``ref`` resolved, or else the provision of
    the parameter's value in force that day."""
    from jisheng.law.provisions import resolve

    if ref:
        return resolve(ref, day)
    if parameter:
        try:
            return _parameter_amount(parameter, day)[1]
        except InvalidInput:
            return ""
    return ""


def _start_clock(case: Case, rule: ClockRule, start: dt.date, event: str, actor: Any,
                 instance: str = "", amount: int | None = None, instance_label: str = "") -> CaseClock:
    law_day = _law_day(case, start)
    if amount is None:
        amount, note = _rule_amount(rule, law_day)
    else:
        note = _("期限由交办时确定：%(n)d %(u)s。") % {"n": amount, "u": ClockUnit(rule.unit).label}
    label = str(rule.label) + (f"（{instance_label or instance}）" if instance else "")
    c = CaseClock(case=case, kind=rule.kind, instance=instance, label=label[:128], start=start, start_event=event,
                  unit=rule.unit, amount=amount, parameter=rule.parameter or "",
                  basis=_clock_basis(rule, rule.basis, None if instance else rule.parameter, law_day),
                  source_note=note[:255])
    clock_recompute(c)
    c.save()
    _event(case, kind="clock_started", actor=actor, basis=c.basis,
           summary=_("期限“%(label)s”起算：%(start)s 起 %(n)d %(unit)s，届满日 %(due)s") % {
               "label": c.label, "start": start.isoformat(), "n": c.amount, "unit": c.get_unit_display(),
               "due": _due_text(c)},
           data={"kind": c.kind, "instance": instance, "start": start.isoformat(), "event": event,
                 "due": c.due.isoformat() if c.due else None, "explanation": c.explanation})
    return c


def _meet(case: Case, c: CaseClock, day: dt.date, event: str, actor: Any) -> None:
    c.met_on, c.met_by = day, event
    c.save(update_fields=["met_on", "met_by", "updated_at"])
    state = (_("在期限内") if c.met_in_time else _("超过届满日 %(due)s") % {"due": c.due}) if c.due else _("届满日待定")
    _event(case, kind="clock_met", actor=actor, basis=c.basis,
           summary=_("期限“%(label)s”已完成（%(day)s，%(state)s）") % {"label": c.label, "day": day.isoformat(),
                                                                 "state": state},
           data={"kind": c.kind, "instance": c.instance, "met_on": day.isoformat(), "event": event,
                 "due": c.due.isoformat() if c.due else None})


def _apply_clock_events(case: Case, ctype: CaseType, event: str, day: dt.date, actor: Any,
                        instance: str = "") -> None:
    """End the clocks ``event`` meets and start those it starts, on the legal date ``day``."""
    for rule in ctype.clock_rules:
        if event in rule.stop_on:
            running = case.clocks.filter(kind=rule.kind, met_on__isnull=True)
            if rule.per_instance and instance:
                running = running.filter(instance=instance)
            for c in running:
                _meet(case, c, max(day, c.start), event, actor)
    for rule in ctype.clock_rules:
        if rule.starts_on != event:
            continue
        if rule.per_instance:
            if instance and not case.clocks.filter(kind=rule.kind, instance=instance).exists():
                _start_clock(case, rule, day, event, actor, instance)
        elif not case.clocks.filter(kind=rule.kind).exists():
            _start_clock(case, rule, day, event, actor)


@transaction.atomic
def case_start_clock(case: Case, *, kind: str, instance: str, start: dt.date, actor: Any,
                     amount: int | None = None, instance_label: str = "") -> CaseClock:
    """Start a per-instance clock ``kind`` for ``instance`` (e.g. one assigned unit's answer) on ``start``.

    ``instance_label``: what people read for the instance in the clock's name (e.g. the assigned unit's name when
    ``instance`` is a key such as ``"A12"``); default the instance itself.

    ``amount``: the length in the rule's unit chosen for this instance (e.g. the days until an assigned unit's
    own response due date); None takes the rule's parameter or amount. A chosen amount must be at least 1 and
    not above the rule's length on ``start`` (its parameter or amount, when it has one).

    Raises:
        NotPermitted: the actor may not handle the type's cases (``change``).
        InvalidInput: no such per-instance clock, no instance, a start outside the case's dates, the clock
            already runs for that instance, or a chosen amount below 1 or above the rule's length.
    """
    ctype = _type(_lock(case))
    _require(actor, ctype, "change", "decide")
    try:
        rule = ctype.clock_rule(kind)
    except KeyError:
        raise InvalidInput(_("本事项没有期限“%(k)s”") % {"k": kind}, location="kind") from None
    if not rule.per_instance or not instance.strip():
        raise InvalidInput(_("期限“%(l)s”不是按对象分别计算的期限") % {"l": rule.label}, location="instance")
    if len(instance.strip()) > 64:
        raise InvalidInput(_("对象名称过长（不超过64个字）"), location="instance")
    day, _reason = legal_date(start, reason="-", not_before=case.application_date, location="start")
    if case.clocks.filter(kind=kind, instance=instance.strip()).exists():
        raise InvalidInput(_("期限“%(l)s”已为“%(i)s”起算") % {"l": rule.label, "i": instance}, location="instance")
    if amount is not None:
        limit = _rule_amount(rule, day)[0] if (rule.parameter or rule.amount is not None) else None
        if amount < 1 or (limit is not None and amount > limit):
            raise InvalidInput(_("期限须为 1 至 %(n)s") % {"n": limit if limit is not None else "…"},
                               location="amount")
    with audit.acting(actor):
        return _start_clock(case, rule, day, f"manual:{kind}", actor, instance.strip(), amount=amount,
                            instance_label=instance_label.strip()[:64])


def _clock(case: Case, kind: str, instance: str = "") -> CaseClock:
    c = case.clocks.filter(kind=kind, instance=instance).first()
    if c is None:
        raise InvalidInput(_("本案没有期限“%(k)s”") % {"k": kind}, location="kind")
    if c.met_on is not None:
        raise TransitionNotAllowed(_("期限“%(l)s”已完成，不能再变更") % {"l": c.label})
    return c


def _save_recomputed(case: Case, c: CaseClock, actor: Any, *, kind: str, summary: str, basis: str = "",
                     data: dict[str, Any] | None = None) -> CaseClock:
    clock_recompute(c)
    c.save(update_fields=["due", "pending_year", "explanation", "updated_at"])
    _event(case, kind=kind, actor=actor, basis=basis, summary=summary % {"due": _due_text(c)},
           data={"kind": c.kind, "instance": c.instance, **(data or {}),
                 "due": c.due.isoformat() if c.due else None})
    return c


@transaction.atomic
def case_suspend_clock(case: Case, *, kind: str, start: dt.date, reason: str, actor: Any,
                       end: dt.date | None = None, instance: str = "") -> CaseClock:
    """Stop counting clock ``kind`` from ``start`` (to ``end`` inclusive, or open until resumed).

    The time is excluded per 行政许可法 Art. 45 (appraisal, hearing, expert review), told in writing. The
    span must lie inside the clock's own span: not before it started, not after its due date or today, not
    overlapping another suspension.

    Raises:
        NotPermitted: the actor may not handle the type's cases (``change`` or ``decide``).
        InvalidInput: no such clock, an open suspension already exists, dates outside the clock's span or
            overlapping a suspension, ``end`` before ``start``, or no reason.
        TransitionNotAllowed: the clock is already met.
    """
    ctype = _type(_lock(case))
    _require(actor, ctype, "change", "decide")
    c = _clock(case, kind, instance)
    today = clock.today()
    if not reason.strip():
        raise InvalidInput(_("请写明中止事由"), location="reason")
    if start < c.start or start > today:
        raise InvalidInput(_("中止开始日须在期限起算日 %(s)s 至今天之间") % {"s": c.start.isoformat()},
                           location="start")
    if c.due is not None and start > c.due:  # a period that has run out has no time left to take out
        raise InvalidInput(_("中止开始日 %(s)s 晚于期限届满日 %(d)s，期限已届满，不能再中止") % {
            "s": start.isoformat(), "d": c.due.isoformat()}, location="start")
    if end is not None and (end < start or end > today):
        raise InvalidInput(_("中止结束日须在中止开始日至今天之间"), location="end")
    if c.suspensions.filter(end__isnull=True).exists():
        raise InvalidInput(_("该期限已在中止中"), location="start")
    last = end or today
    if any(s.start <= last and start <= (s.end or today) for s in c.suspensions.all()):
        raise InvalidInput(_("与已有的中止期间重叠"), location="start")
    with audit.acting(actor):
        ClockSuspension.objects.create(clock=c, start=start, end=end, reason=reason.strip())
        return _save_recomputed(case, c, actor, kind="clock_suspended",
                                basis=_rule_basis(ctype, c, "suspension_basis"),
                                summary=_("期限“%(l)s”中止：%(a)s 起（%(r)s），届满日现为 %%(due)s") % {
                                    "l": c.label, "a": start.isoformat(), "r": reason.strip()},
                                data={"start": start.isoformat(), "end": end.isoformat() if end else None})


@transaction.atomic
def case_resume_clock(case: Case, *, kind: str, end: dt.date, actor: Any, instance: str = "") -> CaseClock:
    """Close the open suspension of clock ``kind`` on ``end`` (inclusive, not after today) and recompute.

    Raises:
        NotPermitted: the actor may not handle the type's cases (``change`` or ``decide``) — approving an
            extension (a leader) is not enough.
        InvalidInput: no open suspension, or ``end`` before its start or after today.
        TransitionNotAllowed: the clock is already met.
    """
    ctype = _type(_lock(case))
    _require(actor, ctype, "change", "decide")
    c = _clock(case, kind, instance)
    open_one = c.suspensions.filter(end__isnull=True).first()
    if open_one is None:
        raise InvalidInput(_("该期限没有进行中的中止"), location="end")
    if end < open_one.start or end > clock.today():
        raise InvalidInput(_("中止结束日须在中止开始日 %(s)s 至今天之间") % {"s": open_one.start.isoformat()},
                           location="end")
    with audit.acting(actor):
        open_one.end = end
        open_one.save(update_fields=["end", "updated_at"])
        return _save_recomputed(case, c, actor, kind="clock_resumed",
                                summary=_("期限“%(l)s”恢复计算：中止至 %(e)s，届满日现为 %%(due)s") % {
                                    "l": c.label, "e": end.isoformat()}, data={"end": end.isoformat()})


def _extension_limit(rule: ClockRule | None, c: CaseClock) -> int | None:
    if rule is None:
        return None
    if rule.extension_parameter:
        amount, _provision, _verified = _parameter_amount(rule.extension_parameter, c.start)
        return amount
    return rule.max_extension


@transaction.atomic
def case_extend_clock(case: Case, *, kind: str, days: int, reason: str, actor: Any,
                      instance: str = "", on: dt.date | None = None, backdate_reason: str = "") -> CaseClock:
    """Extend clock ``kind`` by ``days`` units with the agency head's approval given on ``on`` (default today; an
    earlier day is a back-dated historical entry and needs ``backdate_reason``) — within the period, as
    行政许可法 Art. 42 has it, so an overdue clock is never turned into a running one — as many times as the clock
    rule allows (``max_extensions``, usually once), each at most the lawful length.

    Raises:
        NotPermitted: the actor may not approve extensions (``approve_extension`` or ``decide``).
        TransitionNotAllowed: the clock was already extended as often as the law allows, the law gives it no
            extension (the rule names neither ``extension_parameter`` nor ``max_extension``), or it is met.
        InvalidInput: ``days`` < 1 or over the lawful length, no reason, or an approval date before the clock
            started, after today or after the due date (see :func:`legal_date`).
    """
    ctype = _type(_lock(case))
    _require(actor, ctype, "approve_extension", "decide")
    c = _clock(case, kind, instance)
    try:
        rule: ClockRule | None = ctype.clock_rule(kind)
    except KeyError:
        rule = None
    allowed = rule.max_extensions if rule else 1
    if c.extensions.count() >= allowed:
        raise TransitionNotAllowed(_("期限“%(l)s”已延长 %(n)d 次，不得再次延长") % {"l": c.label, "n": allowed})
    limit = _extension_limit(rule, c)
    if limit is None:  # the law gives this time limit no extension: none is granted here either
        raise TransitionNotAllowed(_("期限“%(l)s”没有法定的延长期限，不能延长") % {"l": c.label})
    if days < 1 or days > limit:
        raise InvalidInput(_("延长期限须为 1 至 %(n)s") % {"n": limit}, location="days")
    if not reason.strip():
        raise InvalidInput(_("请写明延长理由"), location="reason")
    day, late = legal_date(on, reason=backdate_reason, not_before=c.start, location="on",
                           not_before_is=_("期限“%(l)s”的起算日") % {"l": c.label})
    if c.due is not None and day > c.due:
        raise InvalidInput(_("期限“%(l)s”已于 %(d)s 届满，延长须在届满前批准") % {
            "l": c.label, "d": c.due.isoformat()}, location="on")
    with audit.acting(actor):
        ClockExtension.objects.create(clock=c, amount=days, reason=reason.strip(), on=day,
                                      approved_by=actor if getattr(actor, "pk", None) else None,
                                      approver_label=_label(actor))
        return _save_recomputed(case, c, actor, kind="clock_extended",
                                basis=_rule_basis(ctype, c, "extension_basis"),
                                summary=_("期限“%(l)s”延长 %(n)d %(u)s（%(r)s），届满日现为 %%(due)s") % {
                                    "l": c.label, "n": days, "u": c.get_unit_display(), "r": reason.strip()},
                                data={"days": days, "on": day.isoformat(), "backdate_reason": late})


def recompute_open_clocks(*, first: dt.date, last: dt.date) -> list[Any]:
    """Recompute every open clock whose period touches ``first``…``last`` (or whose due date waits for the
    calendar) after the working-day calendar changed; save the moved ones with an event in each case.

    Registered with the law app (``register_recomputer("cases", …)``); returns ``Recomputed`` rows.
    """
    from jisheng.law.services import Recomputed

    moved = []
    candidates = (CaseClock.objects.filter(met_on__isnull=True, start__lte=last)
                  .select_related("case").prefetch_related("suspensions", "extensions"))
    for c in candidates:
        if c.due is not None and c.due < first:
            continue
        old, old_pending = c.due, c.pending_year
        clock_recompute(c)
        if (c.due, c.pending_year) == (old, old_pending):
            continue
        c.save(update_fields=["due", "pending_year", "explanation", "updated_at"])
        if c.due == old:  # still pending, now on a later year: saved, but no due date moved
            continue
        _event(c.case, kind="clock_recomputed", actor=audit.current().actor,
               summary=_("工作日历变更，期限“%(l)s”届满日由 %(a)s 改为 %(b)s") % {
                   "l": c.label, "a": old.isoformat() if old else _("待定"), "b": _due_text(c)},
               data={"kind": c.kind, "instance": c.instance, "old_due": old.isoformat() if old else None,
                     "due": c.due.isoformat() if c.due else None})
        moved.append(Recomputed(f"cases.case:{c.case.number}/{c.kind}{'/' + c.instance if c.instance else ''}",
                                old, c.due, label=f"{c.case.number} {c.label}"))
    return moved


# --- cases ----------------------------------------------------------------------------------------

@transaction.atomic
def case_create(*, case_type: str, area: Area, application_date: dt.date, actor: Any,
                applicants: Sequence[tuple[Any, str]] = (), outside_parties: Sequence[dict[str, str]] = (),
                facts: dict[str, Any] | None = None, is_special: bool = False, special_reason: str = "",
                summary: str = "", related_case: Case | None = None, is_demo: bool = False) -> Case:
    """Register a new case of ``case_type`` received by ``area`` on ``application_date`` (the receipt date).

    ``applicants``: ``[(registry Person, role)]``; ``outside_parties``: ``[{"role", "name", "id_number",
    "phone"}]`` for parties outside the registry, where the type admits them. Roles must be parties of the
    type. Builds the materials checklist and starts the clocks that run from receipt, on the receipt date.

    Raises:
        NotPermitted: the actor may not register the type's cases (``register`` or ``change``).
        InvalidInput: unknown case type, a receipt date after today or before 1980, the procedure does not
            accept cases on that date, a party role the type does not have, or a required party missing.
    """
    try:
        ctype = types.get(case_type)
    except KeyError:
        raise InvalidInput(_("未知的事项：%(t)s") % {"t": case_type}, location="case_type") from None
    _require(actor, ctype, "register", "change")
    if application_date > clock.today():  # a typo (2031 for 2013) would start clocks from a day to come
        raise InvalidInput(_("申请日期 %(d)s 晚于今天") % {"d": application_date.isoformat()},
                           location="application_date")
    if application_date < EARLIEST:
        raise InvalidInput(_("申请日期 %(d)s 早于 %(e)s") % {"d": application_date.isoformat(),
                                                           "e": EARLIEST.isoformat()}, location="application_date")
    if not ctype.accepts_on(application_date):
        raise InvalidInput(_("%(label)s 在 %(d)s 不再（或尚未）受理新申请") % {
            "label": ctype.label, "d": application_date.isoformat()}, location="application_date")
    roles = {p.role: p for p in ctype.parties}
    for _person, role in applicants:
        if roles and role not in roles:
            raise InvalidInput(_("本事项没有“%(r)s”这类当事人") % {"r": role}, location="applicants")
    for party in outside_parties:
        spec = roles.get(party.get("role", ""))
        if spec is None or spec.registry:
            raise InvalidInput(_("本事项的“%(r)s”须从人口信息中选择") % {"r": party.get("role", "")},
                               location="applicants")
        if not party.get("name", "").strip():
            raise InvalidInput(_("请填写当事人名称"), location="applicants")
    given = {role for _person, role in applicants} | {p.get("role", "") for p in outside_parties}
    missing = [str(p.label) for p in ctype.parties if p.required and p.role not in given]
    if missing:
        raise InvalidInput(_("缺少当事人：%(m)s") % {"m": "、".join(missing)}, location="applicants")
    with audit.acting(actor):
        case = Case.objects.create(
            number=_next_number(ctype, application_date.year), case_type=ctype.key, area=area,
            status=ctype.workflow.initial, application_date=application_date, facts=facts or {},
            is_special=is_special, special_reason=special_reason, summary=summary, registered_by=actor,
            related_case=related_case, is_demo=is_demo)
        for person, role in applicants:
            CaseApplicant.objects.create(case=case, person=person, role=role)
        for party in outside_parties:
            CaseApplicant.objects.create(case=case, role=party["role"], name=party["name"].strip()[:100],
                                         id_number=party.get("id_number", "")[:32], phone=party.get("phone", "")[:32])
        for material in ctype.materials(case.facts, application_date):
            CaseMaterial.objects.create(case=case, key=material.key, name=material.name, required=material.required,
                                        basis=material.basis)
        _event(case, kind="created", actor=actor,
               summary=_("登记%(label)s申请，案号 %(number)s") % {"label": ctype.label, "number": case.number},
               data={"application_date": application_date.isoformat(), "special": is_special})
        _apply_clock_events(case, ctype, RECEIVED, application_date, actor)
    return case


def _last_step_day(case: Case) -> dt.date:
    last = case.steps.order_by("-seq").values_list("on", flat=True).first()
    return last or case.application_date


def _transition(locked: Case, ctype: CaseType, *, action: str, actor: Any, opinion: str, on: dt.date | None,
                backdate_reason: str) -> Case:
    row = ctype.workflow.transition(locked.status, action)  # table check first: unknown pairs never pass
    _require(actor, ctype, row.capability)
    ctype.workflow.transition(locked.status, action, case_guard_context(locked))
    day, reason = legal_date(on, reason=backdate_reason, not_before=_last_step_day(locked), location="on")
    before = locked.status
    with audit.acting(actor):
        locked.status = row.target
        locked.save(update_fields=["status", "updated_at"])
        seq = locked.steps.count() + 1
        CaseStep.objects.create(case=locked, seq=seq, action=action, from_status=before, to_status=row.target,
                                actor=actor, actor_label=_label(actor), at=clock.now(), on=day,
                                backdate_reason=reason, opinion=opinion)
        _event(locked, kind="transition", actor=actor,
               summary=f"{ctype.workflow.actions[action]}：{ctype.workflow.statuses[before]} → "
                       f"{ctype.workflow.statuses[row.target]}" + (f"（{day.isoformat()}）" if reason else ""),
               data={"action": action, "from": before, "to": row.target, "opinion": opinion, "on": day.isoformat(),
                     "backdate_reason": reason})
        _apply_clock_events(locked, ctype, f"action:{action}", day, actor)
        if ctype.after_action is not None and action not in ctype.decision_actions:
            ctype.after_action(locked, action, actor)
    return locked


@transaction.atomic
def case_transition(case: Case, *, action: str, actor: Any, opinion: str = "", on: dt.date | None = None,
                    backdate_reason: str = "") -> Case:
    """Take workflow ``action`` on ``case``: check capability, table row and guards, then record it.

    ``on`` is the step's legal date (default today); a date before today is a back-dated historical entry and
    needs ``backdate_reason``. On success the status changes, a :class:`CaseStep` and a :class:`CaseEvent` are
    appended and the type's clocks stop/start on that date. On refusal nothing changes. Decisions are taken
    only through :func:`case_decide` and legal reviews through :func:`case_legal_review`.

    Raises:
        TransitionNotAllowed: not in the table for the current status, a guard fails (says why), or the action
            records a decision or a legal review.
        NotPermitted: the actor lacks the transition's capability for the case's type.
        InvalidInput: a bad date (see :func:`legal_date`).
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    ctype = _type(locked)
    if action in ctype.decision_actions:
        raise TransitionNotAllowed(_("作出决定须使用决定表单，写明理由和法律依据。"))
    if action in ENGINE_PAYLOAD_ACTIONS:
        raise TransitionNotAllowed(_("法制审核须使用审核表单，写明审核意见。"))
    _transition(locked, ctype, action=action, actor=actor, opinion=opinion, on=on, backdate_reason=backdate_reason)
    case.status = locked.status
    return locked


@transaction.atomic
def case_mark_special(case: Case, *, reason: str, actor: Any, special: bool = True) -> Case:
    """Mark (or unmark) ``case`` as a special case needing the three records and a legal review.

    Raises:
        NotPermitted: the actor may not handle the type's cases (``change``).
        TransitionNotAllowed: the case is already decided. InvalidInput: no reason.
    """
    _require(actor, _type(_lock(case)), "change")
    if CaseDecision.objects.filter(case_id=case.pk).exists():
        raise TransitionNotAllowed(_("案件已作出决定，不能再改变特殊案件标记"))
    if special and not reason.strip():
        raise InvalidInput(_("请写明特殊案件的事由"), location="reason")
    with audit.acting(actor):
        case.is_special = special
        case.special_reason = reason
        case.save(update_fields=["is_special", "special_reason", "updated_at"])
        _event(case, kind="special", actor=actor,
               summary=(_("标记为特殊案件：%(r)s") % {"r": reason}) if special else _("取消特殊案件标记"))
    return case


# --- the case file ----------------------------------------------------------------------------------

_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def _store(case: Case, *, kind: str, title: str, origin: str, name: str, content: bytes, mime: str,
           actor: Any, doc_number: str = "", replaces: CaseDocument | None = None) -> CaseDocument:
    doc = CaseDocument(case=case, kind=kind, title=title, origin=origin, content_type=mime, size=len(content),
                       sha256=hashlib.sha256(content).hexdigest(), doc_number=doc_number, created_by=actor,
                       filed_at=clock.now(), replaces=replaces)
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    return doc


def _refresh_material(case: Case, kind: str) -> None:
    material = case.materials.filter(key=kind).first()
    if material is not None:
        provided = case.documents.filter(kind=kind, active=True).exists()
        if material.provided != provided:
            material.provided = provided
            material.save(update_fields=["provided", "updated_at"])


@transaction.atomic
def case_attach_document(case: Case, *, kind: str, name: str, stream: IO[bytes], size: int, actor: Any,
                         title: str = "", replaces: CaseDocument | None = None, reason: str = "") -> CaseDocument:
    """Attach an uploaded file as material ``kind`` or special-case record ``kind``, or as the replacement of
    ``replaces`` (an active upload of this case, which stays in the file, inactive, with ``reason``).

    The file must be PDF/JPEG/PNG by content and ≤ 10 MB. A special-case record is kept once: a second upload
    must replace the first. The same file (by content) is kept once per kind. The material line is marked
    provided while an active upload exists.

    Raises:
        InvalidInput: bad file (see :func:`~jisheng.cases.uploads.validate_upload`), unknown ``kind``, a second
            special-case record instead of a replacement, the same file again, or a replacement of another
            case's, a generated or an inactive document, or without a reason.
        NotPermitted: the actor may not register or handle the type's cases.
        TransitionNotAllowed: the case is closed.
    """
    ctype = _type(_lock(case))
    _require(actor, ctype, "register", "change")
    if case.status in ctype.workflow.terminal:
        raise TransitionNotAllowed(_("案件已办结，案卷不能再添加材料"))
    if replaces is not None:
        replaces.refresh_from_db()  # another request may have replaced or withdrawn it since the page loaded
        if (replaces.case_id != case.pk or not replaces.active or replaces.origin != DocumentOrigin.UPLOADED):
            raise InvalidInput(_("只能替换本案有效的上传文件"), location="replaces")
        if not reason.strip():
            raise InvalidInput(_("请写明替换理由"), location="reason")
        kind = replaces.kind
    mime = validate_upload(name, size, stream)
    material = case.materials.filter(key=kind).first()
    if material is None and kind not in SPECIAL_RECORDS:
        raise InvalidInput(_("未知的材料类别：%(k)s") % {"k": kind}, location="kind")
    if (kind in SPECIAL_RECORDS and replaces is None
            and case.documents.filter(kind=kind, active=True).exists()):
        raise InvalidInput(_("已上传“%(t)s”，如需更正请替换原文件") % {"t": SPECIAL_RECORDS[kind]}, location="kind")
    label = title or (material.name if material else str(SPECIAL_RECORDS[kind]))
    content = stream.read()
    same_files = case.documents.filter(kind=kind, active=True, sha256=hashlib.sha256(content).hexdigest())
    same = (same_files.exclude(pk=replaces.pk) if replaces is not None else same_files).first()
    if same is not None:  # a double click or a second tab: the file is already in the case file
        raise InvalidInput(_("“%(t)s”已上传过同一文件（#%(id)d），无需重复上传") % {"t": label, "id": same.pk},
                           location="file")
    # Citizens' scans arrive named after the person ("王小红_3205…_身份证.pdf"); the stored name carries no
    # personal data (contract §3): case number, kind, a content hash prefix and the extension of the type.
    stored_name = f"{case.number}-{kind}-{hashlib.sha256(content).hexdigest()[:8]}{_EXTENSIONS[mime]}"
    with audit.acting(actor):
        doc = _store(case, kind=kind, title=label, origin=DocumentOrigin.UPLOADED, name=stored_name,
                     content=content, mime=mime, actor=actor, replaces=replaces)
        if replaces is not None:
            replaces.active = False
            replaces.withdrawn_at = clock.now()
            replaces.withdrawn_reason = reason.strip()[:255]
            replaces.save(update_fields=["active", "withdrawn_at", "withdrawn_reason", "updated_at"])
        _refresh_material(case, kind)
        summary = (_("替换：%(t)s（%(n)d 字节；原文件 #%(o)d，理由：%(r)s）") % {
            "t": label, "n": len(content), "o": replaces.pk, "r": reason.strip()} if replaces is not None
            else _("上传：%(t)s（%(n)d 字节）") % {"t": label, "n": len(content)})
        _event(case, kind="document", actor=actor, summary=summary,
               data={"document_id": doc.pk, "kind": kind, "sha256": doc.sha256,
                     "replaces": replaces.pk if replaces is not None else None})
    return doc


@transaction.atomic
def case_withdraw_document(case: Case, *, document: CaseDocument, reason: str, actor: Any) -> CaseDocument:
    """Withdraw an uploaded document (wrong file, wrong case): it stays in the file, inactive, with the reason.

    Raises:
        NotPermitted: the actor may not register or handle the type's cases.
        InvalidInput: not an active upload of this case, or no reason. TransitionNotAllowed: the case is closed.
    """
    ctype = _type(_lock(case))
    _require(actor, ctype, "register", "change")
    if case.status in ctype.workflow.terminal:
        raise TransitionNotAllowed(_("案件已办结，案卷不能再更改"))
    document.refresh_from_db()  # another request may have withdrawn or replaced it since the page loaded
    if document.case_id != case.pk or not document.active or document.origin != DocumentOrigin.UPLOADED:
        raise InvalidInput(_("只能撤回本案有效的上传文件"), location="document")
    if not reason.strip():
        raise InvalidInput(_("请写明撤回理由"), location="reason")
    with audit.acting(actor):
        document.active = False
        document.withdrawn_at = clock.now()
        document.withdrawn_reason = reason.strip()[:255]
        document.save(update_fields=["active", "withdrawn_at", "withdrawn_reason", "updated_at"])
        _refresh_material(case, document.kind)
        _event(case, kind="document_withdrawn", actor=actor,
               summary=_("撤回：%(t)s（#%(id)d，理由：%(r)s）") % {"t": document.title, "id": document.pk,
                                                           "r": reason.strip()},
               data={"document_id": document.pk, "kind": document.kind})
    return document


@transaction.atomic
def case_store_generated_document(case: Case, *, kind: str, title: str, content: bytes, actor: Any,
                                  doc_number: str = "", filename: str | None = None) -> CaseDocument:
    """Store a generated PDF (receipt, notice, decision, certificate, legal-review opinion) in the case file.

    Called inside the service that produces the paper (its capability was checked there).
    """
    with audit.acting(actor):
        doc = _store(case, kind=kind, title=title, origin=DocumentOrigin.GENERATED,
                     name=filename or f"{case.number}-{kind}.pdf", content=content, mime="application/pdf",
                     actor=actor, doc_number=doc_number)
        _event(case, kind="document_generated", actor=actor, summary=_("生成文书：%(t)s %(n)s") % {
            "t": title, "n": doc_number}, data={"document_id": doc.pk, "kind": kind, "sha256": doc.sha256})
    return doc


@transaction.atomic
def case_add_record(case: Case, *, kind: str, actor: Any, on: dt.date | None = None, text: str = "",
                    data: dict[str, Any] | None = None, instance: str = "", backdate_reason: str = "",
                    document: CaseDocument | None = None) -> CaseRecord:
    """File record ``kind`` of the case's type (service record, prior notice, statement, hearing, publication,
    reply…) dated ``on`` (its legal date; before today needs ``backdate_reason``). The date starts or ends the
    clocks whose rules name ``record:<kind>`` (for ``instance`` where the clock runs per instance). A record
    filed once the case is decided (a publication, a reply) is not dated before the decision, and no record is
    dated before the start of a clock it ends. The same record (kind, instance, date and text) is kept once.

    Raises:
        NotPermitted: the actor lacks the record's capability for the type.
        InvalidInput: a record kind the type does not have, no text where one is needed, a bad date (also one
            before the decision or before the start of a clock the record ends), the same record again, or a
            document of another case.
        TransitionNotAllowed: the record's phase does not fit the case (e.g. a publication before the decision,
            a prior notice after it).
    """
    ctype = _type(_lock(case))
    try:
        spec = ctype.record_kind(kind)
    except KeyError:
        raise InvalidInput(_("本事项没有“%(k)s”这类记录") % {"k": kind}, location="kind") from None
    _require(actor, ctype, spec.capability)
    ended = case_is_decided(case)
    if not spec.allowed(ended):
        raise TransitionNotAllowed((_("案件已作出决定或办结，不能再添加“%(l)s”") if ended
                                    else _("案件尚未作出决定，不能添加“%(l)s”")) % {"l": spec.label})
    if spec.needs_text and not text.strip():
        raise InvalidInput(_("请填写%(l)s的内容") % {"l": spec.label}, location="text")
    if document is not None and document.case_id != case.pk:
        raise InvalidInput(_("文件不属于本案"), location="document")
    earliest = [(case.application_date, _("收件日"))]
    decided_on = CaseDecision.objects.filter(case_id=case.pk).values_list("decided_on", flat=True).first()
    if spec.phase == "decided" and decided_on is not None:
        earliest.append((decided_on, _("决定日期")))
    for rule in ctype.clock_rules:
        if f"record:{kind}" in rule.stop_on:
            ends = case.clocks.filter(kind=rule.kind, met_on__isnull=True)
            if rule.per_instance and instance.strip():
                ends = ends.filter(instance=instance.strip())
            earliest += [(c.start, _("期限“%(l)s”的起算日") % {"l": c.label}) for c in ends]
    not_before, what = max(earliest, key=lambda pair: pair[0])
    day, reason = legal_date(on, reason=backdate_reason, not_before=not_before, location="on", not_before_is=what)
    if case.records.filter(kind=kind, instance=instance.strip(), on=day, text=text.strip()).exists():
        raise InvalidInput(_("“%(l)s”（%(d)s）已登记，无需重复提交") % {"l": spec.label, "d": day.isoformat()},
                           location="kind")
    with audit.acting(actor):
        record = CaseRecord.objects.create(case=case, kind=kind, instance=instance.strip(), on=day,
                                           text=text.strip(), data=data or {}, document=document,
                                           recorded_by=actor, backdate_reason=reason)
        _event(case, kind="record", actor=actor, basis=spec.basis,
               summary=_("%(l)s（%(d)s）%(t)s") % {"l": spec.label, "d": day.isoformat(),
                                                 "t": f"：{text.strip()[:80]}" if text.strip() else ""},
               data={"record_id": record.pk, "kind": kind, "on": day.isoformat(), "instance": instance.strip()})
        _apply_clock_events(case, ctype, f"record:{kind}", day, actor, instance.strip())
    return record


# --- decisions and legal review --------------------------------------------------------------------

def _checked_basis(keys: Iterable[str], on: dt.date) -> tuple[list[str], list[str]]:
    """The decision's provision keys, checked against the catalogue on the decision date, and those whose
    dates the catalogue cannot confirm yet (unverified versions: accepted, recorded as 施行日期待核实).

    Raises:
        InvalidInput: no key, a key not in the catalogue (free text such as "江苏条例第二十二条"), or a provision
            known not to be in force that day (repealed or not yet in force).
    """
    from jisheng.law.provisions import describe, in_force_state, provision_exists

    cleaned: list[str] = []
    unconfirmed: list[str] = []
    for raw in keys:
        key = raw.strip()
        if not key or key in cleaned:
            continue
        if not provision_exists(key):
            raise InvalidInput(_("法律依据“%(k)s”不是法规库中的条款，请从条款列表中选择") % {"k": key[:60]},
                               location="provision_keys")
        state = in_force_state(key, on)
        if state is False:
            raise InvalidInput(_("%(p)s 在 %(d)s 不是有效条款（尚未施行或已失效），不能作为决定依据") % {
                "p": describe(key), "d": on.isoformat()}, location="provision_keys")
        if state is None:
            unconfirmed.append(key)
        cleaned.append(key)
    if not cleaned:
        raise InvalidInput(_("决定须引用至少一项法律依据"), location="provision_keys")
    return cleaned, unconfirmed


@transaction.atomic
def case_decide(case: Case, *, outcome: str, reasons: str, provision_keys: Iterable[str], actor: Any,
                remedies: Sequence[str] = (), doc_number: str = "", deviation_reason: str = "",
                on: dt.date | None = None, backdate_reason: str = "") -> CaseDecision:
    """Decide ``case`` on ``on`` (default today; earlier = back-dated historical entry, needs ``backdate_reason``).

    ``outcome`` is one of the type's outcomes; ``provision_keys`` must name provisions of the catalogue in force
    on the decision date (free text or a repealed provision is refused here, not only by the form). The rules'
    verdict on that date (``CaseType.rule_check``) is recorded; a decision against it (a grant the rules say
    is not eligible, a refusal of an eligible case) needs ``deviation_reason``, which the case-file review shows.
    An unfavourable outcome tells the remedies in force on the decision date (the type's ``remedies``).

    Raises:
        TransitionNotAllowed: the workflow does not allow deciding now (status, special-case records, legal
            review) — nothing is recorded.
        NotPermitted: the actor may not decide the type's cases.
        InvalidInput: unknown outcome, no reasons, no / unknown / not-in-force provisions, a decision against
            the rules without a reason, an unfavourable decision without remedies, or a bad date.
    """
    from jisheng.law.provisions import describe

    locked = Case.objects.select_for_update().get(pk=case.pk)
    ctype = _type(locked)
    _require(actor, ctype, "decide")
    try:
        result = ctype.outcome(outcome)
    except KeyError:
        raise InvalidInput(_("未知的决定结果"), location="outcome") from None
    if not reasons.strip():
        raise InvalidInput(_("决定须写明理由"), location="reasons")
    day, reason = legal_date(on, reason=backdate_reason, not_before=_last_step_day(locked), location="on")
    keys, unconfirmed = _checked_basis(provision_keys, day)
    verdict = ctype.rule_check(locked, day)
    against = bool(verdict is not None and verdict.eligible is not None and result.favourable is not None
                   and verdict.eligible != result.favourable)
    if against and not deviation_reason.strip():
        raise InvalidInput(_("规则校验结论为“%(v)s”，作出与之不一致的决定须写明理由") % {
            "v": _("符合") if verdict and verdict.eligible else _("不符合")}, location="deviation_reason")
    told = list(remedies) or (ctype.remedies(locked, day) if result.tells_remedies else [])
    if result.tells_remedies and not told:
        raise InvalidInput(_("不利决定须告知申请行政复议、提起行政诉讼的权利、途径和期限"), location="remedies")
    _transition(locked, ctype, action=result.action, actor=actor, opinion=reasons, on=day, backdate_reason=reason)
    with audit.acting(actor):
        decision = CaseDecision.objects.create(
            case=locked, outcome=result.key, decided_on=day, reasons=reasons.strip(), provision_keys=keys,
            remedies=told, doc_number=doc_number, decided_by=actor, backdate_reason=reason,
            rule_verdict={"checked": verdict is not None, "unconfirmed_basis": unconfirmed, **(
                {} if verdict is None else {"eligible": verdict.eligible, "provisions": list(verdict.provisions),
                                            "summary": verdict.summary})},
            against_rule=against, deviation_reason=deviation_reason.strip() if against else "")
        _event(locked, kind="decision", actor=actor, basis=",".join(keys),
               summary=_("决定：%(o)s。依据：%(k)s%(d)s") % {
                   "o": result.label, "k": "、".join(describe(k) for k in keys),
                   "d": _("（与规则校验不一致：%(r)s）") % {"r": deviation_reason.strip()} if against else ""},
               data={"outcome": result.key, "provision_keys": keys, "unconfirmed_basis": unconfirmed,
                     "reasons": reasons, "remedies": told,
                     "on": day.isoformat(), "against_rule": against, "deviation_reason": decision.deviation_reason})
        if ctype.after_action is not None:
            ctype.after_action(locked, result.action, actor)
    case.status = locked.status
    return decision


@transaction.atomic
def case_legal_review(case: Case, *, outcome: str, opinion: str, actor: Any, on: dt.date | None = None,
                      backdate_reason: str = "") -> LegalReview:
    """Record the legal review (法制审核) of a major decision given on ``on`` (default today; an earlier day is a
    back-dated historical entry and needs ``backdate_reason``): ``agree`` moves the case on to the decision;
    ``disagree`` and ``return`` send it back to the department, which must change it and ask again. The written
    opinion is required; a 法制审核意见书 dated ``on`` is generated and filed. Only a review that agreed lets a
    major decision be taken (国办发〔2018〕118号).

    Raises:
        NotPermitted: the actor may not give the type's legal reviews.
        InvalidInput: unknown outcome, an opinion shorter than 10 characters, or a bad date (see
            :func:`legal_date`).
        TransitionNotAllowed: the case is not waiting for a legal review.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    ctype = _type(locked)
    _require(actor, ctype, "legal_review")
    if outcome not in LegalReviewOutcome.values:
        raise InvalidInput(_("请选择审核结论：同意、不同意或退回补充"), location="outcome")
    if len(opinion.strip()) < 10:
        raise InvalidInput(_("请写明审核意见（不少于10个字）"), location="opinion")
    action = LEGAL_REVIEW_AGREE if outcome == LegalReviewOutcome.AGREE else LEGAL_REVIEW_BACK
    label = LegalReviewOutcome(outcome).label
    _transition(locked, ctype, action=action, actor=actor, opinion=f"{label}：{opinion.strip()}", on=on,
                backdate_reason=backdate_reason)
    with audit.acting(actor):
        review = LegalReview.objects.create(case=locked, outcome=outcome, opinion=opinion.strip(),
                                            reviewed_on=_last_step_day(locked), reviewer=actor)
        from .documents import legal_review_opinion

        review.document = legal_review_opinion(locked, review, actor)
        review.save(update_fields=["document", "updated_at"])
        _event(locked, kind="legal_review", actor=actor,
               summary=_("法制审核：%(o)s。%(t)s") % {"o": label, "t": opinion.strip()[:120]},
               data={"review_id": review.pk, "outcome": outcome})
    case.status = locked.status
    return review
