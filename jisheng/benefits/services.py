"""Every write of the benefits app: enrolment, reviews and postings, verification, changes, payment rolls.

Conventions: keyword-only arguments, ``actor=`` on every state change (None = the system, e.g. a CLI run
or a task), one transaction per call (roll generation commits per chunk — see :mod:`.payroll`). Each write
runs in ``audit.acting(actor)``: its events name the actor and keep the request's address and id.
Errors: :class:`~jisheng.core.errors.InvalidInput` (bad input, names the field),
:class:`~jisheng.core.errors.TransitionNotAllowed` (nothing changed), :class:`~jisheng.core.errors.NotPermitted`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils.translation import gettext

from jisheng.core import audit, clock
from jisheng.core.errors import Conflict, InvalidInput, NotPermitted, TransitionNotAllowed
from jisheng.core.masking import mask_name
from jisheng.core.models import Area, AreaLevel, AuditAction
from jisheng.core.money import yuan
from jisheng.registry import selectors as registry
from jisheng.registry.models import Person

from . import bankfiles, payroll, programmes, rules, workflows
from .enums import (
    FROZEN_ROLL_STATUSES,
    STOP_CHANGES,
    ChangeKind,
    EnrolmentStatus,
    LineStatus,
    Opinion,
    PostingStatus,
    ReviewLevel,
    RollStatus,
    RunStatus,
    VerificationResult,
)
from .models import (
    Enrolment,
    EnrolmentChange,
    ExportBatch,
    GrantBudget,
    PaymentRoll,
    Posting,
    PostingEntry,
    RegistryNotice,
    RetryRequest,
    RetryStatus,
    ReturnImport,
    Review,
    RollLine,
    RollRun,
    Verification,
)

LEVEL_OF_STATUS = {
    EnrolmentStatus.VILLAGE_REVIEW: ReviewLevel.VILLAGE,
    EnrolmentStatus.TOWN_REVIEW: ReviewLevel.TOWN,
    EnrolmentStatus.COUNTY_REVIEW: ReviewLevel.COUNTY,
}
ACTION_OF_LEVEL = {ReviewLevel.VILLAGE: "pass_village", ReviewLevel.TOWN: "pass_town", ReviewLevel.COUNTY: "approve"}


def _require(actor: Any, capability: str) -> None:
    """Refuse a signed-in actor without ``capability`` (the system, actor None, may act)."""
    if actor is not None and not actor.has_capability(capability):
        raise NotPermitted(f"缺少权限 {capability}")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def town_of(area: Area) -> Area | None:
    """The town/sub-district containing ``area`` (itself when it is one), or None above town level."""
    node: Area | None = area
    while node is not None and node.level > AreaLevel.TOWN:
        node = node.parent
    return node if node is not None and node.level == AreaLevel.TOWN else None


# --- facts and eligibility -----------------------------------------------------------------------------


def facts_for(person: Person, *, as_of: dt.date) -> dict[str, Any]:
    """Facts about ``person`` on ``as_of`` read from the registry (rules' vocabulary; see rules.py).

    ``only_one_child`` is derived only when the registry shows exactly one child (or none); with several
    children it stays unknown (None) because the "only one survived" cases need staff confirmation.
    """
    spouse = registry.spouse_of(person, as_of)
    children = registry.children_of(person, as_of)
    living = registry.living_children_of(person, as_of)
    if person.sex == "F":
        wife_birth: dt.date | None = person.birth_date
    else:
        wife_birth = spouse.birth_date if spouse is not None and spouse.sex == "F" else None
    facts: dict[str, Any] = {
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "hukou": person.hukou_type,
        "spouse_hukou": spouse.hukou_type if spouse is not None else "none",
        "single_parent": spouse is None,
        "wife_birth_date": wife_birth.isoformat() if wife_birth else None,
        "children_ever": len(children),
        "only_one_child": True if len(children) == 1 else (False if not children else None),
        "living_children": len(living),
        "living_daughters": sum(1 for c in living if c.sex == "F"),
        "child_disability_grade": registry.disability_grade(living[0], as_of) if len(living) == 1 else None,
        "death_date": person.death_date.isoformat() if person.death_date else None,
    }
    return facts


def enrolment_apply(
    *,
    person: Person,
    programme: str,
    application_date: dt.date,
    actor: Any,
    facts: dict[str, Any] | None = None,
    category: str = "",
    source: str = "staff",
    application_ref: str = "",
    granted_amount: Decimal | None = None,
    bank_name: str | None = None,
    bank_account: str | None = None,
) -> Enrolment:
    """Record an application (from staff, or from the licensing module with ``source="licensing"``).

    ``facts`` are staff-entered facts completing the registry's (e.g. ``only_one_child``,
    ``no_violation_1973_2001``, ``retirement_date``, ``hardship_reason``). Grants and the one-time rewards
    without a law parameter need ``granted_amount`` (yuan). Bank details default to the registry's.

    Raises:
        InvalidInput: unknown programme or category, a missing amount or one of 0 or less, or an open enrolment
            already exists.
    """
    _require(actor, "benefits.change")
    prog = programmes.get(programme)
    if category and category not in prog.category_keys():
        raise InvalidInput(f"项目「{prog.name}」没有类别 {category!r}", location="category")
    version = prog.rule_version(application_date)
    if granted_amount is not None and yuan(granted_amount) <= 0:  # the database refuses it too
        raise InvalidInput(gettext("核定金额应大于 0 元"), location="granted_amount")
    if version.amount_rule == "granted" and granted_amount is None:
        raise InvalidInput("请填写核定金额（元）", location="granted_amount")
    try:
        with transaction.atomic(), audit.acting(actor):
            return Enrolment.objects.create(
                programme=prog.key, category=category, person=person, area=person.residence_area,
                town=town_of(person.residence_area), hukou_type=person.hukou_type,
                application_date=application_date, source=source, application_ref=application_ref,
                facts=facts or {}, granted_amount=yuan(granted_amount) if granted_amount is not None else None,
                account_name=person.name, bank_name=person.bank_name if bank_name is None else bank_name,
                bank_account=person.bank_account if bank_account is None else bank_account,
            )
    except IntegrityError:
        raise InvalidInput(f"此人已有「{prog.name}」的在办或在享记录", location="person") from None


def enrolment_determine(enrolment: Enrolment, *, actor: Any, as_of: dt.date | None = None) -> rules.Determination:
    """Determine eligibility with the programme's rule on ``as_of`` (default: the application date).

    Eligible → village review; not eligible → rejected; unknown (missing facts) → stays applied with the
    missing facts listed. The determination (provisions relied on, unmet conditions, missing facts) is
    stored on the enrolment.
    """
    _require(actor, "benefits.change")
    day = as_of or enrolment.application_date
    with transaction.atomic(), audit.acting(actor):
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status != EnrolmentStatus.APPLIED:
            raise TransitionNotAllowed("只能对申请中的记录认定资格")
        prog = programmes.get(enrolment.programme)
        facts = {**facts_for(enrolment.person, as_of=day), **enrolment.facts}
        result = rules.determine(prog, facts, day)
        enrolment.determination = {**result.as_dict(), "as_of": day.isoformat(),
                                   "rule_version": prog.rule_version(day).version}
        enrolment.determined_on = day
        if result.category and not enrolment.category:
            enrolment.category = result.category
        if result.eligible is True:
            enrolment.status = workflows.next_status(workflows.ENROLMENT_TRANSITIONS, enrolment.status, "determine")
        elif result.eligible is False:
            enrolment.status = workflows.next_status(workflows.ENROLMENT_TRANSITIONS, enrolment.status, "reject")
        enrolment.save()
    return result


def _amount_text(enrolment: Enrolment, on: dt.date) -> str:
    prog = programmes.get(enrolment.programme)
    if enrolment.granted_amount is not None:
        return f"{enrolment.granted_amount}元（一次性）"
    try:
        rate = next((r for r in rules.rate_table(prog, on=on, lookup=payroll.default_lookup())
                     if r.category == enrolment.category and r.hukou == enrolment.hukou_type), None)
    except InvalidInput:
        rate = None
    if rate is None:
        return ""
    unit = {"monthly": "元/人·月", "annual": "元/人·年"}.get(prog.frequency, "元")
    return f"{rate.amount}{unit}" + ("" if rate.verified else "（标准待核实）")


def posting_open(
    *,
    programme: str,
    level: str,
    area: Area,
    enrolments: Iterable[Enrolment],
    start_date: dt.date,
    actor: Any,
    title: str = "",
) -> Posting:
    """Open a public posting (公示) of ``level`` in ``area`` listing ``enrolments`` (masked), for the
    programme's posting period (``posting_days`` calendar days, first day included).

    Entries are frozen now: masked name, village/community, amount, period — nothing else.

    Raises:
        InvalidInput: no enrolments, one outside ``area``, of another programme, or not at this review level.
        Conflict: one of them is on an open posting of this level already (the form sent twice: the enrolments are
            locked first, so two at once open one posting).
    """
    _require(actor, "benefits.change")
    prog = programmes.get(programme)
    items = list(enrolments)
    if not items:
        raise InvalidInput("公示名单为空", location="enrolments")
    status_for_level = {v: k for k, v in LEVEL_OF_STATUS.items()}[ReviewLevel(level)]
    for e in items:
        if e.programme != prog.key or not area.contains(e.area) or e.status != status_for_level:
            raise InvalidInput(f"记录 #{e.pk} 不在本级公示范围内", location="enrolments")
    end_date = start_date + dt.timedelta(days=prog.posting_days - 1)
    with transaction.atomic(), audit.acting(actor):
        ids = sorted(e.pk for e in items)
        list(Enrolment.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if PostingEntry.objects.filter(enrolment_id__in=ids, posting__programme=prog.key, posting__level=level,
                                       posting__status=PostingStatus.OPEN).exists():
            raise Conflict(gettext("名单中有对象已在本级公示中，未重复公示"), location="enrolments")
        posting = Posting.objects.create(
            programme=prog.key, level=level, area=area, start_date=start_date, end_date=end_date,
            title=title or f"{area.name}{prog.name}对象{ReviewLevel(level).label}公示",
            created_by=_user(actor),
        )
        PostingEntry.objects.bulk_create([
            PostingEntry(posting=posting, enrolment=e, masked_name=mask_name(e.person.name), area_name=e.area.name,
                         amount_text=_amount_text(e, start_date), period_text=f"{start_date:%Y年%m月}起")
            for e in items
        ])
    return posting


def posting_close(posting: Posting, *, actor: Any, objections: str = "", today: dt.date | None = None) -> Posting:
    """Close a posting after its period, recording any objections received.

    Raises:
        TransitionNotAllowed: the posting period has not ended yet or it is already closed.
    """
    _require(actor, "benefits.change")
    day = today or clock.today()
    with transaction.atomic(), audit.acting(actor):
        posting = Posting.objects.select_for_update().get(pk=posting.pk)
        if posting.status != PostingStatus.OPEN:
            raise TransitionNotAllowed("公示已结束")
        if day <= posting.end_date:
            raise TransitionNotAllowed(f"公示期至 {posting.end_date:%Y-%m-%d}，期满后才能结束")
        posting.status = PostingStatus.CLOSED
        posting.objections = objections
        posting.save()
    return posting


def _first_due(prog: programmes.Programme, after: dt.date) -> dt.date | None:
    """The first annual verification due date after ``after``: end of ``verification_month`` next year."""
    if not prog.verification_month:
        return None
    year = after.year + 1
    month_end = rules.next_month(dt.date(year, prog.verification_month, 1)) - dt.timedelta(days=1)
    return month_end


def enrolment_review(
    enrolment: Enrolment,
    *,
    opinion: str,
    actor: Any,
    note: str = "",
    today: dt.date | None = None,
    start_month: dt.date | None = None,
) -> Enrolment:
    """Record the current review level's opinion (村 → 镇 → 市).

    Agreeing needs a closed posting of this level listing the enrolment (the posting period is over).
    The county's agreement approves: payment starts from the month of approval (eligibility confirmed)
    or a later ``start_month``; discretionary grants must fit the year's budget. Disagreeing rejects.

    Raises:
        TransitionNotAllowed: not under review, or the posting of this level is missing or still open.
        InvalidInput: a grant over budget, or ``start_month`` before the approval month.
    """
    _require(actor, "benefits.change")
    day = today or clock.today()
    with transaction.atomic(), audit.acting(actor):
        enrolment = Enrolment.objects.select_for_update().select_related("area").get(pk=enrolment.pk)
        level = LEVEL_OF_STATUS.get(EnrolmentStatus(enrolment.status))
        if level is None:
            raise TransitionNotAllowed("该记录不在审核阶段")
        posting = None
        if opinion == Opinion.AGREE:
            posting = (Posting.objects.filter(level=level, entries__enrolment=enrolment, status=PostingStatus.CLOSED)
                       .order_by("-end_date").first())
            if posting is None:
                raise TransitionNotAllowed(f"{ReviewLevel(level).label}公示尚未期满结束，不能通过")
            action = ACTION_OF_LEVEL[level]
        else:
            action = "reject"
        enrolment.status = workflows.next_status(workflows.ENROLMENT_TRANSITIONS, enrolment.status, action)
        Review.objects.create(enrolment=enrolment, level=level, opinion=opinion, note=note, posting=posting,
                              actor=_user(actor), decided_on=day)
        if enrolment.status == EnrolmentStatus.APPROVED:
            prog = programmes.get(enrolment.programme)
            first = rules.month_start(day)
            if start_month is not None and rules.month_start(start_month) < first:
                raise InvalidInput("起始发放月不能早于确认资格当月", location="start_month")
            enrolment.start_month = rules.month_start(start_month) if start_month else first
            enrolment.approved_on = day
            enrolment.approved_by = _user(actor)
            enrolment.verification_due = _first_due(prog, day)
            if enrolment.verification_due is not None:
                Verification.objects.get_or_create(enrolment=enrolment, year=enrolment.verification_due.year,
                                                   defaults={"due_date": enrolment.verification_due})
            if prog.frequency == programmes.GRANT:
                _check_budget(enrolment, day.year)
            enrolment.needs_correction = _has_closed_roll_from(enrolment.programme, enrolment.start_month)
        enrolment.save()
    return enrolment


def _has_closed_roll_from(programme: str, month: dt.date) -> bool:
    return PaymentRoll.objects.filter(programme=programme, month__gte=month, status__in=FROZEN_ROLL_STATUSES).exists()


def _check_budget(enrolment: Enrolment, year: int) -> None:
    budgets = [b for b in GrantBudget.objects.filter(programme=enrolment.programme, year=year).select_related("area")
               if b.area.contains(enrolment.area)]
    if not budgets:
        raise InvalidInput(f"{year} 年没有该项目的预算", location="granted_amount")
    budget = max(budgets, key=lambda b: b.area.level)
    used = (Enrolment.objects.filter(programme=enrolment.programme, approved_on__year=year,
                                     status__in=[EnrolmentStatus.APPROVED, EnrolmentStatus.ENDED],
                                     area__path__startswith=budget.area.path)
            .exclude(pk=enrolment.pk).aggregate(s=Sum("granted_amount"))["s"] or Decimal("0"))
    if used + (enrolment.granted_amount or 0) > budget.amount:
        raise InvalidInput(f"超出 {year} 年预算：预算 {yuan(budget.amount)} 元，已用 {yuan(used)} 元",
                           location="granted_amount")


def grant_budget_set(*, programme: str, year: int, area: Area, amount: Decimal, actor: Any) -> GrantBudget:
    """Set the year's budget (yuan) of a discretionary programme in ``area``."""
    _require(actor, "benefits.change")
    prog = programmes.get(programme)
    if prog.frequency != programmes.GRANT:
        raise InvalidInput("只有酌情救助项目设预算", location="programme")
    with audit.acting(actor):
        budget, _ = GrantBudget.objects.update_or_create(programme=prog.key, year=year, area=area,
                                                         defaults={"amount": yuan(amount)})
    return budget


