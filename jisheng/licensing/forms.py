"""The birth-approval questionnaire (used by the public self-check and the staff registration form).

Every question may be left as "不清楚" (unknown): it is then left out of the facts, and the rules list
it under ``missing`` instead of guessing. :meth:`QuestionnaireForm.facts` returns contract §2 facts.

The staff form shows every question on one page; the public self-check asks them one at a time, only those the
rule in force needs: :func:`next_question` picks the next from the facts the rule reports missing
(:data:`FACT_QUESTIONS`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jisheng.core import clock, jsonbody
from jisheng.core.forms import DateInput

TRI = [("", _("不清楚")), ("yes", _("是")), ("no", _("否"))]
HUKOU = [("", _("不清楚")), ("rural", _("农业（农村居民）")), ("urban", _("非农业（城镇居民）"))]
APPRAISAL = [("", _("不清楚")), ("none", _("未做鉴定")), ("not_disabled", _("鉴定为非病残")),
             ("non_hereditary_not_normal_labour", _("鉴定为非遗传性病残，不能成长为正常劳动力")),
             ("severe_hereditary", _("鉴定为严重遗传性残疾"))]
GRADES = [("", _("不清楚")), ("none", _("无")), ("special", _("特等")), ("1", _("一等")), ("2A", _("二等甲级")),
          ("2B", _("二等乙级")), ("3A", _("三等甲级")), ("3B", _("三等乙级")),
          ("grade-1", _("一级（2004年10月起的十级制，下同）")), ("grade-2", _("二级")), ("grade-3", _("三级")),
          ("grade-4", _("四级")), ("grade-5", _("五级")), ("grade-6", _("六级")), ("grade-7", _("七级")),
          ("grade-8", _("八级")), ("grade-9", _("九级")), ("grade-10", _("十级"))]
LIMB_GRADES = [("", _("不清楚")), ("none", _("无")), ("limb-1", _("一级")), ("limb-2", _("二级")),
               ("limb-3", _("三级")), ("limb-4", _("四级"))]
CONVERSION = [("", _("不清楚")), ("none", _("未由农业户口转为非农业户口")),
              ("lives_in_countryside", _("农转非，但仍在农村居住生活")),
              ("en_bloc", _("在小城镇户籍制度改革中成建制农转非")), ("other", _("农转非（其他情形）"))]
REMARRIAGE = [("", _("不清楚")), ("none", _("双方均为初婚")), ("wife", _("女方再婚")), ("husband", _("男方再婚"))]
ENDED = [("", _("不清楚")), ("death", _("丧偶")), ("divorce", _("离婚"))]
SEX = [("", _("不清楚")), ("F", _("女孩")), ("M", _("男孩"))]


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class QuestionnaireForm(forms.Form):
    """Questions in the order a family can answer them; all optional."""

    as_of = forms.DateField(label=_("申请日期（按该日有效的规定判断）"), required=False,
                            widget=DateInput())
    facts_json = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64 * 1024)
    wife_birth_date = forms.DateField(label=_("女方出生日期"), required=False,
                                      widget=DateInput())
    wife_hukou = forms.ChoiceField(label=_("女方户口性质"), choices=HUKOU, required=False)
    wife_hukou_conversion = forms.ChoiceField(label=_("女方户口是否由农业转为非农业（农转非）"), choices=CONVERSION,
                                              required=False)
    wife_hukou_converted_on = forms.DateField(label=_("女方农转非的日期"), required=False, widget=DateInput())
    husband_hukou = forms.ChoiceField(label=_("男方户口性质"), choices=HUKOU, required=False)
    husband_hukou_conversion = forms.ChoiceField(label=_("男方户口是否由农业转为非农业（农转非）"), choices=CONVERSION,
                                                 required=False)
    husband_hukou_converted_on = forms.DateField(label=_("男方农转非的日期"), required=False, widget=DateInput())
    children = forms.IntegerField(label=_("夫妻现有子女数（含再婚前子女、收养子女）"), required=False, min_value=0,
                                  max_value=9)
    first_child_sex = forms.ChoiceField(label=_("只有一个子女时：该子女性别"), choices=SEX, required=False)
    appraisal = forms.ChoiceField(label=_("子女病残儿医学鉴定结论"), choices=APPRAISAL, required=False)
    adopted = forms.ChoiceField(label=_("现有子女均为夫妻共同依法收养"), choices=TRI, required=False)
    wife_pregnant = forms.ChoiceField(label=_("女方现已怀孕"), choices=TRI, required=False)
    wife_only_child = forms.ChoiceField(label=_("女方是独生子女"), choices=TRI, required=False)
    husband_only_child = forms.ChoiceField(label=_("男方是独生子女"), choices=TRI, required=False)
    two_generation = forms.ChoiceField(label=_("一方是两代独生子女（本人及其父或母均为独生子女）"), choices=TRI,
                                       required=False)
    martyr_only_child = forms.ChoiceField(label=_("一方是烈士的独生子女"), choices=TRI, required=False)
    duty_disability_grade = forms.ChoiceField(label=_("一方因公致残（军人、武警、公安、见义勇为）的等级"),
                                              choices=GRADES, required=False)
    underground_years = forms.IntegerField(label=_("一方连续从事井下作业年数"), required=False, min_value=0,
                                           max_value=60)
    underground_now = forms.ChoiceField(label=_("现仍从事井下作业"), choices=TRI, required=False)
    sea_fishing_years = forms.IntegerField(label=_("一方以海洋捕捞为业的年数"), required=False, min_value=0,
                                           max_value=60)
    sea_fishing_now = forms.ChoiceField(label=_("现仍从事海洋捕捞业"), choices=TRI, required=False)
    limb_disability_grade = forms.ChoiceField(label=_("一方非遗传性肢体残疾的等级（残疾人证）"), choices=LIMB_GRADES,
                                              required=False)
    mainly_farming = forms.ChoiceField(label=_("夫妻主要从事种植业或者养殖业"), choices=TRI, required=False)
    remarriage = forms.ChoiceField(label=_("再婚情况"), choices=REMARRIAGE, required=False)
    previous_ended_by = forms.ChoiceField(label=_("再婚一方前次婚姻终止原因"), choices=ENDED, required=False)
    previous_children = forms.IntegerField(label=_("再婚一方前次婚姻生育子女数"), required=False, min_value=0,
                                           max_value=9)
    other_had_children = forms.ChoiceField(label=_("另一方曾生育过子女"), choices=TRI, required=False)
    husband_brothers = forms.IntegerField(label=_("男方兄弟人数"), required=False, min_value=0, max_value=20)
    husband_brothers_able = forms.IntegerField(label=_("男方兄弟中有生育能力的人数"), required=False, min_value=0,
                                               max_value=20)
    husband_sisters = forms.IntegerField(label=_("男方姐妹人数"), required=False, min_value=0, max_value=20)
    wife_brothers = forms.IntegerField(label=_("女方兄弟人数"), required=False, min_value=0, max_value=20)
    married_in = forms.ChoiceField(label=_("男方到女方家落户"), choices=TRI, required=False)
    supports_wife_parents = forms.ChoiceField(label=_("男方赡养女方父母"), choices=TRI, required=False)
    coastal = forms.ChoiceField(label=_("居住在沿海垦区"), choices=TRI, required=False)
    land_mu = forms.DecimalField(label=_("所在村人均耕地（亩）"), required=False, min_value=0, max_digits=6,
                                 decimal_places=2)

    def clean_facts_json(self) -> dict[str, Any] | None:
        raw = self.cleaned_data.get("facts_json") or ""
        if not raw.strip():
            return None
        try:
            value = jsonbody.loads(raw)
        except jsonbody.TooDeep as exc:
            raise forms.ValidationError(_("JSON 嵌套超过 %(n)s 层") % {"n": exc.limit}) from None
        except ValueError:
            raise forms.ValidationError(_("不是有效的 JSON")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("必须是 JSON 对象"))
        return value

    def as_of_date(self) -> Any:
        """The date to judge on: the answer, else the facts' application date, else today."""
        d = self.cleaned_data
        if d.get("as_of"):
            return d["as_of"]
        facts = d.get("facts_json") or {}
        if facts.get("application_date"):
            return None
        return clock.today()

    def facts(self) -> dict[str, Any]:
        """Contract §2 facts from the answers; unknown answers are left out (never defaulted)."""
        d = self.cleaned_data
        if d.get("facts_json"):
            return dict(d["facts_json"])
        wife: dict[str, Any] = {}
        husband: dict[str, Any] = {}
        marriage: dict[str, Any] = {}
        residence: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        if d.get("as_of"):
            facts["application_date"] = d["as_of"].isoformat()
        if d.get("wife_birth_date"):
            wife["birth_date"] = d["wife_birth_date"].isoformat()
        if d.get("wife_hukou"):
            wife["hukou"] = d["wife_hukou"]
        if d.get("husband_hukou"):
            husband["hukou"] = d["husband_hukou"]
        for prefix, target in (("wife", wife), ("husband", husband)):
            conversion = d.get(f"{prefix}_hukou_conversion", "")
            if conversion == "none":
                target["hukou_converted_on"] = None
            elif conversion:
                target["hukou_conversion_kind"] = conversion
                if d.get(f"{prefix}_hukou_converted_on"):
                    target["hukou_converted_on"] = d[f"{prefix}_hukou_converted_on"].isoformat()
        for key, target, field in (("is_only_child", wife, "wife_only_child"),
                                   ("is_only_child", husband, "husband_only_child")):
            if _tri(d.get(field, "")) is not None:
                target[key] = _tri(d[field])
        for field, key in (("two_generation", "parent_was_only_child"), ("martyr_only_child", "martyr_only_child")):
            value = _tri(d.get(field, ""))
            if value is not None:  # asked of "either spouse": put the answer on the husband, the wife says no
                husband[key] = value
                wife.setdefault(key, False)
        if d.get("duty_disability_grade"):
            husband["duty_disability_grade"] = None if d["duty_disability_grade"] == "none" else d[
                "duty_disability_grade"]
            wife["duty_disability_grade"] = None
        if d.get("underground_years") is not None:
            husband["underground_years"] = d["underground_years"]
            wife["underground_years"] = 0
            wife["underground_now"] = False
        if _tri(d.get("underground_now", "")) is not None:
            husband["underground_now"] = _tri(d["underground_now"])
        if d.get("sea_fishing_years") is not None:  # asked of "either spouse", like underground work
            husband["sea_fishing_years"] = d["sea_fishing_years"]
            wife["sea_fishing_years"] = 0
            wife["sea_fishing_now"] = False
        if _tri(d.get("sea_fishing_now", "")) is not None:
            husband["sea_fishing_now"] = _tri(d["sea_fishing_now"])
        if d.get("limb_disability_grade"):
            grade = d["limb_disability_grade"]
            husband["limb_disability_grade"] = None if grade == "none" else int(grade.removeprefix("limb-"))
            wife["limb_disability_grade"] = None
        if _tri(d.get("mainly_farming", "")) is not None:
            residence["mainly_farming"] = _tri(d["mainly_farming"])
        for field, key in (("husband_brothers", "brothers"),
                           ("husband_brothers_able", "brothers_able_to_have_children"),
                           ("husband_sisters", "sisters")):
            if d.get(field) is not None:
                husband[key] = d[field]
        if d.get("wife_brothers") is not None:
            wife["brothers"] = d["wife_brothers"]
        if _tri(d.get("married_in", "")) is not None:
            marriage["husband_married_into_wife_family"] = _tri(d["married_in"])
        if _tri(d.get("supports_wife_parents", "")) is not None:
            marriage["supports_wife_parents"] = _tri(d["supports_wife_parents"])
        if _tri(d.get("coastal", "")) is not None:
            residence["coastal_reclamation_area"] = _tri(d["coastal"])
        if d.get("land_mu") is not None:
            residence["land_mu_per_person"] = float(d["land_mu"])
        remarriage = d.get("remarriage", "")
        previous_children = d.get("previous_children")
        if remarriage == "none":
            wife["previous_marriage"] = None
            husband["previous_marriage"] = None
        elif remarriage in ("wife", "husband") and d.get("previous_ended_by"):
            who, other = (wife, husband) if remarriage == "wife" else (husband, wife)
            who["previous_marriage"] = {"ended_by": d["previous_ended_by"],
                                        "children": previous_children if previous_children is not None else None}
            had = _tri(d.get("other_had_children", ""))
            if had is False:
                other["previous_marriage"] = None
            elif had is True:
                other["previous_marriage"] = {"ended_by": "divorce", "children": 1}
        if d.get("children") is not None:
            facts["children"] = self._children(d, remarriage, previous_children or 0)
        if _tri(d.get("wife_pregnant", "")) is not None:
            facts["wife_pregnant"] = _tri(d["wife_pregnant"])
        parts: dict[str, dict[str, Any]] = {"wife": wife, "husband": husband, "marriage": marriage,
                                            "residence": residence}
        for key, part in parts.items():
            if part:
                facts[key] = part
        return facts

    @staticmethod
    def _children(d: dict[str, Any], remarriage: str, previous: int) -> list[dict[str, Any]]:
        n = d["children"]
        adopted = _tri(d.get("adopted", "")) is True
        from_previous = min(previous, n) if remarriage in ("wife", "husband") else 0
        kind = "adopted_joint" if adopted else "joint"
        out = []
        for i in range(n):
            parents = f"{remarriage}_previous" if i < from_previous else kind
            child: dict[str, Any] = {"parents": parents, "alive": True}
            if n == 1 and d.get("first_child_sex"):
                child["sex"] = d["first_child_sex"]
            appraisal = d.get("appraisal", "")
            if appraisal:
                child["disability_appraisal"] = None if appraisal == "none" else appraisal if i == 0 else None
            out.append(child)
        return out


