"""Shared models: the base of every domain record, administrative areas, address codes, audit events."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import AppendOnlyViolation


class DomainModel(models.Model):
    """Base of every domain record: timestamps, and an audit event on each create, update and delete.

    Subclasses list fields whose values must not be copied into audit before/after data in
    ``audit_exclude`` (e.g. secrets); everything else is recorded.
    """

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    audit_exclude: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def audit_area_id(self) -> int | None:
        """Return the id of the area the record belongs to, for scoping audit browsing (None if none)."""
        return getattr(self, "area_id", None)


class AreaLevel(models.IntegerChoices):
    """Levels of the administrative tree (行政区划层级)."""

    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("区/县级市")
    TOWN = 4, _("镇/街道")
    VILLAGE = 5, _("村/社区")


class Area(DomainModel):
    """An administrative area (行政区划) in the tree city → county → town/sub-district → village/community.

    ``code`` is the GB/T 2260 code (6 digits) for city and county levels and the 12-digit statistical
    division code for towns and villages. ``path`` is the materialised path of codes ending in ``/`` so
    that ``path__startswith=area.path`` selects the subtree. ``valid_to`` is set for abolished areas,
    which stay in the tree so old records still resolve.
    """

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=AreaLevel.choices)
    kind = models.CharField(_("类型"), max_length=16, help_text=_("市、区、县级市、镇、街道、村、社区"))
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("撤销日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    source = models.CharField(_("来源"), max_length=255, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = (self.parent.path if self.parent else "") + self.code + "/"
        super().save(*args, **kwargs)

    def audit_area_id(self) -> int | None:
        return self.pk

    def audit_label(self) -> str:
        return f"{self.name} {self.code}"

    def contains(self, other: Area | None) -> bool:
        """Return True when ``other`` is this area or lies inside it."""
        return other is not None and other.path.startswith(self.path)


class AddressCode(models.Model):
    """A GB/T 2260 county-level address code with the years it was in use.

    The first six digits of a citizen ID number are the code of the registration place when the
    number was assigned; codes are never reused for validation, only for display. Obsolete codes stay.
    """

    code = models.CharField(_("代码"), max_length=6, db_index=True)
    name = models.CharField(_("名称"), max_length=64)
    full_name = models.CharField(_("全称"), max_length=128, blank=True)
    valid_from_year = models.PositiveSmallIntegerField(_("启用年份"), null=True, blank=True)
    valid_to_year = models.PositiveSmallIntegerField(_("停用年份"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=255)

    class Meta:
        ordering = ["code", "valid_from_year"]
        constraints = [
            models.UniqueConstraint(fields=["code", "name", "valid_from_year"], name="uniq_address_code_period")
        ]
        verbose_name = _("地址码")
        verbose_name_plural = _("地址码")

    def __str__(self) -> str:
        years = f"{self.valid_from_year or ''}–{self.valid_to_year or ''}"
        return f"{self.code} {self.full_name or self.name} ({years})"


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyViolation("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation("audit events cannot be deleted")


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    VIEW = "view", _("查看敏感信息")
    EXPORT = "export", _("导出")
    UNMASK = "unmask", _("显示完整信息")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    BATCH = "batch", _("批量操作")


class AuditEvent(models.Model):
    """One entry of the append-only audit trail: who did what to which record, when, from where.

    ``changes`` holds ``{"field": [before, after]}`` for updates, ``{"field": value}`` snapshots for
    creates and deletes, and free details for views and exports. Rows are never updated or deleted
    through the application; on PostgreSQL a trigger also refuses it.
    """

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.DO_NOTHING, null=True, blank=True, db_constraint=False,
        related_name="+", verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    action = models.CharField(_("动作"), max_length=16, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    area = models.ForeignKey(Area, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+")
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    reason = models.CharField(_("事由"), max_length=255, blank=True)
    request_id = models.CharField(max_length=32, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            # A record's change history without its views (the person page): a record viewed 100,000 times would
            # otherwise scan every view to find its few changes (114 ms → 0.04 ms on PostgreSQL).
            models.Index(fields=["object_type", "object_id", "at", "id"], name="core_audit_changes_idx",
                         condition=~models.Q(action__in=["view", "unmask", "export"])),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyViolation("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation("audit events cannot be deleted")
