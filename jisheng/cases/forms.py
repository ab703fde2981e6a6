"""Forms of the staff case pages (thin: services do the work and check again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jisheng.core.forms import DateInput

from .models import LegalReviewOutcome
from .types import SPECIAL_RECORDS


class BackdateMixin(forms.Form):
    """A step's legal date (default today) and, for an earlier date, why it is entered late."""

    on = forms.DateField(label=_("办理日期（默认今天）"), required=False, widget=DateInput())
    backdate_reason = forms.CharField(label=_("补录理由（日期早于今天时必填）"), required=False, max_length=255)


class ActionForm(BackdateMixin):
    action = forms.CharField(max_length=32)
    opinion = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(BackdateMixin):
    """The decision: outcome (the type's), reasons, the reason for departing from the rule check; the
    provisions come as checkbox values ``provision_keys`` chosen from the catalogue (checked by the service)."""

    outcome = forms.ChoiceField(label=_("决定"))
    reasons = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))
    deviation_reason = forms.CharField(
        label=_("与规则校验结论不一致的理由（一致时不填）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, outcomes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcomes  # type: ignore[attr-defined]


class LegalReviewForm(BackdateMixin):
    outcome = forms.ChoiceField(label=_("审核结论"), choices=LegalReviewOutcome.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("审核意见（主体、依据、程序、事实、裁量，不少于10个字）"),
                              widget=forms.Textarea(attrs={"rows": 6}))


class UploadForm(forms.Form):
    kind = forms.CharField(max_length=48, required=False)
    file = forms.FileField(label=_("文件（PDF、JPEG、PNG，≤10 MB）"))
    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("替换理由"), max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        """A new upload names its material; a replacement names the file it replaces and why."""
        data = super().clean() or {}
        if not data.get("replaces") and not data.get("kind"):
            self.add_error("kind", _("请选择材料"))
        if data.get("replaces") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请写明替换理由"))
        return data


class WithdrawForm(forms.Form):
    document = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("撤回理由"), max_length=255)


class RecordForm(BackdateMixin):
    kind = forms.CharField(max_length=32)
    instance = forms.CharField(max_length=64, required=False)
    text = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SpecialForm(forms.Form):
    reason = forms.CharField(label=_("特殊案件事由"), max_length=255)


class ClockForm(forms.Form):
    kind = forms.CharField(max_length=32)
    instance = forms.CharField(max_length=64, required=False)
    op = forms.ChoiceField(choices=[("suspend", _("中止")), ("resume", _("恢复")), ("extend", _("延长"))])
    day = forms.DateField(label=_("日期"), required=False, widget=DateInput())
    days = forms.IntegerField(label=_("延长天数"), required=False, min_value=1, max_value=60)
    reason = forms.CharField(label=_("事由"), max_length=255, required=False)
    backdate_reason = forms.CharField(label=_("补录理由（日期早于今天时）"), max_length=255, required=False)

    def clean(self) -> dict[str, object]:
        """A suspension and a resumption need their day, an extension its number of days (its day, the approval's,
        defaults to today)."""
        data = super().clean() or {}
        op = data.get("op")
        if op in ("suspend", "resume") and not data.get("day"):
            self.add_error("day", _("请填写日期"))
        if op == "extend" and not data.get("days"):
            self.add_error("days", _("请填写延长天数"))
        return data


SPECIAL_RECORD_CHOICES = list(SPECIAL_RECORDS.items())
