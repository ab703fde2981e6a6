"""Benefits: enrolments and their reviews, postings, annual verifications and changes; payment rolls,
their frozen lines, bank export batches and bank return imports.

Programmes themselves are data (``data/programmes.yaml``, :mod:`jisheng.benefits.programmes`); records
here name a programme by its key. Scoping: an enrolment belongs to the beneficiary's residence area
(``area``, copied from the registry and moved by a ``move`` change); a roll to its payer's area (the
county). Every write goes through :mod:`jisheng.benefits.services`.

The invariant "one payment line per person, programme, month and kind" is the database constraint
``benefits_line_unique_person_programme_month_kind``; roll generation inserts with ON CONFLICT DO NOTHING,
so a crashed or repeated run never pays twice.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jisheng.core.models import Area, DomainModel

from . import programmes
from .enums import (
    ChangeKind,
    EnrolmentStatus,
    LineKind,
    LineStatus,
    Opinion,
    PostingStatus,
    ReviewLevel,
    RollStatus,
    RunStatus,
    RunStep,
    VerificationResult,
)

SOURCE_LABELS = {"staff": _("工作人员录入"), "licensing": _("审批系统转入"), "import": _("批量导入")}


def _programme_choices() -> list[tuple[str, str]]:
    return programmes.choices()


class Enrolment(DomainModel):
    """A person's enrolment in a programme (享受对象), from application to the end of payment.

    ``start_month`` is the first month paid (the month eligibility was confirmed, or a later stated
    month); ``end_month`` the last month paid (the month of the stop event, see
    :func:`jisheng.benefits.rules.last_payable_month`). ``verification_due``: the annual re-verification
    (年审) must be done by this date; while it is overdue on the 1st of a month, that month is not paid
    (it is paid as arrears once the verification is done). ``needs_correction`` marks enrolments whose
    closed months must be recomputed into arrears/recovery lines in the next roll.
    """

    programme = models.CharField(_("项目"), max_length=32, choices=_programme_choices, db_index=True)
    category = models.CharField(_("类别"), max_length=16, blank=True)
    person = models.ForeignKey("registry.Person", models.PROTECT, related_name="+", verbose_name=_("对象"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("所在地"))
    town = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("镇（街道）"))
    hukou_type = models.CharField(_("户口性质"), max_length=8, default="urban")
    status = models.CharField(_("状态"), max_length=16, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.APPLIED, db_index=True)
    application_date = models.DateField(_("申请日期"))
    source = models.CharField(_("来源"), max_length=16, default="staff", help_text=_("staff / licensing / import"))
    application_ref = models.CharField(_("申请编号"), max_length=64, blank=True)
    facts = models.JSONField(_("认定事实"), default=dict, blank=True)
    determination = models.JSONField(_("资格认定"), default=dict, blank=True)
    determined_on = models.DateField(_("认定日期"), null=True, blank=True)
    start_month = models.DateField(_("起始发放月"), null=True, blank=True)
    end_month = models.DateField(_("终止发放月"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=16, blank=True)
    verification_due = models.DateField(_("年审截止日"), null=True, blank=True)
    granted_amount = models.DecimalField(_("核定金额"), null=True, blank=True, max_digits=14, decimal_places=2)
    account_name = models.CharField(_("户名"), max_length=64, blank=True,
                                    help_text=_("收款账户户名（默认为本人姓名）"))
    bank_name = models.CharField(_("开户银行"), max_length=64, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True)
    needs_correction = models.BooleanField(_("待补扣"), default=False)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("批准人"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    audit_exclude: ClassVar[tuple[str, ...]] = ("facts",)

    class Meta:
        verbose_name = _("享受对象")
        verbose_name_plural = _("享受对象")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=~Q(status__in=[EnrolmentStatus.REJECTED, EnrolmentStatus.ENDED]),
                name="benefits_enrolment_one_open_per_programme",
            ),
            models.CheckConstraint(condition=Q(granted_amount__isnull=True) | Q(granted_amount__gt=0),
                                   name="benefits_enrolment_granted_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["programme", "id"], name="benefits_enrol_prog_id"),
            models.Index(fields=["verification_due"], name="benefits_enrol_verif_due"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} #{self.pk}"

    def audit_label(self) -> str:
        return f"{self.programme_name} #{self.pk}"

    @property
    def programme_def(self) -> programmes.Programme:
        return programmes.get(self.programme)

    @property
    def programme_name(self) -> str:
        return programmes.all_programmes()[self.programme].name if self.programme in programmes.all_programmes() \
            else self.programme

    @property
    def category_name(self) -> str:
        return self.programme_def.category_name(self.category) if self.category else ""

    @property
    def masked_name(self) -> str:
        """The beneficiary's name masked for lists (surname kept; the full name is on the audited detail page)."""
        from jisheng.core.masking import mask_name

        return mask_name(self.person.name)

    @property
    def end_reason_label(self) -> str:
        """The stop change that ended payment, in words (``end_reason`` holds a :class:`ChangeKind` value)."""
        return str(ChangeKind(self.end_reason).label) if self.end_reason in ChangeKind.values else self.end_reason

    @property
    def source_label(self) -> str:
        """Where the application came from, in words."""
        return str(SOURCE_LABELS.get(self.source, self.source))


