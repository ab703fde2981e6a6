"""Petitions (信访): what a petition has besides its case on the engine.

A petition is a case of type ``petition`` (:mod:`jisheng.petitions.casetypes`); :class:`Petition` is its
one-to-one companion with the intake facts (channel, tracking code, hotline work order, regime in force on the
receipt date, complaint target). Assignments (交办) to towns or units, each delivery attempt of a paper, the
replies to the petitioner, the opinions of each round, the follow-ups and the sensitive periods live here too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jisheng.core.models import Area, DomainModel

from .enums import (
    AssignmentStatus,
    Channel,
    DeliveryChannel,
    DeliveryOutcome,
    FollowUpResult,
    OpinionOutcome,
    ReplyRound,
)

#: The alphabet of tracking codes: no 0/O, 1/I/L, so a code read over the phone is not misheard.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12


class Petition(DomainModel):
    """A petition (信访事项): the companion of its case (``case.petition``).

    ``regime`` is the version key of the petitions regulation in force on the receipt date (``petition-reg-2005``
    until 2022-04-30, ``petition-work-reg-2022`` from 2022-05-01), fixed at intake. ``order_no`` is the hotline
    work-order number (idempotency key of the hotline API, unique when set). ``repeat_of`` points to the FIRST
    petition on the same matter. ``complained_area`` / ``complained_user`` / ``complained_name``: the unit or
    officer complained about, who never sees the petitioner's identity (``petition-reg-2005/art-23``;
    ``petition-work-reg-2022/art-30/para-3``).
    """

    case = models.OneToOneField("cases.Case", models.PROTECT, related_name="petition", verbose_name=_("案件"))
    tracking_code = models.CharField(_("查询码"), max_length=TRACKING_LENGTH, unique=True)
    channel = models.CharField(_("信访渠道"), max_length=16, choices=Channel.choices)
    order_no = models.CharField(_("工单号"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("收到时间"))
    regime = models.CharField(_("适用法规"), max_length=32)
    subject = models.CharField(_("信访事项"), max_length=200)
    content = models.TextField(_("诉求内容"))
    petitioner_address = models.CharField(_("信访人住址"), max_length=255, blank=True)
    group_size = models.PositiveSmallIntegerField(_("来访人数"), default=1)
    repeat_of = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="repeats",
                                  verbose_name=_("重复信访（首次信访件）"))
    concerned_area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("事项所在地"))
    complained_area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name=_("被反映单位"))
    complained_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("被反映人员"))
    complained_name = models.CharField(_("被反映人员（系统外）"), max_length=100, blank=True)
    forum_url = models.URLField(_("论坛帖子链接"), blank=True)
    watch = models.BooleanField(_("重点关注"), default=False)
    supervisor_flag = models.BooleanField(_("待督办"), default=False)
    supervisor_flag_reason = models.CharField(_("督办事由"), max_length=255, blank=True)
    supervisor_flag_cleared_at = models.DateTimeField(_("督办解除时间"), null=True, blank=True)
    reply_channel = models.CharField(_("答复渠道"), max_length=16, choices=Channel.choices)

    class Meta:
        verbose_name = _("信访件")
        verbose_name_plural = _("信访件")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["order_no"], condition=~Q(order_no=""), name="petitions_order_no_unique"),
            models.CheckConstraint(condition=Q(group_size__gte=1), name="petitions_group_size_positive"),
        ]

    def __str__(self) -> str:
        return self.case.number if self.case_id else self.tracking_code

    def audit_area_id(self) -> int | None:
        return self.case.area_id if self.case_id else None

    def audit_label(self) -> str:
        return str(self)


class PetitionAssignment(DomainModel):
    """A petition assigned (交办/转办) to a town (``area``) or a unit outside the area tree (``unit_name``), with
    its own response due date. ``status`` is ``delivered`` only once a delivery of outcome ``delivered`` exists."""

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="assignments", verbose_name=_("信访件"))
    area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("承办镇（街道）"))
    unit_name = models.CharField(_("承办单位"), max_length=100, blank=True)
    due = models.DateField(_("答复期限"))
    instruction = models.TextField(_("交办要求"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.PENDING)
    response = models.TextField(_("答复内容"), blank=True)
    responded_on = models.DateField(_("答复日期"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("答复人"))
    #: The assignment sheet (交办单) filed on the case for this unit: the one paper of the case file the unit reads.
    sheet = models.ForeignKey("cases.CaseDocument", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("交办单"))

    class Meta:
        verbose_name = _("交办件")
        verbose_name_plural = _("交办件")
        ordering = ["petition", "id"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "area"], condition=Q(area__isnull=False),
                                    name="petitions_assignment_area_unique"),
            models.UniqueConstraint(fields=["petition", "unit_name"], condition=~Q(unit_name=""),
                                    name="petitions_assignment_unit_unique"),
            models.CheckConstraint(condition=(Q(area__isnull=False) & Q(unit_name=""))
                                   | (Q(area__isnull=True) & ~Q(unit_name="")),
                                   name="petitions_assignment_area_or_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.petition} → {self.unit_label}"

    @property
    def unit_label(self) -> str:
        """The assigned town's or unit's name."""
        return self.area.name if self.area_id and self.area is not None else self.unit_name

    @property
    def instance(self) -> str:
        """The engine clock instance of this assignment's ``unit_response`` clock."""
        return f"A{self.pk}"

    def audit_area_id(self) -> int | None:
        return self.area_id


