"""Forms of the staff case pages (thin: services do the work)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .types import SPECIAL_RECORDS


class ActionForm(forms.Form):
    action = forms.CharField(max_length=32)
    opinion = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("决定"), choices=[("granted", _("准予")), ("refused", _("不予许可"))])
    reasons = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))
    provision_keys = forms.CharField(label=_("法律依据（条款键，逗号分隔）"), required=False)

    def keys(self) -> list[str]:
        raw = self.cleaned_data.get("provision_keys", "")
        return [k.strip() for k in raw.replace("，", ",").split(",") if k.strip()]


class UploadForm(forms.Form):
    kind = forms.CharField(max_length=48)
    file = forms.FileField(label=_("文件（PDF、JPEG、PNG，≤10 MB）"))


class SpecialForm(forms.Form):
    reason = forms.CharField(label=_("特殊案件事由"), max_length=255)


class ClockForm(forms.Form):
    kind = forms.CharField(max_length=32)
    op = forms.ChoiceField(choices=[("suspend", _("中止")), ("resume", _("恢复")), ("extend", _("延长"))])
    day = forms.DateField(label=_("日期"), required=False)
    days = forms.IntegerField(label=_("延长天数"), required=False, min_value=1, max_value=60)
    reason = forms.CharField(label=_("事由"), max_length=255, required=False)

    def clean(self) -> dict[str, object]:
        """A suspension and a resumption need their day, an extension its number of days."""
        data = super().clean() or {}
        op = data.get("op")
        if op in ("suspend", "resume") and not data.get("day"):
            self.add_error("day", _("请填写日期"))
        if op == "extend" and not data.get("days"):
            self.add_error("days", _("请填写延长天数"))
        return data


SPECIAL_RECORD_CHOICES = list(SPECIAL_RECORDS.items())