class Posting(DomainModel):
    """A public posting (公示) of a review level: the masked list on the notice board from
    ``start_date`` to ``end_date`` (both inclusive). Entries are frozen when the posting opens."""

    programme = models.CharField(_("项目"), max_length=32, choices=_programme_choices)
    level = models.CharField(_("公示层级"), max_length=8, choices=ReviewLevel.choices)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("公示范围"))
    title = models.CharField(_("标题"), max_length=200)
    start_date = models.DateField(_("公示开始"))
    end_date = models.DateField(_("公示结束"))
    status = models.CharField(_("状态"), max_length=8, choices=PostingStatus.choices, default=PostingStatus.OPEN)
    objections = models.TextField(_("异议情况"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("发布人"))

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.title


class PostingEntry(models.Model):
    """One line of a posting as shown on the notice board: masked name, area, amount, period only —
    no ID number, no medical details, nothing about the children (legal-facts §4.8)."""

    posting = models.ForeignKey(Posting, models.CASCADE, related_name="entries")
    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="posting_entries")
    masked_name = models.CharField(_("姓名"), max_length=64)
    area_name = models.CharField(_("所在地"), max_length=64)
    amount_text = models.CharField(_("标准"), max_length=64)
    period_text = models.CharField(_("期间"), max_length=64)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["posting", "enrolment"], name="benefits_posting_entry_unique")]

    def __str__(self) -> str:
        return f"{self.masked_name} {self.area_name}"


class Review(DomainModel):
    """A review opinion of one level (村 / 镇 / 市) on an enrolment, tied to the posting that followed it."""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="reviews")
    level = models.CharField(_("层级"), max_length=8, choices=ReviewLevel.choices)
    opinion = models.CharField(_("意见"), max_length=8, choices=Opinion.choices)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    posting = models.ForeignKey(Posting, models.SET_NULL, null=True, blank=True, related_name="reviews")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("日期"))

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "level"], name="benefits_review_one_per_level")]

    def audit_area_id(self) -> int | None:
        return self.enrolment.area_id