#: The questions that answer a fact the rules report missing (contract §2 path; ``children.*`` for any child,
#: ``*.`` for either spouse), in the order to ask them: a later one is asked once the earlier ones are answered,
#: and not at all after a "不清楚".
FACT_QUESTIONS: dict[str, tuple[str, ...]] = {
    "application_date": ("as_of",),
    "wife.birth_date": ("wife_birth_date",),
    "wife.hukou": ("wife_hukou",),
    "husband.hukou": ("husband_hukou",),
    "wife.hukou_converted_on": ("wife_hukou_conversion", "wife_hukou_converted_on"),
    "wife.hukou_conversion_kind": ("wife_hukou_conversion",),
    "husband.hukou_converted_on": ("husband_hukou_conversion", "husband_hukou_converted_on"),
    "husband.hukou_conversion_kind": ("husband_hukou_conversion",),
    "children": ("children",),
    "children.*.sex": ("first_child_sex",),
    "children.*.disability_appraisal": ("appraisal",),
    "wife.is_only_child": ("wife_only_child",),
    "husband.is_only_child": ("husband_only_child",),
    "*.parent_was_only_child": ("two_generation",),
    "*.martyr_only_child": ("martyr_only_child",),
    "*.duty_disability_grade": ("duty_disability_grade",),
    "*.underground_years": ("underground_years",),
    "*.underground_now": ("underground_now",),
    "*.sea_fishing_years": ("sea_fishing_years",),
    "*.sea_fishing_now": ("sea_fishing_now",),
    "*.limb_disability_grade": ("limb_disability_grade",),
    "residence.mainly_farming": ("mainly_farming",),
    "*.previous_marriage": ("remarriage", "previous_ended_by", "other_had_children"),
    "*.previous_marriage.children": ("previous_children",),
    "husband.brothers": ("husband_brothers",),
    "husband.brothers_able_to_have_children": ("husband_brothers_able",),
    "husband.sisters": ("husband_sisters",),
    "wife.brothers": ("wife_brothers",),
    "marriage.husband_married_into_wife_family": ("married_in",),
    "marriage.supports_wife_parents": ("supports_wife_parents",),
    "residence.coastal_reclamation_area": ("coastal",),
    "residence.land_mu_per_person": ("land_mu",),
    "wife_pregnant": ("wife_pregnant",),
}
#: Asked before the others whenever the rule needs them: they decide which grounds remain.
FIRST_QUESTIONS = ("children", "first_child_sex", "wife_birth_date", "wife_hukou")


