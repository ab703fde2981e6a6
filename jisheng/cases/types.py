"""Case types: everything a procedure varies, declared by the procedure's own app.

The engine never learns a procedure's name. A procedure app (licensing, enforcement, petitions,
disclosure…) describes its case type with :class:`CaseType` and registers it in its ``AppConfig.ready()``::

    types.register(CaseType(key="birth_approval", label=_("再生育审批"), module="licensing",
                            module_label=_("行政许可"), capability_ns="licensing", workflow=WORKFLOW,
                            number_prefix="ZS", outcomes=(...), clock_rules=(...), records=(...), ...))

:func:`register` validates the type against the engine (statuses, actions, capabilities, clock events,
outcomes, records) and raises :class:`CaseTypeError` naming the field. The engine reads the type to
number cases, check capabilities (``<capability_ns>.<action capability>``), build the materials checklist,
start and stop statutory clocks on the legal events, accept the type's records, take decisions with its
outcomes, score the case file against its checklist and print its documents. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .workflows import Workflow

#: The three records a special case carries (seed 二(三)): key → label.
SPECIAL_RECORDS: dict[str, Promise] = {
    "collective_discussion": _("领导集体讨论记录"),
    "grassroots_forum": _("基层座谈会记录"),
    "investigation_record": _("户籍地调查记录"),
}

#: The capabilities (relative to a type's namespace) the engine itself checks, and what each allows.
ENGINE_CAPABILITIES: dict[str, str] = {
    "view": "open the type's cases, documents and history",
    "register": "register a case and upload its materials",
    "change": "take handling steps, upload, suspend and resume clocks, add records",
    "decide": "take the decision",
    "legal_review": "give the legal review (法制审核) of a major decision",
    "approve_extension": "approve the extension of a statutory clock (the agency head)",
    "file_review": "review case files (案卷评查)",
    "publish": "record the publication of a decision",
}

#: Clock start events that are not a workflow action or a record: the day the case was received.
RECEIVED = "received"


class CaseTypeError(ValueError):
    """A case type does not fit the engine; the message names the type and the field."""


@dataclass(frozen=True)
class MaterialSpec:
    """One line of a materials checklist: a key, the name shown to people, required or optional."""

    key: str
    name: str
    required: bool = True
    basis: str = ""


@dataclass(frozen=True)
class Party:
    """A kind of party to a case: ``role`` key, label, whether it must be a person of the registry
    (``registry=False`` admits petitioners, companies or hospitals by name), required, and how many."""

    role: str
    label: Promise | str
    registry: bool = True
    required: bool = False
    many: bool = False


@dataclass(frozen=True)
class Outcome:
    """A decision outcome: ``key`` (stored), label, the workflow ``action`` that records it, whether it is
    favourable to the applicant (``True`` grant, ``False`` refusal, ``None`` neither — e.g. "explained"),
    whether remedies must be told with it (every unfavourable decision: 行政许可法 Art. 38) and the
    decision document kinds it produces."""

    key: str
    label: Promise | str
    action: str
    favourable: bool | None
    tells_remedies: bool = False


@dataclass(frozen=True)
class ClockRule:
    """A statutory clock the engine starts and ends on the legal events of a case.

    ``starts_on``: ``"received"`` (the receipt date), ``"action:<name>"`` (the date of that workflow step) or
    ``"record:<kind>"`` (the date of that record, e.g. the service record 送达回证); the clock's start date
    is that legal date, never the day it was typed in. ``stop_on``: the events (same forms) that meet it.
    The length is the dated law ``parameter`` in force on the start date (``amount`` only where the law sets
    no parameter, or as the stated local fallback); ``unit`` is ``working``, ``calendar`` or ``months``.
    ``basis`` is the provision key (or ``instrument:cite``, resolved to the version in force on the start date,
    :func:`jisheng.law.provisions.resolve`); ``suspension_basis`` and ``extension_basis`` cite what allows
    excluding time and extending. ``max_extensions`` lawful extensions of at most ``extension_parameter``
    (or ``max_extension``) units each; ``per_instance`` clocks run once per instance (e.g. per assigned unit)
    and are started by the type through :func:`jisheng.cases.services.case_start_clock`.
    """

    kind: str
    label: Promise | str
    starts_on: str
    stop_on: frozenset[str]
    unit: str = "working"
    parameter: str | None = None
    amount: int | None = None
    basis: str = ""
    max_extensions: int = 1
    extension_parameter: str | None = None
    max_extension: int | None = None
    per_instance: bool = False
    suspension_basis: str = ""
    extension_basis: str = ""


#: When a record may be filed: while the case is open (before the decision), once it is decided (also after
#: closing: publication, reply, service of the decision), or at any time (a service record of any paper).
RECORD_PHASES = ("open", "decided", "any")


@dataclass(frozen=True)
class RecordKind:
    """A record the case file carries besides materials: prior notice, statements, service record (送达回证),
    hearing, publication, reply… ``capability`` (relative) records it; ``phase`` (one of
    :data:`RECORD_PHASES`) says when; ``needs_text`` asks for a written content."""

    key: str
    label: Promise | str
    capability: str = "change"
    basis: str = ""
    phase: str = "open"
    needs_text: bool = False

    def allowed(self, decided: bool) -> bool:
        """True when this record may be filed on a case that is (``decided``) or is not yet decided or closed."""
        return self.phase == "any" or (self.phase == "decided") == decided


@dataclass(frozen=True)
class RuleVerdict:
    """What the type's rules say about a case on the decision date: ``eligible`` True/False/None (unknown,
    facts missing) and the provision keys met. A decision against it needs a written reason."""

    eligible: bool | None
    provisions: tuple[str, ...] = ()
    summary: str = ""


def _no_verdict(case: Any, on: dt.date) -> RuleVerdict | None:
    return None


@dataclass(frozen=True)
class CaseType:
    """A procedure on the case engine.

    - ``module`` / ``module_label``: the app and the navigation entry it lives under (also on the workbench);
    - ``capability_ns``: the namespace of its capabilities (``licensing`` → ``licensing.view``…): workflow
      transitions name a relative capability (``change``, ``decide``…), resolved by :meth:`capability`;
    - ``parties``: who can be a party; ``outcomes``: the decisions it takes;
    - ``number_prefix``: case numbers read ``{prefix}{year}-{seq:05d}``;
    - ``materials(facts, as_of)``: the checklist for a case with these facts;
    - ``clock_rules``, ``records``, ``checklist`` (case-file review items), ``document_kinds``;
    - ``guard_facts(case)``: extra facts its workflow guards read (``GuardContext.extra``);
    - ``rule_check(case, on)``: the rules' verdict on the decision date (or None when no rule applies);
    - ``decision_basis(case)``: provision keys proposed for the decision;
    - ``remedies(case, on)``: the remedy lines told with an unfavourable decision on ``on``;
    - ``after_action(case, action, actor)``: runs inside a transition's transaction (e.g. to generate the
      notice the step produces); must not change the status;
    - ``accepts_from`` / ``accepts_until``: dates between which new cases may be registered.
    """

    key: str
    label: Promise | str
    workflow: Workflow
    number_prefix: str
    module: str = "cases"
    module_label: Promise | str = "案件"
    capability_ns: str = "cases"
    parties: tuple[Party, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    clock_rules: tuple[ClockRule, ...] = ()
    records: tuple[RecordKind, ...] = ()
    checklist: tuple[Any, ...] = ()
    materials: Callable[[dict[str, Any], dt.date], list[MaterialSpec]] = lambda facts, as_of: []
    document_kinds: dict[str, Promise | str] = field(default_factory=dict)
    accepts_from: dt.date | None = None
    accepts_until: dt.date | None = None
    guide_url_name: str | None = None
    after_action: Callable[[Any, str, Any], None] | None = None
    remedies: Callable[[Any, dt.date], list[str]] = lambda case, on: []
    decision_basis: Callable[[Any], list[str]] = lambda case: []
    rule_check: Callable[[Any, dt.date], RuleVerdict | None] = _no_verdict
    guard_facts: Callable[[Any], dict[str, Any]] = lambda case: {}
    #: ``assessment(case)``: what the rules say about the case's facts, for the case page (or None).
    assessment: Callable[[Any], dict[str, Any] | None] = lambda case: None
    #: Actions that need more than an opinion: the generic action form refuses them and the type's own
    #: panel (``panel_template``, included on the case page) offers them.
    payload_actions: frozenset[str] = frozenset()
    panel_template: str | None = None
    #: Days before a running clock's (possibly extended) due date on which its handlers are reminded, e.g.
    #: ``(7, 3, 1, 0)``; each threshold is sent once per due date (``jisheng.cases.reminders``). Empty: none.
    reminder_days: tuple[int, ...] = ()
    #: True when the type's panel takes the decision, the records and the clock changes (its services do more
    #: than the engine's: papers, notices, assignments): the engine's case page then offers no generic decision,
    #: record or clock form and its views for them refuse the type, so no step can bypass the procedure's services.
    steps_in_panel: bool = False
    #: ``scope_exclude(user)``: a ``Q`` over :class:`~jisheng.cases.models.Case` of the cases ``user`` never
    #: reaches although they are in scope (e.g. a petition complaining about that officer); None: none excluded.
    scope_exclude: Callable[[Any], Any] | None = None
    #: ``law_date(case)``: the date whose law governs the case's clocks (their lengths and bases), when the
    #: procedure fixes it for the whole case (petitions: the receipt date); None: each clock's start date.
    #: A clock rule without ``basis`` cites the provision its parameter's value rests on, on that date.
    law_date: Callable[[Any], dt.date | None] = lambda case: None

    def accepts_on(self, day: dt.date) -> bool:
        """True when a new case may be registered on ``day``."""
        return (self.accepts_from is None or day >= self.accepts_from) and (
            self.accepts_until is None or day < self.accepts_until)

    def capability(self, relative: str) -> str:
        """The full capability name: ``licensing`` + ``decide`` → ``licensing.decide``."""
        return f"{self.capability_ns}.{relative}"

    def outcome(self, key: str) -> Outcome:
        """The outcome ``key``; raises KeyError when the type has no such outcome."""
        for o in self.outcomes:
            if o.key == key:
                return o
        raise KeyError(key)

    @property
    def decision_actions(self) -> frozenset[str]:
        """The workflow actions that record a decision (taken only through ``case_decide``)."""
        return frozenset(o.action for o in self.outcomes)

    def record_kind(self, key: str) -> RecordKind:
        """The record kind ``key``; raises KeyError when the type has no such record."""
        for r in self.records:
            if r.key == key:
                return r
        raise KeyError(key)

    def clock_rule(self, kind: str) -> ClockRule:
        """The clock rule ``kind``; raises KeyError when the type has no such clock."""
        for c in self.clock_rules:
            if c.kind == kind:
                return c
        raise KeyError(kind)


_types: dict[str, CaseType] = {}
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


def _event_ok(case_type: CaseType, event: str) -> bool:
    kind, _sep, name = event.partition(":")
    if event == RECEIVED:
        return True
    if kind == "action":
        return name in case_type.workflow.actions
    if kind == "record":
        return any(r.key == name for r in case_type.records)
    return False


def validate(case_type: CaseType) -> None:
    """Check ``case_type`` against the engine.

    Raises:
        CaseTypeError: a malformed key or prefix, a prefix another type uses, a transition capability no role
            holds, an outcome whose action is not in the workflow, a clock event that is neither
            ``received``, a workflow action nor a record of the type, a duplicate clock/record/outcome, or a
            clock without a length.
    """
    from jisheng.accounts.roles import CAPABILITIES

    t = case_type
    where = f"case type {t.key!r}"
    if not _KEY.match(t.key):
        raise CaseTypeError(f"{where}: key must be lower-case letters, digits and _")
    if not re.match(r"^[A-Z]{1,4}$", t.number_prefix):
        raise CaseTypeError(f"{where}: number_prefix must be 1–4 capital letters")
    for other in _types.values():
        if other.key != t.key and other.number_prefix == t.number_prefix:
            raise CaseTypeError(f"{where}: number_prefix {t.number_prefix} is used by {other.key!r}")
    held = {cap for caps in CAPABILITIES.values() for cap in caps}
    needed = {row.capability for row in t.workflow.transitions} | {"view"} | {r.capability for r in t.records}
    for rel in sorted(needed):
        if "." in rel:
            raise CaseTypeError(f"{where}: transition capability {rel!r} must be relative (e.g. 'decide')")
        if t.capability(rel) not in held:
            raise CaseTypeError(f"{where}: no role holds {t.capability(rel)!r} (accounts/roles.py)")
    if any(not isinstance(d, int) or d < 0 or d > 366 for d in t.reminder_days) or len(set(t.reminder_days)) != len(
            t.reminder_days):
        raise CaseTypeError(f"{where}: reminder_days must be distinct whole days between 0 and 366")
    seen: set[str] = set()
    for o in t.outcomes:
        if o.key in seen:
            raise CaseTypeError(f"{where}: duplicate outcome {o.key!r}")
        seen.add(o.key)
        if o.action not in t.workflow.actions:
            raise CaseTypeError(f"{where}: outcome {o.key!r} names unknown action {o.action!r}")
    for label, items in (("record", [r.key for r in t.records]), ("clock", [c.kind for c in t.clock_rules])):
        if len(items) != len(set(items)):
            raise CaseTypeError(f"{where}: duplicate {label} kinds in {items}")
    for c in t.clock_rules:
        for event in (c.starts_on, *c.stop_on):
            if not _event_ok(t, event):
                raise CaseTypeError(f"{where}: clock {c.kind!r} names unknown event {event!r} "
                                    "(use 'received', 'action:<workflow action>' or 'record:<record kind>')")
        if c.parameter is None and c.amount is None:
            raise CaseTypeError(f"{where}: clock {c.kind!r} has neither parameter nor amount")
        if c.unit not in ("working", "calendar", "months"):
            raise CaseTypeError(f"{where}: clock {c.kind!r} has unknown unit {c.unit!r}")
        if c.per_instance and c.starts_on == RECEIVED:
            raise CaseTypeError(f"{where}: per-instance clock {c.kind!r} must start on an action or a record")
    for r in t.records:
        if r.phase not in RECORD_PHASES:
            raise CaseTypeError(f"{where}: record {r.key!r} has unknown phase {r.phase!r} ({', '.join(RECORD_PHASES)})")
    ids = [getattr(item, "id", None) for item in t.checklist]
    if len(ids) != len(set(ids)):
        raise CaseTypeError(f"{where}: duplicate checklist item ids")
    if t.payload_actions - set(t.workflow.actions):
        raise CaseTypeError(f"{where}: payload_actions {sorted(t.payload_actions - set(t.workflow.actions))} "
                            "are not workflow actions")


def register(case_type: CaseType) -> None:
    """Validate and register (or replace) a case type.

    Raises:
        CaseTypeError: the type does not fit the engine (see :func:`validate`).
    """
    validate(case_type)
    _types[case_type.key] = case_type


def unregister(key: str) -> None:
    """Remove a registered type (tests that register toy types clean up with it)."""
    _types.pop(key, None)


def get(key: str) -> CaseType:
    """Return the registered case type ``key``.

    Raises:
        KeyError: no such case type is registered.
    """
    return _types[key]


def all_types() -> list[CaseType]:
    """Every registered case type, by key."""
    return [_types[k] for k in sorted(_types)]


def choices() -> list[tuple[str, str]]:
    """``[(key, label)]`` for forms and filters."""
    return [(t.key, str(t.label)) for t in all_types()]


def viewable_types(user: Any) -> list[CaseType]:
    """The types whose cases ``user`` may open (``<ns>.view``)."""
    has = getattr(user, "has_capability", lambda c: False)
    return [t for t in all_types() if has(t.capability("view"))]


def may(user: Any, case_type: CaseType, relative: str) -> bool:
    """True when ``user`` holds ``<ns>.<relative>`` for ``case_type``."""
    return bool(getattr(user, "has_capability", lambda c: False)(case_type.capability(relative)))


def roles_that_may(relative: str) -> frozenset[str]:
    """Roles holding ``<ns>.<relative>`` for at least one registered type (for route declarations)."""
    from jisheng.accounts.roles import CAPABILITIES

    wanted = {t.capability(relative) for t in all_types()}
    return frozenset(role for role, caps in CAPABILITIES.items() if caps & wanted)
