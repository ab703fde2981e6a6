"""The population registry (全员人口个案信息): people, households, marriages, parent–child links, life events.

Scoping: a person belongs to the area where they live (``residence_area``, 现居住地 — 属地管理). Staff
see the people whose residence area lies in their own subtree; ``town`` is a denormalised copy of the
residence area's town (set by the services) so that town-level lists and searches use one index.
``hukou_area`` is where the household registration is (null when it lies outside the installation's
area tree, then ``hukou_place`` holds its name); procedures that depend on hukou read it, not scope.

Every write goes through :mod:`jisheng.registry.services`; every model here is a
:class:`~jisheng.core.models.DomainModel`, so single-record changes are audited automatically
(who, when, before, after) and shown as the person's history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jisheng.core.models import Area, DomainModel


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class HukouType(models.TextChoices):
    RURAL = "rural", _("农业")
    URBAN = "urban", _("非农业")


class PersonStatus(models.TextChoices):
    ALIVE = "alive", _("在册")
    DEAD = "dead", _("死亡")
    MOVED_OUT = "moved_out", _("迁出")
    #: Folded into another record by a duplicate merge (see :class:`DuplicateCandidate`); can be undone.
    MERGED = "merged", _("已合并")


#: Records that appear in lists and searches (merged ones do not); the condition of the partial indexes.
_LISTED = ~Q(status="merged")


class Household(DomainModel):
    """A household (户): the people registered under one household number at one address."""

    number = models.CharField(_("户号"), max_length=32, blank=True, db_index=True)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("所在地"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("家庭户")
        verbose_name_plural = _("家庭户")

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class Person(DomainModel):
    """One person in the registry.

    ``id_number`` is the normalised 18-character citizen ID (see :mod:`jisheng.core.idnumber`), or empty
    when unknown (newborns); it is unique among living persons. ``name_pinyin`` / ``name_initials`` are
    the lower-case full pinyin and initials of ``name`` without spaces, kept for prefix search.
    """

    name = models.CharField(_("姓名"), max_length=64)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=255, blank=True, editable=False)
    name_initials = models.CharField(_("姓名首字母"), max_length=64, blank=True, editable=False)
    #: The name without the dots between its parts (阿依古丽·买买提 → 阿依古丽买买提), only for names written in parts.
    name_plain = models.CharField(_("姓名（不含间隔号）"), max_length=64, blank=True, editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(_("公民身份号码"), max_length=18, blank=True, db_index=True)
    ethnicity = models.CharField(_("民族"), max_length=16, default="汉族", blank=True)
    hukou_type = models.CharField(_("户口性质"), max_length=8, choices=HukouType.choices)
    hukou_area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("户籍地"))
    hukou_place = models.CharField(_("户籍地（区外）"), max_length=128, blank=True)
    residence_area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("现居住地"),
                                       db_index=False)
    town = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+", editable=False,
                             verbose_name=_("镇（街道）"), db_index=False)
    household = models.ForeignKey(Household, models.SET_NULL, null=True, blank=True, related_name="members",
                                  verbose_name=_("家庭户"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=64, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.ALIVE)
    death_date = models.DateField(_("死亡日期"), null=True, blank=True)
    is_floating = models.BooleanField(_("流动人口"), default=False,
                                      help_text=_("户籍在外、在本地居住登记的流入人口"))
    merged_into = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+",
                                    editable=False, verbose_name=_("合并至"), db_index=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    audit_exclude: ClassVar[tuple[str, ...]] = ("name_pinyin", "name_initials", "name_plain", "town")

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(status="alive") & ~Q(id_number=""),
                name="registry_person_unique_living_id_number",
            ),
            models.CheckConstraint(condition=Q(sex__in=["M", "F"]), name="registry_person_sex_valid"),
            models.CheckConstraint(
                condition=~Q(status="dead") | Q(death_date__isnull=False), name="registry_person_dead_has_date",
            ),
        ]
        indexes = [
            # search keys (partial: merged records never appear in searches); see ADR 0020 and 0025
            models.Index(fields=["town", "name_pinyin", "id"], name="registry_p_town_pinyin", condition=_LISTED),
            models.Index(fields=["town", "name_initials", "id"], name="registry_p_town_initials",
                         condition=_LISTED),
            models.Index(fields=["town", "name", "id"], name="registry_p_town_name", condition=_LISTED),
            models.Index(fields=["name_pinyin", "id"], name="registry_p_pinyin", condition=_LISTED),
            models.Index(fields=["name_initials", "id"], name="registry_p_initials", condition=_LISTED),
            models.Index(fields=["name", "id"], name="registry_p_name", condition=_LISTED),
            models.Index(fields=["name_plain", "id"], name="registry_p_name_plain",
                         condition=_LISTED & ~Q(name_plain="")),
            # lists by town / village, newest first (also serve the foreign keys)
            models.Index(fields=["town", "id"], name="registry_p_town_id"),
            # capped counts of a town by status (the workbench's living people, the list's total) read the index
            # alone instead of the town's heap pages
            models.Index(fields=["town", "status"], name="registry_p_town_status"),
            models.Index(fields=["residence_area", "id"], name="registry_p_area_id"),
            models.Index(fields=["name", "birth_date"], name="registry_p_name_birth"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_area_id(self) -> int | None:
        return self.residence_area_id

    def audit_label(self) -> str:
        from jisheng.core.masking import mask_name

        return f"{mask_name(self.name)} #{self.pk}"

    @property
    def is_alive(self) -> bool:
        return self.status not in (PersonStatus.DEAD, PersonStatus.MERGED)

    def age_on(self, day: dt.date) -> int:
        """Whole years of age on ``day``."""
        b = self.birth_date
        return int(day.year - b.year - ((day.month, day.day) < (b.month, b.day)))


class MarriageEndReason(models.TextChoices):
    DIVORCE = "divorce", _("离婚")
    DEATH = "death", _("丧偶")


class Marriage(DomainModel):
    """A marriage between ``husband`` and ``wife`` from ``start_date``; ended on ``end_date`` by ``end_reason``."""

    husband = models.ForeignKey(Person, models.CASCADE, related_name="marriages_as_husband",
                                verbose_name=_("丈夫"))
    wife = models.ForeignKey(Person, models.CASCADE, related_name="marriages_as_wife", verbose_name=_("妻子"))
    start_date = models.DateField(_("登记结婚日期"))
    end_date = models.DateField(_("婚姻终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=8, choices=MarriageEndReason.choices, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("婚姻")
        verbose_name_plural = _("婚姻")
        constraints = [
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(end_reason=""))
                | (Q(end_date__isnull=False) & ~Q(end_reason="")),
                name="registry_marriage_end_consistent",
            ),
            models.UniqueConstraint(fields=["husband", "wife", "start_date"], name="registry_marriage_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.husband_id}–{self.wife_id} {self.start_date}"

    def audit_area_id(self) -> int | None:
        return self.wife.residence_area_id if self.wife_id else None

    def is_current(self, as_of: Any) -> bool:
        """True when the marriage had begun and not ended on ``as_of``."""
        return self.start_date <= as_of and (self.end_date is None or self.end_date > as_of)


class ParentChildKind(models.TextChoices):
    BIRTH = "birth", _("亲生")
    ADOPTION = "adoption", _("收养")
    STEP = "step", _("继子女")


class ParentChild(DomainModel):
    """``parent`` is a parent of ``child`` by birth, lawful adoption or as step-parent."""

    parent = models.ForeignKey(Person, models.CASCADE, related_name="child_links", verbose_name=_("父母"))
    child = models.ForeignKey(Person, models.CASCADE, related_name="parent_links", verbose_name=_("子女"))
    kind = models.CharField(_("关系"), max_length=8, choices=ParentChildKind.choices, default=ParentChildKind.BIRTH)
    since = models.DateField(_("起始日期"), null=True, blank=True, help_text=_("收养或继亲关系成立日期"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("亲子关系")
        verbose_name_plural = _("亲子关系")
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="registry_parentchild_unique"),
            models.CheckConstraint(condition=~Q(parent=models.F("child")), name="registry_parentchild_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.parent_id}→{self.child_id} ({self.kind})"

    def audit_area_id(self) -> int | None:
        return self.child.residence_area_id if self.child_id else None


class LifeEventKind(models.TextChoices):
    BIRTH = "birth", _("出生")
    DEATH = "death", _("死亡")
    MARRIAGE = "marriage", _("结婚")
    DIVORCE = "divorce", _("离婚")
    ADOPTION = "adoption", _("收养")
    DISABILITY_CERTIFICATE = "disability_certificate", _("残疾人证")
    MOVE_IN = "move_in", _("迁入")
    MOVE_OUT = "move_out", _("迁出")
    FLOATING_REGISTRATION = "floating_registration", _("流动人口登记")


class LifeEvent(DomainModel):
    """A dated event in a person's life. ``details`` by kind:

    - ``disability_certificate``: ``{"grade": 1–4 or null (certificate withdrawn), "category": "肢体", "number": "…"}``
      (残疾人证 grade 1 is the most severe; "grade 3 or above" means 1, 2 or 3);
    - ``marriage`` / ``divorce``: ``{"marriage_id": id}``; ``birth`` / ``adoption``: ``{"child_id": id}`` on a parent;
    - ``move_in`` / ``move_out``: ``{"from": "…", "to": "…"}``; ``floating_registration``: ``{"from": "…"}``.
    """

    person = models.ForeignKey(Person, models.CASCADE, related_name="life_events", verbose_name=_("人员"))
    kind = models.CharField(_("事件"), max_length=24, choices=LifeEventKind.choices)
    date = models.DateField(_("日期"))
    details = models.JSONField(_("详情"), default=dict, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("人口事件")
        verbose_name_plural = _("人口事件")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["person", "kind", "date"], name="registry_event_person_kind")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.date}"

    def audit_area_id(self) -> int | None:
        return self.person.residence_area_id if self.person_id else None


class DuplicateReason(models.TextChoices):
    ID_NUMBER = "id_number", _("身份证号相同")
    NAME_BIRTH_AREA = "name_birth_area", _("姓名、出生日期、地区相同")


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", _("待核查")
    MERGED = "merged", _("已合并")
    DISMISSED = "dismissed", _("不是重复")
    UNDONE = "undone", _("已撤销合并")


class DuplicateCandidate(DomainModel):
    """A pair of person records suspected to be the same person, waiting for (or after) review.

    ``person_a`` is the older record (the survivor of a merge), ``person_b`` the newer one. A merge
    stores in ``merge_log`` what it moved and changed so that it can be undone exactly.
    """

    person_a = models.ForeignKey(Person, models.CASCADE, related_name="+", verbose_name=_("记录甲"))
    person_b = models.ForeignKey(Person, models.CASCADE, related_name="+", verbose_name=_("记录乙"))
    reason = models.CharField(_("疑似原因"), max_length=16, choices=DuplicateReason.choices)
    source = models.CharField(_("来源"), max_length=16, blank=True, help_text=_("form / import / api / demo"))
    status = models.CharField(_("状态"), max_length=10, choices=DuplicateStatus.choices,
                              default=DuplicateStatus.PENDING, db_index=True)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("地区"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    merge_log = models.JSONField(_("合并记录"), default=dict, blank=True)

    class Meta:
        verbose_name = _("疑似重复")
        verbose_name_plural = _("疑似重复")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="registry_duplicate_pair_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}≈{self.person_b_id} ({self.status})"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportMode(models.TextChoices):
    VALID = "valid", _("导入有效行")
    ALL = "all", _("全部正确才导入")


class RosterImport(DomainModel):
    """One roster upload (花名册导入) and its outcome. The file itself is kept in ``content``.

    ``errors`` is a list of ``{"row": R, "name": "王**", "column": "身份证号", "problem": "…"}`` with spreadsheet
    row numbers and the row's person masked.
    """

    filename = models.CharField(_("文件名"), max_length=255)
    content = models.BinaryField(_("文件内容"), editable=False)
    sha256 = models.CharField(max_length=64, db_index=True)
    mode = models.CharField(_("方式"), max_length=8, choices=ImportMode.choices, default=ImportMode.VALID)
    status = models.CharField(_("状态"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("导入范围"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("导入人"))
    encoding = models.CharField(_("编码"), max_length=16, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    imported = models.PositiveIntegerField(_("新增或更新"), default=0)
    unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=255, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    #: Written by the running worker with each progress report; an old one means the worker died.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    #: How many times the import was started again after its worker died.
    attempts = models.PositiveSmallIntegerField(_("重新开始次数"), default=0)

    audit_exclude: ClassVar[tuple[str, ...]] = ("content", "errors", "processed", "heartbeat_at")

    class Meta:
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.rows) if self.rows else (100 if self.status == "done" else 0)


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("可下载")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")


class PersonExport(DomainModel):
    """One export of a person list (人员名单导出), asked for with a reason and written by a background job.

    ``filters`` are the list's search (``q``, ``area`` code, ``status``); ``masked`` False only for an account that
    may unmask (full ID numbers and phones). The file is kept under ``exports/`` in the default storage until it
    expires; only the account that asked downloads it, and every download is audited.
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("申请人"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("导出范围"))
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    fmt = models.CharField(_("格式"), max_length=4, default="xlsx")
    masked = models.BooleanField(_("脱敏"), default=True)
    reason = models.CharField(_("导出事由"), max_length=255)
    status = models.CharField(_("状态"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows = models.PositiveIntegerField(_("条数"), default=0)
    file = models.CharField(_("文件"), max_length=255, blank=True, editable=False)
    message = models.CharField(_("说明"), max_length=255, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    audit_exclude: ClassVar[tuple[str, ...]] = ("file",)

    class Meta:
        verbose_name = _("人员名单导出")
        verbose_name_plural = _("人员名单导出")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.pk}"