# --- verification and changes --------------------------------------------------------------------------


def verification_schedule(*, programme: str, year: int, area: Area, actor: Any) -> int:
    """Create ``year``'s annual verifications (年审) for approved enrolments in ``area`` (idempotent).

    Due date: the last day of the programme's ``verification_month`` in ``year``. Returns how many were
    created. An enrolment whose verification is overdue on the 1st of a month is not paid for that month.
    """
    _require(actor, "benefits.change")
    prog = programmes.get(programme)
    if not prog.verification_month:
        return 0
    due = rules.next_month(dt.date(year, prog.verification_month, 1)) - dt.timedelta(days=1)
    created = 0
    with transaction.atomic(), audit.acting(actor):
        qs = Enrolment.objects.filter(programme=prog.key, status=EnrolmentStatus.APPROVED,
                                      area__path__startswith=area.path, approved_on__lt=dt.date(year, 1, 1))
        for enrolment in qs.select_for_update():
            _, made = Verification.objects.get_or_create(enrolment=enrolment, year=year, defaults={"due_date": due})
            if made:
                created += 1
                enrolment.verification_due = due
                enrolment.save(update_fields=["verification_due", "updated_at"])
    return created


def verification_complete(verification: Verification, *, result: str, actor: Any, done_on: dt.date | None = None,
                          note: str = "") -> Verification:
    """Record the outcome of an annual verification.

    ``continue``: payment goes on and next year's verification is created (due the last day of the
    programme's verification month); months suspended while it was overdue are paid as arrears in the next
    roll. ``stop``: the enrolment ends (the month of ``done_on`` is the last month paid).

    Raises:
        TransitionNotAllowed: already done.
    """
    _require(actor, "benefits.change")
    day = done_on or clock.today()
    with transaction.atomic(), audit.acting(actor):
        verification = Verification.objects.select_for_update().select_related("enrolment").get(pk=verification.pk)
        if verification.done_on is not None:
            raise TransitionNotAllowed("本年度年审已完成")
        verification.done_on, verification.result, verification.note = day, result, note
        verification.actor = _user(actor)
        verification.save()
        enrolment = Enrolment.objects.select_for_update().get(pk=verification.enrolment_id)
        overdue_since = verification.due_date if day > verification.due_date else None
        enrolment.verification_due = None
        prog = programmes.get(enrolment.programme)
        if result == VerificationResult.CONTINUE and prog.verification_month:
            following = verification.year + 1
            due = rules.next_month(dt.date(following, prog.verification_month, 1)) - dt.timedelta(days=1)
            Verification.objects.get_or_create(enrolment=enrolment, year=following, defaults={"due_date": due})
            enrolment.verification_due = due
        if overdue_since is not None and _has_closed_roll_from(enrolment.programme, rules.next_month(overdue_since)):
            enrolment.needs_correction = True
        enrolment.save()
    if result == VerificationResult.STOP:
        enrolment_change(enrolment, kind=ChangeKind.OTHER_STOP, event_date=day, actor=actor,
                         details={"reason": "年审不再符合条件"})
    return verification


