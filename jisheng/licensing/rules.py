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

How it is computed (docs/adr/0052): :func:`evaluate` type-checks the facts in one pass, a version reads them once
into :class:`BirthFacts`, computes each shared condition once and combines plain outcomes (``True``, ``False`` or
the missing paths) with :func:`_decide`, which gives what :func:`jisheng.law.rules.decide` gives. The rule as it
was before (``tests/reference_rules.py``) is the oracle of ``tests/test_rule_equivalence.py`` and the baseline of
``python -m bench licensing``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jisheng.law.rules import MISSING, Determination, Facts, Params, Rule, parse_fact_date

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


# --- the facts, read once -------------------------------------------------------------------------
#
# A condition's outcome is an :data:`Outcome`: ``True`` (holds), ``False`` (fails) or a tuple of the fact paths
# that are missing to decide it (unknown; never empty). A ground is ``(provision key, ((condition id, outcome),
# ...))``; :func:`_decide` combines them exactly as :func:`jisheng.law.rules.decide` combines ``Ground`` objects
# of ``Check`` objects (the same outputs in the same order: docs/adr/0052), without building either.

Outcome = bool | tuple[str, ...]
Conditions = tuple[tuple[str, Outcome], ...]
Grounds = list[tuple[str, Conditions]]

_NO_CHILDREN = ("children",)


