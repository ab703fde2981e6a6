from __future__ import annotations

from typing import Any

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
    """The audit browser's filters: the account, the action, the kind and number of record, a person (by name or
    ID number, looked up inside the auditor's scope) and the days (China Standard Time)."""

    person = forms.CharField(label=_("人员（姓名或身份证号）"), required=False, max_length=64)
    actor = forms.CharField(label=_("操作人（账号）"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("动作"), required=False, choices=[("", "—"), *AuditAction.choices])
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .audit_display import type_choices

        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "—"), *type_choices()]  # type: ignore[attr-defined]
