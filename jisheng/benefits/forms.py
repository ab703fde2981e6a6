"""Forms of the benefits pages (thin: they collect input; services decide)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jisheng.core.forms import DateInput

from . import programmes
from .enums import ChangeKind, Opinion, ReviewLevel, VerificationResult


def _programme_choices() -> list[tuple[str, str]]:
    return programmes.choices()


class ApplyForm(forms.Form):
    id_number = forms.CharField(label=_("申请人公民身份号码"), max_length=18)
    programme = forms.ChoiceField(label=_("项目"), choices=_programme_choices)
    application_date = forms.DateField(label=_("申请日期"), widget=DateInput())
    only_one_child = forms.NullBooleanField(label=_("只生育（收养）一个子女（光荣证或村居证明）"), required=False)
    no_violation_1973_2001 = forms.NullBooleanField(label=_("1973—2001年间无违法生育"), required=False)
    only_child_certificate = forms.NullBooleanField(label=_("持有独生子女父母光荣证"), required=False)
    enterprise_employee = forms.NullBooleanField(label=_("企业职工"), required=False)
    retirement_date = forms.DateField(label=_("退休日期"), required=False,
                                      widget=DateInput())
    long_acting_method_date = forms.DateField(label=_("落实长效节育措施日期"), required=False,
                                              widget=DateInput())
    hardship_reason = forms.CharField(label=_("困难情况"), required=False, max_length=200)
    granted_amount = forms.DecimalField(label=_("核定金额（元）"), required=False, max_digits=12, decimal_places=2,
                                        min_value=Decimal("0.01"))

    FACT_FIELDS = ("only_one_child", "no_violation_1973_2001", "only_child_certificate", "enterprise_employee",
                   "retirement_date", "long_acting_method_date", "hardship_reason")

    def facts(self) -> dict[str, object]:
        """The staff-entered facts (unknown ones left out so the registry's facts stand)."""
        out: dict[str, object] = {}
        for name in self.FACT_FIELDS:
            value = self.cleaned_data.get(name)
            if value is None or value == "":
                continue
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


class ReviewForm(forms.Form):
    opinion = forms.ChoiceField(label=_("意见"), choices=Opinion.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=255)


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("变更事项"), choices=ChangeKind.choices)
    event_date = forms.DateField(label=_("发生日期"), widget=DateInput())
    area_code = forms.CharField(label=_("迁入地区划代码（迁移时）"), required=False, max_length=12)
    bank_name = forms.CharField(label=_("开户银行（变更账户时）"), required=False, max_length=64)
    bank_account = forms.CharField(label=_("银行账号（变更账户时）"), required=False, max_length=32)


class VerificationForm(forms.Form):
    result = forms.ChoiceField(label=_("年审结论"), choices=VerificationResult.choices)
    done_on = forms.DateField(label=_("完成日期"), widget=DateInput())
    note = forms.CharField(label=_("说明"), required=False, max_length=255)


class PostingForm(forms.Form):
    programme = forms.ChoiceField(label=_("项目"), choices=_programme_choices)
    level = forms.ChoiceField(label=_("公示层级"), choices=ReviewLevel.choices)
    area_code = forms.CharField(label=_("公示范围（区划代码）"), max_length=12)
    start_date = forms.DateField(label=_("公示开始日期"), widget=DateInput())


class MonthInput(forms.DateInput):
    """A browser month picker (``<input type="month">``) whose value is ``YYYY-MM``, the only form it accepts."""

    input_type = "month"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month (the first day of it), picked with :class:`MonthInput`; typed forms 2026-11, 2026/11, 2026.11
    and 2026年11月 are read too (browsers without a month picker show a text box)."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月"]
    default_error_messages = {"invalid": _("请选择月份")}

    def to_python(self, value: str | dt.date | None) -> dt.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class RollForm(forms.Form):
    programme = forms.ChoiceField(label=_("项目"), choices=_programme_choices)
    month = MonthField(label=_("发放月份"))


class ReturnsForm(forms.Form):
    file = forms.FileField(label=_("银行回盘文件（.xlsx / .csv）"))


class ReportForm(forms.Form):
    month = MonthField(label=_("月份"), required=False)
    programme = forms.ChoiceField(label=_("项目"), required=False,
                                  choices=lambda: [("", _("全部")), *programmes.choices()])
