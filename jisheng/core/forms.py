from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditAction


class DateInput(forms.DateInput):
    """A browser date picker (``<input type="date">``) whose value is always ISO ``YYYY-MM-DD``: the browser
    rejects any other format, and the Chinese locale's ``2026/12/01`` would show an empty field."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False)
    action = forms.ChoiceField(label=_("动作"), required=False, choices=[("", "—"), *AuditAction.choices])
    object_type = forms.CharField(label=_("对象类型"), required=False)
    object_id = forms.CharField(label=_("对象编号"), required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
