"""Administrative guidance (行政指导): the self-check answer, the leaflets and the service guides, from the rules.

Everything here is for citizens, in plain words and in the page's language (简体, 繁體 or English):

- :func:`self_check` wraps the contract §2 determination with what a family needs: which procedure applies on the
  date — birth registration (生育登记: no approval, register) or approval (再生育审批: apply, a 生育证 before the
  birth) —, the legal basis in words, where to go (the town or sub-district, and the county-level commission by
  its name on that date, from the area tree), what to bring and the steps with the day counts in force. No
  internal key is shown; a provision whose wording is not verified says "以当地卫生健康部门解释为准".
- :func:`periods`, :func:`leaflet` and :func:`guide`: one period per version of the rule (the 2002 text, the 2014
  text, two children from 2016, three children from 2021-08-20 and the Jiangsu 2021 text), each with its service
  guide and one leaflet per situation, each dated.

Texts of the rule catalogue (titles, conditions, materials) are translated through gettext (their msgids are
marked in :mod:`jisheng.portal.catalogue_strings`); names built from data (an area's name) go through the same
OpenCC conversion as the catalogue for 繁體 and are spelled in pinyin, with the Chinese name, in English.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from jisheng.cases.documents import HEALTH_COMMISSION_FROM, commission_name, county_of, town_office_name
from jisheng.core.models import Area, AreaLevel

from . import rules
from .services import birth_approval_eligibility

#: Fact paths → the question a family can answer (shown under "still unknown").
QUESTIONS: dict[str, Promise] = {
    "wife.birth_date": gettext_lazy("女方出生日期"),
    "wife.hukou": gettext_lazy("女方户口性质（农业/非农业）"),
    "children": gettext_lazy("夫妻现有子女数"),
    "wife.is_only_child": gettext_lazy("女方是否独生子女"),
    "husband.is_only_child": gettext_lazy("男方是否独生子女"),
    "wife.parent_was_only_child": gettext_lazy("是否两代独生子女"),
    "husband.parent_was_only_child": gettext_lazy("是否两代独生子女"),
    "wife.martyr_only_child": gettext_lazy("是否烈士的独生子女"),
    "husband.martyr_only_child": gettext_lazy("是否烈士的独生子女"),
    "wife.duty_disability_grade": gettext_lazy("因公致残等级"),
    "husband.duty_disability_grade": gettext_lazy("因公致残等级"),
    "wife.underground_years": gettext_lazy("井下作业年数"),
    "husband.underground_years": gettext_lazy("井下作业年数"),
    "wife.underground_now": gettext_lazy("现是否仍从事井下作业"),
    "husband.underground_now": gettext_lazy("现是否仍从事井下作业"),
    "wife.previous_marriage": gettext_lazy("再婚情况"),
    "husband.previous_marriage": gettext_lazy("再婚情况"),
    "wife.previous_marriage.children": gettext_lazy("再婚一方前次婚姻生育子女数"),
    "husband.previous_marriage.children": gettext_lazy("再婚一方前次婚姻生育子女数"),
    "husband.brothers": gettext_lazy("男方兄弟人数"),
    "husband.brothers_able_to_have_children": gettext_lazy("男方兄弟中有生育能力的人数"),
    "husband.sisters": gettext_lazy("男方姐妹人数"),
    "wife.brothers": gettext_lazy("女方兄弟人数"),
    "marriage.husband_married_into_wife_family": gettext_lazy("男方是否到女方家落户"),
    "marriage.supports_wife_parents": gettext_lazy("男方是否赡养女方父母"),
    "residence.coastal_reclamation_area": gettext_lazy("是否居住在沿海垦区"),
    "residence.land_mu_per_person": gettext_lazy("所在村人均耕地"),
    "wife_pregnant": gettext_lazy("女方是否已怀孕"),
    "husband.hukou": gettext_lazy("男方户口性质（农业/非农业）"),
    "wife.sea_fishing_years": gettext_lazy("以海洋捕捞为业的年数"),
    "husband.sea_fishing_years": gettext_lazy("以海洋捕捞为业的年数"),
    "wife.sea_fishing_now": gettext_lazy("现是否仍从事海洋捕捞业"),
    "husband.sea_fishing_now": gettext_lazy("现是否仍从事海洋捕捞业"),
    "wife.limb_disability_grade": gettext_lazy("非遗传性肢体残疾等级"),
    "husband.limb_disability_grade": gettext_lazy("非遗传性肢体残疾等级"),
    "wife.hukou_converted_on": gettext_lazy("女方是否由农业户口转为非农业户口及转户日期"),
    "husband.hukou_converted_on": gettext_lazy("男方是否由农业户口转为非农业户口及转户日期"),
    "wife.hukou_conversion_kind": gettext_lazy("女方农转非后是否仍在农村居住生活或为成建制转户"),
    "husband.hukou_conversion_kind": gettext_lazy("男方农转非后是否仍在农村居住生活或为成建制转户"),
    "residence.mainly_farming": gettext_lazy("夫妻是否主要从事种植业或者养殖业"),
}

#: The provisions under which a child is had by birth registration (生育登记), not by approval. Every provision of
#: the catalogue is either one of these or an approval ground (a test checks each is classified).
REGISTRATION = ("pfp-law-2015/art-18", "pfp-law-2021/art-18", "js-pfp-reg-2016/birth-registration",
                "js-pfp-reg-2021/birth-registration")
REGISTRATION_PROCEDURE = "registration"
APPROVAL_PROCEDURE = "approval"

#: The situations of each rule version (one leaflet each, in article order): a situation is the provisions a
#: couple meets together (the national law's Art. 18 and the provincial registration text are one situation).
#: Art. 23 para. 3 only extends paras. 1–2 to a converted hukou and has no leaflet of its own.
_SITUATIONS: dict[str, list[tuple[str, ...]]] = {
    "js-pfp-reg-2002": [(k,) for k in rules.SITUATIONS_2002],
    "js-pfp-reg-2014": [(k,) for k in rules.SITUATIONS_2014],
    "js-pfp-reg-2016": [("pfp-law-2015/art-18", "js-pfp-reg-2016/birth-registration"),
                        ("js-pfp-reg-2016/another-child/item-1",), ("js-pfp-reg-2016/another-child/item-2",)],
    "pfp-law-2021": [("pfp-law-2021/art-18",), ("js-pfp-reg-2016/another-child/item-1",),
                     ("js-pfp-reg-2016/another-child/item-2",)],
    "js-pfp-reg-2021": [("pfp-law-2021/art-18", "js-pfp-reg-2021/birth-registration"),
                        ("js-pfp-reg-2021/another-child/item-1",)],
}
#: The documents every applicant of a version brings (the rule's common materials).
_COMMON_MATERIALS: dict[str, list[str]] = {
    "js-pfp-reg-2002": rules.COMMON_MATERIALS_2002, "js-pfp-reg-2014": rules.COMMON_MATERIALS_2014,
    "js-pfp-reg-2016": rules.COMMON_MATERIALS_LATER, "pfp-law-2021": rules.COMMON_MATERIALS_LATER,
    "js-pfp-reg-2021": rules.COMMON_MATERIALS_LATER,
}
#: Each period's name and what it means for a family, in one sentence.
_PERIOD_NAMES: dict[str, Promise] = {
    "js-pfp-reg-2002": gettext_lazy("江苏省条例2002年文本"),
    "js-pfp-reg-2014": gettext_lazy("单独二孩（江苏省条例2014年修正）"),
    "js-pfp-reg-2016": gettext_lazy("全面两孩（人口与计划生育法2015年修正）"),
    "pfp-law-2021": gettext_lazy("三孩（人口与计划生育法2021年修正）"),
    "js-pfp-reg-2021": gettext_lazy("三孩（江苏省条例2021年修正）"),
}
_PERIOD_SUMMARIES: dict[str, Promise] = {
    "js-pfp-reg-2002": gettext_lazy("生育第二个孩子须符合条例第二十二条、第二十三条规定的情形，"
                                    "提出申请，经批准取得生育证后生育。"),
    "js-pfp-reg-2014": gettext_lazy("夫妻一方为独生子女、只有一个孩子的，也可以申请再生育一个孩子；"
                                    "须提出申请，经批准取得生育证后生育。"),
    "js-pfp-reg-2016": gettext_lazy("生育第一、二个子女不需要审批，办理生育登记；"
                                    "已有两个子女的，符合规定情形才可以申请再生育，须经批准。"),
    "pfp-law-2021": gettext_lazy("一对夫妻可以生育三个子女，办理生育登记，不需要审批；"
                                 "已有三个子女的，符合规定情形才可以申请再生育，须经批准。"),
    "js-pfp-reg-2021": gettext_lazy("一对夫妻可以生育三个子女，办理生育登记，不需要审批；"
                                    "已有三个子女的，符合规定情形才可以申请再生育，须经批准。"),
}
#: Whether the period's first day is a verified date of effect (the 2002 text's and the Jiangsu 2021 text's are
#: not: the former is printed as "… 以前", the latter with the caveat).
_START_VERIFIED = {"js-pfp-reg-2002": False, "js-pfp-reg-2014": True, "js-pfp-reg-2016": True, "pfp-law-2021": True,
                   "js-pfp-reg-2021": False}

_INSTRUMENTS: dict[str, Promise] = {
    "js-pfp-reg": gettext_lazy("《江苏省人口与计划生育条例》"),
    "pfp-law": gettext_lazy("《中华人民共和国人口与计划生育法》"),
}
_VERSIONS: dict[str, Promise] = {
    "js-pfp-reg-2002": gettext_lazy("（2002年文本）"), "js-pfp-reg-2014": gettext_lazy("（2014年修正）"),
    "js-pfp-reg-2016": gettext_lazy("（2016年修正）"), "js-pfp-reg-2021": gettext_lazy("（2021年修正）"),
    "pfp-law-2015": gettext_lazy("（2015年修正）"), "pfp-law-2021": gettext_lazy("（2021年修正）"),
}
#: The phrase for a provision whose wording (or a date) is not verified.
INTERPRETATION = gettext_lazy("以当地卫生健康部门解释为准")

_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1–99 in Chinese numerals (二十二)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, units = divmod(n, 10)
    return f"{'' if tens == 1 else _CN_DIGITS[tens]}十{_CN_DIGITS[units] if units else ''}"


# --- the page's language --------------------------------------------------------------------------

def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).lower()


@lru_cache(maxsize=1)
def _hant() -> Any:
    import opencc

    return opencc.OpenCC("s2tw")  # the conversion scripts/fill_translations.py gives the catalogue


def _text(value: str) -> str:
    """A Chinese text of the rule catalogue in the page's language (gettext: English, or 繁體 by OpenCC)."""
    return _(value) if value else value