def _years(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _add_years(day: dt.date, years: int) -> dt.date:
    """The corresponding day ``years`` later; 29 February without one is the month's last day (民法典 Art. 202)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _living(children: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(i, c) for i, c in enumerate(children or []) if isinstance(c, dict) and c.get("alive") is not False]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if type(value) is dict or isinstance(value, Mapping) else {}


class SpouseFacts:
    """One spouse's facts (contract §2), each the JSON value or :data:`MISSING` when absent (a ``null`` stays
    None: known "none"). ``who`` is ``"wife"`` or ``"husband"`` (the prefix of the fact paths)."""

    __slots__ = ("birth_date", "brothers", "brothers_able_to_have_children", "duty_disability_grade", "hukou",
                 "hukou_conversion_kind", "hukou_converted_on", "is_only_child", "limb_disability_grade",
                 "martyr_only_child", "parent_was_only_child", "previous_marriage", "sea_fishing_now",
                 "sea_fishing_years", "sisters", "underground_now", "underground_years", "who")

    def __init__(self, who: str, data: Any) -> None:
        d = _mapping(data)
        self.who = who
        self.birth_date = d.get("birth_date", MISSING)
        self.hukou = d.get("hukou", MISSING)
        self.is_only_child = d.get("is_only_child", MISSING)
        self.parent_was_only_child = d.get("parent_was_only_child", MISSING)
        self.martyr_only_child = d.get("martyr_only_child", MISSING)
        self.duty_disability_grade = d.get("duty_disability_grade", MISSING)
        self.underground_years = d.get("underground_years", MISSING)
        self.underground_now = d.get("underground_now", MISSING)
        self.brothers = d.get("brothers", MISSING)
        self.sisters = d.get("sisters", MISSING)
        self.brothers_able_to_have_children = d.get("brothers_able_to_have_children", MISSING)
        self.sea_fishing_years = d.get("sea_fishing_years", MISSING)
        self.sea_fishing_now = d.get("sea_fishing_now", MISSING)
        self.limb_disability_grade = d.get("limb_disability_grade", MISSING)
        self.hukou_converted_on = d.get("hukou_converted_on", MISSING)
        self.hukou_conversion_kind = d.get("hukou_conversion_kind", MISSING)
        self.previous_marriage = d.get("previous_marriage", MISSING)


class BirthFacts:
    """The facts of a birth-approval application (contract §2) read once into attributes, with the values the
    rule derives from them (living children and their count) computed once.

    Absent facts are :data:`MISSING`; dates stay as given (ISO strings) until a version reads them.
    """

    __slots__ = ("children", "coastal_reclamation_area", "husband", "husband_married_into_wife_family",
                 "land_mu_per_person", "living", "living_count", "mainly_farming", "supports_wife_parents", "wife",
                 "wife_pregnant")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.wife = SpouseFacts("wife", data.get("wife"))
        self.husband = SpouseFacts("husband", data.get("husband"))
        self.children = data.get("children", MISSING)
        self.living = [] if self.children is MISSING else _living(self.children)
        self.living_count = len(self.living)
        marriage = _mapping(data.get("marriage"))
        self.husband_married_into_wife_family = marriage.get("husband_married_into_wife_family", MISSING)
        self.supports_wife_parents = marriage.get("supports_wife_parents", MISSING)
        residence = _mapping(data.get("residence"))
        self.coastal_reclamation_area = residence.get("coastal_reclamation_area", MISSING)
        self.land_mu_per_person = residence.get("land_mu_per_person", MISSING)
        self.mainly_farming = residence.get("mainly_farming", MISSING)
        self.wife_pregnant = data.get("wife_pregnant", MISSING)

    @classmethod
    def of(cls, facts: Facts | Mapping[str, Any]) -> BirthFacts:
        """The typed facts of a :class:`~jisheng.law.rules.Facts` reader or of a plain facts mapping."""
        return cls(facts.data if isinstance(facts, Facts) else facts)


def _any(*outcomes: Outcome) -> Outcome:
    """Holds when any holds; fails when all fail; else unknown with the missing paths (in order)."""
    missing: tuple[str, ...] = ()
    failed = True
    for o in outcomes:
        if o is True:
            return True
        if o is not False:
            failed = False
            missing += o
    return False if failed else missing


def _all(*outcomes: Outcome) -> Outcome:
    """Fails when any fails; holds when all hold; else unknown with the missing paths (in order)."""
    missing: tuple[str, ...] = ()
    holds = True
    for o in outcomes:
        if o is False:
            return False
        if o is not True:
            holds = False
            missing += o
    return True if holds else missing


def _is_true(value: Any, path: str) -> Outcome:
    """The fact is ``true`` (absent → unknown; ``null`` or ``false`` → fails)."""
    return (path,) if value is MISSING else value is True


def _date(value: Any, path: str) -> Any:
    return parse_fact_date(value, path)


def _age(f: BirthFacts, as_of: dt.date, min_age: int = 24) -> Outcome:
    """``wife-age-24`` (Art. 26): the wife is ``min_age`` on ``as_of``."""
    birth = _date(f.wife.birth_date, "wife.birth_date")
    return ("wife.birth_date",) if birth is MISSING else _years(birth, as_of) >= min_age


def _child_count(f: BirthFacts, n: int) -> Outcome:
    """Exactly ``n`` living children."""
    return _NO_CHILDREN if f.children is MISSING else f.living_count == n


def _one_girl(f: BirthFacts, one_child: Outcome) -> Outcome:
    """``only-one-girl``: one living child, a girl (``one_child`` is :func:`_child_count` of 1)."""
    if one_child is not True:
        return one_child
    idx, child = f.living[0]
    sex = child.get("sex", MISSING)
    return (f"children.{idx}.sex",) if sex is MISSING else sex == "F"


def _is_only_child(s: SpouseFacts) -> Outcome:
    """``who`` is an only child: ``is_only_child``, or implied by being a two-generation only child or a martyr's
    only child (contract §2 defines both as only children)."""
    if s.is_only_child is not MISSING:
        return s.is_only_child is True
    if s.parent_was_only_child is True or s.martyr_only_child is True:
        return True
    return (f"{s.who}.is_only_child",)


def _duty_2b_or_above(grade: Any, on: dt.date) -> bool:
    """Whether a duty-disability grade is "二等乙级以上" on ``on``: the older scale's 特等…二等乙级 on every date; the
    ten-grade scale's 一至六级 once that scale is in force (:data:`TEN_GRADE_SCALE_FROM`)."""
    if grade in DUTY_GRADES_2B_OR_ABOVE_OLD:
        return True
    return grade in DUTY_GRADES_2B_OR_ABOVE_NEW and on >= TEN_GRADE_SCALE_FROM