def enrolment_change(
    enrolment: Enrolment,
    *,
    kind: str,
    event_date: dt.date,
    actor: Any,
    effective_month: dt.date | None = None,
    details: dict[str, Any] | None = None,
) -> EnrolmentChange:
    """Record a change (变更) and apply it from its effective month.

    - death / new child / recovery / other stop: the event month is the last month paid
      (:func:`rules.last_payable_month`); the enrolment ends. If a closed roll already paid a later month,
      the overpayment becomes a recovery line in the next roll (closed months are never rewritten).
    - move: ``details["area_id"]`` — the new residence area; later rolls use it.
    - bank_account: ``details["bank_name"]``, ``details["bank_account"]`` — lines of months from
      ``effective_month`` in rolls not yet approved (and failed lines queued for retry) use the new account.

    Raises:
        InvalidInput: unknown kind or missing details; TransitionNotAllowed: the enrolment is not approved.
        Conflict: the same change (kind, date, details) is recorded already — the form sent twice; nothing changes.
    """
    _require(actor, "benefits.change")
    details = dict(details or {})
    with transaction.atomic(), audit.acting(actor):
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if kind in STOP_CHANGES:
            last = rules.last_payable_month(stop_date=event_date)
            assert last is not None
            effective = rules.next_month(last)
            if enrolment.status == EnrolmentStatus.APPROVED:
                enrolment.status = workflows.next_status(workflows.ENROLMENT_TRANSITIONS, enrolment.status, "end")
            elif enrolment.status != EnrolmentStatus.ENDED:
                raise TransitionNotAllowed("只有享受中的对象可以终止")
            enrolment.end_month = min(last, enrolment.end_month) if enrolment.end_month else last
            enrolment.end_reason = kind
            if _has_closed_roll_from(enrolment.programme, effective):
                enrolment.needs_correction = True
        elif kind == ChangeKind.MOVE:
            effective = rules.month_start(effective_month or rules.next_month(event_date))
            try:
                area = Area.objects.get(pk=details["area_id"])
            except (KeyError, Area.DoesNotExist):
                raise InvalidInput("请选择迁入地", location="area_id") from None
            details["from_area_id"] = enrolment.area_id
            enrolment.area, enrolment.town = area, town_of(area)
        elif kind == ChangeKind.BANK_ACCOUNT:
            effective = rules.month_start(effective_month or event_date)
            account = str(details.get("bank_account", "")).replace(" ", "")
            if not account.isdigit():
                raise InvalidInput("银行账号只能是数字", location="bank_account")
            enrolment.bank_name = str(details.get("bank_name", enrolment.bank_name))
            enrolment.bank_account = account
            RollLine.objects.filter(
                enrolment=enrolment, month__gte=effective,
                roll__status__in=[RollStatus.DRAFT, RollStatus.GENERATED],
            ).update(bank_name=enrolment.bank_name, bank_account=account)
            # failed lines queued for retry whose bank file is not written yet go to the new account too
            sent = ExportBatch.objects.filter(roll_id=OuterRef("roll_id"), number=OuterRef("batch_no"))
            RollLine.objects.filter(enrolment=enrolment, status=LineStatus.PENDING, attempts__gt=0).exclude(
                Exists(sent)).update(bank_name=enrolment.bank_name, bank_account=account)
            details = {"bank_name": enrolment.bank_name, "bank_account_last4": account[-4:]}
        else:
            raise InvalidInput(f"未知的变更事项 {kind!r}", location="kind")
        if EnrolmentChange.objects.filter(enrolment=enrolment, kind=kind, event_date=event_date,
                                          details=details).exists():  # the enrolment is locked: one at a time
            raise Conflict(gettext("该变更已登记，未重复登记"), location="kind")
        enrolment.save()
        return EnrolmentChange.objects.create(enrolment=enrolment, kind=kind, event_date=event_date,
                                              effective_month=effective, details=details, actor=_user(actor))


