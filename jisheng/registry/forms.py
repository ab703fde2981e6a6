"""Forms of the registry pages (thin: all checks that matter live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jisheng.core.forms import DateInput
from jisheng.core.models import Area, AreaLevel

from .models import HukouType, ImportMode, ParentChildKind, Person, PersonStatus, Sex


def _areas_for(user: Any, min_level: int = AreaLevel.TOWN) -> Any:
    area = getattr(user, "area", None)
    if area is None:
        return Area.objects.none()
    return Area.objects.filter(path__startswith=area.path, level__gte=min_level).order_by("path")


class _AreaChoices(forms.models.ModelChoiceIterator):
    """The areas of a scope (a town and its villages: a short list) read with one plain query and kept on the
    field's queryset, instead of Django's ``queryset.iterator()``, which on PostgreSQL opens a server-side cursor
    (DECLARE, FETCH and CLOSE: three round trips) for every rendering."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class AreaChoiceField(forms.ModelChoiceField[Area]):
    iterator = _AreaChoices

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
    birth_date = forms.DateField(label=_("出生日期"), widget=DateInput())
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

    widget = DateInput()

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


# --- person picker (人员选择) -----------------------------------------------------------------------------

#: The hidden input of a picker is named after its field with this suffix (``reg-wife`` → ``reg-wife_person``).
PICK_SUFFIX = "_person"


def picker_person(person: Person) -> dict[str, Any]:
    """What a picker shows of a person so staff can tell namesakes apart: name, sex, birth year, masked ID number
    and village (residence area)."""
    from jisheng.core.masking import mask_id_number

    return {"pk": person.pk, "name": person.name, "sex": person.get_sex_display(), "born": person.birth_date.year,
            "masked_id": mask_id_number(person.id_number) if person.id_number else "",
            "village": person.residence_area.name if person.residence_area_id else ""}


def picker_context(name: str, html_id: str, *, text: str = "", chosen: Person | None = None,
                   required: bool = False, sex: str = "", placeholder: str = "") -> dict[str, Any]:
    """The template context of a picker (``registry/_person_picker.html``) for the field named ``name``; ``sex``
    (``"M"``/``"F"``) narrows its search."""
    from django.http import QueryDict
    from django.urls import reverse

    params = QueryDict(mutable=True)
    params.update({"name": name, "id": html_id})
    for key, value in (("required", "1" if required else ""), ("sex", sex), ("placeholder", placeholder)):
        if value:
            params[key] = value
    return {"name": name, "id": html_id, "box_id": f"picker-{html_id}", "text": text, "required": required,
            "chosen": picker_person(chosen) if chosen is not None else None, "pick_name": name + PICK_SUFFIX,
            "url": reverse("registry:person_picker"), "params": params.urlencode(),
            "placeholder": placeholder or _("姓名、拼音或身份证号")}


class PersonPickerWidget(forms.Widget):
    """A search box (name, pinyin, initials or ID number) whose htmx results fill a hidden person id; without
    JavaScript the box takes a whole ID number. ``chosen`` is set by :class:`PersonPickerField` once the choice has
    resolved inside the user's scope, so a re-shown form keeps it and nothing outside the scope is ever shown."""

    template_name = "registry/widgets/person_picker.html"

    class Media:
        css = {"all": ["registry/picker.css"]}

    def __init__(self, attrs: dict[str, Any] | None = None, *, sex: str = "") -> None:
        super().__init__(attrs)
        self.sex = sex
        self.chosen: Person | None = None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        return {"text": str(data.get(name) or ""), "person": str(data.get(name + PICK_SUFFIX) or "")}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + PICK_SUFFIX not in data

    def format_value(self, value: Any) -> Any:
        return value

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        text = value.get("text", "") if isinstance(value, dict) else ""
        context["picker"] = picker_context(name, context["widget"]["attrs"].get("id") or f"id_{name}", text=text,
                                           chosen=self.chosen, required=self.is_required, sex=self.sex,
                                           placeholder=str(self.attrs.get("placeholder", "")))
        return context


