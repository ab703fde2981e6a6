"""All writes of the case engine. One transaction per call; ``actor=`` on every state change.

- :func:`case_create` registers a case (number, applicants, checklist, clocks started on ``create``);
- :func:`case_transition` is the one way a status changes: capability, workflow table and guards,
  then the step, the event and the clocks — or, on any refusal, nothing at all;
- :func:`case_attach_document`, :func:`case_store_generated_document` fill the case file;
- :func:`case_suspend_clock`, :func:`case_resume_clock`, :func:`case_extend_clock` act on statutory
  clocks (行政许可法 Art. 45 excluded time; Art. 42 one extension);
- :func:`case_decide` records the decision with reasons and provision keys and moves the status;
- :func:`case_mark_special`, :func:`case_mark_published`.
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
    CaseSequence,
    CaseStep,
    ClockSuspension,
    DecisionOutcome,
    DocumentOrigin,
)
from .selectors import case_guard_context
from .types import SPECIAL_RECORDS, CaseType, ClockRule
from .uploads import validate_upload


def _label(actor: Any) -> str:
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", "") or "system")


def _require(actor: Any, capability: str) -> None:
    if actor is None or not getattr(actor, "has_capability", lambda c: False)(capability):
        raise NotPermitted(_("当前账号无权执行此操作（需要权限 %(cap)s）") % {"cap": capability})


def _event(case: Case, *, kind: str, summary: str, actor: Any, data: dict[str, Any] | None = None,
           basis: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, at=clock.now(), actor=actor if getattr(actor, "pk", None) else None, actor_label=_label(actor),
        kind=kind, summary=summary[:255], data=data or {}, basis=basis)


def _next_number(case_type: CaseType, year: int) -> str:
    seq, _created = CaseSequence.objects.get_or_create(case_type=case_type.key, year=year)
    seq = CaseSequence.objects.select_for_update().get(pk=seq.pk)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{case_type.number_prefix}{year}-{seq.last:05d}"


# --- clocks ---------------------------------------------------------------------------------------

def _rule_amount(rule: ClockRule, on: dt.date) -> tuple[int, str]:
    """The clock's length on ``on`` and a note: the dated law parameter, or the rule's fixed amount
    (used only when the parameter has no value in force that day; the note says so).

    Raises:
        InvalidInput: no parameter value in force and no fallback amount.
    """
    if rule.parameter:
        from jisheng.law.parameters import parameter_value

        try:
            value = parameter_value(rule.parameter, on)
        except InvalidInput:
            if rule.amount is None:
                raise
            return rule.amount, _("参数 %(p)s 在 %(d)s 尚无有效取值，按本地规定 %(n)d 计（待法制科核实）。") % {
                "p": rule.parameter, "d": on.isoformat(), "n": rule.amount}
        if not isinstance(value.value, int | str):
            raise InvalidInput(f"parameter {rule.parameter} is not a whole number", location=rule.parameter)
        note = _("期限取自参数 %(p)s（依据 %(b)s%(v)s）。") % {
            "p": rule.parameter, "b": value.provision, "v": "" if value.verified else _("，待核实")}
        return int(value.value), note
    if rule.amount is None:
        raise InvalidInput(f"clock rule {rule.kind} has neither parameter nor amount", location=rule.kind)
    return rule.amount, ""


def clock_recompute(c: CaseClock) -> CaseClock:
    """Recompute ``due`` and ``explanation`` of a clock from its start, suspensions and extension.

    A suspension still open counts up to today. Uses :func:`jisheng.law.deadlines.compute_due`.
    """
    from jisheng.law.deadlines import compute_due

    today = clock.today()
    spans = [(s.start, s.end or max(s.start, today)) for s in c.suspensions.all()] if c.pk else []
    result = compute_due(c.start, c.amount, c.unit, suspensions=spans, extension=c.extension or 0)
    c.due = result.due
    c.explanation = ([c.source_note] if c.source_note else []) + list(result.explanation)
    return c


def _start_clock(case: Case, rule: ClockRule, start: dt.date, actor: Any) -> CaseClock:
    amount, note = _rule_amount(rule, start)
    c = CaseClock(case=case, kind=rule.kind, label=str(rule.label), start=start, unit=rule.unit,
                  amount=amount, parameter=rule.parameter or "", basis=rule.basis, source_note=note)
    clock_recompute(c)
    c.save()
    _event(case, kind="clock_started", actor=actor, basis=rule.basis,
           summary=_("期限“%(label)s”起算：%(start)s 起 %(n)d %(unit)s，届满日 %(due)s") % {
               "label": c.label, "start": start.isoformat(), "n": c.amount, "unit": c.get_unit_display(),
               "due": c.due.isoformat()},
           data={"kind": c.kind, "due": c.due.isoformat(), "explanation": c.explanation})
    return c


def _apply_clock_rules(case: Case, case_type: CaseType, action: str, day: dt.date, actor: Any) -> None:
    for rule in case_type.clock_rules:
        if action in rule.stop_on:
            c = case.clocks.filter(kind=rule.kind, met_on__isnull=True).first()
            if c is not None:
                c.met_on = day
                c.save(update_fields=["met_on", "updated_at"])
                in_time = c.met_on <= c.due
                _event(case, kind="clock_met", actor=actor, basis=rule.basis,
                       summary=(_("期限“%(label)s”已完成（%(day)s，%(state)s）") % {
                           "label": c.label, "day": day.isoformat(),
                           "state": _("在期限内") if in_time else _("超过届满日 %(due)s") % {"due": c.due}}),
                       data={"kind": c.kind, "met_on": day.isoformat(), "due": c.due.isoformat()})
    for rule in case_type.clock_rules:
        if rule.start_on == action and not case.clocks.filter(kind=rule.kind).exists():
            _start_clock(case, rule, day, actor)


# --- cases ----------------------------------------------------------------------------------------

@transaction.atomic
def case_create(*, case_type: str, area: Area, application_date: dt.date, actor: Any,
                applicants: Sequence[tuple[Any, str]] = (), facts: dict[str, Any] | None = None,
                is_special: bool = False, special_reason: str = "", summary: str = "",
                related_case: Case | None = None, is_demo: bool = False) -> Case:
    """Register a new case of ``case_type`` received by ``area`` on ``application_date``.

    ``applicants``: ``[(registry Person, role)]`` with roles from :class:`~jisheng.cases.models.ApplicantRole`.
    Builds the materials checklist from the type and starts the clocks that run from registration.

    Raises:
        NotPermitted: the actor may not register cases (``cases.change`` or ``cases.register``).
        InvalidInput: unknown case type, an application date after today, or the procedure does not
            accept cases on that date.
    """
    if not (getattr(actor, "has_capability", lambda c: False)("cases.change")
            or getattr(actor, "has_capability", lambda c: False)("cases.register")):
        raise NotPermitted(_("当前账号无权登记案件"))
    try:
        ctype = types.get(case_type)
    except KeyError:
        raise InvalidInput(_("未知的事项：%(t)s") % {"t": case_type}, location="case_type") from None
    if application_date > clock.today():  # a typo (2031 for 2013) would start clocks from a day to come
        raise InvalidInput(_("申请日期 %(d)s 晚于今天") % {"d": application_date.isoformat()},
                           location="application_date")
    if not ctype.accepts_on(application_date):
        raise InvalidInput(_("%(label)s 在 %(d)s 不再（或尚未）受理新申请") % {
            "label": ctype.label, "d": application_date.isoformat()}, location="application_date")
    with audit.context(actor=actor):
        case = Case.objects.create(
            number=_next_number(ctype, application_date.year), case_type=ctype.key, area=area,
            status=ctype.workflow.initial, application_date=application_date, facts=facts or {},
            is_special=is_special, special_reason=special_reason, summary=summary, registered_by=actor,
            related_case=related_case, is_demo=is_demo)
        for person, role in applicants:
            CaseApplicant.objects.create(case=case, person=person, role=role)
        for spec in ctype.materials(case.facts, application_date):
            CaseMaterial.objects.create(case=case, key=spec.key, name=spec.name, required=spec.required,
                                        basis=spec.basis)
        _event(case, kind="created", actor=actor,
               summary=_("登记%(label)s申请，案号 %(number)s") % {"label": ctype.label, "number": case.number},
               data={"application_date": application_date.isoformat(), "special": is_special})
        _apply_clock_rules(case, ctype, "create", application_date, actor)  # received that day
    return case


@transaction.atomic
def case_transition(case: Case, *, action: str, actor: Any, opinion: str = "") -> Case:
    """Take workflow ``action`` on ``case``: check capability, table row and guards, then record it.

    On success the status changes, a :class:`CaseStep` and a :class:`CaseEvent` are appended and the
    type's clocks stop/start. On refusal nothing changes.

    Raises:
        TransitionNotAllowed: not in the table for the current status, or a guard fails (says why).
        NotPermitted: the actor's role lacks the transition's capability.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    ctype = types.get(locked.case_type)
    row = ctype.workflow.transition(locked.status, action)  # table check first: unknown pairs never pass
    _require(actor, row.capability)
    ctype.workflow.transition(locked.status, action, case_guard_context(locked))
    before = locked.status
    with audit.context(actor=actor):
        locked.status = row.target
        locked.save(update_fields=["status", "updated_at"])
        seq = locked.steps.count() + 1
        CaseStep.objects.create(case=locked, seq=seq, action=action, from_status=before, to_status=row.target,
                                actor=actor, actor_label=_label(actor), at=clock.now(), opinion=opinion)
        _event(locked, kind="transition", actor=actor,
               summary=f"{ctype.workflow.actions[action]}：{ctype.workflow.statuses[before]} → "
                       f"{ctype.workflow.statuses[row.target]}",
               data={"action": action, "from": before, "to": row.target, "opinion": opinion})
        _apply_clock_rules(locked, ctype, action, clock.today(), actor)
        if ctype.after_action is not None and action not in ("grant", "refuse"):
            ctype.after_action(locked, action, actor)
    case.status = locked.status
    return locked


