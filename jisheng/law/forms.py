"""Forms of the law app (thin: they validate input and hand it to services / the deadline engine)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jisheng.core.forms import DateInput

from .deadlines import UNITS
from .models import DayKind


class CalendarDayForm(forms.Form):
    """Add or change a local calendar day, or remove one (``remove`` checked)."""

    date = forms.DateField(label=_("日期"), widget=DateInput())
    kind = forms.ChoiceField(label=_("类型"), choices=DayKind.choices, required=False)
    name = forms.CharField(label=_("名称"), max_length=64, required=False)
    reason = forms.CharField(label=_("原因（记入期限重算记录）"), max_length=200, required=False)
    remove = forms.BooleanField(label=_("删除该地方性日期"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("remove") and not (data.get("kind") and data.get("name")):
            raise forms.ValidationError(_("请选择类型并填写名称。"))
        return data


class DeadlineForm(forms.Form):
    """The deadline calculator (contract §1 inputs)."""

    start = forms.DateField(label=_("起算日"), widget=DateInput())
    days = forms.IntegerField(label=_("期限"), min_value=1, max_value=3650)
    unit = forms.ChoiceField(label=_("单位"), choices=[(u, lbl) for u, lbl in zip(
        UNITS, (_("工作日"), _("日（自然日）"), _("月")), strict=True)])
    extend = forms.IntegerField(label=_("延长"), min_value=0, max_value=3650, required=False, initial=0)
    suspend = forms.CharField(label=_("中止期间（YYYY-MM-DD:YYYY-MM-DD，多个用逗号分隔）"), required=False)


#: Largest notice file accepted on the calendar page (a notice is about 1 KB).
NOTICE_MAX_BYTES = 64 * 1024


class CalendarNoticeForm(forms.Form):
    """The State Council's holiday notice as YAML (contract §1a): uploaded as a file or pasted."""

    file = forms.FileField(label=_("上传 YAML 文件"), required=False)
    text = forms.CharField(label=_("或粘贴 YAML 内容"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "mono"}))
    name = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > NOTICE_MAX_BYTES:
                raise forms.ValidationError(_("文件过大（最多 64 KB）。"))
            data["raw"] = upload.read()
            data["name"] = upload.name
        elif (data.get("text") or "").strip():
            data["raw"] = data["text"].encode("utf-8")
            if len(data["raw"]) > NOTICE_MAX_BYTES:
                raise forms.ValidationError(_("内容过长（最多 64 KB）。"))
            data["name"] = data.get("name") or _("粘贴的文本")
        else:
            raise forms.ValidationError(_("请上传 YAML 文件或粘贴其内容。"))
        return data