def _duty_disabled(s: SpouseFacts, as_of: dt.date) -> Outcome:
    grade = s.duty_disability_grade
    return (f"{s.who}.duty_disability_grade",) if grade is MISSING else _duty_2b_or_above(grade, as_of)


def _never_had_child(f: BirthFacts, s: SpouseFacts) -> Outcome:
    """``who`` had no child before this marriage and has none from it (previous-marriage children 0)."""
    prev = s.previous_marriage
    if prev is MISSING:
        return (f"{s.who}.previous_marriage",)
    if f.children is MISSING:
        return _NO_CHILDREN
    own = "wife_previous" if s.who == "wife" else "husband_previous"
    has_previous = any(isinstance(c, dict) and c.get("parents") == own for c in f.children or [])
    if prev is None:
        return not has_previous
    n = prev.get("children") if isinstance(prev, dict) else None
    if n is None:
        return (f"{s.who}.previous_marriage.children",)
    return n == 0 and not has_previous


def _no_joint_child(f: BirthFacts) -> Outcome:
    """``no-joint-child``: no living child of this marriage."""
    if f.children is MISSING:
        return _NO_CHILDREN
    return not any(c.get("parents") == "joint" for _, c in f.living)


def _remarriage(f: BirthFacts, ended_by: str, child_counts: tuple[int, ...], never: dict[str, Outcome],
                no_joint: Outcome) -> Outcome:
    """One spouse's previous marriage ended by ``ended_by`` (with children in ``child_counts`` if given)
    and the other spouse never had a child (``never`` by the other's ``who``); no joint child yet."""
    options: list[Outcome] = []
    for s, other in ((f.wife, "husband"), (f.husband, "wife")):
        prev = s.previous_marriage
        if prev is MISSING:
            options.append((f"{s.who}.previous_marriage",))
            continue
        if not isinstance(prev, dict) or prev.get("ended_by") != ended_by:
            options.append(False)
            continue
        if not child_counts:
            options.append(never[other])
            continue
        n = prev.get("children")
        options.append(_all(never[other], (f"{s.who}.previous_marriage.children",) if n is None
                            else n in child_counts))
    return _all(_any(*options), no_joint)


def _remarried_at_most_two_before(f: BirthFacts) -> Outcome:
    """At least one spouse remarried and the children both had before this marriage number at most two in all
    (再婚前双方合计不超过两个子女): the sum of ``previous_marriage.children`` of both spouses."""
    total, remarried = 0, False
    missing: tuple[str, ...] = ()
    for s in (f.wife, f.husband):
        prev = s.previous_marriage
        if prev is MISSING:
            missing += (f"{s.who}.previous_marriage",)
            continue
        if not isinstance(prev, dict):
            continue  # null: first marriage, no children before it
        remarried = True
        n = prev.get("children")
        if n is None:
            missing += (f"{s.who}.previous_marriage.children",)
        else:
            total += n
    if total > 2:
        return False  # whatever the unknown count is
    return missing or remarried


def _appraised(f: BirthFacts, value: str) -> Outcome:
    """``child-appraised-disabled``: a living child appraised ``value``."""
    if f.children is MISSING:
        return _NO_CHILDREN
    if not f.living:
        return False
    return _any(*[(f"children.{i}.disability_appraisal",) if "disability_appraisal" not in c
                  else c["disability_appraisal"] == value for i, c in f.living])