@transaction.atomic
def case_mark_special(case: Case, *, reason: str, actor: Any, special: bool = True) -> Case:
    """Mark (or unmark) ``case`` as a special case needing the three records and a legal review.

    Raises:
        NotPermitted: the actor lacks ``cases.change``.
        TransitionNotAllowed: the case is already decided.
    """
    _require(actor, "cases.change")
    if hasattr(case, "decision"):
        raise TransitionNotAllowed(_("案件已作出决定，不能再改变特殊案件标记"))
    if special and not reason.strip():
        raise InvalidInput(_("请写明特殊案件的事由"), location="reason")
    with audit.context(actor=actor):
        case.is_special = special
        case.special_reason = reason
        case.save(update_fields=["is_special", "special_reason", "updated_at"])
        _event(case, kind="special", actor=actor,
               summary=(_("标记为特殊案件：%(r)s") % {"r": reason}) if special else _("取消特殊案件标记"))
    return case


_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def _store(case: Case, *, kind: str, title: str, origin: str, name: str, content: bytes, mime: str,
           actor: Any, doc_number: str = "") -> CaseDocument:
    doc = CaseDocument(case=case, kind=kind, title=title, origin=origin, content_type=mime, size=len(content),
                       sha256=hashlib.sha256(content).hexdigest(), doc_number=doc_number, created_by=actor,
                       filed_at=clock.now())
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    return doc


