"""Eligibility and payment rules of the reward and assistance programmes — pure functions of facts and a date.

Nothing here reads the clock or the database. Facts are plain dicts (gathered by
:func:`jisheng.benefits.services.facts_for` from the registry, completed by staff); parameter values come
through a ``lookup(key, on) -> ParameterValue`` callable (in production :func:`jisheng.law.parameters.parameter_value`).

Payment-period rule (stated, with its source) — :func:`payable_months`:
    A monthly benefit is paid for every whole calendar month from the month in which eligibility is
    confirmed (the enrolment's ``start_month``; a person eligible on the 1st is paid for that month, and so
    is one confirmed on the 31st) through the month of the stop event (death, new birth or adoption,
    recovery): a person who dies on the 20th is paid for that month and not for the next. No month is
    prorated. Source: legal-facts §3.1 ("paid per person per month, from the month eligibility is
    confirmed … stops on …", [PG zyruipu.com/contents/78/13940.html]); "the month of death is still paid"
    is local practice, UNVERIFIED, recorded as rule-version ``stop_rule: through_event_month``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from jisheng.core.errors import InvalidInput
from jisheng.core.money import yuan

from .programmes import Programme, RuleVersion

BORN_FROM = dt.date(1933, 1, 1)
SPECIAL_ASSISTANCE_WIFE_AGE = 49
RURAL_REWARD_AGE = 60
SEVERE_GRADES = (1, 2, 3)
HUKOU_KINDS = ("urban", "rural")


class ParameterValue(Protocol):
    value: Any
    verified: bool


Lookup = Callable[..., Any]


@dataclass(frozen=True)
class Determination:
    """Outcome of an eligibility rule.

    ``eligible`` is True / False / None (None: a fact needed to decide is missing, listed in ``missing``).
    ``provisions`` are the provision keys relied on; ``unmet`` the ids of conditions that failed;
    ``category`` the programme category found (``disabled`` / ``deceased`` for special assistance).
    """

    eligible: bool | None
    provisions: list[str]
    unmet: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    category: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "provisions": self.provisions, "unmet": self.unmet,
                "missing": self.missing, "category": self.category}


# --- dates ---------------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``."""
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Month starts from ``first``'s month through ``last``'s month inclusive."""
    m, end = month_start(first), month_start(last)
    while m <= end:
        yield m
        m = next_month(m)


def parse_month(text: str) -> dt.date:
    """Parse ``YYYY-MM`` into the first day of that month.

    Raises:
        ValueError: not a ``YYYY-MM`` month.
    """
    try:
        year, month = text.strip().split("-")
        return dt.date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        raise ValueError(f"not a month (YYYY-MM): {text!r}") from None


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def last_payable_month(*, stop_date: dt.date | None, stop_rule: str = "through_event_month") -> dt.date | None:
    """The last month paid when a stop event (death, new child, recovery) happens on ``stop_date``.

    ``through_event_month``: the month of the event is still paid (legal-facts §3.1; UNVERIFIED local
    practice, see module docstring). None when there is no stop event.
    """
    if stop_date is None:
        return None
    if stop_rule != "through_event_month":
        raise ValueError(f"unknown stop rule {stop_rule!r}")
    return month_start(stop_date)


def payable_months(*, start_month: dt.date, stop_date: dt.date | None, through: dt.date,
                   stop_rule: str = "through_event_month") -> list[dt.date]:
    """The months a monthly benefit is owed for, from ``start_month`` up to ``through`` (a month).

    Example: start 2026-03-01 (eligible on 1 March), death 2026-05-20 → March, April, May.
    """
    last = last_payable_month(stop_date=stop_date, stop_rule=stop_rule)
    end = min(month_start(through), last) if last else month_start(through)
    return list(months_between(start_month, end)) if start_month <= end else []


# --- eligibility ---------------------------------------------------------------------------------------

SA_PROVISION = "special-assistance-pilot-2007/art-2"
RR_PROVISION = "rural-reward-pilot-2004/art-2"
RET_PROVISION = "taicang-fp-law-plan-2013/art-4/item-2"
LAC_PROVISION = "local/long-acting-contraception-reward"


class _Check:
    """Collects condition outcomes: ``ok(id, bool|None, missing=paths)``."""

    def __init__(self) -> None:
        self.unmet: list[str] = []
        self.missing: list[str] = []

    def ok(self, condition: str, value: bool | None, *missing: str) -> None:
        if value is None:
            self.missing.extend(m for m in missing if m not in self.missing)
        elif not value:
            self.unmet.append(condition)

    def result(self, provisions: list[str], category: str = "") -> Determination:
        if self.unmet:
            return Determination(False, [], self.unmet, self.missing, category)
        if self.missing:
            return Determination(None, [], [], self.missing, category)
        return Determination(True, provisions, [], [], category)


def special_assistance(facts: dict[str, Any], as_of: dt.date) -> Determination:
    """特别扶助 eligibility of one parent on ``as_of`` (legal-facts §3.1, all four conditions required).

    Facts: ``birth_date``; ``single_parent`` (widowed/divorced, not remarried); ``wife_birth_date`` (the
    wife's birth date; for a single parent their own); ``only_one_child`` (had only one child, born or
    lawfully adopted, incl. several born and only one survived — proof: 光荣证 or village certificate);
    ``living_children`` (count on ``as_of``); ``child_disability_grade`` (残疾人证 grade of the only
    living child, 1 = most severe, None = no certificate).

    Conditions: ``born_from_1933``; ``wife_age_49`` (single parent: ``self_age_49``); ``one_child_only``;
    ``no_child_or_severely_disabled`` (no living child, or the only one holds grade 1–3). Category:
    ``deceased`` (no living child) or ``disabled``.
    """
    c = _Check()
    birth = _date(facts.get("birth_date"))
    c.ok("born_from_1933", birth >= BORN_FROM if birth else None, "birth_date")
    single = facts.get("single_parent")
    age_birth = birth if single else _date(facts.get("wife_birth_date"))
    condition = "self_age_49" if single else "wife_age_49"
    if single is None and age_birth is None:
        c.ok(condition, None, "single_parent", "wife_birth_date")
    else:
        c.ok(condition, age_on(age_birth, as_of) >= SPECIAL_ASSISTANCE_WIFE_AGE if age_birth else None,
             "birth_date" if single else "wife_birth_date")
    only = facts.get("only_one_child")
    c.ok("one_child_only", None if only is None else bool(only), "only_one_child")
    living = facts.get("living_children")
    grade = facts.get("child_disability_grade")
    category = ""
    if living is None:
        c.ok("no_child_or_severely_disabled", None, "living_children")
    elif int(living) == 0:
        category = "deceased"
    elif int(living) == 1:
        category = "disabled"
        c.ok("no_child_or_severely_disabled", grade is not None and int(grade) in SEVERE_GRADES)
    else:
        c.ok("no_child_or_severely_disabled", False)
    return c.result([SA_PROVISION], category)


def special_assistance_stops(facts: dict[str, Any], *, category: str) -> list[str]:
    """Stop conditions in force (legal-facts §3.1): ``death``, ``new_child`` (birth or adoption),
    ``recovered`` (the disabled child's grade fell below 3 or the certificate was withdrawn)."""
    stops = []
    if facts.get("death_date"):
        stops.append("death")
    living = facts.get("living_children")
    if living is not None and ((category == "deceased" and int(living) > 0) or
                               (category == "disabled" and int(living) > 1)):
        stops.append("new_child")
    grade = facts.get("child_disability_grade")
    if category == "disabled" and (grade is None or int(grade) not in SEVERE_GRADES):
        stops.append("recovered")
    return stops


def rural_reward(facts: dict[str, Any], as_of: dt.date) -> Determination:
    """农村部分计划生育家庭奖励扶助 eligibility on ``as_of`` (legal-facts §3.2, national baseline).

    Facts: ``birth_date``; ``hukou`` and ``spouse_hukou`` (``rural``; spouse None when single);
    ``no_violation_1973_2001`` (staff-confirmed); ``living_children``, ``living_daughters``,
    ``children_ever`` (counts on ``as_of``).
    Conditions: ``rural_hukou``, ``no_violation_1973_2001``, ``children`` (one living child, or two living
    girls, or children who all died), ``born_from_1933``, ``age_60``.
    """
    c = _Check()
    hukou = facts.get("hukou")
    spouse = facts.get("spouse_hukou", "none")
    if hukou is None:
        c.ok("rural_hukou", None, "hukou")
    else:
        c.ok("rural_hukou", hukou == "rural" and spouse in ("rural", "none", None))
    v = facts.get("no_violation_1973_2001")
    c.ok("no_violation_1973_2001", None if v is None else bool(v), "no_violation_1973_2001")
    living, daughters, ever = (facts.get(k) for k in ("living_children", "living_daughters", "children_ever"))
    if living is None or ever is None:
        c.ok("children", None, "living_children", "children_ever")
    else:
        n = int(living)
        c.ok("children", n == 1 or (n == 2 and int(daughters or 0) == 2) or (n == 0 and int(ever) > 0))
    birth = _date(facts.get("birth_date"))
    c.ok("born_from_1933", birth >= BORN_FROM if birth else None, "birth_date")
    c.ok("age_60", age_on(birth, as_of) >= RURAL_REWARD_AGE if birth else None, "birth_date")
    return c.result([RR_PROVISION])


def retiree_reward(facts: dict[str, Any], as_of: dt.date) -> Determination:
    """Enterprise-retiree one-time reward (legal-facts §2.5; Jiangsu terms UNVERIFIED).

    Facts: ``only_child_certificate`` (holds 独生子女父母光荣证), ``enterprise_employee``,
    ``retirement_date`` (on or before ``as_of``). Conditions with the same ids.
    """
    c = _Check()
    cert = facts.get("only_child_certificate")
    c.ok("only_child_certificate", None if cert is None else bool(cert), "only_child_certificate")
    emp = facts.get("enterprise_employee")
    c.ok("enterprise_employee", None if emp is None else bool(emp), "enterprise_employee")
    retired = _date(facts.get("retirement_date"))
    c.ok("retired", retired <= as_of if retired else None, "retirement_date")
    return c.result([RET_PROVISION])


def contraception_reward(facts: dict[str, Any], as_of: dt.date) -> Determination:
    """Long-acting contraception one-time reward (legal-facts §3.3; local policy, UNVERIFIED).

    Facts: ``living_children`` (≥ 1: the couple has had a child) and ``long_acting_method_date``
    (IUD or sterilisation on or before ``as_of``). Conditions ``has_child``, ``long_acting_method``.
    """
    c = _Check()
    living = facts.get("living_children")
    c.ok("has_child", int(living) >= 1 if living is not None else None, "living_children")
    when = _date(facts.get("long_acting_method_date"))
    c.ok("long_acting_method", when <= as_of if when else None, "long_acting_method_date")
    return c.result([LAC_PROVISION])


def discretionary(facts: dict[str, Any], as_of: dt.date) -> Determination:
    """Public-welfare fund and hardship aid: discretionary grants (legal-facts §3.3).

    Facts: ``hardship_reason`` (non-empty text). The amount is decided by staff within the year's budget
    (checked by the service, not here).
    """
    c = _Check()
    reason = facts.get("hardship_reason")
    c.ok("hardship_reason", bool(str(reason).strip()) if reason is not None else None, "hardship_reason")
    return c.result([])


ELIGIBILITY: dict[str, Callable[[dict[str, Any], dt.date], Determination]] = {
    "special_assistance": special_assistance,
    "rural_reward": rural_reward,
    "retiree_reward": retiree_reward,
    "contraception_reward": contraception_reward,
    "discretionary": discretionary,
}


def determine(programme: Programme, facts: dict[str, Any], as_of: dt.date) -> Determination:
    """Run ``programme``'s eligibility rule; the programme's own provision keys are added when eligible."""
    result = ELIGIBILITY[programme.eligibility_rule](facts, as_of)
    if result.eligible:
        keys = list(dict.fromkeys([*result.provisions, *(p.key for p in programme.provisions)]))
        return Determination(True, keys, [], [], result.category)
    return result


# --- amounts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """The amount owed for one (category, hukou) group in one period, with what it was computed from.

    ``amount`` in yuan (per person per month for monthly programmes, per year for annual ones, once for
    one-time ones); ``basis`` maps parameter keys to their values as strings; ``verified`` is False when
    any parameter used is unverified; ``version`` is the rule version.
    """

    category: str
    hukou: str
    amount: Decimal
    basis: dict[str, str]
    verified: bool
    version: str


def _param(lookup: Lookup, key: str, on: dt.date) -> tuple[Decimal, bool]:
    found = lookup(key, on=on)
    value = getattr(found, "value", found)
    verified = bool(getattr(found, "verified", True))
    return yuan(value if isinstance(value, Decimal | int | str) else str(value)), verified


def rate(version: RuleVersion, *, category: str, hukou: str, on: dt.date, lookup: Lookup) -> Rate:
    """Compute the amount of ``version`` for a (category, hukou) group on ``on``.

    ``max_floor_local`` (special assistance, legal-facts §3.1): max(national floor for the category and
    hukou, local standard for the category) in force on ``on``. ``fixed``: the one parameter ``amount``.

    A local standard with no value in force on ``on`` (before the city set one) is left out: the national
    floor alone applies.

    Raises:
        InvalidInput: (from ``lookup``) a required parameter has no value on ``on`` — never a silent zero.
    """
    keys = {role: tpl.format(category=category, hukou=hukou) for role, tpl in version.parameters.items()}
    values: dict[str, tuple[Decimal, bool]] = {}
    for role, key in keys.items():
        try:
            values[role] = _param(lookup, key, on)
        except InvalidInput:
            if role != "local_standard":
                raise
            # no local standard in force (before the city set one): the national floor alone applies
    if version.amount_rule == "max_floor_local":
        floor = values["national_floor"][0]
        local = values["local_standard"][0] if "local_standard" in values else None
        amount = max(floor, local) if local is not None else floor
    elif version.amount_rule == "fixed":
        amount = values["amount"][0]
    else:
        raise ValueError(f"amount rule {version.amount_rule!r} has no rate (granted amounts are per enrolment)")
    return Rate(category=category, hukou=hukou, amount=amount,
                basis={keys[role]: str(v[0]) for role, v in values.items()},
                verified=all(v[1] for v in values.values()), version=version.version)


def rate_table(programme: Programme, *, on: dt.date, lookup: Lookup) -> list[Rate]:
    """Every (category, hukou) rate of ``programme`` on ``on`` (one row per group; few rows)."""
    version = programme.rule_version(on)
    if version.amount_rule == "granted":
        return []
    categories = programme.category_keys() or [""]
    return [rate(version, category=cat, hukou=h, on=on, lookup=lookup) for cat in categories for h in HUKOU_KINDS]