def _converted(s: SpouseFacts, as_of: dt.date) -> Outcome:
    """``who`` (hukou now urban) changed from rural to urban at most five years before ``as_of`` — the period ends on
    the corresponding day five years on (民法典 Art. 201–202; 民法通则 before 2021) — and still lives in the
    countryside or was converted en bloc (Art. 23 para. 3)."""
    on = _date(s.hukou_converted_on, f"{s.who}.hukou_converted_on")
    if on is MISSING:
        return (f"{s.who}.hukou_converted_on",)
    if on is None or not on <= as_of <= _add_years(on, CONVERSION_YEARS):
        return False
    kind = s.hukou_conversion_kind
    return (f"{s.who}.hukou_conversion_kind",) if kind is MISSING else kind in CONVERSIONS_KEEPING_RURAL


def _rural(s: SpouseFacts, as_of: dt.date) -> Outcome:
    """``who`` counts as a rural resident under Art. 23: rural hukou, or a qualifying conversion (para. 3)."""
    if s.hukou is MISSING:
        return (f"{s.who}.hukou",)
    return True if s.hukou == "rural" else _converted(s, as_of)


def _relies_on_conversion(s: SpouseFacts, as_of: dt.date) -> Outcome:
    """``who`` counts as rural only through a conversion (urban hukou converted within five years)."""
    if s.hukou is MISSING:
        return (f"{s.who}.hukou",)
    return False if s.hukou == "rural" else _converted(s, as_of)


def _years_and_now(years: Any, now: Any, who: str, years_key: str, now_key: str) -> Outcome:
    return _all((f"{who}.{years_key}",) if years is MISSING else (years or 0) >= 5,
                _is_true(now, f"{who}.{now_key}"))


def _underground(f: BirthFacts) -> Outcome:
    """``underground-5-years-now``: one spouse has worked underground five years or more and still does."""
    w, h = f.wife, f.husband
    return _any(_years_and_now(w.underground_years, w.underground_now, "wife", "underground_years",
                               "underground_now"),
                _years_and_now(h.underground_years, h.underground_now, "husband", "underground_years",
                               "underground_now"))


def _sea_fishing(f: BirthFacts) -> Outcome:
    """One spouse has lived by sea fishing for five years or more (以海洋捕捞为业五年以上) and still does."""
    w, h = f.wife, f.husband
    return _any(_years_and_now(w.sea_fishing_years, w.sea_fishing_now, "wife", "sea_fishing_years",
                               "sea_fishing_now"),
                _years_and_now(h.sea_fishing_years, h.sea_fishing_now, "husband", "sea_fishing_years",
                               "sea_fishing_now"))


def _limb_grade_1_or_2(s: SpouseFacts) -> Outcome:
    g = s.limb_disability_grade
    return (f"{s.who}.limb_disability_grade",) if g is MISSING else g is not None and int(g) <= 2


def _limb_disabled(f: BirthFacts) -> Outcome:
    """One spouse has a grade 1 or 2 non-hereditary limb disability (一级或者二级肢体残疾)."""
    return _any(_limb_grade_1_or_2(f.wife), _limb_grade_1_or_2(f.husband))


def _eq(value: Any, path: str, expected: Any) -> Outcome:
    return (path,) if value is MISSING else value == expected


# --- versions ----------------------------------------------------------------------------------

#: The extra materials of each provision (read once from :data:`PROVISIONS`).
_MATERIALS: dict[str, tuple[str, ...]] = {k: p.materials for k, p in PROVISIONS.items()}