@transaction.atomic
def case_attach_document(case: Case, *, kind: str, name: str, stream: IO[bytes], size: int, actor: Any,
                         title: str = "") -> CaseDocument:
    """Attach an uploaded file to the case file as material ``kind`` or special-case record ``kind``.

    The file must be PDF/JPEG/PNG by content and ≤ 10 MB. A material line is then marked provided.

    Raises:
        InvalidInput: bad file (see :func:`~jisheng.cases.uploads.validate_upload`) or unknown ``kind``.
        NotPermitted: the actor lacks ``cases.change`` / ``cases.register``.
        TransitionNotAllowed: the case is closed.
    """
    if not (actor.has_capability("cases.change") or actor.has_capability("cases.register")):
        raise NotPermitted(_("当前账号无权上传案卷材料"))
    workflow = types.get(case.case_type).workflow
    if case.status in workflow.terminal:
        raise TransitionNotAllowed(_("案件已办结，案卷不能再添加材料"))
    mime = validate_upload(name, size, stream)
    material = case.materials.filter(key=kind).first()
    if material is None and kind not in SPECIAL_RECORDS:
        raise InvalidInput(_("未知的材料类别：%(k)s") % {"k": kind}, location="kind")
    label = title or (material.name if material else str(SPECIAL_RECORDS[kind]))
    content = stream.read()
    # Citizens' scans arrive named after the person ("王小红_3205…_身份证.pdf"); the stored name carries no
    # personal data (contract §3): case number, kind, a content hash prefix and the extension of the type.
    stored_name = f"{case.number}-{kind}-{hashlib.sha256(content).hexdigest()[:8]}{_EXTENSIONS[mime]}"
    with audit.context(actor=actor):
        doc = _store(case, kind=kind, title=label, origin=DocumentOrigin.UPLOADED, name=stored_name,
                     content=content, mime=mime, actor=actor)
        if material is not None and not material.provided:
            material.provided = True
            material.save(update_fields=["provided", "updated_at"])
        _event(case, kind="document", actor=actor,
               summary=_("上传：%(t)s（%(n)d 字节）") % {"t": label, "n": len(content)},
               data={"document_id": doc.pk, "kind": kind, "sha256": doc.sha256})
    return doc


