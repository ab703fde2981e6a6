"""Administrative guidance (行政指导): the self-check answer and the leaflets, from the same rules.

:func:`self_check` wraps the contract §2 determination with what people need: each provision's title
and number (and "待核实" where the Jiangsu wording is unverified), the questions still unanswered,
the materials, and where and how to apply with the day counts in force. :func:`leaflet` builds the
printable leaflet of one Art. 22 / 23 item from the same provision catalogue and materials lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import rules
from .services import birth_approval_eligibility

#: Fact paths → the question a family can answer (shown under "still unknown").
QUESTIONS = {
    "wife.birth_date": "女方出生日期",
    "wife.hukou": "女方户口性质（农业/非农业）",
    "children": "夫妻现有子女数",
    "wife.is_only_child": "女方是否独生子女",
    "husband.is_only_child": "男方是否独生子女",
    "wife.parent_was_only_child": "是否两代独生子女",
    "husband.parent_was_only_child": "是否两代独生子女",
    "wife.martyr_only_child": "是否烈士的独生子女",
    "husband.martyr_only_child": "是否烈士的独生子女",
    "wife.duty_disability_grade": "因公致残等级",
    "husband.duty_disability_grade": "因公致残等级",
    "wife.underground_years": "井下作业年数",
    "husband.underground_years": "井下作业年数",
    "wife.underground_now": "现是否仍从事井下作业",
    "husband.underground_now": "现是否仍从事井下作业",
    "wife.previous_marriage": "再婚情况",
    "husband.previous_marriage": "再婚情况",
    "husband.brothers": "男方兄弟人数",
    "husband.brothers_able_to_have_children": "男方兄弟中有生育能力的人数",
    "husband.sisters": "男方姐妹人数",
    "wife.brothers": "女方兄弟人数",
    "marriage.husband_married_into_wife_family": "男方是否到女方家落户",
    "marriage.supports_wife_parents": "男方是否赡养女方父母",
    "residence.coastal_reclamation_area": "是否居住在沿海垦区",
    "residence.land_mu_per_person": "所在村人均耕地",
    "wife_pregnant": "女方是否已怀孕",
    "husband.hukou": "男方户口性质（农业/非农业）",
    "wife.sea_fishing_years": "以海洋捕捞为业的年数",
    "husband.sea_fishing_years": "以海洋捕捞为业的年数",
    "wife.sea_fishing_now": "现是否仍从事海洋捕捞业",
    "husband.sea_fishing_now": "现是否仍从事海洋捕捞业",
    "wife.limb_disability_grade": "非遗传性肢体残疾等级",
    "husband.limb_disability_grade": "非遗传性肢体残疾等级",
    "wife.hukou_converted_on": "女方是否由农业户口转为非农业户口及转户日期",
    "husband.hukou_converted_on": "男方是否由农业户口转为非农业户口及转户日期",
    "wife.hukou_conversion_kind": "女方农转非后是否仍在农村居住生活或为成建制转户",
    "husband.hukou_conversion_kind": "男方农转非后是否仍在农村居住生活或为成建制转户",
    "residence.mainly_farming": "夫妻是否主要从事种植业或者养殖业",
}


def _question(path: str) -> str:
    if path in QUESTIONS:
        return QUESTIONS[path]
    if path.startswith("children.") and path.endswith(".sex"):
        return "子女性别"
    if path.startswith("children.") and path.endswith(".disability_appraisal"):
        return "子女病残儿医学鉴定结论"
    return path


def procedure_steps(on: dt.date) -> list[str]:
    """Where and how to apply, with the day counts of the parameters in force on ``on``."""
    from jisheng.law.parameters import parameter_value

    def days(key: str, fallback: str) -> str:
        try:
            return str(parameter_value(key, on).value)
        except Exception:
            return fallback

    return [
        "向女方户籍所在地的镇人民政府或街道办事处（计划生育办公室）提出申请，领取并填写《再生育申请审批表》。",
        f"材料不齐全的，当场或者在{days('birth_approval.supplement_notice', '3')}个工作日内"
        "一次性书面告知需要补正的全部材料。",
        f"材料齐全后，镇（街道）在{days('birth_approval.town_opinion', '7')}个工作日内提出审核意见，"
        "报市人口和计划生育委员会。",
        f"市人口和计划生育委员会在{days('birth_approval.decision', '15')}个工作日内作出决定："
        "符合条件的发给《批准再生育一个孩子生育证》，"
        "不符合的书面说明理由，并告知申请行政复议、提起行政诉讼的权利和期限。",
        "须在生育前取得生育证。办理不收取任何费用。",
    ]


def _provision_view(key: str) -> dict[str, Any]:
    p = rules.provision(key)
    if p is None:
        return {"key": key, "number": key, "title": key, "verified": False, "conditions": [], "materials": []}
    return {"key": key, "number": p.number, "title": p.title, "verified": p.verified,
            "conditions": list(p.conditions), "materials": list(p.materials), "version": p.version}


def self_check(facts: dict[str, Any], as_of: dt.date | None) -> dict[str, Any]:
    """The self-check answer: the contract §2 result plus what to show (see module docstring).

    Raises:
        InvalidInput: no date to judge on, or a malformed date.
    """
    result = birth_approval_eligibility(facts, as_of=as_of)
    on = as_of or dt.date.fromisoformat(str(facts["application_date"]))
    version = rules.birth_approval.version_for(on)
    return {
        **result,
        "as_of": on,
        "version": version.basis,
        "version_verified": rules.version_text_verified(version.basis),
        "provision_views": [_provision_view(k) for k in result["provisions"]],
        "questions": list(dict.fromkeys(_question(p) for p in result["missing"])),
        "steps": procedure_steps(on),
    }


def leaflets() -> list[dict[str, Any]]:
    """The leaflets of the 2002 text (one per Art. 22 item and Art. 23 item or paragraph), in article order."""
    return [_provision_view(k) for k in rules.SITUATIONS_2002]


def leaflet(key: str, on: dt.date) -> dict[str, Any] | None:
    """One printable leaflet: conditions, the full materials list (as the rules return it), the procedure
    with the day counts in force on ``on`` (at latest the last day of the 2002 text, 2014-03-27), and the
    legal basis. None for an unknown key."""
    if key not in rules.SITUATIONS_2002:
        return None
    on = min(on, rules.V2014_FROM - dt.timedelta(days=1))  # the 2002 text's own procedure, not today's
    view = _provision_view(key)
    view["all_materials"] = list(dict.fromkeys([*rules.COMMON_MATERIALS_2002, *view["materials"]]))
    view["steps"] = procedure_steps(on)
    view["on"] = on
    return view