def _decide(grounds: Grounds, common_materials: Sequence[str]) -> Determination:
    """:func:`jisheng.law.rules.decide` (no common conditions) over grounds of outcomes: eligible when a ground
    holds (the provisions of every ground that holds, their materials after ``common_materials``); not eligible
    when every ground fails (the failed condition ids); else unknown with the missing paths of the undecided
    grounds and the conditions failed so far."""
    holding: list[str] = []
    failed: dict[str, None] = {}
    missing: dict[str, None] = {}
    undecided = False
    for key, conditions in grounds:
        holds: bool | None = True
        ground_missing: list[str] = []
        for id, outcome in conditions:
            if outcome is True:
                continue
            if outcome is False:
                failed[id] = None
                holds = False
            else:
                ground_missing.extend(outcome)
                if holds:
                    holds = None
        if holds:
            holding.append(key)
        elif holds is None:
            undecided = True
            missing.update(dict.fromkeys(ground_missing))
    if holding:
        materials = dict.fromkeys(common_materials)
        for key in holding:
            materials.update(dict.fromkeys(_MATERIALS[key]))
        return Determination(True, list(dict.fromkeys(holding)), [], [], list(materials))
    if not undecided:  # no way left to be eligible, whatever the missing facts say
        return Determination(False, [], list(failed), [], [])
    return Determination(None, [], list(failed), list(missing), [])


def _outcome(conditions: Conditions) -> Outcome:
    """A ground's outcome as a condition (for a provision that only applies together with another): as
    :func:`_all` of its conditions' outcomes."""
    missing: tuple[str, ...] = ()
    holds = True
    for _, o in conditions:
        if o is False:
            return False
        if o is not True:
            holds = False
            missing += o
    return True if holds else missing


def _art23(f: BirthFacts, as_of: dt.date, age: Outcome, one_child: Outcome, one_girl: Outcome, article: str,
           items: dict[str, int]) -> Grounds:
    """Art. 23 (the 2002 and 2014 texts): para. 1 items (wife a rural resident), para. 2 (both spouses rural,
    farming or breeding, a grade 1–2 limb disability, one girl) and para. 3 (a qualifying rural-to-urban
    conversion within five years keeps paras. 1–2: its provision is cited with the ground it keeps)."""
    w, h = f.wife, f.husband
    rural = ("wife-rural", _rural(w, as_of))
    wife_age = ("wife-age-24", age)
    girl = ("only-one-girl", one_girl)
    only_one = ("only-one-child", one_child)
    item = {name: f"{article}/item-{n}" for name, n in items.items()}
    para1: Grounds = []
    if "only-child" in item:
        para1.append((item["only-child"], (
            rural, ("one-spouse-only-child", _any(_is_true(w.is_only_child, "wife.is_only_child"),
                                                  _is_true(h.is_only_child, "husband.is_only_child"))),
            only_one, wife_age)))
    brothers = h.brothers
    para1.append((item["brothers"], (rural, only_one, ("husband-brothers-cannot-have-children", _all(
        ("husband.brothers",) if brothers is MISSING else (brothers or 0) >= 1,
        _eq(h.brothers_able_to_have_children, "husband.brothers_able_to_have_children", 0))), wife_age)))
    para1.append((item["married-in"], (rural, ("husband-married-into-wife-family", _all(
        _is_true(f.husband_married_into_wife_family, "marriage.husband_married_into_wife_family"),
        _eq(w.brothers, "wife.brothers", 0),
        _is_true(f.supports_wife_parents, "marriage.supports_wife_parents"))), girl, wife_age)))
    para1.append((item["one-sister"], (rural, ("husband-no-brothers-one-sister", _all(
        _eq(brothers, "husband.brothers", 0), _eq(h.sisters, "husband.sisters", 1))), girl, wife_age)))
    land = f.land_mu_per_person
    para1.append((item["reclamation"], (rural, ("coastal-reclamation-5-mu", _all(
        _is_true(f.coastal_reclamation_area, "residence.coastal_reclamation_area"),
        ("residence.land_mu_per_person",) if land is MISSING else land is not None and land >= 5)),
        girl, wife_age)))
    para1.append((item["sea-fishing"], (rural, ("sea-fishing-5-years-now", _sea_fishing(f)), girl, wife_age)))
    para2_conditions = (("both-rural", _all(rural[1], _rural(h, as_of))),
                        ("mainly-farming-or-breeding", _is_true(f.mainly_farming, "residence.mainly_farming")),
                        ("limb-disability-grade-1-or-2", _limb_disabled(f)), girl, wife_age)
    wife_converted = _relies_on_conversion(w, as_of)
    husband_converted = _relies_on_conversion(h, as_of)
    kept = _any(_all(wife_converted, _any(*(_outcome(c) for _, c in para1))),
                _all(_any(wife_converted, husband_converted), _outcome(para2_conditions)))
    return [*para1, (f"{article}/para-2", para2_conditions),
            (f"{article}/para-3", (("hukou-converted-within-5-years", kept),))]


