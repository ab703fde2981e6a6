"""Forms of the staff petition pages (信访). Thin: they check shapes and what a person can correct on the page; the
services check every rule again (five representatives at most, the routing and review windows, one follow-up per
round…) and their refusals are shown on the same form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from jisheng.core.forms import DateInput

from .enums import Channel, DeliveryChannel, DeliveryOutcome, FollowUpResult, OpinionOutcome

#: The law records at most five representatives of a group visit (2005 Art. 18; 2022 Art. 21).
MAX_REPRESENTATIVES = 5

#: Staff log petitions of every channel but the public web form, which citizens file themselves.
STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.WEB]


def _id_number(value: str) -> str:
    """The normalised ID number, or "" for a blank field.

    Raises:
        forms.ValidationError: the core validator's message (length, birth date, check digit…).
    """
    from jisheng.core.idnumber import validate_id_number

    value = (value or "").strip()
    if not value:
        return ""
    try:
        return validate_id_number(value)
    except InvalidInput as exc:
        raise forms.ValidationError(exc.message) from None


def _phone(value: str) -> str:
    value = "".join((value or "").split())
    if value and not all(ch.isdigit() or ch in "+-" for ch in value):
        raise forms.ValidationError(_g("电话只能包含数字、“+”和“-”"))
    return value


class RepresentativeForm(forms.Form):
    """One representative of a group visit (集体访代表): name, phone, ID number (optional)."""

    name = forms.CharField(label=_("代表姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号（可不填）"), max_length=20, required=False)

    def clean_id_number(self) -> str:
        return _id_number(self.cleaned_data.get("id_number", ""))

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("phone") or data.get("id_number")) and not (data.get("name") or "").strip():
            self.add_error("name", _g("请填写代表姓名"))
        return data

    def person(self) -> dict[str, str] | None:
        """The representative as the intake service takes it, or None for an empty row."""
        d = getattr(self, "cleaned_data", {}) or {}
        name = (d.get("name") or "").strip()
        return {"name": name, "phone": d.get("phone", ""), "id_number": d.get("id_number", "")} if name else None


class BaseRepresentativeFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Up to :data:`MAX_REPRESENTATIVES` filled rows; a sixth is refused with a message that says why."""

    def clean(self) -> None:
        super().clean()
        filled = [f for f in self.forms if f.person() is not None]
        if len(filled) > MAX_REPRESENTATIVES:
            raise forms.ValidationError(
                _g("集体访最多登记 %(n)d 名代表，本次填写了 %(m)d 名，请删去多余的代表。")
                % {"n": MAX_REPRESENTATIVES, "m": len(filled)})

    def people(self) -> list[dict[str, str]]:
        return [p for f in self.forms if (p := f.person()) is not None]


#: Five empty rows; the form set accepts more rows in the request only to refuse them with a clear message
#: (``absolute_max`` bounds what a crafted request can make the server build).
RepresentativeFormSet = forms.formset_factory(RepresentativeForm, formset=BaseRepresentativeFormSet,
                                              extra=MAX_REPRESENTATIVES, max_num=MAX_REPRESENTATIVES,
                                              validate_max=False, absolute_max=20)


