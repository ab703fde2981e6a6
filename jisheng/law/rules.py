"""The rules framework: eligibility rules as pure, dated functions that cite the law.

An eligibility rule is a pure function ``(facts, as_of, params) -> Determination``. It never reads the
clock or the database: ``as_of`` is given, ``params`` reads dated parameters in force on ``as_of``,
``facts`` is a :class:`Facts` reader over a JSON-like mapping that records every fact it needed but did
not find. A missing fact never gets a default: the determination is then ``eligible=None`` with the fact
paths in ``missing``.

Writing a rule (e.g. in ``jisheng/licensing/rules.py``)::

    birth_approval = Rule("birth-approval", "再生育审批")

    @birth_approval.version(valid_from=date(2002, 9, 1), valid_to=date(2014, 3, 28),
                            basis="js-pfp-reg-2002")
    def birth_approval_2002(facts: Facts, as_of: date, params: Params) -> Determination:
        age = facts.check("wife-age-24", lambda b: years_between(b, as_of) >= 24, "wife.birth_date")
        item6 = Ground("js-pfp-reg-2002/art-22/item-6", [facts.check("one-child", ...)],
                       materials=["独生子女证明"])
        return decide([item6, ...], common=[age], common_materials=["结婚证"])

    birth_approval.evaluate({"wife": {...}}, as_of=date(2013, 6, 1))   # picks the version in force

Rule tests are YAML cases that legal staff can read (see :func:`load_rule_cases`)::

    rule: birth-approval
    cases:
      - name: 双独夫妻已有一孩，可以再生育
        as_of: 2013-06-01
        facts: {wife: {...}, husband: {...}, children: [...]}
        expect:
          eligible: true
          provisions: [js-pfp-reg-2002/art-22/item-6]

and run with::

    CASES = rule_case_params(Path(__file__).parent / "cases" / "birth_approval.yaml")

    @pytest.mark.parametrize("case", CASES)
    def test_birth_approval(case): assert_rule_case(case)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from jisheng.core.errors import InvalidInput

from . import yamlio
from .parameters import ParameterValue, parameter_value


@dataclass(frozen=True)
class Determination:
    """The outcome of an eligibility rule (contract §2 shape).

    - ``eligible``: True, False, or None when a fact needed to decide is missing;
    - ``provisions``: citation keys of the provisions that ground a positive outcome (every one satisfied);
    - ``unmet``: ids of conditions that failed; ``missing``: dotted fact paths that were needed but absent;
    - ``materials``: names of the documents the applicant must bring.
    """

    eligible: bool | None
    provisions: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """``{"eligible", "provisions", "unmet", "missing", "materials"}`` (JSON-ready)."""
        return {"eligible": self.eligible, "provisions": list(self.provisions), "unmet": list(self.unmet),
                "missing": list(self.missing), "materials": list(self.materials)}


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
        return parse_fact_date(self.get(path), path)

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


def parse_fact_date(value: Any, path: str) -> Any:
    """A fact's value read as a date: an ISO string as a :class:`datetime.date`; a date, None (null) and
    :data:`MISSING` unchanged.

    Raises :class:`InvalidInput` at ``path`` for a malformed date.
    """
    if value is MISSING or value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(_("不是有效日期：%(v)s") % {"v": value}, location=path) from None


class Params:
    """Dated parameters as seen on ``as_of`` (what a rule may read besides facts)."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.used: list[ParameterValue] = []

    def get(self, key: str) -> ParameterValue:
        """The :class:`ParameterValue` of ``key`` in force on ``as_of`` (raises ``InvalidInput`` if none)."""
        value = parameter_value(key, self.as_of)
        self.used.append(value)
        return value

    def value(self, key: str) -> Any:
        """Just the value of ``key`` on ``as_of``."""
        return self.get(key).value


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


RuleFunc = Callable[[Facts, dt.date, Params], Determination]


@dataclass(frozen=True)
class RuleVersion:
    """A version of a rule in force on ``[valid_from, valid_to)``; ``basis`` names the instrument version."""

    rule: str
    valid_from: dt.date
    valid_to: dt.date | None
    func: RuleFunc
    basis: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


_rules: dict[str, Rule] = {}


class Rule:
    """A named eligibility rule with dated versions. Creating one registers it under ``key``."""

    def __init__(self, key: str, title: str = "") -> None:
        self.key = key
        self.title = title
        self.versions: list[RuleVersion] = []
        _rules[key] = self

    def version(self, *, valid_from: dt.date, valid_to: dt.date | None = None,
                basis: str = "") -> Callable[[RuleFunc], RuleFunc]:
        """Decorator registering ``func`` as the version in force on ``[valid_from, valid_to)``.

        Raises :class:`ValueError` when it overlaps an existing version.
        """

        def register(func: RuleFunc) -> RuleFunc:
            new = RuleVersion(self.key, valid_from, valid_to, func, basis)
            for v in self.versions:
                ends_after_new_starts = v.valid_to is None or v.valid_to > valid_from
                starts_before_new_ends = valid_to is None or v.valid_from < valid_to
                if v.func is not func and ends_after_new_starts and starts_before_new_ends:
                    raise ValueError(f"rule {self.key}: version from {valid_from} overlaps {v.valid_from}")
            self.versions = sorted([v for v in self.versions if v.func is not func] + [new],
                                   key=lambda v: v.valid_from)
            return func

        return register

    def version_for(self, as_of: dt.date) -> RuleVersion:
        """The version in force on ``as_of``; raises :class:`InvalidInput` when none is."""
        for v in self.versions:
            if v.in_force(as_of):
                return v
        raise InvalidInput(_("规则 %(rule)s 在 %(on)s 没有有效的版本。") % {"rule": self.key, "on": as_of.isoformat()},
                           location="as_of")

    def evaluate(self, facts: Mapping[str, Any] | Facts, *, as_of: dt.date) -> Determination:
        """Apply the version in force on ``as_of`` to ``facts``."""
        reader = facts if isinstance(facts, Facts) else Facts(facts)
        return self.version_for(as_of).func(reader, as_of, Params(as_of))


