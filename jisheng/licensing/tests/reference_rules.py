"""The birth-approval rule as it was before issue 17 (commit ae1c871), frozen: the oracle and the baseline.

Do not edit to follow a change in the law: this module is the slow, obviously-structured implementation the fast
one in :mod:`jisheng.licensing.rules` must agree with, output for output and in the same order (see
docs/adr/0052-a-frozen-reference-for-the-eligibility-rule.md). It is used by

- ``jisheng/licensing/tests/test_rule_equivalence.py`` — the oracle over every YAML case and 10,000 generated
  fact sets;
- ``bench/licensing.py`` — the baseline of the ``eligibility_rule`` metric, measured in the same run.

Everything the old rule used from :mod:`jisheng.law.rules` (``Facts``, ``Check``, ``Ground``, ``decide``) is
copied here too, so that later work on that framework does not move the baseline. The texts (provision
materials, common materials) and constants are imported from the live module: the oracle checks the logic, not
the wording. When the rule changes by intent (a new text of the law), change the reference in the same commit
and say so, or retire the equivalence test.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jisheng.core.errors import InvalidInput
from jisheng.law.rules import Determination
from jisheng.licensing.rules import (
    _A22,
    _B22,
    COMMON_MATERIALS_2002,
    COMMON_MATERIALS_2014,
    COMMON_MATERIALS_LATER,
    CONVERSION_YEARS,
    CONVERSIONS_KEEPING_RURAL,
    DUTY_GRADES_2B_OR_ABOVE_NEW,
    DUTY_GRADES_2B_OR_ABOVE_OLD,
    DUTY_GRADES_NEW,
    PROVISIONS,
    TEN_GRADE_SCALE_FROM,
    V2014_FROM,
    V2016_FROM,
    V2021_FROM,
    V2021_NATIONAL_FROM,
)

# --- the rules framework's readers and combinators, as in jisheng/law/rules.py at ae1c871 -------------

class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


#: Returned by :meth:`Facts.get` for an absent fact.
MISSING: Any = _Missing()


@dataclass(frozen=True)
class Check:
    """One condition's result: ``holds`` True / False / None (None = a needed fact is missing)."""

    id: str
    holds: bool | None
    missing: tuple[str, ...] = ()


class Facts:
    """Read-only view of a facts mapping by dotted path (``"wife.birth_date"``, ``"children.0.sex"``).

    An absent key is unknown (recorded in :attr:`missing` when read); an explicit ``null`` is a known
    "none" value. Dates are ISO strings in the input; :meth:`date` parses them.
    """

    def __init__(self, data: Mapping[str, Any] | None) -> None:
        self.data: Mapping[str, Any] = data or {}
        self.missing: list[str] = []

    def _walk(self, path: str) -> Any:
        """The value at dotted ``path`` (list items by index), or :data:`MISSING`; records nothing."""
        node: Any = self.data
        for part in path.split("."):
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return MISSING
        return node

    def get(self, path: str) -> Any:
        """The value at ``path``, or :data:`MISSING` (recorded) when absent."""
        node = self._walk(path)
        if node is MISSING and path not in self.missing:
            self.missing.append(path)
        return node

    def has(self, path: str) -> bool:
        """True when ``path`` is present (does not record anything)."""
        return self._walk(path) is not MISSING

    def date(self, path: str) -> Any:
        """The ISO date at ``path`` as a :class:`datetime.date`, :data:`MISSING`, or None for null.

        Raises :class:`InvalidInput` naming the path for a malformed date.
        """
        value = self.get(path)
        if value is MISSING or value is None or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(f"不是有效日期：{value}", location=path) from None

    def check(self, id: str, predicate: Callable[..., bool], *paths: str) -> Check:
        """Evaluate ``predicate(*values)`` over the facts at ``paths`` (dates parsed when the path ends in
        ``_date`` or ``date``). Any absent fact → ``Check(id, None, missing)``, never a default."""
        values: list[Any] = []
        missing: list[str] = []
        for path in paths:
            value = self.date(path) if path.endswith("date") else self.get(path)
            if value is MISSING:
                missing.append(path)
            values.append(value)
        if missing:
            return Check(id, None, tuple(missing))
        return Check(id, bool(predicate(*values)))