@transaction.atomic
def case_store_generated_document(case: Case, *, kind: str, title: str, content: bytes, actor: Any,
                                  doc_number: str = "", filename: str | None = None) -> CaseDocument:
    """Store a generated PDF (receipt, notice, decision, certificate) in the case file and log it."""
    with audit.context(actor=actor):
        doc = _store(case, kind=kind, title=title, origin=DocumentOrigin.GENERATED,
                     name=filename or f"{case.number}-{kind}.pdf", content=content, mime="application/pdf",
                     actor=actor, doc_number=doc_number)
        _event(case, kind="document_generated", actor=actor, summary=_("生成文书：%(t)s %(n)s") % {
            "t": title, "n": doc_number}, data={"document_id": doc.pk, "kind": kind, "sha256": doc.sha256})
    return doc


def _running_clock(case: Case, kind: str) -> CaseClock:
    c = case.clocks.filter(kind=kind).first()
    if c is None:
        raise InvalidInput(_("本案没有期限“%(k)s”") % {"k": kind}, location="kind")
    if c.met_on is not None:
        raise TransitionNotAllowed(_("期限“%(l)s”已完成，不能再变更") % {"l": c.label})
    return c


@transaction.atomic
def case_suspend_clock(case: Case, *, kind: str, start: dt.date, reason: str, actor: Any,
                       end: dt.date | None = None) -> CaseClock:
    """Stop counting clock ``kind`` from ``start`` (to ``end`` inclusive, or open until resumed).

    The time is excluded per 行政许可法 Art. 45 (appraisal, hearing, expert review), told in writing.

    Raises:
        InvalidInput: no such clock, an open suspension already exists, or ``end`` before ``start``.
        TransitionNotAllowed: the clock is already met.
    """
    _require(actor, "cases.change") if not actor.has_capability("cases.decide") else None
    c = _running_clock(case, kind)
    if c.suspensions.filter(end__isnull=True).exists():
        raise InvalidInput(_("该期限已在中止中"), location="start")
    if end is not None and end < start:
        raise InvalidInput(_("中止结束日早于开始日"), location="end")
    if not reason.strip():
        raise InvalidInput(_("请写明中止事由"), location="reason")
    with audit.context(actor=actor):
        ClockSuspension.objects.create(clock=c, start=start, end=end, reason=reason)
        clock_recompute(c)
        c.save(update_fields=["due", "explanation", "updated_at"])
        _event(case, kind="clock_suspended", actor=actor, basis="admin-licensing-law/art-45",
               summary=_("期限“%(l)s”中止：%(a)s 起（%(r)s），届满日现为 %(due)s") % {
                   "l": c.label, "a": start.isoformat(), "r": reason, "due": c.due.isoformat()},
               data={"kind": kind, "start": start.isoformat(), "end": end.isoformat() if end else None})
    return c


@transaction.atomic
def case_resume_clock(case: Case, *, kind: str, end: dt.date, actor: Any) -> CaseClock:
    """Close the open suspension of clock ``kind`` on ``end`` (inclusive) and recompute the due date.

    Raises:
        InvalidInput: no open suspension, or ``end`` before its start.
    """
    c = _running_clock(case, kind)
    open_one = c.suspensions.filter(end__isnull=True).first()
    if open_one is None:
        raise InvalidInput(_("该期限没有进行中的中止"), location="end")
    if end < open_one.start:
        raise InvalidInput(_("中止结束日早于开始日"), location="end")
    with audit.context(actor=actor):
        open_one.end = end
        open_one.save(update_fields=["end", "updated_at"])
        clock_recompute(c)
        c.save(update_fields=["due", "explanation", "updated_at"])
        _event(case, kind="clock_resumed", actor=actor,
               summary=_("期限“%(l)s”恢复计算：中止至 %(e)s，届满日现为 %(due)s") % {
                   "l": c.label, "e": end.isoformat(), "due": c.due.isoformat()})
    return c


