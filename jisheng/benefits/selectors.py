"""Reads of the benefits app: lists, the reconciliation report, reports by town/month/programme,
new and leaving beneficiaries, the public recipient list, and the workbench items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from jisheng.core import clock
from jisheng.core.access import in_scope
from jisheng.core.masking import mask_name
from jisheng.core.modules import Todo, WorkbenchItems
from jisheng.core.pagination import Page, id_desc_page

from . import programmes, rules
from .access import enrolments_for_user, rolls_for_user
from .enums import FROZEN_ROLL_STATUSES, EnrolmentStatus, LineKind, LineStatus, RollStatus
from .models import Enrolment, PaymentRoll, RegistryNotice, RetryRequest, RollLine, RollRun, Verification

PAGE_SIZE = 50


def enrolment_list(user: Any, *, programme: str = "", status: str = "", before_id: int | None = None,
                   newer_id: int | None = None) -> Page[Enrolment]:
    """One keyset page (newest first, :data:`PAGE_SIZE` rows) of the enrolments in ``user``'s scope, optionally
    filtered: those older than ``before_id``, or (a "previous" link) just newer than ``newer_id``; one query."""
    qs = enrolments_for_user(user).select_related("person", "area", "town")
    if programme:
        qs = qs.filter(programme=programme)
    if status:
        qs = qs.filter(status=status)
    return id_desc_page(qs, after=before_id, newer=newer_id, size=PAGE_SIZE)


def verifications_due(user: Any, *, within_days: int = 30) -> QuerySet[Verification]:
    """Open annual verifications in scope due within ``within_days`` (or overdue), earliest first."""
    limit = clock.today() + dt.timedelta(days=within_days)
    return (Verification.objects.filter(done_on__isnull=True, due_date__lte=limit,
                                        enrolment__in=enrolments_for_user(user))
            .select_related("enrolment", "enrolment__person").order_by("due_date", "id"))


def open_registry_notices(user: Any) -> QuerySet[RegistryNotice]:
    """Registry notices (a death, a move out, a divorce that ended or flagged an enrolment) in ``user``'s scope
    not yet marked handled, oldest first."""
    return (RegistryNotice.objects.filter(handled_at__isnull=True, enrolment__in=enrolments_for_user(user))
            .select_related("enrolment", "enrolment__person").order_by("id"))


def latest_run(roll: PaymentRoll) -> RollRun | None:
    return roll.runs.order_by("-id").first()


@dataclass
class Reconciliation:
    """The reconciliation of a roll (对账): amounts by line status and the failed lines."""

    roll: PaymentRoll
    by_status: list[dict[str, Any]]
    sent_total: Decimal
    paid_total: Decimal
    failed_total: Decimal
    awaiting_total: Decimal
    to_recover_total: Decimal
    not_sent_total: Decimal
    failed_lines: list[RollLine]
    batches: list[Any]
    imports: list[Any]

    @property
    def balanced(self) -> bool:
        """Every yuan sent is accounted for: paid + failed + awaiting return = sent."""
        return self.paid_total + self.failed_total + self.awaiting_total == self.sent_total


def reconciliation(roll: PaymentRoll) -> Reconciliation:
    """Amounts by status, what was sent in bank files, and the failed lines (with reasons) of ``roll``."""
    rows = list(RollLine.objects.filter(roll=roll).values("status", "kind")
                .annotate(n=Count("id"), total=Sum("amount")).order_by("status", "kind"))
    exported = set(roll.batches.values_list("number", flat=True))
    positive = RollLine.objects.filter(roll=roll, amount__gt=0)

    def total(qs: QuerySet[RollLine]) -> Decimal:
        return qs.aggregate(s=Sum("amount"))["s"] or Decimal("0")

    sent = positive.filter(Q(batch_no__in=exported) | Q(status=LineStatus.FAILED) | Q(status=LineStatus.PAID))
    return Reconciliation(
        roll=roll, by_status=rows,
        sent_total=total(sent),
        paid_total=total(positive.filter(status=LineStatus.PAID)),
        failed_total=total(positive.filter(status=LineStatus.FAILED)),
        awaiting_total=total(positive.filter(status=LineStatus.PENDING, batch_no__in=exported)),
        to_recover_total=-total(RollLine.objects.filter(roll=roll, amount__lt=0)),
        not_sent_total=total(positive.filter(status=LineStatus.PENDING).exclude(batch_no__in=exported)),
        failed_lines=list(RollLine.objects.filter(roll=roll, status=LineStatus.FAILED).order_by("id")[:200]),
        batches=list(roll.batches.order_by("number")),
        imports=list(roll.return_imports.order_by("id")),
    )


@dataclass
class LeftOut:
    """The enrolments a roll left out (``rows``: enrolment and the reason in words, at most ``limit``), their
    number by reason and in all."""

    rows: list[tuple[Enrolment, str]]
    by_reason: dict[str, int]
    total: int


def _left_out_reason(e: Enrolment, roll: PaymentRoll, prog: programmes.Programme, rates: set[tuple[str, str]] | None,
                     paid_in: dict[int, PaymentRoll]) -> str:
    """Why ``e`` has no line in ``roll`` — the generation rule (:mod:`.payroll`) read back in words."""
    if e.pk in paid_in:
        other = paid_in[e.pk]
        return _("已在 %(month)s 花名册发放") % {"month": f"{other.month:%Y-%m}"}
    if e.end_month is not None and e.end_month < roll.month:
        return _("已于 %(month)s 停发（%(reason)s）") % {"month": f"{e.end_month:%Y-%m}", "reason": e.end_reason_label}
    if e.start_month is None:
        return _("尚未确定起始发放月")
    if e.start_month > roll.month:
        return _("自 %(month)s 起发放") % {"month": f"{e.start_month:%Y-%m}"}
    if e.verification_due is not None and e.verification_due < roll.month:
        return _("年审逾期（应于 %(due)s 前完成），暂停发放") % {"due": f"{e.verification_due:%Y-%m-%d}"}
    if rates is None:
        if e.granted_amount is None:
            return _("未填写核定金额")
    elif (e.category, e.hukou_type) not in rates:
        return _("缺少类别或户口性质，没有适用的发放标准")
    if roll.prepared_at is not None and e.approved_on is not None and e.approved_on >= clock.local(
            roll.prepared_at).date():
        return _("花名册生成后才批准，重新生成或在下期补发")
    return _("原因不明，请重新生成花名册")


def left_out(roll: PaymentRoll, *, limit: int = 200) -> LeftOut:
    """The enrolments of ``roll``'s programme and area that a generated roll left out, and why: approved ones with
    no line in it, and ones that ended the month before or since (so a stop is seen in the roll it first
    applies to). Empty for a roll not generated yet."""
    from django.db.models import Exists, OuterRef

    from .payroll import line_month

    if roll.status == RollStatus.DRAFT:
        return LeftOut(rows=[], by_reason={}, total=0)
    prog = programmes.get(roll.programme)
    previous = rules.month_start(roll.month - dt.timedelta(days=1))
    in_roll = RollLine.objects.filter(roll=roll, person_id=OuterRef("person_id"), programme=roll.programme)
    qs = (Enrolment.objects.filter(programme=roll.programme, area__path__startswith=roll.area.path)
          .filter(Q(status=EnrolmentStatus.APPROVED) | Q(status=EnrolmentStatus.ENDED, end_month__gte=previous))
          .filter(~Exists(in_roll)).select_related("person", "area").order_by("id"))
    total = qs.count()
    enrolments = list(qs[:limit])
    month = line_month(prog, roll.month)
    paid_in: dict[int, PaymentRoll] = {}
    if prog.frequency != programmes.MONTHLY:
        for line in RollLine.objects.filter(enrolment__in=enrolments, kind=LineKind.REGULAR).exclude(
                roll=roll).select_related("roll"):
            if month is None or line.month == month:
                paid_in[line.enrolment_id] = line.roll
    rates: set[tuple[str, str]] | None = None
    if roll.rates:
        groups = [group.partition("/") for group in roll.rates]
        rates = {(c, h) for c, _sep, h in groups if not prog.categories or c in prog.category_keys()}
    rows = [(e, _left_out_reason(e, roll, prog, rates, paid_in)) for e in enrolments]
    by_reason: dict[str, int] = {}
    for _e, reason in rows:
        key = reason.split("（")[0] if "停发" in reason or "年审" in reason else reason
        by_reason[key] = by_reason.get(key, 0) + 1
    return LeftOut(rows=rows, by_reason=by_reason, total=total)


def report_by_town(user: Any, *, month: dt.date, programme: str = "") -> list[dict[str, Any]]:
    """Beneficiaries (persons) and amounts paid for ``month`` by town and programme: the lines (all kinds, so
    corrections count in the roll month that pays them) of approved rolls (a roll awaiting approval may still
    be returned and regenerated) of beneficiaries in ``user``'s scope, whoever pays.
    """
    qs = in_scope(RollLine.objects.filter(roll__month=rules.month_start(month), roll__status__in=FROZEN_ROLL_STATUSES),
                  user, area_field="area")
    if programme:
        qs = qs.filter(programme=programme)
    rows = list(qs.values("town__name", "programme").annotate(persons=Count("person", distinct=True),
                                                              total=Sum("amount"))
                .order_by("town__name", "programme"))
    names = dict(programmes.choices())
    for r in rows:
        r["programme_name"] = names.get(r["programme"], r["programme"])
    return rows


def report_by_month(user: Any, *, year: int, programme: str = "") -> list[dict[str, Any]]:
    """Persons and amounts per roll month and programme for ``year`` in ``user``'s scope (approved rolls only)."""
    qs = in_scope(RollLine.objects.filter(roll__month__year=year, roll__status__in=FROZEN_ROLL_STATUSES), user,
                  area_field="area")
    if programme:
        qs = qs.filter(programme=programme)
    rows = list(qs.values("roll__month", "programme").annotate(persons=Count("person", distinct=True),
                                                               total=Sum("amount"))
                .order_by("roll__month", "programme"))
    names = dict(programmes.choices())
    for r in rows:
        r["programme_name"] = names.get(r["programme"], r["programme"])
    return rows


