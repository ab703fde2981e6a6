"""Programmes (奖励扶助项目) as data: read from ``data/programmes.yaml``, checked, immutable.

A :class:`Programme` names its legal basis (:class:`ProvisionRef`, each with a source and a verified
flag), its payment frequency and dated :class:`RuleVersion` s. Amounts are never stored here: a rule
version lists the ``jisheng.law`` parameter keys it reads (templates with ``{category}`` and
``{hukou}``), and :mod:`jisheng.benefits.rules` evaluates them for a month.

Errors: :func:`load` raises :class:`~jisheng.core.errors.InvalidInput` naming the file and entry for
a programme without provisions, an unknown frequency, or unordered/overlapping rule-version dates.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jisheng.core.errors import InvalidInput

DATA_FILE = Path(__file__).parent / "data" / "programmes.yaml"

MONTHLY = "monthly"
ANNUAL = "annual"
ONE_TIME = "one_time"
GRANT = "grant"
FREQUENCIES = (MONTHLY, ANNUAL, ONE_TIME, GRANT)
AMOUNT_RULES = ("max_floor_local", "fixed", "granted")
STOP_RULES = ("through_event_month", "one_time")
#: Registry events a programme answers (``registry_events``) and what it does: ``end`` the enrolment (the event
#: month is the last paid; later months already paid are recovered) or flag it for ``review`` by staff.
REGISTRY_EVENTS = ("death", "move_out", "divorce")
REGISTRY_ACTIONS = ("end", "review")


@dataclass(frozen=True)
class ProvisionRef:
    """A provision the programme rests on: ``key`` (a provision of the law catalogue, or "" for a local practice
    with no written instrument found — never verified), title, source, verified."""

    key: str
    title: str
    source: str
    verified: bool


@dataclass(frozen=True)
class Category:
    key: str
    name: str


@dataclass(frozen=True)
class RuleVersion:
    """One dated version of a programme's payment rule, valid on ``[valid_from, valid_to)``.

    ``parameters`` maps a role (``national_floor``, ``local_standard``, ``amount``) to a parameter key
    template; ``stop_rule`` ``through_event_month`` means the month of a stop event (death, new child,
    recovery) is still paid and payment stops from the following month.
    """

    version: str
    valid_from: dt.date
    valid_to: dt.date | None
    amount_rule: str
    parameters: dict[str, str]
    stop_rule: str

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class Programme:
    """A reward or assistance programme. ``key`` is the CLI/URL slug (``special-assistance``)."""

    key: str
    name: str
    glossary: str
    frequency: str
    eligibility_rule: str
    posting_days: int
    posting_days_verified: bool
    verification_month: int | None
    categories: tuple[Category, ...]
    provisions: tuple[ProvisionRef, ...]
    rule_versions: tuple[RuleVersion, ...] = field(default_factory=tuple)
    #: Registry event → action (:data:`REGISTRY_EVENTS`, :data:`REGISTRY_ACTIONS`); an event not named changes
    #: nothing. ``registry_events_source`` says where the rule comes from.
    registry_events: dict[str, str] = field(default_factory=dict)
    registry_events_source: str = ""

    @property
    def verified(self) -> bool:
        """True only when every provision of the programme was confirmed in a source."""
        return all(p.verified for p in self.provisions)

    @property
    def frequency_label(self) -> str:
        labels = {MONTHLY: "按月发放", ANNUAL: "按年发放", ONE_TIME: "一次性奖励", GRANT: "酌情救助（预算内）"}
        return labels[self.frequency]

    @property
    def has_roll_per_month(self) -> bool:
        return self.frequency == MONTHLY

    def category_keys(self) -> list[str]:
        return [c.key for c in self.categories]

    def category_name(self, key: str) -> str:
        return next((c.name for c in self.categories if c.key == key), key)

    def rule_version(self, day: dt.date) -> RuleVersion:
        """Return the rule version in force on ``day``.

        Raises:
            InvalidInput: no version covers ``day`` (before the programme existed).
        """
        for version in self.rule_versions:
            if version.covers(day):
                return version
        raise InvalidInput(f"项目「{self.name}」在 {day.isoformat()} 没有有效的发放规则", location=self.key)


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidInput(f"not a date: {value!r}", location=where) from exc


def parse(data: dict[str, Any], *, source: str = "programmes.yaml") -> dict[str, Programme]:
    """Build programmes from the YAML structure; raise :class:`InvalidInput` naming the bad entry."""
    result: dict[str, Programme] = {}
    for i, raw in enumerate(data.get("programmes") or []):
        where = f"{source}: programmes[{i}]"
        key = raw.get("key")
        if not key:
            raise InvalidInput("programme without key", location=where)
        where = f"{source}: {key}"
        if raw.get("frequency") not in FREQUENCIES:
            raise InvalidInput(f"frequency must be one of {FREQUENCIES}", location=where)
        provisions = tuple(
            ProvisionRef(key=p.get("key") or "", title=p["title"], source=p["source"], verified=bool(p.get("verified")))
            for p in raw.get("provisions") or []
        )
        if not any(p.key for p in provisions):
            raise InvalidInput("a programme needs at least one provision of the law catalogue (legal basis)",
                               location=where)
        if any(not p.key and p.verified for p in provisions):
            raise InvalidInput("a local practice without a provision key cannot be verified", location=where)
        versions: list[RuleVersion] = []
        for j, v in enumerate(raw.get("rule_versions") or []):
            vw = f"{where}.rule_versions[{j}]"
            valid_from = _date(v.get("valid_from"), vw)
            valid_to = _date(v["valid_to"], vw) if v.get("valid_to") else None
            if valid_to is not None and valid_to <= valid_from:
                raise InvalidInput("valid_to must be after valid_from", location=vw)
            if versions and (versions[-1].valid_to is None or versions[-1].valid_to > valid_from):
                raise InvalidInput("rule versions must be ordered and must not overlap", location=vw)
            if v.get("amount_rule") not in AMOUNT_RULES:
                raise InvalidInput(f"amount_rule must be one of {AMOUNT_RULES}", location=vw)
            if v.get("stop_rule") not in STOP_RULES:
                raise InvalidInput(f"stop_rule must be one of {STOP_RULES}", location=vw)
            versions.append(RuleVersion(
                version=str(v["version"]), valid_from=valid_from, valid_to=valid_to,
                amount_rule=v["amount_rule"], parameters=dict(v.get("parameters") or {}), stop_rule=v["stop_rule"],
            ))
        if not versions:
            raise InvalidInput("a programme needs at least one rule version", location=where)
        events = dict(raw.get("registry_events") or {})
        for event, action in events.items():
            if event not in REGISTRY_EVENTS or action not in REGISTRY_ACTIONS:
                raise InvalidInput(f"registry_events: {event}: {action} — events are {REGISTRY_EVENTS}, actions "
                                   f"{REGISTRY_ACTIONS}", location=where)
        result[key] = Programme(
            key=key, name=raw["name"], glossary=raw.get("glossary", key), frequency=raw["frequency"],
            eligibility_rule=raw["eligibility_rule"], posting_days=int(raw.get("posting_days", 7)),
            posting_days_verified=bool(raw.get("posting_days_verified")),
            verification_month=raw.get("verification_month"),
            categories=tuple(Category(c["key"], c["name"]) for c in raw.get("categories") or []),
            provisions=provisions, rule_versions=tuple(versions), registry_events=events,
            registry_events_source=str(raw.get("registry_events_source", "")),
        )
    return result


@functools.cache
def all_programmes() -> dict[str, Programme]:
    """Every programme keyed by slug, in file order (cached; the file is part of the code)."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return parse(yaml.safe_load(fh), source=DATA_FILE.name)


def get(key: str) -> Programme:
    """Return the programme ``key``.

    Raises:
        InvalidInput: no such programme (the message lists the known keys).
    """
    try:
        return all_programmes()[key]
    except KeyError:
        known = ", ".join(all_programmes())
        raise InvalidInput(f"unknown programme {key!r}; known: {known}", location="--programme") from None


def choices() -> list[tuple[str, str]]:
    """``[(key, name)]`` for model and form choices."""
    return [(p.key, p.name) for p in all_programmes().values()]