class IntakeForm(forms.Form):
    """Register a petition (登记信访) received at the desk, by letter, phone, hotline work order or from a forum.

    ``areas``: ``[(code, name)]`` the areas a petition may concern or complain about (the towns of the clerk's
    area); ``officers``: ``[(pk, label)]`` the staff accounts a petition may name. Both bound the choices, so a
    tampered value is a form error.
    """

    channel = forms.ChoiceField(label=_("来源渠道"), choices=STAFF_CHANNELS)
    received_on = forms.DateField(label=_("收到日期"), widget=DateInput())
    received_time = forms.TimeField(label=_("收到时间"), widget=forms.TimeInput(attrs={"type": "time"},
                                                                          format="%H:%M"))
    order_no = forms.CharField(label=_("热线工单号（12345/12356，可不填）"), max_length=64, required=False)
    name = forms.CharField(label=_("信访人姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号（可不填；在册人员按此关联）"), max_length=20, required=False)
    address = forms.CharField(label=_("住址（可不填）"), max_length=200, required=False)
    group_size = forms.IntegerField(label=_("来访人数（2人及以上为集体访）"), min_value=1, max_value=9999, initial=1)
    subject = forms.CharField(label=_("事由"), max_length=200)
    content = forms.CharField(label=_("主要内容"), widget=forms.Textarea(attrs={"rows": 5}))
    concerned_area = forms.ChoiceField(label=_("涉及地区"), required=False)
    complained_area = forms.ChoiceField(label=_("被反映单位（镇、街道）"), required=False)
    complained_user = forms.ChoiceField(label=_("被反映人员（本系统账号）"), required=False)
    complained_name = forms.CharField(label=_("被反映人员（系统外，填写姓名）"), max_length=100, required=False)
    forum_url = forms.URLField(label=_("帖子网址（网络论坛）"), required=False, max_length=500,
                               assume_scheme="https")
    screenshot = forms.FileField(label=_("帖子截图（PDF、JPEG、PNG，≤10 MB）"), required=False)
    repeat_of = forms.CharField(label=_("重复信访：首次信访的案号或查询码（可不填）"), max_length=32, required=False)
    reply_channel = forms.ChoiceField(label=_("答复渠道（默认同来源渠道）"), required=False)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], officers: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["concerned_area"].choices = blank + areas  # type: ignore[attr-defined]
        self.fields["complained_area"].choices = blank + areas  # type: ignore[attr-defined]
        self.fields["complained_user"].choices = blank + officers  # type: ignore[attr-defined]
        self.fields["reply_channel"].choices = blank + [  # type: ignore[attr-defined]
            (c.value, c.label) for c in Channel]
        self.fields["screenshot"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"

    def clean_id_number(self) -> str:
        return _id_number(self.cleaned_data.get("id_number", ""))

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""))

    def clean_screenshot(self) -> Any:
        """The forum screenshot passes the engine's upload checks (type by content, extension, size) here, so a
        wrong file is a form error and nothing is registered."""
        from jisheng.cases.uploads import validate_upload

        f = self.cleaned_data.get("screenshot")
        if f:
            try:
                validate_upload(f.name or "", f.size or 0, f)
            except InvalidInput as exc:
                raise forms.ValidationError(exc.message) from None
        return f

    def clean(self) -> dict[str, Any]:
        """The receipt is not in the future; a forum post carries its link; the reply channel defaults to the
        intake channel."""
        data = super().clean() or {}
        day, time = data.get("received_on"), data.get("received_time")
        if day and time is not None:
            at = dt.datetime.combine(day, time, tzinfo=clock.CST)
            if at > clock.now():
                self.add_error("received_on", _g("收到时间不能晚于现在"))
            data["received_at"] = at
        if data.get("channel") == Channel.FORUM and not data.get("forum_url"):
            self.add_error("forum_url", _g("网络论坛信访请填写帖子网址"))
        if data.get("screenshot") and data.get("channel") != Channel.FORUM:
            self.add_error("screenshot", _g("帖子截图只用于网络论坛信访"))
        if data.get("screenshot") and not data.get("forum_url") and data.get("channel") != Channel.FORUM:
            self.add_error("screenshot", _g("截图用于网络论坛帖子，请同时填写帖子网址"))
        if not data.get("reply_channel"):
            data["reply_channel"] = data.get("channel", "")
        return data


class ReferForm(forms.Form):
    """Refer the petition to the competent body (转送有权处理的机关)."""

    body = forms.CharField(label=_("有权处理的机关"), max_length=200)


class ChannelForm(forms.Form):
    """Tell the petitioner the lawful procedure (告知依法定途径解决): which procedure and before which body."""

    PROCEDURES = [
        ("litigation", _("诉讼")), ("arbitration", _("仲裁")), ("reconsideration", _("行政复议")),
        ("licensing", _("行政许可程序")), ("other", _("其他法定途径")),
    ]
    procedure = forms.ChoiceField(label=_("法定途径"), choices=PROCEDURES)
    body = forms.CharField(label=_("受理机关"), max_length=200)


class AssignmentRowForm(forms.Form):
    """One unit to assign: a town of the clerk's area or a unit outside the area tree by name, and its own
    response due date."""

    area = forms.ChoiceField(label=_("承办镇（街道）"), required=False)
    unit_name = forms.CharField(label=_("或其他承办单位"), max_length=100, required=False)
    due = forms.DateField(label=_("答复期限"), required=False, widget=DateInput())

    def __init__(self, *args: Any, areas: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "—"), *(areas or [])]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit = (data.get("unit_name") or "").strip()
        if data.get("area") and unit:
            self.add_error("unit_name", _g("每行只填一个承办单位：选择镇（街道）或填写其他单位"))
        if (data.get("area") or unit) and not data.get("due"):
            self.add_error("due", _g("请填写该单位的答复期限"))
        if data.get("due") and not (data.get("area") or unit):
            self.add_error("area", _g("请选择承办单位"))
        data["unit_name"] = unit
        return data


class BaseAssignmentFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Several units at once, each at most once; at least one."""

    def __init__(self, *args: Any, areas: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        self.areas = areas or []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"areas": self.areas}

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        rows = self.rows()
        if not rows:
            raise forms.ValidationError(_g("请至少选择一个承办单位并填写答复期限"))
        keys = [r["area"] or r["unit_name"] for r in rows]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError(_g("同一承办单位只能交办一次"))

    def rows(self) -> list[dict[str, Any]]:
        return [f.cleaned_data for f in self.forms
                if getattr(f, "cleaned_data", None) and (f.cleaned_data.get("area") or f.cleaned_data.get("unit_name"))]


AssignmentFormSet = forms.formset_factory(AssignmentRowForm, formset=BaseAssignmentFormSet, extra=3, max_num=10,
                                          validate_max=True, absolute_max=10)


class AssignInstructionForm(forms.Form):
    instruction = forms.CharField(label=_("交办要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DeliveryForm(forms.Form):
    """One attempt to deliver the assignment or the reply (each attempt is a new record; a failed one stays
    failed and a retry points at it)."""

    channel = forms.ChoiceField(label=_("送达方式"), choices=DeliveryChannel.choices)
    on = forms.DateField(label=_("送达日期"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("结果"), choices=DeliveryOutcome.choices)
    failure_reason = forms.CharField(label=_("失败原因（送达失败时必填）"), max_length=255, required=False)
    retry_of = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == DeliveryOutcome.FAILED and not (data.get("failure_reason") or "").strip():
            self.add_error("failure_reason", _g("送达失败须写明原因"))
        if data.get("on") and data["on"] > clock.today():
            self.add_error("on", _g("日期不能晚于今天"))
        return data


class RespondForm(forms.Form):
    """The assigned unit's answer (承办单位答复)."""

    response = forms.CharField(label=_("办理情况及答复"), widget=forms.Textarea(attrs={"rows": 5}))
    on = forms.DateField(label=_("答复日期"), widget=DateInput(), required=False)

    def clean_on(self) -> dt.date | None:
        on = self.cleaned_data.get("on")
        if on and on > clock.today():
            raise forms.ValidationError(_g("日期不能晚于今天"))
        return on


class OpinionForm(forms.Form):
    """The handling opinion (处理意见 / 复查意见 / 复核意见): outcome, facts, reasons; the provisions come as the
    checkbox values ``provision_keys`` of the engine's pick-list (checked by the service against the catalogue in
    force on the opinion's date)."""

    outcome = forms.ChoiceField(label=_("处理意见"), choices=OpinionOutcome.choices, widget=forms.RadioSelect)
    facts = forms.CharField(label=_("查明的事实"), widget=forms.Textarea(attrs={"rows": 3}))
    reasons = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("日期（默认今天）"), widget=DateInput(), required=False)


class ExtendForm(forms.Form):
    """The one extension of the conclusion period (at most 30 days, the head's approval; the petitioner is told)."""

    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("延长理由"), max_length=255)


class ReplyForm(forms.Form):
    """The reply to the petitioner, through the petitioner's channel."""

    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}))
    channel = forms.ChoiceField(label=_("答复渠道"), choices=Channel.choices)
    on = forms.DateField(label=_("答复日期"), widget=DateInput())

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on > clock.today():
            raise forms.ValidationError(_g("日期不能晚于今天"))
        return on


class DayForm(forms.Form):
    """A day the petitioner did something (received the reply)."""

    on = forms.DateField(label=_("日期"), widget=DateInput())

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on > clock.today():
            raise forms.ValidationError(_g("日期不能晚于今天"))
        return on


class ReviewRequestForm(DayForm):
    """A request for review (复查) or re-review (复核), with the day it was made."""

    request_text = forms.CharField(label=_("请求内容"), widget=forms.Textarea(attrs={"rows": 2}))
    re_review = forms.BooleanField(required=False, widget=forms.HiddenInput)


class FollowUpForm(DayForm):
    """The one satisfaction follow-up (回访) of a closure."""

    result = forms.ChoiceField(label=_("回访结果"), choices=FollowUpResult.choices)
    note = forms.CharField(label=_("回访记录"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("处理说明"), max_length=255)


class WatchForm(forms.Form):
    watch = forms.BooleanField(required=False)


class PeriodForm(forms.Form):
    """A sensitive period (敏感期, e.g. 全国两会): name and inclusive dates."""

    name = forms.CharField(label=_("名称"), max_length=100)
    start = forms.DateField(label=_("开始日期"), widget=DateInput())
    end = forms.DateField(label=_("结束日期（含当日）"), widget=DateInput())
    note = forms.CharField(label=_("说明"), max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _g("结束日期不能早于开始日期"))
        return data


class TodoFilterForm(forms.Form):
    """The clerk's to-do filters (GET): status, channel, overdue only."""

    status = forms.ChoiceField(label=_("状态"), required=False)
    channel = forms.ChoiceField(label=_("来源渠道"), required=False,
                                choices=[("", _("全部")), *Channel.choices])
    overdue = forms.BooleanField(label=_("仅看超期"), required=False)

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部")), *statuses]  # type: ignore[attr-defined]