class PetitionReply(DomainModel):
    """A reply to the petitioner (答复) of one round, sent through ``channel``; ``received_on`` (the day the
    petitioner received it) starts the review window (2005 Art. 34/35; 2022 Art. 35/36)."""

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="replies", verbose_name=_("信访件"))
    round = models.CharField(_("答复轮次"), max_length=12, choices=ReplyRound.choices)
    text = models.TextField(_("答复内容"))
    sent_on = models.DateField(_("发出日期"))
    channel = models.CharField(_("答复渠道"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("信访人收到日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["petition", "sent_on", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "round"], name="petitions_reply_round_unique")]

    def __str__(self) -> str:
        return f"{self.petition} {self.round}"

    def audit_area_id(self) -> int | None:
        return self.petition.case.area_id if self.petition_id else None


class Delivery(DomainModel):
    """One attempt to deliver a paper: an assignment to its unit, or a reply to the petitioner (exactly one).

    Never changed from ``failed`` to ``delivered``: a retry is a new row naming the failed one (``retry_of``).
    A ``system`` delivery to a town stays ``sent`` until the town officer acknowledges it (签收).
    """

    assignment = models.ForeignKey(PetitionAssignment, models.PROTECT, null=True, blank=True,
                                   related_name="deliveries", verbose_name=_("交办件"))
    reply = models.ForeignKey(PetitionReply, models.PROTECT, null=True, blank=True, related_name="deliveries",
                              verbose_name=_("答复"))
    channel = models.CharField(_("送达方式"), max_length=12, choices=DeliveryChannel.choices)
    attempted_on = models.DateField(_("送达日期"))
    outcome = models.CharField(_("送达结果"), max_length=12, choices=DeliveryOutcome.choices)
    failure_reason = models.CharField(_("失败原因"), max_length=255, blank=True)
    confirmed_on = models.DateField(_("确认送达日期"), null=True, blank=True)
    retry_of = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="retries",
                                 verbose_name=_("重新送达（原送达）"))

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ["attempted_on", "id"]
        constraints = [
            models.CheckConstraint(condition=(Q(assignment__isnull=False) & Q(reply__isnull=True))
                                   | (Q(assignment__isnull=True) & Q(reply__isnull=False)),
                                   name="petitions_delivery_one_paper"),
            models.CheckConstraint(condition=~Q(outcome="failed") | ~Q(failure_reason=""),
                                   name="petitions_delivery_failure_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.attempted_on} {self.outcome}"


class PetitionOpinion(DomainModel):
    """The written opinion of one round (处理意见 / 复查意见 / 复核意见): outcome, facts, reasons and the
    provisions in force on ``on``. The first round also stands as the engine's ``CaseDecision``."""

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="opinions", verbose_name=_("信访件"))
    round = models.CharField(_("轮次"), max_length=12, choices=ReplyRound.choices)
    outcome = models.CharField(_("处理结果"), max_length=12, choices=OpinionOutcome.choices)
    facts = models.TextField(_("事实"))
    reasons = models.TextField(_("理由"))
    provision_keys = models.JSONField(_("法律依据"), default=list)
    on = models.DateField(_("出具日期"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("经办人"))

    class Meta:
        verbose_name = _("处理意见")
        verbose_name_plural = _("处理意见")
        ordering = ["petition", "on", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "round"], name="petitions_opinion_round_unique")]

    def audit_area_id(self) -> int | None:
        return self.petition.case.area_id if self.petition_id else None


class FollowUp(DomainModel):
    """The satisfaction follow-up (回访) of one reply round: exactly one per round. ``recorded_by`` None is the
    citizen on the tracking page."""

    petition = models.ForeignKey(Petition, models.PROTECT, related_name="follow_ups", verbose_name=_("信访件"))
    round = models.CharField(_("答复轮次"), max_length=12, choices=ReplyRound.choices)
    result = models.CharField(_("评价"), max_length=12, choices=FollowUpResult.choices)
    on = models.DateField(_("回访日期"))
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("记录人"))

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["petition", "on", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "round"], name="petitions_follow_up_unique")]

    def audit_area_id(self) -> int | None:
        return self.petition.case.area_id if self.petition_id else None


class SensitivePeriod(DomainModel):
    """A sensitive period (敏感时期, e.g. 全国两会) with extra watch: ``start``–``end`` inclusive."""

    name = models.CharField(_("名称"), max_length=100)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("敏感时期")
        verbose_name_plural = _("敏感时期")
        ordering = ["-start"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")),
                                              name="petitions_period_end_after_start")]

    def __str__(self) -> str:
        return f"{self.name}（{self.start}—{self.end}）"


class WebSubmission(models.Model):
    """One counted request of the public petition pages (a submission or a failed tracking-code lookup), for their
    per-client limits: ``client`` is a keyed hash (HMAC-SHA256) of the client address and the request's purpose,
    never the address itself. Rows older than a day are deleted as new ones are counted
    (:func:`jisheng.petitions.public.count_request`)."""

    client = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("网上信访提交记录")
        verbose_name_plural = _("网上信访提交记录")

    def __str__(self) -> str:
        return f"{self.client[:8]} {self.at:%Y-%m-%d %H:%M}"