@dataclass
class Ground:
    """One way to be eligible (e.g. an item of an article): all its checks must hold."""

    provision: str
    checks: Sequence[Check]
    materials: Sequence[str] = ()

    @property
    def holds(self) -> bool | None:
        if any(c.holds is False for c in self.checks):
            return False
        if all(c.holds is True for c in self.checks):
            return True
        return None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def decide(grounds: Sequence[Ground], *, common: Sequence[Check] = (),
           common_materials: Sequence[str] = ()) -> Determination:
    """Combine grounds ("any of these items") with common conditions ("and always these").

    - a common condition that fails → ``eligible=False`` (its id in ``unmet``);
    - every ground fails → ``eligible=False`` with the failed condition ids (missing facts cannot help);
    - all common conditions hold and at least one ground holds → ``eligible=True`` with the provisions of
      every ground that holds and their materials;
    - otherwise ``eligible=None`` with the missing fact paths (of the common conditions, and of the
      undecided grounds when none holds yet) and the conditions that failed so far in ``unmet``.
    """
    failed_common = [c.id for c in common if c.holds is False]
    common_missing = [p for c in common if c.holds is None for p in c.missing]
    failed_checks = _unique(c.id for g in grounds for c in g.checks if c.holds is False)
    if failed_common:
        return Determination(False, unmet=_unique(failed_common))
    holding = [g for g in grounds if g.holds is True]
    undecided = [g for g in grounds if g.holds is None]
    if not holding and not undecided:  # no way left to be eligible, whatever the missing facts say
        return Determination(False, unmet=failed_checks)
    if holding and not common_missing:
        return Determination(True, provisions=_unique(g.provision for g in holding),
                             materials=_unique([*common_materials, *(m for g in holding for m in g.materials)]))
    ground_missing = [] if holding else [p for g in undecided for c in g.checks if c.holds is None for p in c.missing]
    return Determination(None, missing=_unique([*common_missing, *ground_missing]), unmet=failed_checks)


Params = Any


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


def birth_approval_2016(f: Facts, as_of: dt.date, params: Params) -> Determination:
    """From 2016-01-01: two children by registration under the national law (2015 Art. 18) and the Jiangsu 2016
    text (UNVERIFIED wording); another child under that text's listed conditions."""
    return decide([_registration(f, "pfp-law-2015/art-18", 2), *_grounds_2016(f)],
                  common_materials=COMMON_MATERIALS_LATER)


def birth_approval_2021_national(f: Facts, as_of: dt.date, params: Params) -> Determination:
    """From 2021-08-20: the national law's Art. 18 (2021 text, "一对夫妻可以生育三个子女") overrides the Jiangsu 2016
    text, whose own grounds still apply where they give more."""
    return decide([_registration(f, "pfp-law-2021/art-18", 3), *_grounds_2016(f)],
                  common_materials=COMMON_MATERIALS_LATER)


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
    """Judge ``facts`` on ``as_of`` (default: the facts' ``application_date``) with the version in force (as of
    ae1c871; a date before 2002-11-01 raises :class:`StopIteration` here, where the live rule raises InvalidInput).

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
    func = next(func for start, func in reversed(VERSIONS) if start <= as_of)
    return func(Facts(facts), as_of, None)


#: The versions by the first day in force (as registered on ``birth-approval`` at ae1c871; the 2002 text from
#: 2002-11-01 — earlier dates have no version, see :func:`evaluate`).
VERSIONS: list[tuple[dt.date, Callable[[Facts, dt.date, Any], Determination]]] = [
    (dt.date(2002, 11, 1), birth_approval_2002), (V2014_FROM, birth_approval_2014),
    (V2016_FROM, birth_approval_2016), (V2021_NATIONAL_FROM, birth_approval_2021_national),
    (V2021_FROM, birth_approval_2021),
]