def new_and_leaving(user: Any, *, month: dt.date, programme: str = "") -> dict[str, list[Enrolment]]:
    """Beneficiaries starting (first month paid = ``month``) and leaving (last month paid = the month
    before ``month``) in ``user``'s scope."""
    m = rules.month_start(month)
    previous = (m - dt.timedelta(days=1)).replace(day=1)
    qs = enrolments_for_user(user).select_related("person", "area")
    if programme:
        qs = qs.filter(programme=programme)
    return {
        "new": list(qs.filter(start_month=m, status__in=[EnrolmentStatus.APPROVED, EnrolmentStatus.ENDED])
                    .order_by("id")[:500]),
        "leaving": list(qs.filter(end_month=previous).order_by("id")[:500]),
    }


def public_recipients(roll: PaymentRoll) -> list[dict[str, str]]:
    """The recipient list of a roll for public posting: masked name, area, amount, period — nothing
    else (no ID number, no medical details, nothing about the children; legal-facts §4.8)."""
    rows = (RollLine.objects.filter(roll=roll, kind=LineKind.REGULAR).order_by("area__path", "id")
            .values_list("account_name", "area__name", "amount", "month"))
    return [{"name": mask_name(name), "area": area, "amount": f"{amount}", "period": f"{month:%Y年%m月}"}
            for name, area, amount, month in rows]