def rule_get(key: str) -> Rule:
    """The registered rule ``key``; raises :class:`InvalidInput` when unknown."""
    try:
        return _rules[key]
    except KeyError:
        raise InvalidInput(_("未知的规则 %(key)s。") % {"key": key}, location=key) from None


def all_rules() -> dict[str, Rule]:
    """Every registered rule by key."""
    return dict(_rules)


# --- YAML rule cases --------------------------------------------------------------------------------

EXPECT_KEYS = ("eligible", "provisions", "unmet", "missing", "materials")


@dataclass(frozen=True)
class RuleCase:
    """One readable test case: apply ``rule`` to ``facts`` on ``as_of`` and expect ``expect``.

    ``expect`` holds any of ``eligible``, ``provisions``, ``unmet``, ``missing``, ``materials``; only the
    keys given are compared (lists ignoring order). ``location`` is ``file:line`` of the case.
    """

    name: str
    rule: str
    as_of: dt.date
    facts: dict[str, Any]
    expect: dict[str, Any]
    location: str


def _plain(node: yaml.Node) -> Any:
    """A node as plain Python (dates stay ISO strings, as in the JSON facts vocabulary)."""
    if isinstance(node, yaml.MappingNode):
        return {k.value: _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    value = yamlio.scalar(Path("<case>"), node)
    if isinstance(value, Decimal):  # JSON-like facts: numbers with a fraction are floats
        return float(value)
    return value


def load_rule_cases(path: Path | str) -> list[RuleCase]:
    """Read a YAML file of rule cases (format in the module docstring); errors name file and line."""
    path = Path(path)
    root = yamlio.compose(path)
    top = yamlio.as_dict(path, root, _("规则用例文件"), required={"rule", "cases"}, allowed={"rule", "cases", "note"})
    rule = yamlio.string(path, top["rule"], "rule")
    if not isinstance(top["cases"], yaml.SequenceNode):
        raise InvalidInput(_("cases 必须是列表。"), location=yamlio.location(path, top["cases"]))
    cases: list[RuleCase] = []
    for node in top["cases"].value:
        fields = yamlio.as_dict(path, node, _("用例"), required={"name", "as_of", "facts", "expect"},
                                allowed={"note", "rule"})
        expect_node = fields["expect"]
        expect = _plain(expect_node)
        if not isinstance(expect, dict) or not set(expect) <= set(EXPECT_KEYS):
            raise InvalidInput(_("expect 只能包含 %(keys)s。") % {"keys": ", ".join(EXPECT_KEYS)},
                               location=yamlio.location(path, expect_node))
        facts = _plain(fields["facts"])
        if not isinstance(facts, dict):
            raise InvalidInput(_("facts 必须是映射。"), location=yamlio.location(path, fields["facts"]))
        as_of = yamlio.date(path, fields["as_of"], "as_of")
        assert as_of is not None
        cases.append(RuleCase(
            name=yamlio.string(path, fields["name"], "name"),
            rule=yamlio.string(path, fields["rule"], "rule") if "rule" in fields else rule,
            as_of=as_of, facts=facts, expect=expect, location=yamlio.location(path, node),
        ))
    return cases


def rule_case_mismatches(case: RuleCase) -> list[str]:
    """Differences between the rule's determination and the case's expectation (empty = pass)."""
    result = rule_get(case.rule).evaluate(case.facts, as_of=case.as_of).to_dict()
    problems: list[str] = []
    for key, expected in case.expect.items():
        actual = result[key]
        if key == "eligible":
            if actual is not expected:
                problems.append(f"eligible: expected {expected!r}, got {actual!r}")
        elif sorted(map(str, expected or [])) != sorted(map(str, actual)):
            problems.append(f"{key}: expected {sorted(expected or [])}, got {sorted(actual)}")
    return problems


def assert_rule_case(case: RuleCase) -> None:
    """Assert that ``case`` passes; the message names the case, its ``file:line`` and every difference."""
    problems = rule_case_mismatches(case)
    if problems:
        raise AssertionError(f"{case.location} {case.name}: " + "; ".join(problems))


def rule_case_params(*paths: Path | str) -> list[Any]:
    """``pytest.param(case, id=...)`` for every case in ``paths`` — for ``@pytest.mark.parametrize``."""
    import pytest

    return [pytest.param(case, id=f"{case.as_of}-{case.name}") for p in paths for case in load_rule_cases(p)]