def _remarriage_grounds(f: BirthFacts, widowed_key: str, divorced_key: str) -> Grounds:
    """The remarriage items (2002: 22.3–22.4; 2014: 22.4–22.5), not subject to the age condition."""
    never = {"wife": _never_had_child(f, f.wife), "husband": _never_had_child(f, f.husband)}
    no_joint = _no_joint_child(f)
    return [(widowed_key, (("remarried-widowed-other-childless", _remarriage(f, "death", (), never, no_joint)),)),
            (divorced_key, (("remarried-divorced-other-childless",
                             _remarriage(f, "divorce", (1, 2), never, no_joint)),))]


def _adopted(f: BirthFacts) -> Outcome:
    """``adopted-no-birth``: every living child (at least one) adopted jointly."""
    if f.children is MISSING:
        return _NO_CHILDREN
    return bool(f.living) and all(c.get("parents") == "adopted_joint" for _, c in f.living)


@birth_approval.version(valid_from=V2002_FROM, valid_to=V2014_FROM, basis="js-pfp-reg-2002")
def birth_approval_2002(facts: Facts, as_of: dt.date, params: Params) -> Determination:
    """Jiangsu 2002 text: Art. 22 items 1–7, Art. 23 para. 1 items 1–6, paras. 2–3; Art. 26 age 24."""
    f = BirthFacts.of(facts)
    w, h = f.wife, f.husband
    age = ("wife-age-24", _age(f, as_of))
    count = _child_count(f, 1)
    one_child = ("only-one-child", count)
    girl = _one_girl(f, count)
    appraised = ("child-appraised-disabled", _appraised(f, "non_hereditary_not_normal_labour"))
    g: Grounds = [
        (_A22 + "1", (one_child, appraised, age)),
        (_A22 + "2", (("duty-disabled-2b-or-martyr-only-child", _any(
            _duty_disabled(w, as_of), _duty_disabled(h, as_of),
            _is_true(w.martyr_only_child, "wife.martyr_only_child"),
            _is_true(h.martyr_only_child, "husband.martyr_only_child"))), one_child, age)),
        *_remarriage_grounds(f, _A22 + "3", _A22 + "4"),
        (_A22 + "5", (("adopted-no-birth", _adopted(f)),
                      ("wife-pregnant", _is_true(f.wife_pregnant, "wife_pregnant")), age)),
        (_A22 + "6", (("two-generation-or-both-only-children", _any(
            _is_true(w.parent_was_only_child, "wife.parent_was_only_child"),
            _is_true(h.parent_was_only_child, "husband.parent_was_only_child"),
            _all(_is_true(w.is_only_child, "wife.is_only_child"),
                 _is_true(h.is_only_child, "husband.is_only_child")))), one_child, age)),
        (_A22 + "7", (("underground-5-years-now", _underground(f)), ("only-one-girl", girl), age)),
        *_art23(f, as_of, age[1], count, girl, "js-pfp-reg-2002/art-23", {
            "only-child": 1, "brothers": 2, "married-in": 3, "one-sister": 4, "reclamation": 5, "sea-fishing": 6}),
    ]
    return _decide(g, COMMON_MATERIALS_2002)