def _place(name: str) -> str:
    """A name built from data (an area, a body) in the page's language: 繁體 by OpenCC; as is otherwise."""
    return _hant().convert(name) if _language() == "zh-hant" else name


_PLACE_SUFFIXES = (("街道", "Sub-district"), ("镇", "Town"), ("乡", "Township"), ("区", "District"),
                   ("县", "County"), ("市", ""))


def _pinyin_place(name: str) -> str:
    """An area's name in pinyin with its kind in English (城厢镇 → Chengxiang Town, 太仓市 → Taicang)."""
    from pypinyin import lazy_pinyin

    stem, kind = name, ""
    for suffix, word in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem, kind = name[: -len(suffix)], word
            break
    return f"{''.join(lazy_pinyin(stem)).capitalize()} {kind}".strip()


def _date(day: dt.date) -> str:
    """A date in the page's language (2014年3月28日; March 28, 2014)."""
    return formats.date_format(day, "DATE_FORMAT")


# --- what the public pages read besides the code, the language and the date --------------------

def law_version() -> tuple[object, object]:
    """A token of the law data the leaflets and guides read: the loaded parameters and provision catalogue
    themselves (loaded once per process, docs/adr/0011). Loading either again gives new objects, so the token
    compares unequal (the objects are compared by identity first, so an unchanged token costs nothing); holding
    them keeps their identity unique. No database."""
    from jisheng.law.parameters import all_parameters
    from jisheng.law.provisions import catalogue

    return all_parameters(), catalogue()


