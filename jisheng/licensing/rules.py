"""Birth approval (再生育审批) eligibility: dated rules under the Jiangsu regulation.

Rule ``birth-approval`` (see :mod:`jisheng.law.rules`), facts per contract §2, judged on ``as_of``:

- **2002 text** (in force until 2015-12-31; the version governing the 2013 plan, legal-facts §2.1):
  Art. 22 items 1–7 (any couple) and Art. 23 items 1–5 (wife a rural resident), keys
  ``js-pfp-reg-2002/art-22/item-N`` and ``js-pfp-reg-2002/art-23/item-N``. Application once the wife is
  24 (Art. 26); the remarriage items 22.3 and 22.4 right after marriage.
- **2016 text** (from 2016-01-01, UNVERIFIED wording): first and second child by birth registration
  (``js-pfp-reg-2016/birth-registration``); another child only under listed conditions
  (``js-pfp-reg-2016/another-child/item-N``), modelled on the verified Shandong 2016 Art. 20.
- **2021 text** (from 2021-09-29, UNVERIFIED date and wording): three children by registration
  (``js-pfp-reg-2021/birth-registration``); a fourth only if a child is appraised disabled
  (``js-pfp-reg-2021/another-child/item-1``), modelled on the verified Shanghai 2021 Art. 23.

Counting children: the entries of ``children`` whose ``alive`` is not ``false`` (an absent ``alive`` is
read as living, the usual case). Every provision's title, summary, materials and whether its text is
verified live in :data:`PROVISIONS`; self-check, leaflets, API and staff screens all read them from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jisheng.law.rules import MISSING, Check, Determination, Facts, Ground, Params, Rule, decide

RULE_KEY = "birth-approval"
birth_approval = Rule(RULE_KEY, "再生育审批")

V2002_FROM = dt.date(2002, 11, 1)
V2016_FROM = dt.date(2016, 1, 1)
V2021_FROM = dt.date(2021, 9, 29)

COMMON_MATERIALS_2002 = ["《再生育申请审批表》（夫妻双方单位或村（居）委会签署意见）", "夫妻双方居民身份证", "结婚证",
                         "户口簿", "夫妻双方婚育情况证明", "现有子女出生医学证明", "女方近期免冠照片"]


@dataclass(frozen=True)
class Provision:
    """A provision the rules can cite, as shown to citizens and staff.

    ``conditions`` are plain-language conditions (one line each); ``materials`` the extra documents
    for this provision; ``verified`` False when the Jiangsu wording is not confirmed (shown as such).
    """

    key: str
    number: str
    title: str
    conditions: tuple[str, ...]
    materials: tuple[str, ...] = ()
    verified: bool = True
    rural_only: bool = False
    remarriage: bool = False
    version: str = "2002"
    notes: tuple[str, ...] = field(default_factory=tuple)


def _p(key: str, number: str, title: str, conditions: Sequence[str], materials: Sequence[str] = (), **kw: Any
       ) -> Provision:
    return Provision(key, number, title, tuple(conditions), tuple(materials), **kw)


_A22 = "js-pfp-reg-2002/art-22/item-"
_A23 = "js-pfp-reg-2002/art-23/item-"
_AGE = "女方年满24周岁后申请"

PROVISIONS: dict[str, Provision] = {p.key: p for p in [
    _p(_A22 + "1", "第二十二条第（一）项", "独生子女为非遗传性病残儿",
       ["夫妻只有一个子女", "经病残儿医学鉴定机构鉴定为非严重遗传性残疾，不能成长为正常劳动力", _AGE],
       ["病残儿医学鉴定结论"]),
    _p(_A22 + "2", "第二十二条第（二）项", "因公致残（二等乙级以上）或烈士独生子女",
       ["一方为因公（见义勇为）致残的军人、武警、公安干警等，残疾等级二等乙级以上，或一方为烈士的独生子女",
        "夫妻只有一个子女", _AGE], ["革命伤残军人证等残疾证件或烈士证明"]),
    _p(_A22 + "3", "第二十二条第（三）项", "再婚：一方丧偶，另一方未生育过",
       ["一方丧偶后再婚", "另一方未生育过", "再婚后尚未共同生育", "可在再婚后即行申请（不受24周岁限制）"],
       ["原配偶死亡证明", "再婚结婚证"], remarriage=True),
    _p(_A22 + "4", "第二十二条第（四）项", "再婚：一方离婚前生育一个或依法生育两个子女，另一方未生育过",
       ["一方离婚后再婚，离婚前只生育一个子女或依法生育两个子女", "另一方未生育过", "再婚后尚未共同生育",
        "可在再婚后即行申请（不受24周岁限制）"],
       ["离婚证及离婚协议书或法院判决书、调解书", "再婚结婚证"], remarriage=True),
    _p(_A22 + "5", "第二十二条第（五）项", "未生育而依法收养后又怀孕",
       ["夫妻婚后未生育", "依法收养子女后", "女方又怀孕", _AGE], ["收养登记证", "怀孕证明"]),
    _p(_A22 + "6", "第二十二条第（六）项", "两代独生子女或双方均为独生子女",
       ["一方为两代独生子女，或夫妻双方均为独生子女", "夫妻只有一个子女", _AGE],
       ["独生子女证明（父母的独生子女父母光荣证等）"]),
    _p(_A22 + "7", "第二十二条第（七）项", "井下作业连续五年以上，只有一个女孩",
       ["一方从事井下作业连续五年以上且现仍从事井下作业", "夫妻只有一个女孩", _AGE],
       ["所在单位出具的井下作业工龄证明"]),
    _p(_A23 + "1", "第二十三条第（一）项", "农村：一方为独生子女，只有一个子女",
       ["女方为农村居民", "一方为独生子女", "夫妻只有一个子女", _AGE], ["独生子女证明"], rural_only=True),
    _p(_A23 + "2", "第二十三条第（二）项", "农村：男方兄弟均无生育能力",
       ["女方为农村居民", "夫妻只有一个子女", "男方有兄弟，但兄弟均无生育能力", _AGE],
       ["男方兄弟无生育能力的医学证明"], rural_only=True),
    _p(_A23 + "3", "第二十三条第（三）项", "农村：男到无兄弟的女家落户并赡养父母，只有一个女孩",
       ["女方为农村居民", "男方到女方家落户", "女方无兄弟", "赡养女方父母", "夫妻只有一个女孩", "姐妹中只照顾一人",
        _AGE],
       ["落户及赡养协议、村（居）委会证明"], rural_only=True),
    _p(_A23 + "4", "第二十三条第（四）项", "农村：男方无兄弟且只有一个姐妹，只有一个女孩",
       ["女方为农村居民", "男方无兄弟且只有一个姐妹", "夫妻只有一个女孩", _AGE], ["男方家庭成员证明"], rural_only=True),
    _p(_A23 + "5", "第二十三条第（五）项", "农村：沿海垦区人均耕地五亩以上，只有一个女孩",
       ["女方为农村居民", "居住在沿海垦区，人均耕地五亩以上（以村为单位计算）", "夫妻只有一个女孩", _AGE],
       ["村委会出具的人均耕地证明"], rural_only=True),
    _p("js-pfp-reg-2016/birth-registration", "2016年修正文本", "生育第一、二个子女实行生育登记",
       ["夫妻现有子女少于两个", "生育第一、二个子女无需审批，办理生育登记"], ["夫妻双方居民身份证", "结婚证"],
       verified=False, version="2016"),
    _p("js-pfp-reg-2016/another-child/item-1", "2016年修正文本（条款编号待核实）", "两个子女中有病残儿",
       ["夫妻已有两个子女", "其中一个经病残儿医学鉴定为非遗传性残疾，不能成长为正常劳动力"], ["病残儿医学鉴定结论"],
       verified=False, version="2016"),
    _p("js-pfp-reg-2016/another-child/item-2", "2016年修正文本（条款编号待核实）", "再婚：再婚前合计不超过两个子女",
       ["再婚夫妻", "再婚前双方合计生育不超过两个子女", "再婚后未共同生育"], ["离婚证或原配偶死亡证明", "再婚结婚证"],
       verified=False, remarriage=True, version="2016"),
    _p("js-pfp-reg-2021/birth-registration", "2021年修正文本", "生育三个以内子女实行生育登记",
       ["夫妻现有子女少于三个", "生育子女办理生育登记，无需审批"], ["夫妻双方居民身份证", "结婚证"],
       verified=False, version="2021"),
    _p("js-pfp-reg-2021/another-child/item-1", "2021年修正文本（条款编号待核实）", "三个子女中有病残儿",
       ["夫妻已有三个子女", "其中一个经病残儿医学鉴定为非遗传性残疾"], ["病残儿医学鉴定结论"],
       verified=False, version="2021"),
]}

#: The twelve situations of the 2002 text, in article order (the leaflets).
SITUATIONS_2002 = [k for k in PROVISIONS if k.startswith("js-pfp-reg-2002/")]


def provision(key: str) -> Provision | None:
    """The provision ``key`` as shown to people (None for an unknown key)."""
    return PROVISIONS.get(key)


# --- fact helpers --------------------------------------------------------------------------------

def _years(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _living(children: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(i, c) for i, c in enumerate(children or []) if isinstance(c, dict) and c.get("alive") is not False]


def _any(id: str, checks: Sequence[Check]) -> Check:
    """Holds when any check holds; fails when all fail; else unknown with the missing paths."""
    if any(c.holds is True for c in checks):
        return Check(id, True)
    if all(c.holds is False for c in checks):
        return Check(id, False)
    return Check(id, None, tuple(p for c in checks if c.holds is None for p in c.missing))


def _all(id: str, checks: Sequence[Check]) -> Check:
    if any(c.holds is False for c in checks):
        return Check(id, False)
    if all(c.holds is True for c in checks):
        return Check(id, True)
    return Check(id, None, tuple(p for c in checks if c.holds is None for p in c.missing))


def _spouse(f: Facts, id: str, key: str, predicate: Any) -> Check:
    """``predicate(value)`` holds for the wife or the husband (``key`` under each)."""
    return _any(id, [f.check(id, predicate, f"{who}.{key}") for who in ("wife", "husband")])


def _child_count(f: Facts, id: str, n: int) -> Check:
    return f.check(id, lambda ch: len(_living(ch)) == n, "children")


def _one_girl(f: Facts, id: str = "only-one-girl") -> Check:
    count = _child_count(f, id, 1)
    if count.holds is not True:
        return Check(id, count.holds, count.missing)
    idx = _living(f.get("children"))[0][0]
    return f.check(id, lambda sex: sex == "F", f"children.{idx}.sex")


def _age(f: Facts, as_of: dt.date, min_age: int = 24) -> Check:
    return f.check("wife-age-24", lambda b: _years(b, as_of) >= min_age, "wife.birth_date")


def _never_had_child(f: Facts, who: str) -> Check:
    """``who`` had no child before this marriage and has none from it (previous-marriage children 0)."""
    prev = f.get(f"{who}.previous_marriage")
    if prev is MISSING:
        return Check(f"{who}-never-had-child", None, (f"{who}.previous_marriage",))
    own = "wife_previous" if who == "wife" else "husband_previous"
    children = f.get("children")
    if children is MISSING:
        return Check(f"{who}-never-had-child", None, ("children",))
    has_previous = any(isinstance(c, dict) and c.get("parents") == own for c in children or [])
    if prev is None:
        return Check(f"{who}-never-had-child", not has_previous)
    n = prev.get("children") if isinstance(prev, dict) else None
    if n is None:
        return Check(f"{who}-never-had-child", None, (f"{who}.previous_marriage.children",))
    return Check(f"{who}-never-had-child", n == 0 and not has_previous)


def _no_joint_child(f: Facts) -> Check:
    return f.check("no-joint-child", lambda ch: not any(c.get("parents") == "joint" for _, c in _living(ch)),
                   "children")


def _remarriage(f: Facts, ended_by: str, child_counts: tuple[int, ...], id: str) -> Check:
    """One spouse's previous marriage ended by ``ended_by`` (with children in ``child_counts`` if given)
    and the other spouse never had a child; no joint child yet."""
    options = []
    for who, other in (("wife", "husband"), ("husband", "wife")):
        prev = f.get(f"{who}.previous_marriage")
        if prev is MISSING:
            options.append(Check(id, None, (f"{who}.previous_marriage",)))
            continue
        if not isinstance(prev, dict) or prev.get("ended_by") != ended_by:
            options.append(Check(id, False))
            continue
        parts = [_never_had_child(f, other)]
        if child_counts:
            n = prev.get("children")
            parts.append(Check(f"{id}-children", None, (f"{who}.previous_marriage.children",)) if n is None
                         else Check(f"{id}-children", n in child_counts))
        options.append(_all(id, parts))
    return _all(id, [_any(id, options), _no_joint_child(f)])


def _appraised(f: Facts, value: str) -> Check:
    children = f.get("children")
    if children is MISSING:
        return Check("child-appraised-disabled", None, ("children",))
    living = _living(children)
    if not living:
        return Check("child-appraised-disabled", False)
    return _any("child-appraised-disabled", [
        f.check("child-appraised-disabled", lambda a: a == value, f"children.{i}.disability_appraisal")
        for i, _c in living])


def _rural(f: Facts) -> Check:
    return f.check("wife-rural", lambda h: h == "rural", "wife.hukou")


# --- versions ----------------------------------------------------------------------------------

def _mat(key: str) -> list[str]:
    return list(PROVISIONS[key].materials)


@birth_approval.version(valid_from=V2002_FROM, valid_to=V2016_FROM, basis="js-pfp-reg-2002")
def birth_approval_2002(f: Facts, as_of: dt.date, params: Params) -> Determination:
    """Jiangsu 2002 text, Art. 22 items 1–7 and Art. 23 items 1–5 (legal-facts §2.1); Art. 26 age 24."""
    age = _age(f, as_of)
    one_child = _child_count(f, "only-one-child", 1)
    g = []
    g.append(Ground(_A22 + "1", [one_child, _appraised(f, "non_hereditary_not_normal_labour"), age],
                    _mat(_A22 + "1")))
    duty = _spouse(f, "duty-disabled-2b-or-martyr-only-child", "duty_disability_grade",
                   lambda v: v in ("special", "1", "2A", "2B"))
    martyr = _spouse(f, "duty-disabled-2b-or-martyr-only-child", "martyr_only_child", lambda v: v is True)
    g.append(Ground(_A22 + "2", [_any("duty-disabled-2b-or-martyr-only-child", [duty, martyr]), one_child, age],
                    _mat(_A22 + "2")))
    g.append(Ground(_A22 + "3", [_remarriage(f, "death", (), "remarried-widowed-other-childless")],
                    _mat(_A22 + "3")))
    g.append(Ground(_A22 + "4", [_remarriage(f, "divorce", (1, 2), "remarried-divorced-other-childless")],
                    _mat(_A22 + "4")))
    adopted = f.check("adopted-no-birth", lambda ch: bool(_living(ch)) and all(
        c.get("parents") == "adopted_joint" for _, c in _living(ch)), "children")
    pregnant = f.check("wife-pregnant", lambda v: v is True, "wife_pregnant")
    g.append(Ground(_A22 + "5", [adopted, pregnant, age], _mat(_A22 + "5")))
    two_gen = _spouse(f, "two-generation-or-both-only-children", "parent_was_only_child", lambda v: v is True)
    both = _all("two-generation-or-both-only-children", [
        f.check("two-generation-or-both-only-children", lambda v: v is True, "wife.is_only_child"),
        f.check("two-generation-or-both-only-children", lambda v: v is True, "husband.is_only_child")])
    g.append(Ground(_A22 + "6", [_any("two-generation-or-both-only-children", [two_gen, both]), one_child, age],
                    _mat(_A22 + "6")))
    underground = _any("underground-5-years-now", [
        _all("underground-5-years-now", [
            f.check("underground-5-years-now", lambda y: (y or 0) >= 5, f"{who}.underground_years"),
            f.check("underground-5-years-now", lambda v: v is True, f"{who}.underground_now")])
        for who in ("wife", "husband")])
    g.append(Ground(_A22 + "7", [underground, _one_girl(f), age], _mat(_A22 + "7")))
    # Art. 23: wife a rural resident
    rural = _rural(f)
    only = _spouse(f, "one-spouse-only-child", "is_only_child", lambda v: v is True)
    g.append(Ground(_A23 + "1", [rural, only, one_child, age], _mat(_A23 + "1")))
    brothers = _all("husband-brothers-cannot-have-children", [
        f.check("husband-brothers-cannot-have-children", lambda n: (n or 0) >= 1, "husband.brothers"),
        f.check("husband-brothers-cannot-have-children", lambda n: n == 0, "husband.brothers_able_to_have_children")])
    g.append(Ground(_A23 + "2", [rural, one_child, brothers, age], _mat(_A23 + "2")))
    married_in = _all("husband-married-into-wife-family", [
        f.check("husband-married-into-wife-family", lambda v: v is True, "marriage.husband_married_into_wife_family"),
        f.check("husband-married-into-wife-family", lambda n: n == 0, "wife.brothers"),
        f.check("husband-married-into-wife-family", lambda v: v is True, "marriage.supports_wife_parents")])
    g.append(Ground(_A23 + "3", [rural, married_in, _one_girl(f), age], _mat(_A23 + "3")))
    no_brothers = _all("husband-no-brothers-one-sister", [
        f.check("husband-no-brothers-one-sister", lambda n: n == 0, "husband.brothers"),
        f.check("husband-no-brothers-one-sister", lambda n: n == 1, "husband.sisters")])
    g.append(Ground(_A23 + "4", [rural, no_brothers, _one_girl(f), age], _mat(_A23 + "4")))
    reclamation = _all("coastal-reclamation-5-mu", [
        f.check("coastal-reclamation-5-mu", lambda v: v is True, "residence.coastal_reclamation_area"),
        f.check("coastal-reclamation-5-mu", lambda v: v is not None and v >= 5, "residence.land_mu_per_person")])
    g.append(Ground(_A23 + "5", [rural, reclamation, _one_girl(f), age], _mat(_A23 + "5")))
    return decide(g, common_materials=COMMON_MATERIALS_2002)


def _later(f: Facts, registration_key: str, limit: int, another: list[Ground]) -> Determination:
    under = f.check("children-under-limit", lambda ch: len(_living(ch)) < limit, "children")
    grounds = [Ground(registration_key, [under], _mat(registration_key)), *another]
    return decide(grounds, common_materials=["夫妻双方居民身份证", "结婚证", "户口簿"])


@birth_approval.version(valid_from=V2016_FROM, valid_to=V2021_FROM, basis="js-pfp-reg-2016")
def birth_approval_2016(f: Facts, as_of: dt.date, params: Params) -> Determination:
    """From 2016-01-01 (UNVERIFIED wording): two children by registration; another under listed conditions."""
    k1, k2 = "js-pfp-reg-2016/another-child/item-1", "js-pfp-reg-2016/another-child/item-2"
    two = _child_count(f, "two-children", 2)
    remarried = _any("remarried-at-most-two-before", [
        _all("remarried-at-most-two-before", [
            f.check("remarried-at-most-two-before", lambda p: isinstance(p, dict) and p.get("children", 9) <= 2,
                    f"{who}.previous_marriage")]) for who in ("wife", "husband")])
    return _later(f, "js-pfp-reg-2016/birth-registration", 2, [
        Ground(k1, [two, _appraised(f, "non_hereditary_not_normal_labour")], _mat(k1)),
        Ground(k2, [remarried, _no_joint_child(f)], _mat(k2)),
    ])


@birth_approval.version(valid_from=V2021_FROM, basis="js-pfp-reg-2021")
def birth_approval_2021(f: Facts, as_of: dt.date, params: Params) -> Determination:
    """From 2021 (UNVERIFIED date and wording): three children by registration; a fourth if one is disabled."""
    k1 = "js-pfp-reg-2021/another-child/item-1"
    three = _child_count(f, "three-children", 3)
    return _later(f, "js-pfp-reg-2021/birth-registration", 3, [
        Ground(k1, [three, _appraised(f, "non_hereditary_not_normal_labour")], _mat(k1)),
    ])


# --- the shape of the facts (contract §2) ---------------------------------------------------------

_BOOL = "bool"
_COUNT = "count"
_DATE = "date"
_SPOUSE_SHAPE: dict[str, Any] = {
    "birth_date": _DATE, "hukou": ("rural", "urban"), "is_only_child": _BOOL, "parent_was_only_child": _BOOL,
    "martyr_only_child": _BOOL, "duty_disability_grade": ("special", "1", "2A", "2B", "3A", "3B", None),
    "underground_years": _COUNT, "underground_now": _BOOL, "brothers": _COUNT, "sisters": _COUNT,
    "brothers_able_to_have_children": _COUNT,
}
_PREVIOUS_SHAPE: dict[str, Any] = {"ended_by": ("death", "divorce"), "children": _COUNT,
                                   "children_with_this_spouse_after_divorce": _COUNT}
_CHILD_SHAPE: dict[str, Any] = {
    "birth_date": _DATE, "sex": ("F", "M"), "parents": ("joint", "wife_previous", "husband_previous", "adopted_joint"),
    "alive": _BOOL, "disability_appraisal": (None, "not_disabled", "non_hereditary_not_normal_labour",
                                             "severe_hereditary"),
}
_MARRIAGE_SHAPE: dict[str, Any] = {"date": _DATE, "husband_married_into_wife_family": _BOOL,
                                   "supports_wife_parents": _BOOL}


def _bad(path: str, expected: str) -> Exception:
    from jisheng.core.errors import InvalidInput

    return InvalidInput(f"应为{expected}", location=path)


def _check_value(path: str, value: Any, kind: Any) -> None:
    if kind == _BOOL:
        if value is not None and not isinstance(value, bool):
            raise _bad(path, " true、false 或 null")
    elif kind == _COUNT:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise _bad(path, "非负整数或 null")
    elif kind == _DATE:
        if not isinstance(value, str):
            raise _bad(path, "日期字符串 YYYY-MM-DD")
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise _bad(path, "日期字符串 YYYY-MM-DD") from None
    elif value not in kind:
        raise _bad(path, "以下之一：" + "、".join("null" if k is None else str(k) for k in kind))


def _check_object(path: str, value: Any, shape: dict[str, Any]) -> None:
    if not isinstance(value, dict):
        raise _bad(path, " JSON 对象")
    for key, kind in shape.items():
        if key in value:
            _check_value(f"{path}.{key}", value[key], kind)


def validate_facts(facts: Any) -> None:
    """Check the types of the known contract §2 fact paths (unknown keys are ignored; absent = unknown).

    Wrong types would otherwise be judged as if they meant something (a string as a child list) or crash
    a comparison, on public pages too.

    Raises:
        InvalidInput: naming the path (``husband.underground_years``) and the expected type.
    """
    if not isinstance(facts, dict):
        raise _bad("facts", " JSON 对象")
    if "application_date" in facts:
        _check_value("application_date", facts["application_date"], _DATE)
    for who in ("wife", "husband"):
        if who not in facts:
            continue
        _check_object(who, facts[who], _SPOUSE_SHAPE)
        previous = facts[who].get("previous_marriage")
        if previous is not None:
            _check_object(f"{who}.previous_marriage", previous, _PREVIOUS_SHAPE)
    if "marriage" in facts:
        _check_object("marriage", facts["marriage"], _MARRIAGE_SHAPE)
    if "residence" in facts:
        residence = facts["residence"]
        _check_object("residence", residence, {"coastal_reclamation_area": _BOOL})
        land = residence.get("land_mu_per_person")
        if land is not None and (isinstance(land, bool) or not isinstance(land, int | float) or land < 0):
            raise _bad("residence.land_mu_per_person", "非负数或 null")
    if "children" in facts:
        children = facts["children"]
        if not isinstance(children, list):
            raise _bad("children", " JSON 数组")
        for i, child in enumerate(children):
            _check_object(f"children.{i}", child, _CHILD_SHAPE)
    if "wife_pregnant" in facts:
        _check_value("wife_pregnant", facts["wife_pregnant"], _BOOL)


def evaluate(facts: dict[str, Any], as_of: dt.date | None = None) -> Determination:
    """Judge ``facts`` on ``as_of`` (default: the facts' ``application_date``) with the version in force.

    Raises:
        InvalidInput: facts of the wrong shape (see :func:`validate_facts`), no ``as_of`` and no
            ``application_date``, a malformed date, or no rule version then.
    """
    from jisheng.core.errors import InvalidInput

    validate_facts(facts)
    if as_of is None:
        raw = facts.get("application_date")
        if not raw:
            raise InvalidInput("需要 application_date 或 --as-of", location="application_date")
        try:
            as_of = dt.date.fromisoformat(str(raw))
        except ValueError:
            raise InvalidInput(f"不是有效日期：{raw}", location="application_date") from None
    return birth_approval.evaluate(facts, as_of=as_of)