def deaths_sync(*, programme: str, area: Area) -> int:
    """End the enrolments of people the registry records as dead (change ``death`` by the system).

    Run before generating a roll so that a death registered elsewhere is not paid beyond its month.
    Returns the number of enrolments ended.
    """
    qs = (Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.APPROVED,
                                   area__path__startswith=area.path, person__death_date__isnull=False)
          .select_related("person"))
    n = 0
    for enrolment in qs:
        assert enrolment.person.death_date is not None
        enrolment_change(enrolment, kind=ChangeKind.DEATH, event_date=enrolment.person.death_date, actor=None,
                         details={"source": "registry"})
        n += 1
    return n


def _settle_open_rolls(enrolment: Enrolment) -> list[PaymentRoll]:
    """After ``enrolment`` ended, take its lines for months after ``end_month`` out of the rolls not yet approved
    (draft or awaiting the checker) and, in a roll awaiting the checker, add the recovery (or arrears) lines it is
    now flagged for; the roll's totals follow its lines, so the checker approves what the lines say. Returns the
    rolls changed."""
    changed: list[PaymentRoll] = []
    open_rolls = (PaymentRoll.objects.select_for_update(of=("self",)).select_related("area")
                  .filter(programme=enrolment.programme, status__in=[RollStatus.DRAFT, RollStatus.GENERATED])
                  .order_by("month", "id"))
    for roll in open_rolls:
        if not roll.area.contains(enrolment.area):
            continue
        stale = RollLine.objects.filter(roll=roll, enrolment=enrolment, kind="regular")
        if enrolment.end_month is not None:
            stale = stale.filter(month__gt=enrolment.end_month)
        removed = stale.delete()[0]
        added = payroll.correction_lines(roll) if roll.status == RollStatus.GENERATED else 0
        if removed or added:
            roll.line_count, roll.total_amount = payroll.roll_totals(roll)
            roll.save(update_fields=["line_count", "total_amount", "updated_at"])
            audit.record(AuditAction.BATCH, object_type="benefits.paymentroll", object_id=roll.pk,
                         object_label=roll.audit_label(), area_id=roll.area_id,
                         changes={"step": "registry_event", "enrolment": enrolment.pk, "removed": removed,
                                  "corrections": added, "lines": roll.line_count, "total": str(roll.total_amount)})
            changed.append(roll)
    return changed


def _paid_after(enrolment: Enrolment) -> list[tuple[dt.date, Decimal]]:
    """Months after ``enrolment``'s end month paid in approved rolls (month, yuan), oldest first."""
    if enrolment.end_month is None:
        return []
    rows = (RollLine.objects.filter(person_id=enrolment.person_id, programme=enrolment.programme,
                                    month__gt=enrolment.end_month, roll__status__in=FROZEN_ROLL_STATUSES)
            .values_list("month").annotate(total=Sum("amount")).order_by("month").values_list("month", "total"))
    return [(m, t) for m, t in rows if t and t > 0]


_REGISTRY_CHANGE = {"death": ChangeKind.DEATH, "move_out": ChangeKind.OTHER_STOP}


def registry_event_apply(event: Any, *, actor: Any) -> list[RegistryNotice]:
    """Apply a registry life event (death, move out of the city, divorce) to the person's enrolments, as each
    programme's ``registry_events`` says — the service the benefits app registers with the registry
    (:mod:`jisheng.registry.hooks`), called inside the registry's transaction.

    ``end``: an approved enrolment ends with the event month as its last month paid (the stated stop rule);
    its lines for later months leave the rolls not yet approved, and months already paid after it become
    recovery lines of the next roll (closed months are never rewritten). ``review``: nothing changes but the
    officers are told. Each enrolment touched gets a :class:`RegistryNotice` (the workbench lists the open
    ones). The writes are the system's, inside ``actor``'s audit context. Returns the notices.
    """
    kind = {"death": "death", "move_out": "move_out", "divorce": "divorce"}.get(str(event.kind))
    if kind is None:
        return []
    notices: list[RegistryNotice] = []
    with audit.acting(actor):
        enrolments = (Enrolment.objects.select_for_update().filter(person_id=event.person_id)
                      .exclude(status__in=[EnrolmentStatus.REJECTED, EnrolmentStatus.ENDED]).order_by("id"))
        for enrolment in enrolments:
            prog = programmes.get(enrolment.programme)
            action = prog.registry_events.get(kind)
            if action is None:
                continue
            label = {"death": "死亡", "move_out": "迁出本市", "divorce": "离婚"}[kind]
            if action == "end" and enrolment.status == EnrolmentStatus.APPROVED:
                details: dict[str, Any] = {"source": "registry", "event_id": event.pk}
                if kind == "move_out":
                    destination = str((event.details or {}).get("to") or "")
                    details["reason"] = f"迁出本市（{destination}）" if destination else "迁出本市"
                enrolment_change(enrolment, kind=_REGISTRY_CHANGE[kind], event_date=event.date, actor=None,
                                 details=details)
                enrolment.refresh_from_db()
                _settle_open_rolls(enrolment)
                paid = _paid_after(enrolment)
                message = (f"人口信息登记{label}（{event.date:%Y-%m-%d}），已停发："
                           f"{enrolment.end_month:%Y年%m月}为最后发放月")
                if paid:
                    message += (f"；已多发 {len(paid)} 个月共 {sum(t for _m, t in paid)} 元"
                                f"（{'、'.join(f'{m:%Y-%m}' for m, _t in paid)}），列入下一期花名册扣回")
                notices.append(RegistryNotice.objects.create(
                    enrolment=enrolment, kind=kind, event_date=event.date, action="ended", message=message[:255]))
            else:
                if kind == "death" and enrolment.lines.exists() and prog.frequency in (programmes.ONE_TIME,
                                                                                      programmes.GRANT):
                    continue  # paid already: nothing left to decide
                message = (f"人口信息登记{label}（{event.date:%Y-%m-%d}）：请核对该对象的认定事实是否仍然成立"
                           if enrolment.status == EnrolmentStatus.APPROVED else
                           f"人口信息登记{label}（{event.date:%Y-%m-%d}）：该申请尚在审核中，请核对后决定")
                notices.append(RegistryNotice.objects.create(
                    enrolment=enrolment, kind=kind, event_date=event.date, action="review", message=message[:255]))
    return notices