@birth_approval.version(valid_from=V2014_FROM, valid_to=V2016_FROM, basis="js-pfp-reg-2014")
def birth_approval_2014(facts: Facts, as_of: dt.date, params: Params) -> Determination:
    """Jiangsu 2014 text (单独二孩, from 2014-03-28): Art. 22 items 1–7 (item 1: one spouse an only child), Art. 23
    para. 1 items 1–5, paras. 2–3; Art. 26 age 24 except the remarriage items 22.4–22.5."""
    f = BirthFacts.of(facts)
    w, h = f.wife, f.husband
    age = ("wife-age-24", _age(f, as_of))
    count = _child_count(f, 1)
    one_child = ("only-one-child", count)
    girl = _one_girl(f, count)
    g: Grounds = [
        (_B22 + "1", (("one-spouse-only-child", _any(_is_only_child(w), _is_only_child(h))), one_child, age)),
        (_B22 + "2", (one_child, ("child-appraised-disabled", _appraised(f, "non_hereditary_not_normal_labour")),
                      age)),
        (_B22 + "3", (("duty-disabled-2b", _any(_duty_disabled(w, as_of), _duty_disabled(h, as_of))),
                      one_child, age)),
        *_remarriage_grounds(f, _B22 + "4", _B22 + "5"),
        (_B22 + "6", (("adopted-no-birth", _adopted(f)),
                      ("wife-pregnant", _is_true(f.wife_pregnant, "wife_pregnant")), age)),
        (_B22 + "7", (("underground-5-years-now", _underground(f)), ("only-one-girl", girl), age)),
        *_art23(f, as_of, age[1], count, girl, "js-pfp-reg-2014/art-23", {
            "brothers": 1, "married-in": 2, "one-sister": 3, "reclamation": 4, "sea-fishing": 5}),
    ]
    return _decide(g, COMMON_MATERIALS_2014)


def _registration(f: BirthFacts, key: str, limit: int) -> tuple[str, Conditions]:
    """Birth registration (no approval) while the couple has fewer than ``limit`` living children."""
    return key, (("children-under-limit", _NO_CHILDREN if f.children is MISSING else f.living_count < limit),)


def _grounds_2016(f: BirthFacts) -> Grounds:
    """The Jiangsu 2016 text's own grounds (UNVERIFIED wording): registration below two children; another child
    when one of two is appraised disabled, or for a remarried couple with at most two children before (in all)."""
    return [
        _registration(f, "js-pfp-reg-2016/birth-registration", 2),
        ("js-pfp-reg-2016/another-child/item-1", (
            ("two-children", _child_count(f, 2)),
            ("child-appraised-disabled", _appraised(f, "non_hereditary_not_normal_labour")))),
        ("js-pfp-reg-2016/another-child/item-2", (
            ("remarried-at-most-two-children-before", _remarried_at_most_two_before(f)),
            ("no-joint-child", _no_joint_child(f)))),
    ]


@birth_approval.version(valid_from=V2016_FROM, valid_to=V2021_NATIONAL_FROM, basis="js-pfp-reg-2016")
def birth_approval_2016(facts: Facts, as_of: dt.date, params: Params) -> Determination:
    """From 2016-01-01: two children by registration under the national law (2015 Art. 18) and the Jiangsu 2016
    text (UNVERIFIED wording); another child under that text's listed conditions."""
    f = BirthFacts.of(facts)
    return _decide([_registration(f, "pfp-law-2015/art-18", 2), *_grounds_2016(f)], COMMON_MATERIALS_LATER)


@birth_approval.version(valid_from=V2021_NATIONAL_FROM, valid_to=V2021_FROM, basis="pfp-law-2021")
def birth_approval_2021_national(facts: Facts, as_of: dt.date, params: Params) -> Determination:
    """From 2021-08-20: the national law's Art. 18 (2021 text, "一对夫妻可以生育三个子女") overrides the Jiangsu 2016
    text, whose own grounds still apply where they give more."""
    f = BirthFacts.of(facts)
    return _decide([_registration(f, "pfp-law-2021/art-18", 3), *_grounds_2016(f)], COMMON_MATERIALS_LATER)