#: At most this many rolls, retry requests, registry notices and verifications each on the workbench.
WORKBENCH_SHOWN = 10

#: The count of approved beneficiaries on the workbench stops at this many (never an unbounded COUNT there).
WORKBENCH_COUNT_CAP = 10_001


def _counts_in_one_query(counted: list[tuple[QuerySet[Any], int | None]]) -> list[int]:
    """Count each queryset of ``counted`` (``(queryset, limit)`` pairs; ``limit`` None counts every row) in one
    round trip: ``SELECT (SELECT COUNT(*) FROM (… LIMIT limit)), (…)``. Answers the counts in the order given; a
    queryset that can match nothing (``.none()``) counts 0 without asking the database."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    parts: list[str] = []
    params: list[Any] = []
    for qs, limit in counted:
        try:
            sql, qs_params = qs.order_by().values("pk")[:limit].query.sql_with_params()
        except EmptyResultSet:
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608 -- ORM-compiled, values bound
        params.extend(qs_params)
    if all(part == "0" for part in parts):
        return [0] * len(parts)
    with connections[counted[0][0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return [int(n) for n in row]


def workbench_items(user: Any) -> WorkbenchItems:
    """The benefits module's workbench: rolls awaiting approval (for another finance officer) and
    annual verifications due within 30 days or overdue.

    Each list shows its first :data:`WORKBENCH_SHOWN` rows (one query each); a list that came back shorter is
    counted from its rows, and the remaining counts are taken together in one query.
    """
    items = WorkbenchItems(module="benefits")
    if not getattr(user, "has_capability", lambda c: False)("benefits.view"):
        return items
    # (label, queryset, limit) of the counts the lists could not answer, asked in one query at the end
    pending: list[tuple[str, QuerySet[Any], int | None]] = []

    def count(label: str, qs: QuerySet[Any], shown: list[Any], limit: int | None = None) -> None:
        items.counts[label] = len(shown)  # keeps the label's place among the counts
        if len(shown) >= WORKBENCH_SHOWN:
            pending.append((label, qs, limit))

    if user.has_capability("benefits.approve_roll"):
        awaiting = (rolls_for_user(user).filter(status=RollStatus.GENERATED, prepared_by__isnull=False)
                    .exclude(prepared_by=user))
        rolls = list(awaiting.order_by("month")[:WORKBENCH_SHOWN])
        for roll in rolls:
            items.todos.append(Todo(label=_("审核发放花名册：%(roll)s") % {"roll": roll},
                                    url=reverse("benefits:roll_detail", args=[roll.pk]), module="benefits"))
        count(_("待审核花名册"), awaiting, rolls)
        retries = (RetryRequest.objects.filter(status="pending", roll__in=rolls_for_user(user))
                   .exclude(requested_by=user).select_related("roll").order_by("id"))
        for request in retries[:WORKBENCH_SHOWN]:
            items.todos.append(Todo(label=_("审核失败明细重新发送：%(roll)s") % {"roll": request.roll},
                                    url=reverse("benefits:roll_retry", args=[request.roll_id]), module="benefits"))
    if user.has_capability("benefits.change"):
        # only the columns the lines show (no model rows of the notice, enrolment and person to build)
        notices_qs = open_registry_notices(user)
        notices = list(notices_qs.values_list("enrolment_id", "kind", "action", "enrolment__person__name")
                       [:WORKBENCH_SHOWN])
        for enrolment_id, kind, action, name in notices:
            items.todos.append(Todo(
                label=_("人口事件：%(name)s %(kind)s，%(what)s") % {
                    "name": mask_name(name), "kind": RegistryNotice(kind=kind).kind_label,
                    "what": _("已停发，请核对") if action == "ended" else _("请核对认定事实")},
                url=reverse("benefits:enrolment_detail", args=[enrolment_id]), module="benefits"))
        count(_("人口事件待核对"), notices_qs, notices)
        due_qs = verifications_due(user)
        due = list(due_qs.values_list("enrolment_id", "due_date", "enrolment__person__name")[:WORKBENCH_SHOWN])
        for enrolment_id, due_date, name in due:
            items.deadlines_at_risk.append(Todo(
                label=_("年审：%(name)s") % {"name": mask_name(name)},
                url=reverse("benefits:enrolment_detail", args=[enrolment_id]), due=due_date, module="benefits"))
        count(_("临近年审"), due_qs, due)
    approved_label = _("享受对象")
    items.counts[approved_label] = 0
    pending.append((approved_label, enrolments_for_user(user).filter(status=EnrolmentStatus.APPROVED),
                    WORKBENCH_COUNT_CAP))  # capped: never an unbounded COUNT on the workbench
    answers = _counts_in_one_query([(qs, limit) for _label, qs, limit in pending])
    for (label, _qs, _limit), total in zip(pending, answers, strict=True):
        items.counts[label] = total
    return items
