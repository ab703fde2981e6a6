"""Law models: legal instruments and their provisions, the working-day calendar, deadline recomputations.

The YAML files under ``jisheng/law/data/`` are the source of truth for instruments, provisions and
parameters; the instrument/provision tables mirror them for browsing, searching and linking
(``jisheng bootstrap`` loads them). The calendar tables are the source of truth for working days:
imported from chinesecalendar (``source``) and extended by administrators with local holidays.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jisheng.core.errors import AppendOnlyViolation
from jisheng.core.models import DomainModel


class InstrumentLevel(models.TextChoices):
    """Rank of a legal instrument (效力层级)."""

    LAW = "law", _("法律")
    ADMIN_REGULATION = "admin_regulation", _("行政法规")
    PARTY_REGULATION = "party_regulation", _("党内法规")
    DEPARTMENT_RULE = "department_rule", _("部门规章")
    LOCAL_REGULATION = "local_regulation", _("地方性法规")
    LOCAL_RULE = "local_rule", _("地方政府规章")
    NORMATIVE_DOCUMENT = "normative_document", _("规范性文件")
    JUDICIAL_INTERPRETATION = "judicial_interpretation", _("司法解释")


class LegalInstrument(DomainModel):
    """A law, regulation or normative document (法律文件), e.g. ``js-pfp-reg-2002``.

    ``key`` is the stable citation prefix; ``verified`` is False when its facts come only from the
    drafters' knowledge (legal-facts "UNVERIFIED") and must be checked by the legal staff.
    """

    key = models.SlugField(_("引用键"), max_length=64, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    short_title = models.CharField(_("简称"), max_length=100, blank=True)
    issuer = models.CharField(_("制定机关"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    level = models.CharField(_("效力层级"), max_length=32, choices=InstrumentLevel.choices)
    promulgated = models.DateField(_("公布日期"), null=True, blank=True)
    effective = models.DateField(_("施行日期"), null=True, blank=True)
    repealed = models.DateField(_("废止日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=500, blank=True)
    summary = models.TextField(_("概要"), blank=True)
    verified = models.BooleanField(_("已核实"), default=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("法律文件")
        verbose_name_plural = _("法律文件")

    def __str__(self) -> str:
        return self.title


class InstrumentVersion(DomainModel):
    """One citable text of an instrument (original or amended), with its own citation key.

    Article numbers change between versions, so provisions belong to a version: ``pfp-law-2001/art-41``
    and ``pfp-law-2021/art-40`` are different provisions. In force ``[effective, valid_to)``.
    """

    key = models.SlugField(_("引用键"), max_length=64, unique=True)
    instrument = models.ForeignKey(LegalInstrument, models.CASCADE, related_name="versions")
    label = models.CharField(_("版本"), max_length=100)
    adopted = models.DateField(_("通过/修订日期"), null=True, blank=True)
    effective = models.DateField(_("施行日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("来源"), max_length=500, blank=True)
    verified = models.BooleanField(_("已核实"), default=True)

    class Meta:
        ordering = ["instrument", "effective"]
        verbose_name = _("文件版本")
        verbose_name_plural = _("文件版本")

    def __str__(self) -> str:
        return f"{self.instrument}（{self.label}）"


class Provision(DomainModel):
    """An article, paragraph or item (条、款、项) with a stable citation key.

    ``key`` = ``<version key>/art-<n>[/para-<p>][/item-<m>]``, e.g. ``js-pfp-reg-2002/art-22/item-6``.
    ``summary`` is a short paraphrase in our own words, never the official text.
    """

    key = models.CharField(_("引用键"), max_length=160, unique=True)
    version = models.ForeignKey(InstrumentVersion, models.CASCADE, related_name="provisions")
    article = models.PositiveSmallIntegerField(_("条"))
    paragraph = models.PositiveSmallIntegerField(_("款"), null=True, blank=True)
    item = models.PositiveSmallIntegerField(_("项"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    summary = models.TextField(_("概要"))
    verified = models.BooleanField(_("已核实"), default=True)
    source = models.CharField(_("来源"), max_length=500, blank=True)

    class Meta:
        ordering = ["version__key", "article", "paragraph", "item"]
        verbose_name = _("条款")
        verbose_name_plural = _("条款")

    def __str__(self) -> str:
        return self.key


class YearOrigin(models.TextChoices):
    """Where a covered year's holidays came from."""

    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar 程序包")
    NOTICE = "notice", _("国务院办公厅通知（管理员录入）")


class CalendarYear(DomainModel):
    """A year the working-day calendar covers. Dates in years without a row raise an error, never a guess.

    ``origin`` says where the year's holidays came from: the chinesecalendar package (``source`` e.g.
    "chinesecalendar 1.11.0") or the State Council notice an administrator entered (``source`` the notice's
    number, e.g. "国办发明电〔2026〕N号"; ``notice`` the entered notice as normalised JSON — year, source, title,
    published, url, holidays ``[{name, first, last}]``, workdays — kept so a later package release can be
    compared with it and a local day removed in that year falls back to the notice's day). A notice year is
    never overwritten by ``jisheng bootstrap``; ``jisheng calendar accept-release YEAR`` switches it back.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=200)
    origin = models.CharField(_("数据来源类型"), max_length=16, choices=YearOrigin.choices,
                              default=YearOrigin.CHINESECALENDAR)
    notice = models.JSONField(_("录入的通知"), default=dict, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")

    def __str__(self) -> str:
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休工作日（上班）")


class CalendarDay(DomainModel):
    """An exception to the weekday rule: a rest day on a weekday or a working weekend (调休).

    Days of a covered year without a row follow the rule Monday–Friday work, Saturday–Sunday rest.
    ``local`` marks days an administrator added (地方性假日); imported rows keep their ``source``.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=64, blank=True)
    source = models.CharField(_("来源"), max_length=200)
    local = models.BooleanField(_("地方性假日"), default=False)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyViolation("deadline recomputations cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation("deadline recomputations cannot be deleted")


class DeadlineRecomputation(models.Model):
    """Append-only record of a due date that moved because the calendar changed.

    ``subject`` names the deadline (e.g. ``cases.case:TC2026-00001/decision``) as given by the app that owns it,
    ``label`` the same in words when the app gives them.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True)
    subject = models.CharField(_("期限"), max_length=200)
    label = models.CharField(_("期限名称"), max_length=200, blank=True,
                             help_text=_("给人看的名称，如“TC2026-00001 决定”；空则显示 subject"))
    old_due = models.DateField(_("原届满日"), null=True, blank=True, help_text=_("空：原先待录入工作日历"))
    new_due = models.DateField(_("新届满日"), null=True, blank=True, help_text=_("空：待录入工作日历"))
    reason = models.CharField(_("原因"), max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+")

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("期限重算记录")
        verbose_name_plural = _("期限重算记录")

    def __str__(self) -> str:
        return f"{self.subject}: {self.old_due} → {self.new_due}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyViolation("deadline recomputations cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation("deadline recomputations cannot be deleted")