@birth_approval.version(valid_from=V2021_FROM, basis="js-pfp-reg-2021")
def birth_approval_2021(facts: Facts, as_of: dt.date, params: Params) -> Determination:
    """From 2021-09-29 (Jiangsu 2021 text, UNVERIFIED date and wording): three children by registration (national
    Art. 18 and the Jiangsu text); a fourth if one of three is appraised disabled."""
    f = BirthFacts.of(facts)
    return _decide([
        _registration(f, "pfp-law-2021/art-18", 3),
        _registration(f, "js-pfp-reg-2021/birth-registration", 3),
        ("js-pfp-reg-2021/another-child/item-1", (
            ("three-children", _child_count(f, 3)),
            ("child-appraised-disabled", _appraised(f, "non_hereditary_not_normal_labour")))),
    ], COMMON_MATERIALS_LATER)


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


def _validate_slowly(facts: Any) -> None:
    """:func:`validate_facts` one path at a time in the contract's order: raises at the first wrong one."""
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
        _check_object("residence", residence, _RESIDENCE_SHAPE)
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


def _valid_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _object_valid(value: Any, shape: dict[str, Any]) -> bool:
    """Whether :func:`_check_object` would accept ``value`` (the same tests, inline, without building paths)."""
    if not isinstance(value, dict):
        return False
    for key, item in value.items():
        kind = shape.get(key)
        if kind is None:
            continue
        if kind is _BOOL:
            if item is not None and item is not True and item is not False:
                return False
        elif kind is _COUNT:
            if item is not None and (isinstance(item, bool) or not isinstance(item, int) or item < 0):
                return False
        elif kind is _DATE:
            if not _valid_date(item):
                return False
        elif kind is _DATE_OR_NULL:
            if item is not None and not _valid_date(item):
                return False
        elif kind is _LIMB_GRADE:
            if isinstance(item, bool) or (item is not None and item not in (1, 2, 3, 4, "1", "2", "3", "4")):
                return False
        elif item not in kind:
            return False
    return True


_RESIDENCE_SHAPE: dict[str, Any] = {"coastal_reclamation_area": _BOOL, "mainly_farming": _BOOL}


def _facts_valid(facts: Any) -> bool:
    """Whether :func:`_validate_slowly` would accept ``facts`` (without building a path per value)."""
    if not isinstance(facts, dict):
        return False
    if "application_date" in facts and not _valid_date(facts["application_date"]):
        return False
    for who in ("wife", "husband"):
        if who in facts:
            spouse = facts[who]
            if not _object_valid(spouse, _SPOUSE_SHAPE):
                return False
            previous = spouse.get("previous_marriage")
            if previous is not None and not _object_valid(previous, _PREVIOUS_SHAPE):
                return False
    if "marriage" in facts and not _object_valid(facts["marriage"], _MARRIAGE_SHAPE):
        return False
    if "residence" in facts:
        residence = facts["residence"]
        if not _object_valid(residence, _RESIDENCE_SHAPE):
            return False
        land = residence.get("land_mu_per_person")
        if land is not None and (isinstance(land, bool) or not isinstance(land, int | float) or land < 0):
            return False
    if "children" in facts:
        children = facts["children"]
        if not isinstance(children, list) or not all(_object_valid(c, _CHILD_SHAPE) for c in children):
            return False
    pregnant = facts.get("wife_pregnant")
    return pregnant is None or pregnant is True or pregnant is False


def validate_facts(facts: Any) -> None:
    """Check the types of the known contract §2 fact paths (unknown keys are ignored; absent = unknown).

    Wrong types would otherwise be judged as if they meant something (a string as a child list) or crash
    a comparison, on public pages too. Valid facts take one pass without building any path; only invalid ones
    are walked path by path to name the first wrong one.

    Raises:
        InvalidInput: naming the path (``husband.underground_years``) and the expected type.
    """
    if not _facts_valid(facts):
        _validate_slowly(facts)


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