def registry_notice_handle(notice: RegistryNotice, *, actor: Any) -> RegistryNotice:
    """Mark a registry notice handled (checked) by ``actor``; idempotent."""
    _require(actor, "benefits.change")
    with transaction.atomic(), audit.acting(actor):
        RegistryNotice.objects.filter(pk=notice.pk, handled_at__isnull=True).update(
            handled_by=_user(actor), handled_at=clock.now())
        audit.record(AuditAction.UPDATE, object_type="benefits.enrolment", object_id=notice.enrolment_id,
                     object_label=f"#{notice.enrolment_id}", area_id=notice.enrolment.area_id,
                     changes={"registry_notice": notice.pk, "handled": True})
    notice.refresh_from_db()
    return notice


def registry_stops_sync(*, programme: str, area: Area, after_event_id: int = 0, today: dt.date | None = None) -> int:
    """End special-assistance enrolments the registry shows a stop event for (legal-facts §3.1): a child
    born to or adopted by the beneficiary after eligibility was determined (``new_child``), or the only
    child's disability certificate withdrawn or below grade 3 (``recovery``). The event month is the last
    month paid; a closed month already paid becomes a recovery line.

    Only life events with an id above ``after_event_id`` (recorded since the previous generation run) are
    examined, so the monthly run touches the few families with news, not every enrolment. Returns the number
    of enrolments ended.
    """
    from django.db.models import Q

    from jisheng.registry.models import LifeEvent, LifeEventKind, ParentChild

    prog = programmes.get(programme)
    if prog.eligibility_rule != "special_assistance":
        return 0
    day = today or clock.today()
    events = LifeEvent.objects.filter(id__gt=after_event_id)
    births = events.filter(kind__in=[LifeEventKind.BIRTH, LifeEventKind.ADOPTION]).values("person_id")
    certificates = events.filter(kind=LifeEventKind.DISABILITY_CERTIFICATE).values("person_id")
    parents = ParentChild.objects.filter(child_id__in=certificates).values("parent_id")
    candidates = (Enrolment.objects.filter(programme=prog.key, status=EnrolmentStatus.APPROVED,
                                           area__path__startswith=area.path)
                  .filter(Q(person_id__in=births) | Q(person_id__in=parents, category="disabled"))
                  .select_related("person"))
    ended = 0
    for enrolment in candidates:
        known_on = enrolment.determined_on or enrolment.application_date
        birth = (LifeEvent.objects.filter(person_id=enrolment.person_id, date__gt=known_on, date__lte=day,
                                          kind__in=[LifeEventKind.BIRTH, LifeEventKind.ADOPTION])
                 .order_by("date").first())
        if birth is not None:
            enrolment_change(enrolment, kind=ChangeKind.NEW_CHILD, event_date=birth.date, actor=None,
                             details={"source": "registry"})
            ended += 1
            continue
        if enrolment.category != "disabled":
            continue
        living = registry.living_children_of(enrolment.person, day)
        grade = registry.disability_grade(living[0], day) if len(living) == 1 else None
        if grade in rules.SEVERE_GRADES:
            continue
        latest = (LifeEvent.objects.filter(person__in=living, kind=LifeEventKind.DISABILITY_CERTIFICATE,
                                           date__gt=known_on, date__lte=day).order_by("-date").first())
        if latest is not None:
            enrolment_change(enrolment, kind=ChangeKind.RECOVERY, event_date=latest.date, actor=None,
                             details={"source": "registry"})
            ended += 1
    return ended


# --- payment rolls -------------------------------------------------------------------------------------


def roll_open(*, programme: str, month: dt.date, area: Area, actor: Any) -> PaymentRoll:
    """Return the roll of ``programme`` for ``month`` paid by ``area``, creating it (idempotent).

    Raises:
        InvalidInput: ``month`` is after the current month (a roll pays months that have begun: approving
            it would close a month whose deaths and changes are not known yet), or a roll of the programme
            and month already exists for an area containing or inside ``area`` (its people would be split
            between two rolls, or left out of the payer's roll).
    """
    _require(actor, "benefits.prepare_roll")
    prog = programmes.get(programme)
    month = rules.month_start(month)
    if month > rules.month_start(clock.today()):
        raise InvalidInput(f"{month:%Y-%m} 尚未到来，不能生成该月花名册", location="month")
    prog.rule_version(month)
    with transaction.atomic(), audit.acting(actor):
        overlapping = (PaymentRoll.objects.filter(programme=prog.key, month=month).exclude(area=area)
                       .select_related("area"))
        for other in overlapping:
            if other.area.contains(area) or area.contains(other.area):
                raise InvalidInput(f"{other.area.name}已有{prog.name} {month:%Y-%m} 的花名册（#{other.pk}），"
                                   f"同一对象不能分在两本花名册中", location="area")
        roll, _ = PaymentRoll.objects.get_or_create(programme=prog.key, month=month, area=area)
    return roll


def _generation_unfinished(roll: PaymentRoll) -> bool:
    """Whether a generation run of ``roll`` was started and has not finished (running, or crashed midway)."""
    return RollRun.objects.filter(roll=roll, step="generate").exclude(status=RunStatus.DONE).exists()