class PersonPickerField(forms.Field):
    """A person of the registry, chosen in the picker or typed as a whole ID number.

    ``sex`` (``"M"``/``"F"``) narrows the search offered (a wife's picker lists women); the services check the
    people chosen as they always do. A chosen id is resolved only through
    :func:`~jisheng.registry.access.person_get_for_user`, so a hand-made id of someone outside the user's scope
    gets the same error as one that does not exist. A typed ID number is looked up inside the scope (living record
    first); with ``spouse_of`` (the name of the form's field holding the other spouse, declared before this one) it
    may also name that person's registered spouse living outside the scope (a husband registered in another town),
    who is then used but never shown — through :func:`~jisheng.registry.access.spouse_get_for_user`, so the number of
    anyone else outside the scope gets the same error as a number that does not exist. Set ``user`` before
    validating (:func:`bind_person_pickers`).
    """

    widget = PersonPickerWidget
    default_error_messages = {
        "not_found": _("本辖区人口信息中没有此人"),
        "choose": _("请从查找结果中选择一人，或填写完整的公民身份号码"),
    }

    def __init__(self, *, spouse_of: str = "", sex: str = "", **kwargs: Any) -> None:
        self.spouse_of = spouse_of
        self.user: Any = None
        self.form: forms.Form | None = None
        kwargs.setdefault("widget", PersonPickerWidget(sex=sex))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Person | None:
        from django.http import Http404

        from .access import person_get_for_user, persons_for_user, spouse_get_for_user
        from .selectors import id_number_query

        if isinstance(value, Person):
            return value
        data = value if isinstance(value, dict) else {"text": str(value or ""), "person": ""}
        pick, text = str(data.get("person", "")).strip(), str(data.get("text", "")).strip()
        if pick:
            try:
                person = person_get_for_user(self.user, pick)
            except Http404:
                raise forms.ValidationError(self.error_messages["not_found"], code="not_found") from None
            self.widget.chosen = person
            return person
        if not text:
            return None
        number = id_number_query(text)
        if not number:
            raise forms.ValidationError(self.error_messages["choose"], code="choose")
        mine = persons_for_user(self.user).filter(id_number=number).exclude(status=PersonStatus.MERGED)
        found = mine.filter(status=PersonStatus.ALIVE).first() or mine.order_by("-id").first()
        if found is not None:
            self.widget.chosen = found
            return found
        partner = self.form.cleaned_data.get(self.spouse_of) if self.spouse_of and self.form is not None else None
        if isinstance(partner, Person):
            try:
                return spouse_get_for_user(self.user, partner, number)
            except Http404:
                pass  # anyone else outside the scope: the same answer as a number nobody has
        raise forms.ValidationError(self.error_messages["not_found"], code="not_found")


def bind_person_pickers(form: forms.Form, user: Any) -> None:
    """Let every :class:`PersonPickerField` of ``form`` resolve people inside ``user``'s scope (and a spouse named by
    ``spouse_of`` through the partner chosen in the same form)."""
    for field in form.fields.values():
        if isinstance(field, PersonPickerField):
            field.user = user
            field.form = form


class ExportForm(forms.Form):
    """Ask for an export of the list's people: why (recorded with the export and every download), the format and —
    only for an account that may unmask — whether the file holds the full ID numbers and phones."""

    reason = forms.CharField(label=_("导出事由"), max_length=255,
                             help_text=_("写明用途，例如“2026 年度奖励扶助资格复核”；记入审计记录"))
    format = forms.ChoiceField(label=_("格式"), choices=[("xlsx", "Excel（.xlsx）"), ("csv", "CSV")], initial="xlsx",
                               widget=forms.RadioSelect)
    unmasked = forms.BooleanField(label=_("含完整的公民身份号码和联系电话"), required=False,
                                  help_text=_("仅在确有必要时选择；导出与下载均记入审计记录"))

    def __init__(self, *args: Any, may_unmask: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_unmask:
            del self.fields["unmasked"]
