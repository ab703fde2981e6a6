"""Birth approval (再生育审批) eligibility: dated rules under the Jiangsu regulation and the national law.

Rule ``birth-approval`` (see :mod:`jisheng.law.rules`), facts per contract §2, judged on ``as_of``. Every date
and text below is recorded, with where it was read, in ``jisheng/law/data/instruments/`` (docs/adr/0049):

- **2002 text** (from 2002-11-01, start UNVERIFIED, until 2014-03-27): Art. 22 items 1–7 (any couple); Art. 23
  para. 1 items 1–6 and para. 2 (wife — para. 2: both spouses — a rural resident); Art. 23 para. 3 (a rural-to-urban
  hukou conversion keeps paras. 1–2 for five years). Keys ``js-pfp-reg-2002/art-22/item-N``,
  ``…/art-23/item-N``, ``…/art-23/para-2``, ``…/art-23/para-3``. Application once the wife is 24 (Art. 26);
  the remarriage items 22.3 and 22.4 right after marriage.
- **2014 text** (单独二孩, from 2014-03-28, the amendment's date of adoption and effect): Art. 22 item 1 is the
  new ground "one spouse an only child, one child"; the 2002 items 1–5 and 7 become items 2–7 (item 3 without the
  martyr's only child); Art. 23 loses the rural 单独 item, its items 2–6 become 1–5; Art. 26 exempts the remarriage
  items 22.4 and 22.5 from the age condition. Keys ``js-pfp-reg-2014/…``.
- **From 2016-01-01** (the national law as amended on 2015-12-27, Art. 18 two children): two children by birth
  registration (``pfp-law-2015/art-18`` and the Jiangsu 2016 text ``js-pfp-reg-2016/birth-registration``, whose
  date and wording are UNVERIFIED); another child only under listed conditions (``js-pfp-reg-2016/another-child/…``,
  modelled on the verified Shandong 2016 Art. 20).
- **From 2021-08-20** (the national law as amended that day, Art. 18 "一对夫妻可以生育三个子女", overriding the
  provincial text on that date): three children by registration (``pfp-law-2021/art-18``); the Jiangsu 2016 text
  still gives its own grounds.
- **From 2021-09-29** (Jiangsu 2021 text, UNVERIFIED date and wording): three children by registration
  (``pfp-law-2021/art-18`` and ``js-pfp-reg-2021/birth-registration``); a fourth only if a child is appraised
  disabled (``js-pfp-reg-2021/another-child/item-1``), modelled on the verified Shanghai 2021 Art. 23.

Counting children: the entries of ``children`` whose ``alive`` is not ``false`` (an absent ``alive`` is
read as living, the usual case). Every provision's title, summary, materials and whether its text is
verified live in :data:`PROVISIONS` (``verified`` agrees with the provision catalogue; a test checks it);
self-check, leaflets, API and staff screens all read them from here.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jisheng.law.rules import MISSING, Check, Determination, Facts, Ground, Params, Rule, decide

RULE_KEY = "birth-approval"
birth_approval = Rule(RULE_KEY, "再生育审批")

V2002_FROM = dt.date(2002, 11, 1)
V2014_FROM = dt.date(2014, 3, 28)
V2016_FROM = dt.date(2016, 1, 1)
V2021_NATIONAL_FROM = dt.date(2021, 8, 20)
V2021_FROM = dt.date(2021, 9, 29)

#: The ten-grade disability scale (一级至十级) of the 军人抚恤优待条例 applies from the 2004 regulation's date of
#: effect (``military-pension-reg-2004``: Art. 54 of the 2019 text, "本条例自2004年10月1日起施行").
TEN_GRADE_SCALE_FROM = dt.date(2004, 10, 1)
#: "二等乙级以上" on the older scale (特等, 一等, 二等甲级, 二等乙级): the Jiangsu text's own words.
DUTY_GRADES_2B_OR_ABOVE_OLD = ("special", "1", "2A", "2B")
#: "二等乙级以上" on the ten-grade scale: grades 1–6 ("一至六级残疾军人相当于原二等乙级以上革命伤残军人", the civil
#: affairs ministry as reported by Xinhua on 2006-01-17 — a statement, not a legal text: UNVERIFIED).
DUTY_GRADES_2B_OR_ABOVE_NEW = tuple(f"grade-{n}" for n in range(1, 7))
DUTY_GRADES_NEW = tuple(f"grade-{n}" for n in range(1, 11))
#: Where the grade mapping is recorded in the catalogue (the rule tests check every key exists).
DUTY_GRADE_SOURCES = ("js-pfp-reg-2002/art-22/item-2", "js-pfp-reg-2014/art-22/item-3", "military-pension-reg-2004",
                      "military-pension-reg-2019/art-22/para-1")

#: Art. 23 para. 3: the kinds of rural-to-urban conversion that keep paras. 1–2 for five years.
CONVERSIONS_KEEPING_RURAL = ("en_bloc", "lives_in_countryside")
CONVERSION_YEARS = 5

COMMON_MATERIALS_2002 = ["《再生育申请审批表》（夫妻双方单位或村（居）委会签署意见）", "夫妻双方居民身份证", "结婚证",
                         "户口簿", "夫妻双方婚育情况证明", "现有子女出生医学证明", "女方近期免冠照片"]
#: The 2014 text keeps the 2002 procedure (Art. 26: apply at the wife's hukou town, county approval, 生育证).
COMMON_MATERIALS_2014 = COMMON_MATERIALS_2002
COMMON_MATERIALS_LATER = ["夫妻双方居民身份证", "结婚证", "户口簿"]


@dataclass(frozen=True)
class Provision:
    """A provision the rules can cite, as shown to citizens and staff.

    ``conditions`` are plain-language conditions (one line each); ``materials`` the extra documents
    for this provision; ``verified`` False when the wording is not confirmed (shown as such; it agrees with the
    catalogue's flag); ``situation`` False for a provision that only extends others (Art. 23 para. 3), which has
    no leaflet of its own.
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
    situation: bool = True


def _p(key: str, number: str, title: str, conditions: Sequence[str], materials: Sequence[str] = (), **kw: Any
       ) -> Provision:
    return Provision(key, number, title, tuple(conditions), tuple(materials), **kw)


_A22 = "js-pfp-reg-2002/art-22/item-"
_A23 = "js-pfp-reg-2002/art-23/item-"
_B22 = "js-pfp-reg-2014/art-22/item-"
_B23 = "js-pfp-reg-2014/art-23/item-"
_AGE = "女方年满24周岁后申请"
_DUTY_NOTE = ("二等乙级以上：旧等级为特等、一等、二等甲级、二等乙级；2004年10月1日起的一级至十级中为一至六级"
              "（按民政部负责人“一至六级残疾军人相当于原二等乙级以上”的说明认定，待核实）")
_LIMB_MAT = ["县级以上医学、劳动鉴定机构出具的非遗传性肢体残疾等级鉴定（残疾人证）",
             "村（居）委会出具的主要从事种植业或者养殖业的证明"]
_SEA_MAT = ["从事海洋捕捞五年以上且现仍从事海洋捕捞业的证明（所在单位或村（居）委会出具）"]
_CONVERSION_MAT = ["户口由农业转为非农业的证明（注明转户日期）", "仍在农村居住生活或成建制转为城镇居民的证明"]
_RURAL_CONDITIONS = ("女方为农村居民（农转非五年内的，见第二十三条第三款）",)


def _jiangsu_rural_items(prefix: str, number: str, first: int, version: str) -> list[Provision]:
    """Art. 23 para. 1 items shared by the 2002 text (items 2–6) and the 2014 text (items 1–5)."""
    cn = "〇一二三四五六七八九"
    return [
        _p(f"{prefix}{first}", f"{number}第（{cn[first]}）项", "农村：男方兄弟均无生育条件",
           [*_RURAL_CONDITIONS, "夫妻只有一个子女", "男方有兄弟，但兄弟均无生育条件", _AGE],
           ["男方兄弟无生育能力的医学证明"], rural_only=True, version=version),
        _p(f"{prefix}{first + 1}", f"{number}第（{cn[first + 1]}）项",
           "农村：男到无兄弟的女家落户并赡养父母，只有一个女孩",
           [*_RURAL_CONDITIONS, "男方到女方家落户", "女方无兄弟", "赡养女方父母", "夫妻只有一个女孩",
            "姐妹中只照顾一人", _AGE],
           ["落户及赡养协议、村（居）委会证明"], rural_only=True, version=version),
        _p(f"{prefix}{first + 2}", f"{number}第（{cn[first + 2]}）项", "农村：男方无兄弟且只有一个姐妹，只有一个女孩",
           [*_RURAL_CONDITIONS, "男方无兄弟且只有一个姐妹", "夫妻只有一个女孩", _AGE], ["男方家庭成员证明"],
           rural_only=True, version=version),
        _p(f"{prefix}{first + 3}", f"{number}第（{cn[first + 3]}）项", "农村：沿海垦区人均耕地五亩以上，只有一个女孩",
           [*_RURAL_CONDITIONS, "居住在沿海垦区，人均耕地五亩以上（以村为单位计算）", "夫妻只有一个女孩", _AGE],
           ["村委会出具的人均耕地证明"], rural_only=True, version=version),
        _p(f"{prefix}{first + 4}", f"{number}第（{cn[first + 4]}）项", "农村：一方以海洋捕捞为业五年以上，只有一个女孩",
           [*_RURAL_CONDITIONS, "一方以海洋捕捞为业五年以上，现仍从事海洋捕捞业", "夫妻只有一个女孩", _AGE], _SEA_MAT,
           rural_only=True, version=version),
    ]


def _jiangsu_rural_paragraphs(article: str, number: str, version: str) -> list[Provision]:
    """Art. 23 paras. 2 and 3 (the same words in the 2002 and 2014 texts)."""
    return [
        _p(f"{article}/para-2", f"{number}第二款", "农村：一方为一级或二级非遗传性肢体残疾，只有一个女孩",
           ["夫妻双方为主要从事种植业或者养殖业的农村居民（农转非五年内的，见第三款）",
            "一方经县级以上医学、劳动鉴定机构确认为非遗传性一级或者二级肢体残疾", "夫妻只有一个女孩", _AGE], _LIMB_MAT,
           rural_only=True, version=version),
        _p(f"{article}/para-3", f"{number}第三款", "农转非五年内仍适用农村再生育条件",
           ["农村居民转为城镇居民但仍在农村居住生活，或在小城镇户籍制度改革中成建制转为城镇居民",
            "自转为城镇居民之日起五年内", "符合第二十三条第一款或第二款的其他条件"], _CONVERSION_MAT,
           rural_only=True, version=version, situation=False),
    ]


PROVISIONS: dict[str, Provision] = {p.key: p for p in [
    # 2002 text (third-party copies agree; catalogue js-pfp-reg-2002)
    _p(_A22 + "1", "第二十二条第（一）项", "独生子女为非遗传性病残儿",
       ["夫妻只有一个子女", "经病残儿医学鉴定机构鉴定为非严重遗传性残疾，不能成长为正常劳动力", _AGE],
       ["病残儿医学鉴定结论"]),
    _p(_A22 + "2", "第二十二条第（二）项", "因公致残（二等乙级以上）或烈士独生子女",
       ["一方为因公（见义勇为）致残的军人、武警、公安干警等，残疾等级二等乙级以上，或一方为烈士的独生子女",
        "夫妻只有一个子女", _AGE], ["革命伤残军人证等残疾证件或烈士证明"], notes=(_DUTY_NOTE,)),
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
       [*_RURAL_CONDITIONS, "一方为独生子女", "夫妻只有一个子女", _AGE], ["独生子女证明"], rural_only=True),
    *_jiangsu_rural_items(_A23, "第二十三条", 2, "2002"),
    *_jiangsu_rural_paragraphs("js-pfp-reg-2002/art-23", "第二十三条", "2002"),
    # 2014 text (单独二孩; from 2014-03-28; item 22.1's own words not read: unverified)
    _p(_B22 + "1", "2014年修正文本第二十二条第（一）项", "一方为独生子女，只有一个子女（单独二孩）",
       ["夫妻一方为独生子女（含两代独生子女、烈士的独生子女）", "夫妻只有一个子女", _AGE],
       ["独生子女证明（独生子女父母光荣证等）"], verified=False, version="2014"),
    _p(_B22 + "2", "2014年修正文本第二十二条第（二）项", "独生子女为非遗传性病残儿",
       ["夫妻只有一个子女", "经病残儿医学鉴定机构鉴定为非严重遗传性残疾，不能成长为正常劳动力", _AGE],
       ["病残儿医学鉴定结论"], version="2014"),
    _p(_B22 + "3", "2014年修正文本第二十二条第（三）项", "因公致残（二等乙级以上）",
       ["一方为因公（见义勇为）致残的军人、武警、公安民警等，残疾等级二等乙级以上", "夫妻只有一个子女", _AGE],
       ["革命伤残军人证、残疾军人证等残疾证件"], version="2014", notes=(_DUTY_NOTE,)),
    _p(_B22 + "4", "2014年修正文本第二十二条第（四）项", "再婚：一方丧偶，另一方未生育过",
       ["一方丧偶后再婚", "另一方未生育过", "再婚后尚未共同生育", "可在再婚后即行申请（不受24周岁限制）"],
       ["原配偶死亡证明", "再婚结婚证"], remarriage=True, version="2014"),
    _p(_B22 + "5", "2014年修正文本第二十二条第（五）项", "再婚：一方离婚前生育一个或依法生育两个子女，另一方未生育过",
       ["一方离婚后再婚，离婚前只生育一个子女或依法生育两个子女", "另一方未生育过", "再婚后尚未共同生育",
        "可在再婚后即行申请（不受24周岁限制）"],
       ["离婚证及离婚协议书或法院判决书、调解书", "再婚结婚证"], remarriage=True, version="2014"),
    _p(_B22 + "6", "2014年修正文本第二十二条第（六）项", "未生育而依法收养后又怀孕",
       ["夫妻婚后未生育", "依法收养子女后", "女方又怀孕", _AGE], ["收养登记证", "怀孕证明"], version="2014"),
    _p(_B22 + "7", "2014年修正文本第二十二条第（七）项", "井下作业连续五年以上，只有一个女孩",
       ["一方从事井下作业连续五年以上且现仍从事井下作业", "夫妻只有一个女孩", _AGE],
       ["所在单位出具的井下作业工龄证明"], version="2014"),
    *_jiangsu_rural_items(_B23, "2014年修正文本第二十三条", 1, "2014"),
    *_jiangsu_rural_paragraphs("js-pfp-reg-2014/art-23", "2014年修正文本第二十三条", "2014"),
    # the national law: two children from 2016-01-01, three from 2021-08-20 (verified, LawRefBook)
    _p("pfp-law-2015/art-18", "人口与计划生育法（2015年修正）第十八条", "国家提倡一对夫妻生育两个子女（生育登记）",
       ["夫妻现有子女少于两个", "生育第一、二个子女无需审批，办理生育登记"], ["夫妻双方居民身份证", "结婚证"],
       version="2016"),
    _p("pfp-law-2021/art-18", "人口与计划生育法（2021年修正）第十八条", "一对夫妻可以生育三个子女（生育登记）",
       ["夫妻现有子女少于三个", "生育子女办理生育登记，无需审批"], ["夫妻双方居民身份证", "结婚证"], version="2021"),
    # Jiangsu 2016 and 2021 texts: dates and wording not found (cited as their text version)
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

#: The situations of the 2002 text in article order (the leaflets): Art. 22 items 1–7, Art. 23 items 1–6 and
#: para. 2 (para. 3 only extends paras. 1–2 to converted hukou and has no leaflet of its own).
SITUATIONS_2002 = [k for k, p in PROVISIONS.items() if k.startswith("js-pfp-reg-2002/") and p.situation]
#: The situations of the 2014 text in article order.
SITUATIONS_2014 = [k for k, p in PROVISIONS.items() if k.startswith("js-pfp-reg-2014/") and p.situation]


def provision(key: str) -> Provision | None:
    """The provision ``key`` as shown to people (None for an unknown key)."""
    return PROVISIONS.get(key)


def version_text_verified(basis: str) -> bool:
    """True when every provision the rule cites under the instrument version ``basis`` has verified wording
    (e.g. the 2002 text; False for the 2014 text, whose new item 22.1 was not read, and for 2016/2021)."""
    cited = [p for k, p in PROVISIONS.items() if k.startswith(basis + "/")]
    return bool(cited) and all(p.verified for p in cited)


# --- fact helpers --------------------------------------------------------------------------------

def _years(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _add_years(day: dt.date, years: int) -> dt.date:
    """The corresponding day ``years`` later; 29 February without one is the month's last day (民法典 Art. 202)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


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


def _holds(id: str, ground: Ground) -> Check:
    """A ground's outcome as a check (for a provision that only applies together with another)."""
    return Check(id, ground.holds, tuple(p for c in ground.checks if c.holds is None for p in c.missing))


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


def _is_only_child(f: Facts, who: str, id: str) -> Check:
    """``who`` is an only child: ``is_only_child``, or implied by being a two-generation only child or a martyr's
    only child (contract §2 defines both as only children)."""
    direct = f.check(id, lambda v: v is True, f"{who}.is_only_child")
    if direct.holds is not None:
        return direct
    for key in ("parent_was_only_child", "martyr_only_child"):
        if f.has(f"{who}.{key}") and f.get(f"{who}.{key}") is True:
            return Check(id, True)
    return direct


def _duty_2b_or_above(grade: Any, on: dt.date) -> bool:
    """Whether a duty-disability grade is "二等乙级以上" on ``on``: the older scale's 特等…二等乙级 on every date; the
    ten-grade scale's 一至六级 once that scale is in force (:data:`TEN_GRADE_SCALE_FROM`)."""
    if grade in DUTY_GRADES_2B_OR_ABOVE_OLD:
        return True
    return grade in DUTY_GRADES_2B_OR_ABOVE_NEW and on >= TEN_GRADE_SCALE_FROM


def _duty_disabled(f: Facts, as_of: dt.date, id: str) -> Check:
    return _spouse(f, id, "duty_disability_grade", lambda v: _duty_2b_or_above(v, as_of))


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


def _remarried_at_most_two_before(f: Facts) -> Check:
    """At least one spouse remarried and the children both had before this marriage number at most two in all
    (再婚前双方合计不超过两个子女): the sum of ``previous_marriage.children`` of both spouses."""
    id = "remarried-at-most-two-children-before"
    total, remarried, missing = 0, False, []
    for who in ("wife", "husband"):
        prev = f.get(f"{who}.previous_marriage")
        if prev is MISSING:
            missing.append(f"{who}.previous_marriage")
            continue
        if not isinstance(prev, dict):
            continue  # null: first marriage, no children before it
        remarried = True
        n = prev.get("children")
        if n is None:
            missing.append(f"{who}.previous_marriage.children")
        else:
            total += n
    if total > 2:
        return Check(id, False)  # whatever the unknown count is
    if missing:
        return Check(id, None, tuple(missing))
    return Check(id, remarried)


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


def _converted(f: Facts, who: str, as_of: dt.date, id: str) -> Check:
    """``who`` (hukou now urban) changed from rural to urban at most five years before ``as_of`` — the period ends on
    the corresponding day five years on (民法典 Art. 201–202; 民法通则 before 2021) — and still lives in the
    countryside or was converted en bloc (Art. 23 para. 3)."""
    on = f.date(f"{who}.hukou_converted_on")
    if on is MISSING:
        return Check(id, None, (f"{who}.hukou_converted_on",))
    if on is None or not on <= as_of <= _add_years(on, CONVERSION_YEARS):
        return Check(id, False)
    return f.check(id, lambda kind: kind in CONVERSIONS_KEEPING_RURAL, f"{who}.hukou_conversion_kind")


def _rural(f: Facts, who: str, as_of: dt.date, id: str) -> Check:
    """``who`` counts as a rural resident under Art. 23: rural hukou, or a qualifying conversion (para. 3)."""
    hukou = f.get(f"{who}.hukou")
    if hukou is MISSING:
        return Check(id, None, (f"{who}.hukou",))
    if hukou == "rural":
        return Check(id, True)
    return _converted(f, who, as_of, id)


def _relies_on_conversion(f: Facts, who: str, as_of: dt.date, id: str) -> Check:
    """``who`` counts as rural only through a conversion (urban hukou converted within five years)."""
    hukou = f.get(f"{who}.hukou")
    if hukou is MISSING:
        return Check(id, None, (f"{who}.hukou",))
    if hukou == "rural":
        return Check(id, False)
    return _converted(f, who, as_of, id)


def _underground(f: Facts) -> Check:
    return _any("underground-5-years-now", [
        _all("underground-5-years-now", [
            f.check("underground-5-years-now", lambda y: (y or 0) >= 5, f"{who}.underground_years"),
            f.check("underground-5-years-now", lambda v: v is True, f"{who}.underground_now")])
        for who in ("wife", "husband")])


def _sea_fishing(f: Facts) -> Check:
    """One spouse has lived by sea fishing for five years or more (以海洋捕捞为业五年以上) and still does."""
    return _any("sea-fishing-5-years-now", [
        _all("sea-fishing-5-years-now", [
            f.check("sea-fishing-5-years-now", lambda y: (y or 0) >= 5, f"{who}.sea_fishing_years"),
            f.check("sea-fishing-5-years-now", lambda v: v is True, f"{who}.sea_fishing_now")])
        for who in ("wife", "husband")])


def _limb_disabled(f: Facts) -> Check:
    """One spouse has a grade 1 or 2 non-hereditary limb disability (一级或者二级肢体残疾)."""
    return _spouse(f, "limb-disability-grade-1-or-2", "limb_disability_grade",
                   lambda g: g is not None and int(g) <= 2)


# --- versions ----------------------------------------------------------------------------------

def _mat(key: str) -> list[str]:
    return list(PROVISIONS[key].materials)


def _ground(key: str, checks: Sequence[Check]) -> Ground:
    return Ground(key, list(checks), _mat(key))


def _art23(f: Facts, as_of: dt.date, age: Check, article: str, items: dict[str, int]) -> list[Ground]:
    """Art. 23 (the 2002 and 2014 texts): para. 1 items (wife a rural resident), para. 2 (both spouses rural,
    farming or breeding, a grade 1–2 limb disability, one girl) and para. 3 (a qualifying rural-to-urban
    conversion within five years keeps paras. 1–2: its provision is cited with the ground it keeps)."""
    rural = _rural(f, "wife", as_of, "wife-rural")
    item = {name: f"{article}/item-{n}" for name, n in items.items()}
    para1: list[Ground] = []
    if "only-child" in item:
        para1.append(_ground(item["only-child"], [
            rural, _spouse(f, "one-spouse-only-child", "is_only_child", lambda v: v is True),
            _child_count(f, "only-one-child", 1), age]))
    para1.append(_ground(item["brothers"], [rural, _child_count(f, "only-one-child", 1), _all(
        "husband-brothers-cannot-have-children", [
            f.check("husband-brothers-cannot-have-children", lambda n: (n or 0) >= 1, "husband.brothers"),
            f.check("husband-brothers-cannot-have-children", lambda n: n == 0,
                    "husband.brothers_able_to_have_children")]), age]))
    para1.append(_ground(item["married-in"], [rural, _all("husband-married-into-wife-family", [
        f.check("husband-married-into-wife-family", lambda v: v is True, "marriage.husband_married_into_wife_family"),
        f.check("husband-married-into-wife-family", lambda n: n == 0, "wife.brothers"),
        f.check("husband-married-into-wife-family", lambda v: v is True, "marriage.supports_wife_parents")]),
        _one_girl(f), age]))
    para1.append(_ground(item["one-sister"], [rural, _all("husband-no-brothers-one-sister", [
        f.check("husband-no-brothers-one-sister", lambda n: n == 0, "husband.brothers"),
        f.check("husband-no-brothers-one-sister", lambda n: n == 1, "husband.sisters")]), _one_girl(f), age]))
    para1.append(_ground(item["reclamation"], [rural, _all("coastal-reclamation-5-mu", [
        f.check("coastal-reclamation-5-mu", lambda v: v is True, "residence.coastal_reclamation_area"),
        f.check("coastal-reclamation-5-mu", lambda v: v is not None and v >= 5, "residence.land_mu_per_person")]),
        _one_girl(f), age]))
    para1.append(_ground(item["sea-fishing"], [rural, _sea_fishing(f), _one_girl(f), age]))
    both_rural = _all("both-rural", [_rural(f, "wife", as_of, "both-rural"), _rural(f, "husband", as_of, "both-rural")])
    farming = f.check("mainly-farming-or-breeding", lambda v: v is True, "residence.mainly_farming")
    para2 = _ground(f"{article}/para-2", [both_rural, farming, _limb_disabled(f), _one_girl(f), age])
    wife_converted = _relies_on_conversion(f, "wife", as_of, "hukou-converted-within-5-years")
    husband_converted = _relies_on_conversion(f, "husband", as_of, "hukou-converted-within-5-years")
    kept = "hukou-converted-within-5-years"
    para3 = _ground(f"{article}/para-3", [_any(kept, [
        _all(kept, [wife_converted, _any(kept, [_holds(kept, g) for g in para1])]),
        _all(kept, [_any(kept, [wife_converted, husband_converted]), _holds(kept, para2)])])])
    return [*para1, para2, para3]


@birth_approval.version(valid_from=V2002_FROM, valid_to=V2014_FROM, basis="js-pfp-reg-2002")
def birth_approval_2002(f: Facts, as_of: dt.date, params: Params) -> Determination:
    """Jiangsu 2002 text: Art. 22 items 1–7, Art. 23 para. 1 items 1–6, paras. 2–3; Art. 26 age 24."""
    age = _age(f, as_of)
    one_child = _child_count(f, "only-one-child", 1)
    g = []
    g.append(_ground(_A22 + "1", [one_child, _appraised(f, "non_hereditary_not_normal_labour"), age]))
    duty = _duty_disabled(f, as_of, "duty-disabled-2b-or-martyr-only-child")
    martyr = _spouse(f, "duty-disabled-2b-or-martyr-only-child", "martyr_only_child", lambda v: v is True)
    g.append(_ground(_A22 + "2", [_any("duty-disabled-2b-or-martyr-only-child", [duty, martyr]), one_child, age]))
    g.append(_ground(_A22 + "3", [_remarriage(f, "death", (), "remarried-widowed-other-childless")]))
    g.append(_ground(_A22 + "4", [_remarriage(f, "divorce", (1, 2), "remarried-divorced-other-childless")]))
    adopted = f.check("adopted-no-birth", lambda ch: bool(_living(ch)) and all(
        c.get("parents") == "adopted_joint" for _, c in _living(ch)), "children")
    pregnant = f.check("wife-pregnant", lambda v: v is True, "wife_pregnant")
    g.append(_ground(_A22 + "5", [adopted, pregnant, age]))
    two_gen = _spouse(f, "two-generation-or-both-only-children", "parent_was_only_child", lambda v: v is True)
    both = _all("two-generation-or-both-only-children", [
        f.check("two-generation-or-both-only-children", lambda v: v is True, "wife.is_only_child"),
        f.check("two-generation-or-both-only-children", lambda v: v is True, "husband.is_only_child")])
    g.append(_ground(_A22 + "6", [_any("two-generation-or-both-only-children", [two_gen, both]), one_child, age]))
    g.append(_ground(_A22 + "7", [_underground(f), _one_girl(f), age]))
    g.extend(_art23(f, as_of, age, "js-pfp-reg-2002/art-23", {
        "only-child": 1, "brothers": 2, "married-in": 3, "one-sister": 4, "reclamation": 5, "sea-fishing": 6}))
    return decide(g, common_materials=COMMON_MATERIALS_2002)


@birth_approval.version(valid_from=V2014_FROM, valid_to=V2016_FROM, basis="js-pfp-reg-2014")
def birth_approval_2014(f: Facts, as_of: dt.date, params: Params) -> Determination:
    """Jiangsu 2014 text (单独二孩, from 2014-03-28): Art. 22 items 1–7 (item 1: one spouse an only child), Art. 23
    para. 1 items 1–5, paras. 2–3; Art. 26 age 24 except the remarriage items 22.4–22.5."""
    age = _age(f, as_of)
    one_child = _child_count(f, "only-one-child", 1)
    g = []
    only = _any("one-spouse-only-child",
                [_is_only_child(f, who, "one-spouse-only-child") for who in ("wife", "husband")])
    g.append(_ground(_B22 + "1", [only, one_child, age]))
    g.append(_ground(_B22 + "2", [one_child, _appraised(f, "non_hereditary_not_normal_labour"), age]))
    g.append(_ground(_B22 + "3", [_duty_disabled(f, as_of, "duty-disabled-2b"), one_child, age]))
    g.append(_ground(_B22 + "4", [_remarriage(f, "death", (), "remarried-widowed-other-childless")]))
    g.append(_ground(_B22 + "5", [_remarriage(f, "divorce", (1, 2), "remarried-divorced-other-childless")]))
    adopted = f.check("adopted-no-birth", lambda ch: bool(_living(ch)) and all(
        c.get("parents") == "adopted_joint" for _, c in _living(ch)), "children")
    g.append(_ground(_B22 + "6", [adopted, f.check("wife-pregnant", lambda v: v is True, "wife_pregnant"), age]))
    g.append(_ground(_B22 + "7", [_underground(f), _one_girl(f), age]))
    g.extend(_art23(f, as_of, age, "js-pfp-reg-2014/art-23", {
        "brothers": 1, "married-in": 2, "one-sister": 3, "reclamation": 4, "sea-fishing": 5}))
    return decide(g, common_materials=COMMON_MATERIALS_2014)


def _registration(f: Facts, key: str, limit: int) -> Ground:
    """Birth registration (no approval) while the couple has fewer than ``limit`` living children."""
    return _ground(key, [f.check("children-under-limit", lambda ch: len(_living(ch)) < limit, "children")])


def _grounds_2016(f: Facts) -> list[Ground]:
    """The Jiangsu 2016 text's own grounds (UNVERIFIED wording): registration below two children; another child
    when one of two is appraised disabled, or for a remarried couple with at most two children before (in all)."""
    k1, k2 = "js-pfp-reg-2016/another-child/item-1", "js-pfp-reg-2016/another-child/item-2"
    return [
        _registration(f, "js-pfp-reg-2016/birth-registration", 2),
        _ground(k1, [_child_count(f, "two-children", 2), _appraised(f, "non_hereditary_not_normal_labour")]),
        _ground(k2, [_remarried_at_most_two_before(f), _no_joint_child(f)]),
    ]


@birth_approval.version(valid_from=V2016_FROM, valid_to=V2021_NATIONAL_FROM, basis="js-pfp-reg-2016")
def birth_approval_2016(f: Facts, as_of: dt.date, params: Params) -> Determination:
    """From 2016-01-01: two children by registration under the national law (2015 Art. 18) and the Jiangsu 2016
    text (UNVERIFIED wording); another child under that text's listed conditions."""
    return decide([_registration(f, "pfp-law-2015/art-18", 2), *_grounds_2016(f)],
                  common_materials=COMMON_MATERIALS_LATER)


@birth_approval.version(valid_from=V2021_NATIONAL_FROM, valid_to=V2021_FROM, basis="pfp-law-2021")
def birth_approval_2021_national(f: Facts, as_of: dt.date, params: Params) -> Determination:
    """From 2021-08-20: the national law's Art. 18 (2021 text, "一对夫妻可以生育三个子女") overrides the Jiangsu 2016
    text, whose own grounds still apply where they give more."""
    return decide([_registration(f, "pfp-law-2021/art-18", 3), *_grounds_2016(f)],
                  common_materials=COMMON_MATERIALS_LATER)


@birth_approval.version(valid_from=V2021_FROM, basis="js-pfp-reg-2021")
def birth_approval_2021(f: Facts, as_of: dt.date, params: Params) -> Determination:
    """From 2021-09-29 (Jiangsu 2021 text, UNVERIFIED date and wording): three children by registration (national
    Art. 18 and the Jiangsu text); a fourth if one of three is appraised disabled."""
    k1 = "js-pfp-reg-2021/another-child/item-1"
    return decide([
        _registration(f, "pfp-law-2021/art-18", 3),
        _registration(f, "js-pfp-reg-2021/birth-registration", 3),
        _ground(k1, [_child_count(f, "three-children", 3), _appraised(f, "non_hereditary_not_normal_labour")]),
    ], common_materials=COMMON_MATERIALS_LATER)


# --- the shape of the facts (contract §2) ---------------------------------------------------------

_BOOL = "bool"
_COUNT = "count"
_DATE = "date"
_DATE_OR_NULL = "date-or-null"
_LIMB_GRADE = "limb-grade"
#: Duty-disability grades: the older scale (特等 … 三等乙级) stays valid; the ten-grade scale is ``grade-1`` …
#: ``grade-10``.
DUTY_GRADES = ("special", "1", "2A", "2B", "3A", "3B", *DUTY_GRADES_NEW)
HUKOU_CONVERSION_KINDS = ("en_bloc", "lives_in_countryside", "other")
_SPOUSE_SHAPE: dict[str, Any] = {
    "birth_date": _DATE, "hukou": ("rural", "urban"), "is_only_child": _BOOL, "parent_was_only_child": _BOOL,
    "martyr_only_child": _BOOL, "duty_disability_grade": (*DUTY_GRADES, None),
    "underground_years": _COUNT, "underground_now": _BOOL, "brothers": _COUNT, "sisters": _COUNT,
    "brothers_able_to_have_children": _COUNT, "sea_fishing_years": _COUNT, "sea_fishing_now": _BOOL,
    "limb_disability_grade": _LIMB_GRADE, "hukou_converted_on": _DATE_OR_NULL,
    "hukou_conversion_kind": (*HUKOU_CONVERSION_KINDS, None),
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
    elif kind == _LIMB_GRADE:
        if isinstance(value, bool) or (value is not None and value not in (1, 2, 3, 4, "1", "2", "3", "4")):
            raise _bad(path, "1、2、3、4（残疾人证上的肢体残疾等级）或 null")
    elif kind == _DATE_OR_NULL:
        if value is not None:
            _check_value(path, value, _DATE)
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
        _check_object("residence", residence, {"coastal_reclamation_area": _BOOL, "mainly_farming": _BOOL})
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