def areas_version() -> tuple[Any, ...]:
    """A fingerprint of the area tree the leaflets and guides name bodies from (:func:`towns_on`): the number of
    areas, the highest id and the latest change (``updated_at``), one aggregate query (plain SQL: it runs on every
    visit of a kept page, and compiling the ORM's aggregate cost as much as running it). An area added, removed
    (the count or the highest id) or saved (its ``updated_at``) changes it."""
    from django.db import connections, router

    table = Area._meta.db_table
    with connections[router.db_for_read(Area)].cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*), MAX("id"), MAX("updated_at") FROM "{table}"')  # noqa: S608 - our table
        return tuple(cursor.fetchone() or ())


def leaflet_data_version() -> tuple[object, ...]:
    """:func:`law_version` and :func:`areas_version` together: what a leaflet or a service guide depends on."""
    return law_version() + areas_version()


# --- bodies: who receives and who decides, by date and area ---------------------------------------

def _in_force(area: Area, on: dt.date) -> bool:
    return (area.valid_from is None or area.valid_from <= on) and (area.valid_to is None or on < area.valid_to)


#: The installation's towns (every date), read once per state of the area tree: (city code, *areas_version()) ->
#: the towns by path, each with its parent and grandparent loaded. One entry; the self-check asks for the towns
#: several times a step, and the leaflets and guides on every render.
_TOWNS: dict[tuple[Any, ...], list[Area]] = {}