def questions_for(path: str) -> tuple[str, ...]:
    """The questions (form field names) that answer the fact ``path``; () for a fact no question asks."""
    generic = re.sub(r"^children\.\d+\.", "children.*.", path)
    if generic in FACT_QUESTIONS:
        return FACT_QUESTIONS[generic]
    return FACT_QUESTIONS.get(re.sub(r"^(wife|husband)\.", "*.", generic), ())


def next_question(data: Mapping[str, Any], asked: Sequence[str],
                  evaluate: Callable[[Mapping[str, Any]], dict[str, Any]]) -> str | None:
    """The next question to ask, given the answers ``data`` (field → raw value; "" = 不清楚) to the questions
    ``asked`` so far; None when the rule needs nothing more.

    ``evaluate(data)`` gives the contract §2 result for answers. The next question answers the first fact the rule
    reports missing (children, the child's sex, the wife's birth date and hukou before the rest: they decide which
    grounds remain). Adoption is the one fact the answers default (children count as born to the couple): it is
    asked last, only when saying "yes" would change the result.
    """
    result = evaluate(data)
    if result["eligible"] is True:
        return None
    candidates: list[str] = []
    for path in result["missing"]:
        for name in questions_for(path):
            if name not in asked:
                candidates.append(name)
                break
            if not str(data.get(name) or "").strip():
                break  # answered 不清楚: the questions after it in the chain would not help
    for name in FIRST_QUESTIONS:
        if name in candidates:
            return name
    if candidates:
        return candidates[0]
    children = str(data.get("children") or "").strip()
    if "adopted" not in asked and children.isdigit() and int(children) >= 1:
        probe = evaluate({**data, "adopted": "yes"})
        if (probe["eligible"], probe["missing"]) != (result["eligible"], result["missing"]):
            return "adopted"
    return None
