"""The case engine's records: cases, applicants, steps, events, materials, documents, clocks, decisions.

One :class:`Case` per application or file, of a registered case type (:mod:`jisheng.cases.types`), in
an area (the receiving town; staff see cases inside their area subtree). Its ``status`` moves only
through :func:`jisheng.cases.services.case_transition` along the type's workflow table.

Steps (:class:`CaseStep`) and events (:class:`CaseEvent`) are append-only: the full-process record
(全过程记录). Steps are the workflow transitions with their opinions; events are everything that
happened (transitions, uploads, clocks, documents, decisions) with who, when and the legal basis.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jisheng.core.errors import AppendOnlyViolation
from jisheng.core.models import Area, DomainModel


class Case(DomainModel):
    """A case (案件/申请) of one case type.

    ``facts`` holds the facts the rules judge (for birth approval the contract §2 vocabulary);
    ``application_date`` is the date whose law applies. ``is_special`` cases need the three records
    before a decision; ``is_major`` (or special) decisions need a legal review first.
    """

    number = models.CharField(_("案号"), max_length=32, unique=True)
    case_type = models.CharField(_("事项"), max_length=32, db_index=True)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("受理地"))
    status = models.CharField(_("状态"), max_length=32, db_index=True)
    application_date = models.DateField(_("申请日期"))
    facts = models.JSONField(_("事实"), default=dict, blank=True)
    is_special = models.BooleanField(_("特殊案件"), default=False)
    is_major = models.BooleanField(_("重大决定"), default=False)
    special_reason = models.CharField(_("特殊案件事由"), max_length=255, blank=True)
    summary = models.CharField(_("摘要"), max_length=255, blank=True)
    related_case = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("关联案件"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                      verbose_name=_("登记人"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-application_date", "-id"]
        indexes = [models.Index(fields=["area", "case_type", "status"], name="cases_case_area_type_status")]

    def __str__(self) -> str:
        return self.number

    def audit_label(self) -> str:
        return f"{self.number}"


class CaseSequence(models.Model):
    """The last case number used per case type and year (locked while numbering)."""

    case_type = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case_type", "year"], name="cases_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.case_type} {self.year}: {self.last}"


class ApplicantRole(models.TextChoices):
    WIFE = "wife", _("女方")
    HUSBAND = "husband", _("男方")
    APPLICANT = "applicant", _("申请人")
    CHILD = "child", _("子女")


class CaseApplicant(DomainModel):
    """A party to the case in a role of the case type's ``parties``: a person of the registry (``person``) or,
    where the type admits it, someone outside it named here (a petitioner, a company, a hospital)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="applicants", verbose_name=_("案件"))
    person = models.ForeignKey("registry.Person", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("人员"))
    role = models.CharField(_("身份"), max_length=16)
    name = models.CharField(_("名称"), max_length=100, blank=True,
                            help_text=_("不在人口信息中的当事人（信访人、单位、医院）"))
    id_number = models.CharField(_("证件号码"), max_length=32, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="cases_applicant_unique"),
            models.CheckConstraint(condition=models.Q(person__isnull=False) | ~models.Q(name=""),
                                   name="cases_applicant_person_or_name"),
        ]

    def audit_area_id(self) -> int | None:
        return self.case.area_id if self.case_id else None

    @property
    def display_name(self) -> str:
        """The party's name (the registry's for a registry person)."""
        return self.person.name if self.person is not None else self.name


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyViolation("case history cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation("case history cannot be deleted")


class AppendOnly(models.Model):
    """Rows that are written once and never changed or deleted through the application."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyViolation("case history cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation("case history cannot be deleted")


class CaseStep(AppendOnly):
    """One workflow step of the full-process record: action, status before and after, actor, time, opinion."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="steps", verbose_name=_("案件"))
    seq = models.PositiveIntegerField(_("序号"))
    action = models.CharField(_("环节"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=32)
    to_status = models.CharField(_("新状态"), max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("经办人"))
    actor_label = models.CharField(_("经办人"), max_length=150)
    at = models.DateTimeField(_("录入时间"))
    on = models.DateField(_("办理日期"), help_text=_("该环节依法发生之日；补录历史案卷时可早于录入日期"))
    backdate_reason = models.CharField(_("补录理由"), max_length=255, blank=True)
    opinion = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="cases_step_seq_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"


class CaseEvent(AppendOnly):
    """One entry of a case's append-only history: who, when, what, the data before/after, legal basis."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="events", verbose_name=_("案件"))
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作人"), max_length=150)
    kind = models.CharField(_("类型"), max_length=32)
    summary = models.CharField(_("内容"), max_length=255)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    basis = models.CharField(_("依据"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("案件记录")
        verbose_name_plural = _("案件记录")
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d %H:%M} {self.kind}"


class CaseMaterial(DomainModel):
    """A line of the case's materials checklist; ``provided`` once a document is attached to it."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="materials", verbose_name=_("案件"))
    key = models.CharField(_("代码"), max_length=48)
    name = models.CharField(_("材料"), max_length=128)
    required = models.BooleanField(_("必需"), default=True)
    provided = models.BooleanField(_("已提交"), default=False)
    basis = models.CharField(_("依据"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="cases_material_unique")]

    def audit_area_id(self) -> int | None:
        return self.case.area_id if self.case_id else None


class DocumentOrigin(models.TextChoices):
    UPLOADED = "uploaded", _("上传")
    GENERATED = "generated", _("系统生成")


def _document_path(instance: CaseDocument, filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class CaseDocument(DomainModel):
    """A document in the case file: an uploaded material or special-case record, or a generated paper.

    ``kind`` is a material key, a special-record key (``collective_discussion`` …) or a generated
    document kind (``acceptance_receipt``, ``supplement_notice``, ``decision``, ``certificate`` …).
    Uploads are checked for type and size (:mod:`jisheng.cases.uploads`); ``sha256`` fixes the content.
    """

    case = models.ForeignKey(Case, models.PROTECT, related_name="documents", verbose_name=_("案件"))
    kind = models.CharField(_("类别"), max_length=48)
    title = models.CharField(_("名称"), max_length=128)
    origin = models.CharField(_("来源"), max_length=12, choices=DocumentOrigin.choices)
    file = models.FileField(_("文件"), upload_to=_document_path)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    doc_number = models.CharField(_("文号"), max_length=64, blank=True)
    filed_at = models.DateTimeField(_("归档时间"), null=True, blank=True,
                                    help_text=_("按应用时钟记录的入卷时间（与案件记录一致）"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("经办人"))
    #: An upload that replaced an earlier one names it; the earlier one stays in the file, inactive.
    replaces = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="replaced_by",
                                 verbose_name=_("替换的文件"))
    active = models.BooleanField(_("有效"), default=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回或替换理由"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("案卷文书")
        verbose_name_plural = _("案卷文书")
        ordering = ["case", "id"]

    def audit_area_id(self) -> int | None:
        return self.case.area_id if self.case_id else None


class ClockUnit(models.TextChoices):
    WORKING = "working", _("工作日")
    CALENDAR = "calendar", _("自然日")
    MONTHS = "months", _("月")


class CaseClock(DomainModel):
    """A statutory time limit running on a case (法定期限).

    ``start`` is the legal start date — the date of the event named in ``start_event`` (receipt, a step,
    a record such as the service of a decision), not the day it was typed in. ``due`` and ``explanation``
    are computed by :func:`jisheng.law.deadlines.compute_due` from ``start`` (not counted), ``amount``
    ``unit``s, the suspensions and the extensions; ``due`` is None with ``pending_year`` set while the
    working-day calendar lacks a year the period runs into ("pending calendar"), and is filled in when an
    administrator enters that year. ``met_on`` is the date of the event that ended the duty (``met_by``).
    ``instance`` tells apart several clocks of one kind (e.g. one per assigned unit).
    """

    case = models.ForeignKey(Case, models.CASCADE, related_name="clocks", verbose_name=_("案件"))
    kind = models.CharField(_("期限"), max_length=32)
    instance = models.CharField(_("对象"), max_length=64, blank=True, default="")
    label = models.CharField(_("名称"), max_length=128)
    start_event = models.CharField(_("起算事件"), max_length=48, blank=True)
    start = models.DateField(_("起算日"))
    unit = models.CharField(_("单位"), max_length=10, choices=ClockUnit.choices)
    amount = models.PositiveSmallIntegerField(_("期限"))
    parameter = models.CharField(_("参数"), max_length=96, blank=True)
    basis = models.CharField(_("依据"), max_length=128, blank=True)
    source_note = models.CharField(_("期限来源"), max_length=255, blank=True)
    due = models.DateField(_("届满日"), null=True, blank=True)
    pending_year = models.PositiveSmallIntegerField(_("待录入工作日历的年份"), null=True, blank=True)
    explanation = models.JSONField(_("计算说明"), default=list, blank=True)
    met_on = models.DateField(_("完成日"), null=True, blank=True)
    met_by = models.CharField(_("完成事件"), max_length=48, blank=True)

    class Meta:
        verbose_name = _("法定期限")
        verbose_name_plural = _("法定期限")
        ordering = ["case", "start", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "instance"], name="cases_clock_kind_unique")]
        indexes = [models.Index(fields=["met_on", "due"], name="cases_clock_open_due")]

    def audit_area_id(self) -> int | None:
        return self.case.area_id if self.case_id else None

    @property
    def running(self) -> bool:
        return self.met_on is None

    @property
    def met_in_time(self) -> bool | None:
        """True/False once met (on or before the due date); None while running or pending the calendar."""
        if self.met_on is None or self.due is None:
            return None
        return self.met_on <= self.due


class ClockExtension(DomainModel):
    """One lawful extension of a clock (行政许可法 Art. 42; 信访: ≤ 30 days): units added, reason, approver."""

    clock = models.ForeignKey(CaseClock, models.CASCADE, related_name="extensions", verbose_name=_("期限"))
    amount = models.PositiveSmallIntegerField(_("延长"))
    reason = models.CharField(_("延长理由"), max_length=255)
    on = models.DateField(_("批准日期"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("批准人"))
    approver_label = models.CharField(_("批准人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("期限延长")
        verbose_name_plural = _("期限延长")
        ordering = ["clock", "id"]


class ClockSuspension(DomainModel):
    """Time not counted on a clock (行政许可法 Art. 45: appraisal, hearing…): ``start``–``end`` inclusive."""

    clock = models.ForeignKey(CaseClock, models.CASCADE, related_name="suspensions", verbose_name=_("期限"))
    start = models.DateField(_("起"))
    end = models.DateField(_("止"), null=True, blank=True)
    reason = models.CharField(_("事由"), max_length=255)

    class Meta:
        verbose_name = _("期限中止")
        verbose_name_plural = _("期限中止")
        ordering = ["clock", "start"]


class DecisionOutcome(models.TextChoices):
    """The outcomes of licensing decisions (other case types declare their own in ``CaseType.outcomes``)."""

    GRANTED = "granted", _("准予")
    REFUSED = "refused", _("不予")


class CaseDecision(DomainModel):
    """The decision on a case: outcome (one of the type's), reasons, the provisions in force it rests on,
    the remedies told, and what the rules said (``rule_verdict``): a decision against them carries the
    written ``deviation_reason`` the case-file review shows."""

    case = models.OneToOneField(Case, models.PROTECT, related_name="decision", verbose_name=_("案件"))
    outcome = models.CharField(_("结果"), max_length=24)
    decided_on = models.DateField(_("决定日期"))
    reasons = models.TextField(_("理由"))
    provision_keys = models.JSONField(_("法律依据"), default=list)
    remedies = models.JSONField(_("救济途径"), default=list, blank=True)
    doc_number = models.CharField(_("文号"), max_length=64, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("决定人"))
    rule_verdict = models.JSONField(_("规则校验"), null=True, blank=True)
    against_rule = models.BooleanField(_("与规则校验不一致"), default=False)
    deviation_reason = models.TextField(_("不一致的理由"), blank=True)
    backdate_reason = models.CharField(_("补录理由"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("决定")
        verbose_name_plural = _("决定")

    def audit_area_id(self) -> int | None:
        return self.case.area_id if self.case_id else None

    def outcome_label(self) -> str:
        """The outcome as the case type names it."""
        from . import types

        try:
            return str(types.get(self.case.case_type).outcome(self.outcome).label)
        except KeyError:
            return self.outcome

    def get_outcome_display(self) -> str:
        return self.outcome_label()


class LegalReviewOutcome(models.TextChoices):
    AGREE = "agree", _("同意")
    DISAGREE = "disagree", _("不同意")
    RETURN = "return", _("退回补充")


class LegalReview(DomainModel):
    """A legal review (法制审核) of a major decision: the outcome, the written opinion, who and when, and the
    法制审核意见书 filed in the case. Only the latest review counts; a decision needs one that agreed."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="legal_reviews", verbose_name=_("案件"))
    outcome = models.CharField(_("审核结论"), max_length=12, choices=LegalReviewOutcome.choices)
    opinion = models.TextField(_("审核意见"))
    reviewed_on = models.DateField(_("审核日期"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("审核人"))
    document = models.ForeignKey(CaseDocument, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("法制审核意见书"))

    class Meta:
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")
        ordering = ["case", "id"]

    def audit_area_id(self) -> int | None:
        return self.case.area_id if self.case_id else None


class CaseRecord(DomainModel):
    """A record in the case file besides materials (a kind of the type's ``records``): prior notice,
    statements, service record (送达回证), hearing, publication, reply… with its legal date ``on``, which can
    start or end statutory clocks. ``instance`` names the clock instance it concerns (e.g. an assigned unit)."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="records", verbose_name=_("案件"))
    kind = models.CharField(_("类别"), max_length=32)
    instance = models.CharField(_("对象"), max_length=64, blank=True, default="")
    on = models.DateField(_("日期"))
    text = models.TextField(_("内容"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    document = models.ForeignKey(CaseDocument, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("文件"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))
    backdate_reason = models.CharField(_("补录理由"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("案卷记录")
        verbose_name_plural = _("案卷记录")
        ordering = ["case", "on", "id"]

    def audit_area_id(self) -> int | None:
        return self.case.area_id if self.case_id else None


class ClockReminder(DomainModel):
    """One reminder (期限提醒) sent to the handlers of a running clock ``threshold`` calendar days (or fewer, when
    the job did not run that day) before its due date ``due`` — the due date in force when it was sent, so that an
    extension, which moves the due date, makes the new date's thresholds due again.

    At most one per (clock, threshold, due) (:class:`UniqueConstraint`): the daily job
    (:func:`jisheng.cases.reminders.send_due_reminders`) may run twice, or twice at once, and still sends once.
    ``days_left`` is what the reminder said (calendar days from ``sent_on`` to ``due``); ``recipients`` are the
    accounts whose workbench shows it, ``recipients_summary`` names them as they were when it was sent.
    """

    clock = models.ForeignKey(CaseClock, models.CASCADE, related_name="reminders", verbose_name=_("期限"))
    threshold = models.PositiveSmallIntegerField(_("提前天数"))
    due = models.DateField(_("届满日"))
    days_left = models.PositiveSmallIntegerField(_("剩余天数"))
    sent_on = models.DateField(_("提醒日期"))
    sent_at = models.DateTimeField(_("发送时间"))
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="clock_reminders", blank=True,
                                        verbose_name=_("提醒对象"))
    recipients_summary = models.CharField(_("提醒对象"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("期限提醒")
        verbose_name_plural = _("期限提醒")
        ordering = ["clock", "sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["clock", "threshold", "due"],
                                               name="cases_reminder_once_per_due")]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.due} -{self.threshold}"

    def audit_area_id(self) -> int | None:
        return self.clock.case.area_id if self.clock_id else None