def roll_generate(roll: PaymentRoll, *, actor: Any, chunk_size: int = payroll.CHUNK_SIZE,
                  lookup: Callable[..., Any] | None = None,
                  progress: Callable[[RollRun], None] | None = None) -> RollRun:
    """Generate (or resume, or refresh before approval) the lines of ``roll``; return the run.

    Idempotent: on a roll already approved it changes nothing and returns the last run; run again on a
    generated roll it adds only lines that are now due and missing. Steps: end enrolments of people the
    registry records as dead, and those with a new child or a recovered child since the last run; insert
    regular lines in chunks (resumable); add arrears/recovery lines for flagged enrolments; store totals;
    mark the roll generated and ``prepared_by`` the actor.

    Raises:
        InvalidInput: no rule version or parameter value for the month.
    """
    _require(actor, "benefits.prepare_roll")
    roll = PaymentRoll.objects.select_related("area").get(pk=roll.pk)
    if roll.status in FROZEN_ROLL_STATUSES:
        last = roll.runs.filter(step="generate").order_by("-id").first()
        if last is None:
            raise TransitionNotAllowed("花名册已审核")
        return last
    workflows.next_status(workflows.ROLL_TRANSITIONS, roll.status, "generate")
    deaths_sync(programme=roll.programme, area=roll.area)
    from jisheng.registry.models import LifeEvent

    previous = (RollRun.objects.filter(roll__programme=roll.programme, step="generate", status=RunStatus.DONE)
                .order_by("-registry_mark").values_list("registry_mark", flat=True).first())
    mark = LifeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    registry_stops_sync(programme=roll.programme, area=roll.area, after_event_id=previous or 0)
    run = payroll.generate_lines(roll, actor=actor, chunk_size=chunk_size, lookup=lookup, progress=progress)
    added = payroll.correction_lines(roll, lookup=lookup)
    count, total = payroll.roll_totals(roll)
    with transaction.atomic(), audit.acting(actor):
        locked = PaymentRoll.objects.select_for_update().get(pk=roll.pk)
        changed = (locked.status != RollStatus.GENERATED or locked.line_count != count
                   or locked.total_amount != total)
        locked.status = workflows.next_status(workflows.ROLL_TRANSITIONS, locked.status, "generate")
        locked.line_count, locked.total_amount = count, total
        if changed or (locked.prepared_by_id is None and _user(actor) is not None):
            # the maker is whoever generated these lines (None: the system); a named officer generating a roll that
            # has no maker yet becomes its maker, so that a different officer can check it
            locked.prepared_by, locked.prepared_at = _user(actor), clock.now()
            locked.save()
        run.status, run.finished_at, run.done = RunStatus.DONE, clock.now(), run.total
        run.registry_mark = max(run.registry_mark, mark)
        run.message = f"{count} 条，合计 {total} 元；补扣 {added} 条"
        run.save()
        if changed:
            audit.record(AuditAction.BATCH, object_type="benefits.paymentroll", object_id=roll.pk,
                         object_label=roll.audit_label(), area_id=roll.area_id,
                         changes={"step": "generate", "lines": count, "total": str(total), "corrections": added})
    return run


def roll_return(roll: PaymentRoll, *, actor: Any, reason: str = "") -> PaymentRoll:
    """The checker sends a generated roll back: its lines are removed so it can be generated again.

    Raises:
        TransitionNotAllowed: the roll is not awaiting approval (approved months are never rewritten).
    """
    _require(actor, "benefits.approve_roll")
    with transaction.atomic(), audit.acting(actor):
        roll = PaymentRoll.objects.select_for_update().get(pk=roll.pk)
        roll.status = workflows.next_status(workflows.ROLL_TRANSITIONS, roll.status, "return")
        if RollRun.objects.filter(roll=roll, step="generate", status=RunStatus.RUNNING,
                                  started_at__gt=clock.now() - dt.timedelta(minutes=10)).exists():
            raise TransitionNotAllowed("花名册正在生成，请待生成完成后再退回")
        flagged = list(RollLine.objects.filter(roll=roll).exclude(kind="regular")
                       .values_list("enrolment_id", flat=True))
        RollLine.objects.filter(roll=roll).delete()
        Enrolment.objects.filter(pk__in=flagged).update(needs_correction=True)
        roll.runs.all().delete()
        roll.line_count, roll.total_amount = 0, Decimal("0")
        roll.save()
        audit.record(AuditAction.BATCH, object_type="benefits.paymentroll", object_id=roll.pk,
                     object_label=roll.audit_label(), area_id=roll.area_id, changes={"step": "return"}, reason=reason)
    return roll


def roll_approve(roll: PaymentRoll, *, actor: Any) -> PaymentRoll:
    """Approve a generated roll (checker). The month is closed from now on.

    Raises:
        NotPermitted: no actor, the actor lacks ``benefits.approve_roll``, prepared the roll, or the roll names no
            maker (generated by the system, e.g. ``jisheng payroll generate`` without ``--as``): maker–checker.
        TransitionNotAllowed: the roll is not awaiting approval, or a generation run is unfinished or its
            lines no longer match the line count and total shown to the checker (a regeneration started in
            another tab): approving then would close lines nobody checked.
    """
    if _user(actor) is None:
        raise NotPermitted("审核花名册须由具名的财务人员进行")
    _require(actor, "benefits.approve_roll")
    with transaction.atomic(), audit.acting(actor):
        roll = PaymentRoll.objects.select_for_update().get(pk=roll.pk)
        if roll.status == RollStatus.GENERATED and roll.prepared_by_id is None:
            raise NotPermitted(gettext("花名册没有记录制表人（由系统或未用 --as 的命令生成），须由财务人员生成后"
                                       "再由另一人审核（制表、审核须由不同人员进行）"))
        if roll.status == RollStatus.GENERATED and roll.prepared_by_id == actor.pk:
            raise NotPermitted("制表人不能审核自己的花名册（制表、审核须由不同人员进行）")
        if roll.status == RollStatus.GENERATED and (
                _generation_unfinished(roll) or payroll.roll_totals(roll) != (roll.line_count, roll.total_amount)):
            raise TransitionNotAllowed("花名册正在重新生成（或上次生成中断），明细与所示合计不一致；"
                                       "请待生成完成后再审核")
        roll.status = workflows.next_status(workflows.ROLL_TRANSITIONS, roll.status, "approve")
        roll.approved_by, roll.approved_at = actor, clock.now()
        roll.save()
    return roll


def roll_export(roll: PaymentRoll, *, layout: bankfiles.Layout, actor: Any) -> ExportBatch:
    """Return the bank batch to send: a new one when lines are waiting for a file (the roll's first file,
    or failed lines queued for retry), otherwise the latest one again (idempotent).

    Raises:
        TransitionNotAllowed: the roll is not approved yet.
    """
    _require(actor, "benefits.prepare_roll")
    with transaction.atomic(), audit.acting(actor):
        roll = PaymentRoll.objects.select_for_update().get(pk=roll.pk)
        if roll.status not in (RollStatus.APPROVED, RollStatus.EXPORTED, RollStatus.CLOSED):
            raise TransitionNotAllowed("花名册审核后才能生成银行文件")
        last = roll.batches.order_by("-number").first()
        last_no = last.number if last else 0
        waiting = [n for n in payroll.batch_numbers_with_pending(roll) if n > last_no]
        if not waiting:
            if last is None:
                raise InvalidInput("没有需要发送银行的明细", location="roll")
            return last
        number = max(waiting)
        agg = RollLine.objects.filter(roll=roll, batch_no=number, amount__gt=0).aggregate(
            n=Count("id"), total=Sum("amount"))
        batch = ExportBatch.objects.create(roll=roll, number=number, layout=layout.key, line_count=agg["n"] or 0,
                                           total_amount=agg["total"] or 0, actor=_user(actor))
        if roll.status == RollStatus.APPROVED:
            roll.status = workflows.next_status(workflows.ROLL_TRANSITIONS, roll.status, "export")
            roll.save()
        audit.record(AuditAction.EXPORT, object_type="benefits.paymentroll", object_id=roll.pk,
                     object_label=roll.audit_label(), area_id=roll.area_id,
                     changes={"count": batch.line_count, "format": layout.format, "batch": number,
                              "total": str(batch.total_amount)})
    return batch


