"""Case types: what each procedure plugs into the case engine.

A procedure app (licensing, enforcement, petitions…) describes its case type with :class:`CaseType`
and registers it in its ``AppConfig.ready()``::

    types.register(CaseType(key="birth_approval", label=_("再生育审批"), workflow=LICENSING, ...))

The engine reads the type to number cases, build the materials checklist, start and stop statutory
clocks on transitions and know which records a special case needs. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
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


@dataclass(frozen=True)
class MaterialSpec:
    """One line of a materials checklist: a key, the name shown to people, required or optional."""

    key: str
    name: str
    required: bool = True
    basis: str = ""


@dataclass(frozen=True)
class ClockRule:
    """A statutory clock the engine starts and stops on workflow actions.

    ``start_on`` is an action name (or ``"create"`` for the moment the case is registered); the clock
    starts on the date of that step. ``stop_on`` lists the actions that meet it. The amount comes from
    the dated law parameter ``parameter`` in force on the start date (or ``amount`` when the law sets
    no parameter); ``unit`` is ``working``, ``calendar`` or ``months``. ``basis`` is the provision key.
    """

    kind: str
    label: Promise | str
    start_on: str
    stop_on: frozenset[str]
    unit: str = "working"
    parameter: str | None = None
    amount: int | None = None
    basis: str = ""


@dataclass(frozen=True)
class CaseType:
    """A procedure on the case engine.

    - ``number_prefix``: case numbers read ``{prefix}{year}-{seq:05d}``;
    - ``materials(facts, as_of)``: the checklist for a case with these facts;
    - ``is_special(facts)``: whether a case must carry the three special-case records (the officer may
      also mark a case special by hand);
    - ``document_kinds``: generated-document kinds (``{kind: label}``);
    - ``after_action``, ``remedies``, ``decision_basis``: hooks described at the fields;
    - ``accepts_from`` / ``accepts_until``: dates between which new cases may be registered
      (abolished procedures stop on their cut-over date).
    """

    key: str
    label: Promise | str
    workflow: Workflow
    number_prefix: str
    clock_rules: tuple[ClockRule, ...] = ()
    materials: Callable[[dict[str, Any], dt.date], list[MaterialSpec]] = lambda facts, as_of: []
    document_kinds: dict[str, Promise | str] = field(default_factory=dict)
    accepts_from: dt.date | None = None
    accepts_until: dt.date | None = None
    guide_url_name: str | None = None
    #: ``after_action(case, action, actor)``: runs inside the transition's transaction (e.g. to
    #: generate the notice or letter the step produces). Must not change the status.
    after_action: Callable[[Any, str, Any], None] | None = None
    #: ``remedies(on)``: the reconsideration and litigation rights told with a refusal on date ``on``.
    remedies: Callable[[dt.date], list[str]] = lambda on: []
    #: ``decision_basis(case)``: provision keys proposed for the decision (from the rules).
    decision_basis: Callable[[Any], list[str]] = lambda case: []
    #: ``assessment(case)``: what the rules say about the case's facts, for the case page (or None):
    #: ``{"eligible", "provision_views": [{"key", "number", "title", "verified"}], "questions", "version"}``.
    assessment: Callable[[Any], dict[str, Any] | None] = lambda case: None
    #: Actions that need more than an opinion (e.g. an appraisal conclusion): the generic action form
    #: refuses them and the type's own panel (``panel_template``, included on the case page) offers them.
    payload_actions: frozenset[str] = frozenset()
    panel_template: str | None = None

    def accepts_on(self, day: dt.date) -> bool:
        """True when a new case may be registered on ``day``."""
        return (self.accepts_from is None or day >= self.accepts_from) and (
            self.accepts_until is None or day < self.accepts_until)


_types: dict[str, CaseType] = {}


def register(case_type: CaseType) -> None:
    """Register (or replace) a case type."""
    _types[case_type.key] = case_type


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