def _installation_towns() -> list[Area]:
    """Every town of the installation's municipality (whatever its dates), from the area tree as it is now: read
    again only when :func:`areas_version` changes (one aggregate query instead of the two of the list)."""
    code = settings.JISHENG["CITY_CODE"]
    key = (code, *areas_version())
    towns = _TOWNS.get(key)
    if towns is None:
        root = Area.objects.filter(code=code).first()
        towns = [] if root is None else list(
            Area.objects.filter(level=AreaLevel.TOWN, path__startswith=root.path)
            .select_related("parent", "parent__parent").order_by("path"))
        _TOWNS.clear()
        _TOWNS[key] = towns
    return towns


def towns_on(on: dt.date) -> list[tuple[Area, list[Area]]]:
    """The towns and sub-districts of the installation's municipality in force on ``on``, by county-level area
    (from the area tree: every county with towns loaded). The areas are shared by every call until the tree
    changes (:func:`_installation_towns`): read them, never change them."""
    towns = [t for t in _installation_towns() if _in_force(t, on)]
    grouped: dict[int, tuple[Area, list[Area]]] = {}
    for town in towns:
        county = county_of(town)
        if _in_force(county, on):
            grouped.setdefault(county.pk, (county, []))[1].append(town)
    return list(grouped.values())


def town_by_code(code: str, on: dt.date) -> Area | None:
    """The town ``code`` if it is one of :func:`towns_on` that day."""
    for _county, towns in towns_on(on):
        for town in towns:
            if town.code == code:
                return town
    return None


def place_name(area: Area) -> str:
    """An area's name in the page's language (城厢镇; 城廂鎮; Chengxiang Town (城厢镇), as the signs read)."""
    if _language() == "en":
        return f"{_pinyin_place(area.name)} ({area.name})"
    return _place(area.name)


def _office(town: Area) -> str:
    cn = town_office_name(town)
    if _language() != "en":
        return _place(cn)
    kind = "Office" if town.name.endswith("街道") else "People's Government"
    return f"{_pinyin_place(town.name)} {kind} ({cn})"


def _commission(county: Area, on: dt.date) -> str:
    cn = commission_name(county, on)
    if _language() != "en":
        return _place(cn)
    names = [county.name]
    if county.level == AreaLevel.COUNTY and county.name.endswith("区") and county.parent is not None:
        names.insert(0, county.parent.name)
    body = "Health Commission" if on >= HEALTH_COMMISSION_FROM else "Population and Family Planning Commission"
    return f"{' '.join(_pinyin_place(n) for n in names)} {body} ({cn})"