class Verification(DomainModel):
    """Annual re-verification (年审) of an enrolment for ``year``: due by ``due_date``, done on ``done_on``."""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="verifications")
    year = models.PositiveSmallIntegerField(_("年度"))
    due_date = models.DateField(_("截止日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    result = models.CharField(_("结论"), max_length=8, choices=VerificationResult.choices, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "year"], name="benefits_verification_per_year")]

    def audit_area_id(self) -> int | None:
        return self.enrolment.area_id


class EnrolmentChange(DomainModel):
    """A change to an enrolment (变更): what happened (``event_date``) and the month it takes effect from.

    Stop changes (death, new child, recovery) set the enrolment's ``end_month`` to the event month; a
    change dated in a month whose roll is closed is settled by correction lines in a later roll.
    """

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="changes")
    kind = models.CharField(_("变更事项"), max_length=16, choices=ChangeKind.choices)
    event_date = models.DateField(_("发生日期"))
    effective_month = models.DateField(_("生效月份"))
    details = models.JSONField(_("详情"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    audit_exclude: ClassVar[tuple[str, ...]] = ("details",)

    class Meta:
        ordering = ["effective_month", "id"]

    def audit_area_id(self) -> int | None:
        return self.enrolment.area_id


class GrantBudget(DomainModel):
    """The year's budget (yuan) of a discretionary programme (public-welfare fund, hardship aid) in an area."""

    programme = models.CharField(_("项目"), max_length=32, choices=_programme_choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("地区"))
    amount = models.DecimalField(_("预算金额"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "year", "area"], name="benefits_budget_unique")]


class PaymentRoll(DomainModel):
    """The payment roll (发放花名册) of one programme, month and payer area.

    ``rates`` is the frozen rate table used ({"category/hukou": {"amount", "basis", "verified"}});
    ``rule_version`` the programme rule version. Maker–checker: ``prepared_by`` generates, a different
    finance officer ``approved_by`` approves; approval closes the month (lines never change again except
    their bank status).
    """

    programme = models.CharField(_("项目"), max_length=32, choices=_programme_choices)
    month = models.DateField(_("发放月份"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("发放单位"))
    status = models.CharField(_("状态"), max_length=10, choices=RollStatus.choices, default=RollStatus.DRAFT)
    rule_version = models.CharField(_("规则版本"), max_length=32, blank=True)
    rates = models.JSONField(_("发放标准"), default=dict, blank=True)
    rates_verified = models.BooleanField(_("标准已核实"), default=True)
    line_count = models.PositiveIntegerField(_("人次"), default=0)
    total_amount = models.DecimalField(_("总金额"), default=0, max_digits=14, decimal_places=2)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("制表人"))
    prepared_at = models.DateTimeField(_("制表时间"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("审核人"))
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发放花名册")
        verbose_name_plural = _("发放花名册")
        ordering = ["-month", "programme"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "month", "area"], name="benefits_roll_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_name} {self.month:%Y-%m}"

    def audit_label(self) -> str:
        return f"{self.programme_name} {self.month:%Y-%m} #{self.pk}"

    @property
    def programme_name(self) -> str:
        return programmes.all_programmes()[self.programme].name if self.programme in programmes.all_programmes() \
            else self.programme


class RollRun(models.Model):
    """One run of a long roll step (generation, export, import) — the resume point and the progress bar.

    ``cursor`` is the last enrolment id whose lines are committed; a crashed run is resumed from it (and
    the unique constraint makes even a restart from zero harmless).
    """

    roll = models.ForeignKey(PaymentRoll, models.CASCADE, related_name="runs")
    step = models.CharField(max_length=10, choices=RunStep.choices)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    cursor = models.BigIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    chunks = models.PositiveIntegerField(default=0)
    #: The highest registry life-event id when the run began: the next run examines only newer events.
    registry_mark = models.BigIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.step} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0


class ExportBatch(models.Model):
    """A bank disbursement file of a roll: ``number`` 1 carries every positive line of the (frozen) roll,
    later numbers the failed lines queued for retry (``RollLine.batch_no``). The file is rendered from the
    lines on demand, byte for byte the same each time (``sha256`` of the first rendering is kept)."""

    roll = models.ForeignKey(PaymentRoll, models.CASCADE, related_name="batches")
    number = models.PositiveSmallIntegerField()
    layout = models.CharField(max_length=32)
    sha256 = models.CharField(max_length=64, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    total_amount = models.DecimalField(default=0, max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["roll", "number"], name="benefits_batch_unique")]

    def __str__(self) -> str:
        return f"{self.roll_id}-{self.number}"


class RollLine(models.Model):
    """One frozen payment line: who is paid, for which month (``month`` = the period paid), how much and why.

    ``basis`` holds the parameter values used ({parameter key: "yuan"}), ``rule_version`` the programme
    rule version; ``kind`` is regular payment, arrears (补发) or recovery of an overpayment (扣回, negative).
    Bank fields are a snapshot at generation. ``batch_no`` is the bank file the line goes (or went) out in:
    1 for the roll itself, a later number once a failed line is queued for retry; a ``pending`` line in a
    batch already exported is waiting for the bank's return. Not a DomainModel: lines are written in bulk (one ``batch``
    audit event per step) and only their bank status changes afterwards.
    """

    # Lines are written a million at a time from rows that exist (INSERT … SELECT over enrolments, into a roll
    # locked by the service), so the references carry no database constraint (a deferred FK check costs ~9 s
    # per million lines at commit) and no index of their own: the unique constraint's index leads with
    # person, (roll, batch_no, status) serves the roll's lookups (ADR 0041). Deleting a roll still deletes
    # its lines (Django's CASCADE).
    roll = models.ForeignKey(PaymentRoll, models.CASCADE, related_name="lines", db_index=False, db_constraint=False)
    enrolment = models.ForeignKey(Enrolment, models.DO_NOTHING, related_name="lines", db_constraint=False,
                                  db_index=False)
    person = models.ForeignKey("registry.Person", models.DO_NOTHING, related_name="+", db_constraint=False,
                               db_index=False)
    programme = models.CharField(max_length=32)
    month = models.DateField()
    kind = models.CharField(max_length=8, choices=LineKind.choices, default=LineKind.REGULAR)
    category = models.CharField(max_length=16, blank=True)
    hukou_type = models.CharField(max_length=8, blank=True)
    area = models.ForeignKey(Area, models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False)
    town = models.ForeignKey(Area, models.DO_NOTHING, null=True, blank=True, related_name="+", db_constraint=False,
                             db_index=False)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    basis = models.JSONField(default=dict)
    rule_version = models.CharField(max_length=32)
    account_name = models.CharField(max_length=64)
    bank_name = models.CharField(max_length=64, blank=True)
    bank_account = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=8, choices=LineStatus.choices, default=LineStatus.PENDING)
    batch_no = models.PositiveSmallIntegerField(default=1)
    attempts = models.PositiveSmallIntegerField(default=0)
    bank_reference = models.CharField(max_length=64, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "programme", "month", "kind"],
                                    name="benefits_line_unique_person_programme_month_kind"),
        ]
        indexes = [models.Index(fields=["roll", "batch_no", "status"], name="benefits_line_roll_batch")]

    def __str__(self) -> str:
        return f"{self.roll_id}/{self.pk} {self.month:%Y-%m} {self.amount}"


