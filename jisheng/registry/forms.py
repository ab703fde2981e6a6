"""Forms of the registry pages (thin: all checks that matter live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jisheng.core.models import Area, AreaLevel

from .models import HukouType, ImportMode, PersonStatus, Sex


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