def write_batch(batch: ExportBatch, layout: bankfiles.Layout, out: Any) -> None:
    """Stream the bank file of ``batch`` in ``layout`` to the binary file ``out`` (COPY on PostgreSQL for CSV)."""
    if layout.format == "csv" and connection.vendor == "postgresql":
        payroll.copy_batch_csv(batch.roll, batch.number, layout, out)
    else:
        bankfiles.write(layout, payroll.batch_rows(batch.roll, batch.number), out, stamp=payroll.stamp_for(batch.roll))


#: Batches with more lines than this are written to a file by a background job (progress bar) instead of
#: being rendered inside the web request.
BACKGROUND_EXPORT_LINES = 20_000


def batch_file_path(batch: ExportBatch, layout: bankfiles.Layout) -> Path:
    """Where the background job keeps the bank file of ``batch`` in ``layout`` (under MEDIA_ROOT)."""
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "benefits" / f"roll-{batch.roll_id}-batch-{batch.number}-{layout.key}" \
        f".{layout.extension}"


def batch_file_write(batch: ExportBatch, layout: bankfiles.Layout, *, actor: Any = None) -> Path:
    """Write the bank file of ``batch`` to :func:`batch_file_path` (atomically, via a ``.part`` file),
    recording progress on an ``export`` run of the roll; idempotent (an existing file is kept)."""
    path = batch_file_path(batch, layout)
    run = RollRun.objects.create(roll_id=batch.roll_id, step="export", status=RunStatus.RUNNING,
                                 total=batch.line_count, started_at=clock.now(), actor=_user(actor))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")

        def counted(rows: Iterable[bankfiles.BankRow]) -> Iterable[bankfiles.BankRow]:
            for n, row in enumerate(rows, start=1):
                if n % 20_000 == 0:
                    RollRun.objects.filter(pk=run.pk).update(done=n)
                yield row

        with part.open("wb") as out:
            if layout.format == "csv" and connection.vendor == "postgresql":
                payroll.copy_batch_csv(batch.roll, batch.number, layout, out)
            else:
                bankfiles.write(layout, counted(payroll.batch_rows(batch.roll, batch.number)), out,
                                stamp=payroll.stamp_for(batch.roll))
        part.replace(path)
    RollRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, done=batch.line_count, finished_at=clock.now(),
                                             message=path.name)
    return path


def render_batch(batch: ExportBatch, *, layout: bankfiles.Layout | None = None) -> bytes:
    """The bytes of a bank file (the same every time for the same batch and layout)."""
    layout = layout or bankfiles.layout_for(key=batch.layout)
    out = io.BytesIO()
    write_batch(batch, layout, out)
    content = out.getvalue()
    if not batch.sha256 and layout.key == batch.layout:
        ExportBatch.objects.filter(pk=batch.pk, sha256="").update(sha256=hashlib.sha256(content).hexdigest())
    return content


def roll_import_returns(roll: PaymentRoll, *, content: bytes, filename: str, actor: Any) -> ReturnImport:
    """Apply a bank return file: each referenced line becomes ``paid`` or ``failed`` (with the reason).

    Idempotent: the same file again changes nothing (returns the earlier import); a line already in the
    reported state is counted unchanged. All-or-nothing: a row naming a line not exported in this roll,
    a different amount or account, or a paid line reported failed rejects the whole file.

    Raises:
        InvalidInput: unreadable file or bad rows (row numbers and columns named).
        TransitionNotAllowed: nothing of the roll has been exported yet.
    """
    _require(actor, "benefits.prepare_roll")
    digest = hashlib.sha256(content).hexdigest()
    previous = ReturnImport.objects.filter(roll=roll, sha256=digest).first()
    if previous is not None:
        return previous
    rows = bankfiles.parse_returns(content, filename)
    with transaction.atomic(), audit.acting(actor):
        roll = PaymentRoll.objects.select_for_update().get(pk=roll.pk)
        if not roll.batches.exists():
            raise TransitionNotAllowed("尚未生成银行文件")
        exported = set(roll.batches.values_list("number", flat=True))
        refs = [int(r.reference) for r in rows]
        lines = {pk: (batch_no, status, amount, account) for pk, batch_no, status, amount, account in
                 RollLine.objects.filter(roll=roll, pk__in=refs)
                 .values_list("pk", "batch_no", "status", "amount", "bank_account")}
        problems: list[str] = []
        paid_ids: list[int] = []
        failed: list[tuple[int, str]] = []
        unchanged = 0
        for r in rows:
            pk = int(r.reference)
            line = lines.get(pk)
            if line is None or line[0] not in exported:
                problems.append(f"row {r.row}, 流水号: {r.reference} 不是本花名册已发送的明细")
                continue
            _batch_no, status, amount, account = line
            if r.amount is not None and yuan(r.amount) != amount:
                problems.append(f"row {r.row}, 金额: {r.amount} ≠ {amount}")
                continue
            if r.bank_account and r.bank_account != account:
                problems.append(f"row {r.row}, 账号: 与发送的账号不一致")
                continue
            target = LineStatus.PAID if r.paid else LineStatus.FAILED
            if status == target:
                unchanged += 1
            elif status == LineStatus.PAID:
                problems.append(f"row {r.row}, 结果: 该明细已到账，不能改为失败")
            elif r.paid:
                paid_ids.append(pk)
            else:
                failed.append((pk, r.reason or "银行未说明原因"))
        if problems:
            raise InvalidInput("; ".join(problems[:20]), location=filename)
        for start in range(0, len(paid_ids), 5000):
            RollLine.objects.filter(pk__in=paid_ids[start:start + 5000]).update(status=LineStatus.PAID,
                                                                                failure_reason="")
        for pk, reason in failed:
            RollLine.objects.filter(pk=pk).update(status=LineStatus.FAILED, failure_reason=reason[:200])
        record = ReturnImport.objects.create(roll=roll, sha256=digest, filename=filename[:255], paid=len(paid_ids),
                                             failed=len(failed), unchanged=unchanged, actor=_user(actor))
        audit.record(AuditAction.BATCH, object_type="benefits.paymentroll", object_id=roll.pk,
                     object_label=roll.audit_label(), area_id=roll.area_id,
                     changes={"step": "import_returns", **record.summary()})
    return record