def bodies(on: dt.date, town: Area | None = None, *, elsewhere: bool = False) -> dict[str, Any]:
    """Where to go on ``on``: ``office`` (the town or sub-district that receives an application or registers a
    birth: the wife's hukou town when known) and ``commission`` (the county-level commission that decides, by its
    name that day: 人口和计划生育委员会, later 卫生健康委员会). Without a town, the county is the installation's
    when it serves one, unless the wife's hukou is ``elsewhere``; otherwise both are described in words."""
    county: Area | None = county_of(town) if town is not None else None
    if county is None and not elsewhere:
        counties = towns_on(on)
        county = counties[0][0] if len(counties) == 1 else None
    if county is not None:
        commission = _commission(county, on)
    elif on >= HEALTH_COMMISSION_FROM:
        commission = _("县（市、区）卫生健康委员会")
    else:
        commission = _("县（市、区）人口和计划生育委员会")
    office = _office(town) if town is not None else _("女方户籍所在地的镇人民政府或街道办事处")
    return {"office": office, "commission": commission, "town": town, "named": town is not None}


# --- provisions in words ----------------------------------------------------------------------------

def procedure_of(key: str) -> str:
    """``registration`` for a provision of :data:`REGISTRATION`, else ``approval``."""
    return REGISTRATION_PROCEDURE if key in REGISTRATION else APPROVAL_PROCEDURE


def citation(key: str) -> str:
    """A provision in words, in the page's language: 《江苏省人口与计划生育条例》（2014年修正）第二十二条第（一）项;
    a provision whose article number is not known is cited by its text version only."""
    version = key.split("/", 1)[0]
    instrument = _INSTRUMENTS.get(version.rsplit("-", 1)[0], "")
    text = f"{instrument}{_VERSIONS.get(version, '')}"
    match = re.search(r"/art-(\d+)(?:/(item|para)-(\d+))?$", key)
    if match is None:
        return text
    article, kind, n = int(match[1]), match[2], int(match[3] or 0)
    if _language() == "en":  # Chinese numerals and Arabic ones cannot share one msgid
        part = {"item": f"({n})", "para": f" para. {n}"}.get(kind or "", "")
        return f"{text}, Art. {article}{part}"
    part = {"item": f"第（{_cn_number(n)}）项", "para": f"第{_cn_number(n)}款"}.get(kind or "", "")
    return text + _place(f"第{_cn_number(article)}条{part}")


def provision_view(key: str) -> dict[str, Any]:
    """A provision as shown to people: ``title``, ``citation``, ``conditions``, ``materials`` (in the page's
    language), ``verified`` and the ``procedure`` it leads to; ``number`` is the catalogue's article label, which the
    staff case page prints. ``key`` is kept for the page's machine-readable attributes only; it is never printed."""
    p = rules.provision(key)
    if p is None:
        return {"key": key, "number": "", "title": "", "citation": citation(key), "verified": False, "conditions": [],
                "materials": [], "procedure": procedure_of(key), "version": ""}
    return {"key": key, "number": p.number, "title": _text(p.title), "citation": citation(key), "verified": p.verified,
            "conditions": [_text(c) for c in p.conditions], "materials": [_text(m) for m in p.materials],
            "notes": [_text(n) for n in p.notes], "procedure": procedure_of(key), "version": p.version}


