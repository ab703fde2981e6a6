"""Forms of the registry pages (thin: all checks that matter live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jisheng.core.models import Area, AreaLevel

from .models import HukouType, ImportMode, ParentChildKind, PersonStatus, Sex


def _areas_for(user: Any, min_level: int = AreaLevel.TOWN) -> Any:
    area = getattr(user, "area", None)
    if area is None:
        return Area.objects.none()
    return Area.objects.filter(path__startswith=area.path, level__gte=min_level).order_by("path")


class AreaChoiceField(forms.ModelChoiceField[Area]):
    def label_from_instance(self, obj: Area) -> str:
        return ("　" if obj.level >= AreaLevel.VILLAGE else "") + str(obj.name)


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("身份证号、姓名或拼音"), required=False, max_length=64)
    area = AreaChoiceField(label=_("地区"), queryset=Area.objects.none(), required=False, empty_label=_("全部"))
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), *[c for c in PersonStatus.choices if c[0] != "merged"]])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas_for(user)  # type: ignore[attr-defined]


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    sex = forms.ChoiceField(label=_("性别"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("出生日期"), widget=forms.DateInput(attrs={"type": "date"}))
    id_number = forms.CharField(label=_("公民身份号码"), max_length=24, required=False)
    ethnicity = forms.CharField(label=_("民族"), max_length=16, initial="汉族", required=False)
    hukou_type = forms.ChoiceField(label=_("户口性质"), choices=HukouType.choices)
    hukou_area = AreaChoiceField(label=_("户籍地"), queryset=Area.objects.none(), required=False,
                                 empty_label=_("区外（填写下一项）"))
    hukou_place = forms.CharField(label=_("户籍地（区外）"), max_length=128, required=False)
    residence_area = AreaChoiceField(label=_("现居住地"), queryset=Area.objects.none())
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=64, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=32, required=False)
    is_floating = forms.BooleanField(label=_("流动人口"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["residence_area"].queryset = _areas_for(user)  # type: ignore[attr-defined]
        self.fields["hukou_area"].queryset = _areas_for(user)  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("花名册文件（.xlsx 或 .csv）"))
    mode = forms.ChoiceField(label=_("导入方式"), choices=ImportMode.choices, initial=ImportMode.VALID,
                             widget=forms.RadioSelect)


# --- life events (登记事件) ----------------------------------------------------------------------------


class EventDateField(forms.DateField):
    """A date that may not lie after today (:func:`jisheng.core.clock.today`)."""

    widget = forms.DateInput(attrs={"type": "date"})

    def validate(self, value: Any) -> None:
        from jisheng.core import clock

        super().validate(value)
        if value and value > clock.today():
            raise forms.ValidationError(_("%(field)s不能晚于今天") % {"field": self.label})


class IdNumberField(forms.CharField):
    """A citizen ID number typed in full (the record is looked up by exact number inside the user's scope)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "inputmode": "text"})


class DeathForm(forms.Form):
    date = EventDateField(label=_("死亡日期"))
    cause = forms.CharField(label=_("死亡原因（可选）"), max_length=100, required=False)


class MarriageForm(forms.Form):
    spouse_id_number = IdNumberField(label=_("配偶公民身份号码"),
                                     help_text=_("输入完整的 18 位号码；只能选择本辖区在册人员"))
    date = EventDateField(label=_("登记结婚日期"))


class DivorceForm(forms.Form):
    date = EventDateField(label=_("离婚日期"))


class ChildLinkForm(forms.Form):
    child_id_number = IdNumberField(label=_("子女公民身份号码"),
                                    help_text=_("输入完整的 18 位号码；只能选择本辖区在册人员"))
    kind = forms.ChoiceField(label=_("关系"), choices=ParentChildKind.choices, initial=ParentChildKind.BIRTH)
    since = EventDateField(label=_("收养或继亲关系成立日期"), required=False,
                           help_text=_("收养、继子女必填；亲生子女留空"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") in (ParentChildKind.ADOPTION, ParentChildKind.STEP) and not data.get("since"):
            self.add_error("since", _("收养或继子女应填写关系成立日期"))
        return data


class NewbornForm(forms.Form):
    name = forms.CharField(label=_("子女姓名"), max_length=64)
    sex = forms.ChoiceField(label=_("性别"), choices=Sex.choices)
    birth_date = EventDateField(label=_("出生日期"))
    id_number = IdNumberField(label=_("公民身份号码（可选）"), required=False)
    with_spouse = forms.BooleanField(label=_("同时登记为配偶的子女"), required=False, initial=True)


class DisabilityForm(forms.Form):
    grade = forms.TypedChoiceField(label=_("残疾等级（1 级最重）"), coerce=int,
                                   choices=[(i, str(i)) for i in range(1, 5)],
                                   error_messages={"invalid_choice": _("残疾等级应为 1–4 级")})
    category = forms.ChoiceField(label=_("残疾类别"), required=False, choices=[("", "—")] + [
        (c, c) for c in ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")])
    number = forms.CharField(label=_("残疾人证号（可选）"), max_length=32, required=False)
    date = EventDateField(label=_("发证日期"))


class MoveForm(forms.Form):
    MOVE_IN = "in"
    MOVE_OUT = "out"
    direction = forms.ChoiceField(label=_("迁移类型"), widget=forms.RadioSelect, initial=MOVE_IN, choices=[
        (MOVE_IN, _("迁入或在辖区内迁居（选择新居住地）")), (MOVE_OUT, _("迁出本辖区"))])
    to_area = AreaChoiceField(label=_("新居住地"), queryset=Area.objects.none(), required=False)
    destination = forms.CharField(label=_("迁往地（迁出时填写，可选）"), max_length=128, required=False)
    date = EventDateField(label=_("迁移日期"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_area"].queryset = _areas_for(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("direction") == self.MOVE_IN and not data.get("to_area"):
            self.add_error("to_area", _("迁入或迁居应选择新居住地"))
        return data


class FloatingForm(forms.Form):
    origin = forms.CharField(label=_("来源地（户籍地，可选）"), max_length=128, required=False)
    date = EventDateField(label=_("登记日期"))