def _queue_failed(roll: PaymentRoll, line_ids: Iterable[int]) -> int:
    """Queue the failed lines ``line_ids`` of ``roll`` (locked by the caller) for a new bank batch, with their
    enrolment's current account. Returns the number queued."""
    failed = list(RollLine.objects.filter(roll=roll, status=LineStatus.FAILED, pk__in=list(line_ids))
                  .select_related("enrolment"))
    if not failed:
        return 0
    last = roll.batches.order_by("-number").first()
    number = (last.number if last else 1) + 1
    for line in failed:
        line.status, line.batch_no, line.attempts = LineStatus.PENDING, number, line.attempts + 1
        line.bank_name, line.bank_account = line.enrolment.bank_name, line.enrolment.bank_account
    RollLine.objects.bulk_update(failed, ["status", "batch_no", "attempts", "bank_name", "bank_account"])
    audit.record(AuditAction.BATCH, object_type="benefits.paymentroll", object_id=roll.pk,
                 object_label=roll.audit_label(), area_id=roll.area_id,
                 changes={"step": "retry_failed", "lines": len(failed), "batch": number})
    return len(failed)


def roll_retry_request(roll: PaymentRoll, *, corrections: dict[int, dict[str, str]], actor: Any) -> RetryRequest:
    """Ask to send the failed lines of ``roll`` again (失败明细重新发送): the maker gives, for every failed line, a
    corrected account (``bank_name``, ``bank_account``) or — to try the same account again, e.g. after a fault at
    the bank — a ``reason``. An account already corrected on the enrolment since the line failed counts as
    corrected. Nothing is queued until another finance officer approves (:func:`roll_retry_decide`).

    Raises:
        InvalidInput: nothing failed, a failed line without a corrected account or reason, an account that is not
            digits or is the account that failed, or a request already awaiting the checker.
    """
    _require(actor, "benefits.prepare_roll")
    with transaction.atomic(), audit.acting(actor):
        roll = PaymentRoll.objects.select_for_update().get(pk=roll.pk)
        failed = list(RollLine.objects.filter(roll=roll, status=LineStatus.FAILED).select_related("enrolment")
                      .order_by("id"))
        if not failed:
            raise InvalidInput("没有发放失败的明细", location="roll")
        if roll.retry_requests.filter(status=RetryStatus.PENDING).exists():
            raise InvalidInput("已有待审核的重新发送申请，请待审核后再提出", location="roll")
        items: list[dict[str, Any]] = []
        for line in failed:
            given = {k: str(v).strip() for k, v in (corrections.get(line.pk) or {}).items() if v is not None}
            account = given.get("bank_account", "").replace(" ", "")
            reason = given.get("reason", "")[:200]
            where = f"流水号 {line.pk}"
            if account:
                if not account.isdigit() or not 8 <= len(account) <= 32:
                    raise InvalidInput("银行账号应为 8–32 位数字", location=where)
                if account == line.bank_account:
                    raise InvalidInput("更正后的账号与原账号相同；若原账号无误，请清空账号并说明重新发送的原因",
                                       location=where)
                items.append({"line": line.pk, "bank_name": given.get("bank_name", "")[:64] or line.bank_name,
                              "bank_account": account, "reason": reason})
            elif line.enrolment.bank_account and line.enrolment.bank_account != line.bank_account:
                items.append({"line": line.pk, "bank_name": line.enrolment.bank_name,
                              "bank_account": line.enrolment.bank_account, "reason": reason or "账户已变更"})
            elif reason:
                items.append({"line": line.pk, "bank_name": "", "bank_account": "", "reason": reason})
            else:
                raise InvalidInput("请填写更正后的银行账号，或说明原账号无误、重新发送的原因", location=where)
        request = RetryRequest.objects.create(roll=roll, items=items, requested_by=_user(actor))
        audit.record(AuditAction.BATCH, object_type="benefits.paymentroll", object_id=roll.pk,
                     object_label=roll.audit_label(), area_id=roll.area_id,
                     changes={"step": "retry_request", "request": request.pk, "lines": len(items),
                              "corrected": sum(1 for i in items if i["bank_account"])})
    return request


def roll_retry_decide(request: RetryRequest, *, approve: bool, actor: Any, note: str = "") -> RetryRequest:
    """The checker's decision on a retry request. Approving records each corrected account as a bank-account
    change of the enrolment (later months are paid there too) and queues the lines for a new bank batch;
    refusing leaves them failed.

    Raises:
        NotPermitted: no named actor, without ``benefits.approve_roll``, or the officer who asked.
        TransitionNotAllowed: the request was decided already.
    """
    if _user(actor) is None:
        raise NotPermitted("重新发送须由具名的财务人员审核")
    _require(actor, "benefits.approve_roll")
    with transaction.atomic(), audit.acting(actor):
        request = RetryRequest.objects.select_for_update().select_related("roll").get(pk=request.pk)
        if request.status != RetryStatus.PENDING:
            raise TransitionNotAllowed("该申请已审核")
        if request.requested_by_id == actor.pk:
            raise NotPermitted("申请人不能审核自己的重新发送申请（申请、审核须由不同人员进行）")
        roll = PaymentRoll.objects.select_for_update().get(pk=request.roll_id)
        request.status = RetryStatus.APPROVED if approve else RetryStatus.REJECTED
        request.decided_by, request.decided_at, request.note = actor, clock.now(), note[:255]
        request.save()
        if approve:
            lines = {ln.pk: ln for ln in RollLine.objects.filter(
                roll=roll, pk__in=[i["line"] for i in request.items]).select_related("enrolment")}
            for item in request.items:
                line = lines.get(item["line"])
                if line is None or not item["bank_account"] or line.enrolment.bank_account == item["bank_account"]:
                    continue
                enrolment_change(line.enrolment, kind=ChangeKind.BANK_ACCOUNT, event_date=clock.today(), actor=None,
                                 effective_month=roll.month,
                                 details={"bank_name": item["bank_name"], "bank_account": item["bank_account"]})
            _queue_failed(roll, lines)
    return request


def roll_retry_failed(roll: PaymentRoll, *, actor: Any) -> int:
    """Refused: failed payments are sent again only through :func:`roll_retry_request` and a checker.

    Raises:
        TransitionNotAllowed: always.
    """
    raise TransitionNotAllowed("失败明细须填写更正后的账号（或原账号无误的原因），经另一名财务人员审核后重新发送")


def roll_close(roll: PaymentRoll, *, actor: Any) -> PaymentRoll:
    """Close (reconcile) an exported roll once no line is waiting for the bank.

    Raises:
        TransitionNotAllowed: lines are still pending, or the roll was not exported.
    """
    _require(actor, "benefits.approve_roll")
    with transaction.atomic(), audit.acting(actor):
        roll = PaymentRoll.objects.select_for_update().get(pk=roll.pk)
        if RollLine.objects.filter(roll=roll, status=LineStatus.PENDING, amount__gt=0).exists():
            raise TransitionNotAllowed("仍有明细等待银行回盘")
        roll.status = workflows.next_status(workflows.ROLL_TRANSITIONS, roll.status, "close")
        roll.save()
    return roll