@transaction.atomic
def case_extend_clock(case: Case, *, kind: str, days: int, reason: str, actor: Any) -> CaseClock:
    """Extend clock ``kind`` once by ``days`` units with the agency head's approval (行政许可法 Art. 42).

    Raises:
        NotPermitted: the actor may not approve extensions (``cases.approve_extension`` or ``cases.decide``).
        TransitionNotAllowed: the clock was already extended (only one lawful extension) or is met.
        InvalidInput: ``days`` < 1 or no reason.
    """
    if not (actor.has_capability("cases.approve_extension") or actor.has_capability("cases.decide")):
        raise NotPermitted(_("延长期限须经负责人批准"))
    c = _running_clock(case, kind)
    if c.extension:
        raise TransitionNotAllowed(_("期限“%(l)s”已延长过一次，不得再次延长") % {"l": c.label})
    if days < 1:
        raise InvalidInput(_("延长天数必须是正整数"), location="days")
    if not reason.strip():
        raise InvalidInput(_("请写明延长理由"), location="reason")
    with audit.context(actor=actor):
        c.extension = days
        c.extension_reason = reason
        clock_recompute(c)
        c.save(update_fields=["extension", "extension_reason", "due", "explanation", "updated_at"])
        _event(case, kind="clock_extended", actor=actor, basis="admin-licensing-law/art-42",
               summary=_("期限“%(l)s”延长 %(n)d 日（%(r)s），届满日现为 %(due)s") % {
                   "l": c.label, "n": days, "r": reason, "due": c.due.isoformat()})
    return c


@transaction.atomic
def case_decide(case: Case, *, outcome: str, reasons: str, provision_keys: Iterable[str], actor: Any,
                remedies: Sequence[str] = (), doc_number: str = "") -> CaseDecision:
    """Decide ``case``: record outcome, reasons, provision keys and remedies, and move the status.

    ``outcome`` is ``granted`` or ``refused`` (the workflow actions ``grant`` / ``refuse``). A refusal
    must give reasons and tell the remedies (行政许可法 Art. 38); without ``remedies`` the case type's
    ``remedies(date)`` (rights and periods in force that day) are used.

    Raises:
        TransitionNotAllowed: the workflow does not allow deciding now (status, special-case records,
            legal review) — nothing is recorded.
        NotPermitted: the actor lacks ``cases.decide``.
        InvalidInput: unknown outcome, no reasons, or a refusal without remedies.
    """
    if outcome not in DecisionOutcome.values:
        raise InvalidInput(_("未知的决定结果"), location="outcome")
    if not reasons.strip():
        raise InvalidInput(_("决定须写明理由"), location="reasons")
    if outcome == DecisionOutcome.REFUSED and not remedies:
        remedies = types.get(case.case_type).remedies(clock.today())
    if outcome == DecisionOutcome.REFUSED and not remedies:
        raise InvalidInput(_("不予许可决定须告知申请行政复议、提起行政诉讼的权利和期限"), location="remedies")
    keys = [k for k in provision_keys if k]
    case = case_transition(case, action="grant" if outcome == DecisionOutcome.GRANTED else "refuse",
                           actor=actor, opinion=reasons)
    with audit.context(actor=actor):
        decision = CaseDecision.objects.create(
            case=case, outcome=outcome, decided_on=clock.today(), reasons=reasons, provision_keys=keys,
            remedies=list(remedies), doc_number=doc_number, decided_by=actor)
        _event(case, kind="decision", actor=actor, basis=",".join(keys)[:128],
               summary=_("决定：%(o)s。依据：%(k)s") % {"o": decision.get_outcome_display(), "k": "、".join(keys)},
               data={"outcome": outcome, "provision_keys": keys, "reasons": reasons, "remedies": list(remedies)})
        ctype = types.get(case.case_type)
        if ctype.after_action is not None:
            ctype.after_action(case, "grant" if outcome == DecisionOutcome.GRANTED else "refuse", actor)
    return decision


@transaction.atomic
def case_mark_published(case: Case, *, actor: Any, where: str = "") -> CaseClock:
    """Record that a granted decision was published (政务公开), meeting the ``publication`` clock.

    Raises:
        InvalidInput: the case has no publication clock; TransitionNotAllowed: already published.
    """
    _require(actor, "disclosure.publish") if not actor.has_capability("cases.decide") else None
    c = _running_clock(case, "publication")
    with audit.context(actor=actor):
        c.met_on = clock.today()
        c.save(update_fields=["met_on", "updated_at"])
        _event(case, kind="published", actor=actor, basis=c.basis,
               summary=_("准予决定已公开%(w)s（%(d)s）") % {"w": f"：{where}" if where else "", "d": c.met_on})
    return c