class ReturnImport(models.Model):
    """A bank return file imported into a roll; the same file (by SHA-256) is applied once."""

    roll = models.ForeignKey(PaymentRoll, models.CASCADE, related_name="return_imports")
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=255)
    paid = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["roll", "sha256"], name="benefits_return_once")]

    def __str__(self) -> str:
        return self.filename

    def summary(self) -> dict[str, Any]:
        return {"paid": self.paid, "failed": self.failed, "unchanged": self.unchanged}


class RegistryNotice(models.Model):
    """What a registry event (death, move out of the city, divorce) did to an enrolment, for the officers to see
    until one of them marks it handled: ``action`` ``ended`` (payment stopped after the event month; ``message``
    names the months already paid to recover) or ``review`` (the facts may have changed; payment goes on)."""

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="registry_notices")
    kind = models.CharField(_("人口事件"), max_length=16)
    event_date = models.DateField(_("事件日期"))
    action = models.CharField(_("处理"), max_length=8)
    message = models.CharField(_("说明"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("核对人"))
    handled_at = models.DateTimeField(_("核对时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["handled_at", "id"], name="benefits_notice_open")]

    def __str__(self) -> str:
        return self.message

    @property
    def kind_label(self) -> str:
        return str({"death": _("死亡"), "move_out": _("迁出本市"), "divorce": _("离婚")}.get(self.kind, self.kind))


class RetryStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("已退回")


class RetryRequest(DomainModel):
    """A request to send failed payments again (失败明细重新发送), made by one finance officer and decided by
    another. ``items`` holds one ``{"line": id, "bank_name", "bank_account", "reason"}`` per failed line: a
    corrected account, or the reason the same account is tried again (a bank-side fault)."""

    roll = models.ForeignKey(PaymentRoll, models.CASCADE, related_name="retry_requests")
    status = models.CharField(_("状态"), max_length=8, choices=RetryStatus.choices, default=RetryStatus.PENDING)
    items = models.JSONField(_("明细"), default=list)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("申请人"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    note = models.CharField(_("审核意见"), max_length=255, blank=True)

    audit_exclude: ClassVar[tuple[str, ...]] = ("items",)  # full account numbers: the lines' audit says enough

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["roll"], condition=Q(status="pending"),
                                               name="benefits_retry_one_pending_per_roll")]

    def __str__(self) -> str:
        return f"{self.roll_id} retry #{self.pk}"

    def audit_area_id(self) -> int | None:
        return self.roll.area_id