# --- periods, steps, leaflets, guides ---------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """The time one version of the birth-approval rule is in force: ``start`` to ``end`` (inclusive; None: today's
    rule)."""

    basis: str
    start: dt.date
    end: dt.date | None

    @property
    def slug(self) -> str:
        return self.start.isoformat()

    def contains(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


def periods() -> list[Period]:
    """Every version of the rule as a period, oldest first."""
    return [Period(v.basis, v.valid_from, v.valid_to - dt.timedelta(days=1) if v.valid_to else None)
            for v in rules.birth_approval.versions]


def period_for(on: dt.date) -> Period:
    """The period of ``on`` (the rule's version in force that day)."""
    version = rules.birth_approval.version_for(on)
    return next(p for p in periods() if p.basis == version.basis)


def _period_by_slug(slug: str) -> Period | None:
    return next((p for p in periods() if p.slug == slug), None)


def _dates_verified(period: Period) -> bool:
    """Whether both ends of the period are verified dates of effect (the end is the next period's start)."""
    later = [p for p in periods() if p.start > period.start]
    end_ok = not later or _START_VERIFIED.get(later[0].basis, False)
    start_ok = _START_VERIFIED.get(period.basis, False) or period == periods()[0]
    return start_ok and end_ok


def period_view(period: Period, today: dt.date) -> dict[str, Any]:
    """A period as shown: its name, summary, dates in words (``dates``: "2014年3月28日至2015年12月31日"),
    whether it is today's, and the caveat when a date is not verified."""
    first = period == periods()[0] and not _START_VERIFIED.get(period.basis, False)
    if first and period.end is not None:
        dates = _("%(end)s以前") % {"end": _date(period.end)}
    elif period.end is None:
        dates = _("%(start)s起") % {"start": _date(period.start)}
    else:
        dates = _("%(start)s至%(end)s") % {"start": _date(period.start), "end": _date(period.end)}
    return {"slug": period.slug, "basis": period.basis, "name": str(_PERIOD_NAMES.get(period.basis, "")),
            "summary": str(_PERIOD_SUMMARIES.get(period.basis, "")), "dates": dates,
            "current": period.contains(today), "start": period.start, "end": period.end,
            "dates_verified": _dates_verified(period)}


def _day_count(key: str, on: dt.date, fallback: int) -> tuple[int, bool]:
    """A day-count parameter in force on ``on`` and whether it is verified (the fallback before its first value)."""
    from jisheng.core.errors import InvalidInput
    from jisheng.law.parameters import parameter_value

    try:
        value = parameter_value(key, on)
    except InvalidInput:
        return fallback, False
    return int(str(value.value)), value.verified


def procedure_steps(on: dt.date, procedure: str = APPROVAL_PROCEDURE, where: dict[str, Any] | None = None
                    ) -> list[str]:
    """How to register or apply on ``on``, in the page's language, naming the bodies of ``where`` (see
    :func:`bodies`) and, for an approval, the day counts of the parameters in force that day.

    A registration has no approval, no waiting period and no 生育证; an approval is applied for at the town, decided
    by the county-level commission, and the 生育证 must be obtained before the birth."""
    where = where or bodies(on)
    office, commission = where["office"], where["commission"]
    if procedure == REGISTRATION_PROCEDURE:
        return [
            _("生育登记不需要审批，也不发生育证，不必等待审批决定。"),
            _("带上所列材料，到%(office)s办理生育登记。") % {"office": office},
            _("登记的具体方式（现场或网上）和时间，以当地卫生健康部门解释为准。"),
        ]
    basis = period_for(on).basis
    with_form = any(m.startswith("《再生育申请审批表》") for m in _COMMON_MATERIALS.get(basis, []))
    supplement, ok1 = _day_count("birth_approval.supplement_notice", on, 3)
    opinion, ok2 = _day_count("birth_approval.town_opinion", on, 7)
    decision, ok3 = _day_count("birth_approval.decision", on, 15)
    first = (_("向%(office)s提出申请，领取并填写《再生育申请审批表》。") if with_form
             else _("向%(office)s提出再生育申请。"))
    permit = (_("符合条件的发给《批准再生育一个孩子生育证》") if with_form else _("符合条件的发给生育证"))
    steps = [
        first % {"office": office},
        _("材料不齐全的，当场或者在%(days)s个工作日内一次性书面告知需要补正的全部材料。") % {"days": supplement},
        _("材料齐全后，镇（街道）在%(days)s个工作日内提出审核意见，报%(commission)s。")
        % {"days": opinion, "commission": commission},
        _("%(commission)s在%(days)s个工作日内作出决定：%(permit)s；不符合的书面说明理由，"
          "并告知申请行政复议、提起行政诉讼的权利和期限。")
        % {"commission": commission, "days": decision, "permit": permit},
        _("须在生育前取得生育证。办理不收取任何费用。"),
    ]
    if not (ok1 and ok2 and ok3):
        steps.append(_("以上办理时限以当地卫生健康部门解释为准。"))
    return steps


def _period_bodies(period: Period, on: dt.date) -> dict[str, Any]:
    """The bodies a period's leaflet or guide names (:func:`bodies` on ``on``); when the commission changed its name
    during the period, both names: 太仓市人口和计划生育委员会（2019年1月1日起为太仓市卫生健康委员会）."""
    where = bodies(on)
    renamed = period.start < HEALTH_COMMISSION_FROM <= on
    if renamed:
        where["commission"] = _("%(old)s（%(day)s起为%(new)s）") % {
            "old": bodies(period.start)["commission"], "day": _date(HEALTH_COMMISSION_FROM), "new": where["commission"]}
    return where


def _situation_slug(keys: tuple[str, ...]) -> str:
    key = keys[0]
    if procedure_of(key) == REGISTRATION_PROCEDURE:
        return "registration"
    match = re.search(r"/another-child/item-(\d+)$", key)
    if match:
        return f"another-child-{match[1]}"
    match = re.search(r"/art-(\d+)/(item|para)-(\d+)$", key)
    if match is None:
        raise ValueError(f"no leaflet address for {key}")
    return f"{match[1]}-{match[3]}" if match[2] == "item" else f"{match[1]}-para-{match[3]}"


def situations(basis: str) -> list[tuple[str, ...]]:
    """The situations (leaflets) of a rule version, in article order."""
    return list(_SITUATIONS.get(basis, []))


def _materials(basis: str, keys: tuple[str, ...]) -> list[str]:
    """The documents of a situation as the rule returns them: the version's common materials, then each
    provision's own (the same order and de-duplication as :func:`jisheng.law.rules.decide`)."""
    extra = [m for k in keys for m in rules.PROVISIONS[k].materials]
    return list(dict.fromkeys([*_COMMON_MATERIALS.get(basis, []), *extra]))


def _leaflet_summary(period: Period, keys: tuple[str, ...]) -> dict[str, Any]:
    views = [provision_view(k) for k in keys]
    procedure = procedure_of(keys[0])
    main = next((v for v in views if v["key"].startswith("js-pfp-reg-")), views[0])
    return {"period": period.slug, "slug": _situation_slug(keys), "keys": list(keys), "procedure": procedure,
            "title": main["title"], "citations": [v["citation"] for v in views],
            "basis_text": _("；").join(v["citation"] for v in views),
            "verified": all(v["verified"] for v in views)}


def leaflet_index(today: dt.date) -> list[dict[str, Any]]:
    """Every period with its leaflets, today's first and then back in time (the leaflet list)."""
    out = []
    for period in reversed(periods()):
        view = period_view(period, today)
        view["leaflets"] = [_leaflet_summary(period, keys) for keys in situations(period.basis)]
        out.append(view)
    out.sort(key=lambda v: (not v["current"], -v["start"].toordinal()))
    return out


def _as_of_for(period: Period, today: dt.date) -> dt.date:
    """The day whose day counts a period's papers print: today for today's rule, else the period's last day."""
    return min(today, period.end) if period.end is not None else max(today, period.start)


def leaflet(period_slug: str, slug: str, today: dt.date, town: Area | None = None) -> dict[str, Any] | None:
    """One printable leaflet (明白纸): the situation's conditions, the full materials list (as the rules return it),
    where to go and the steps with the day counts of the period (today's, or its last day), the legal basis, and
    the dates it applies to. None for an unknown address."""
    period = _period_by_slug(period_slug)
    if period is None:
        return None
    keys = next((k for k in situations(period.basis) if _situation_slug(k) == slug), None)
    if keys is None:
        return None
    on = _as_of_for(period, today)
    views = [provision_view(k) for k in keys]
    summary = _leaflet_summary(period, keys)
    where = bodies(on, town) if town is not None else _period_bodies(period, on)
    materials = _materials(period.basis, keys)
    return {
        **summary, "period_view": period_view(period, today), "provisions": views,
        "conditions": list(dict.fromkeys(c for v in views for c in v["conditions"])),
        "notes": list(dict.fromkeys(n for v in views for n in v.get("notes", []))),
        "all_materials": materials, "materials_shown": [_text(m) for m in materials],
        "steps": procedure_steps(on, summary["procedure"], where), "where": where, "on": on,
    }


def legacy_leaflet_address(key: str) -> tuple[str, str] | None:
    """The (period, situation) address of the leaflet an old provision-key address (``js-pfp-reg-2002/art-22/
    item-6``) named: the first period whose situations include that provision."""
    for period in periods():
        for keys in situations(period.basis):
            if key in keys:
                return period.slug, _situation_slug(keys)
    return None


def guide(period_slug: str, today: dt.date) -> dict[str, Any] | None:
    """The service guide (办事指南) of one period: for each procedure in force then (registration, approval) who
    may use it (the situations, linked to their leaflets), where to go, what every applicant brings and the steps
    with the day counts of the period. None for an unknown period."""
    period = _period_by_slug(period_slug)
    if period is None:
        return None
    on = _as_of_for(period, today)
    where = _period_bodies(period, on)
    procedures = []
    for procedure in (REGISTRATION_PROCEDURE, APPROVAL_PROCEDURE):
        items = [_leaflet_summary(period, keys) for keys in situations(period.basis)
                 if procedure_of(keys[0]) == procedure]
        if not items:
            continue
        common = _COMMON_MATERIALS.get(period.basis, [])
        if procedure == REGISTRATION_PROCEDURE:
            keys = next(k for k in situations(period.basis) if procedure_of(k[0]) == procedure)
            common = _materials(period.basis, keys)
        procedures.append({"procedure": procedure, "situations": items, "materials": [_text(m) for m in common],
                           "steps": procedure_steps(on, procedure, where)})
    return {"period_view": period_view(period, today), "procedures": procedures, "where": where, "on": on}


# --- the self-check ---------------------------------------------------------------------------------

def self_check(facts: dict[str, Any], as_of: dt.date | None, town: Area | None = None, *,
               elsewhere: bool = False) -> dict[str, Any]:
    """The self-check answer: the contract §2 result plus what to show (see module docstring).

    ``procedure`` is ``registration`` when a registration provision holds (a couple entitled to register needs no
    approval), ``approval`` when only approval grounds hold, else None; ``basis`` the provisions of that procedure
    in words; ``where`` the bodies (:func:`bodies`: the wife's hukou ``town``, or ``elsewhere`` than the
    installation's towns); ``steps`` that procedure's steps on the date; ``leaflets`` the
    addresses of the period's leaflets for the provisions met.

    Raises:
        InvalidInput: no date to judge on, or a malformed date.
    """
    result = birth_approval_eligibility(facts, as_of=as_of)
    on = as_of or dt.date.fromisoformat(str(facts["application_date"]))
    version = rules.birth_approval.version_for(on)
    period = period_for(on)
    views = [provision_view(k) for k in result["provisions"]]
    procedure = None
    if result["eligible"] is True:
        procedure = (REGISTRATION_PROCEDURE if any(v["procedure"] == REGISTRATION_PROCEDURE for v in views)
                     else APPROVAL_PROCEDURE)
    basis = [v for v in views if procedure is None or v["procedure"] == procedure]
    where = bodies(on, town, elsewhere=elsewhere)
    leaflets = []
    for keys in situations(period.basis):
        if any(v["key"] in keys for v in basis):
            leaflets.append(_leaflet_summary(period, keys))
    return {
        **result,
        "as_of": on,
        "version": version.basis,
        "version_verified": rules.version_text_verified(version.basis),
        "period": period_view(period, on),
        "procedure": procedure,
        "provision_views": views,
        "basis": basis,
        "unverified": any(not v["verified"] for v in basis),
        "questions": list(dict.fromkeys(str(_question(p)) for p in result["missing"])),
        "materials_shown": [_text(m) for m in result["materials"]],
        "where": where,
        "steps": procedure_steps(on, procedure, where) if procedure else [],
        "leaflets": leaflets,
    }


def _question(path: str) -> str:
    if path in QUESTIONS:
        return str(QUESTIONS[path])
    if path.startswith("children.") and path.endswith(".sex"):
        return _("子女性别")
    if path.startswith("children.") and path.endswith(".disability_appraisal"):
        return _("子女病残儿医学鉴定结论")
    return _("其他情况")
