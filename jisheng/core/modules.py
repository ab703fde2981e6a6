"""The module map: what the navigation shows and what each module puts on the workbench.

Apps register themselves in ``AppConfig.ready()``:

    modules.register(Module(key="registry", label=_("人口信息"), url_name="registry:person_list",
                            capability="registry.view"))
    modules.register_workbench(registry_workbench)   # fn(user) -> WorkbenchItems

A module that has not landed yet stays in :data:`PLANNED` and links to a "not yet available" page.

A provider lists a to-do only for an account that may open its link (it checks the capability of the linked
route); :func:`workbench_for` also drops any item whose route the account's role is refused, and logs it, so a
provider's slip never puts a 403 on someone's to-do list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    """A navigation entry. ``capability`` is what a role needs to see it (None = every staff member)."""

    key: str
    label: str | Promise
    url_name: str | None = None
    capability: str | None = None
    order: int = 100

    def url(self) -> str:
        if self.url_name:
            try:
                return reverse(self.url_name)
            except NoReverseMatch:
                pass
        return reverse("core:module_unavailable", args=[self.key])

    @property
    def available(self) -> bool:
        return self.url_name is not None


@dataclass
class Todo:
    """One item on the to-do list: what to do, where, and by when (a date, for deadlines at risk; None with
    ``overdue`` False for a due date that waits for the calendar); ``overdue`` shows it in red."""

    label: str
    url: str
    due: Any = None
    module: str = ""
    overdue: bool = False


@dataclass
class WorkbenchItems:
    """What a module contributes to a user's workbench."""

    module: str
    counts: dict[str, int] = field(default_factory=dict)
    todos: list[Todo] = field(default_factory=list)
    deadlines_at_risk: list[Todo] = field(default_factory=list)


PLANNED: list[Module] = [
    Module("law", _("法律法规"), None, None, 10),
    Module("registry", _("人口信息"), None, "registry.view", 20),
    Module("licensing", _("行政许可"), None, "licensing.view", 30),
    Module("enforcement", _("行政执法"), None, "enforcement.view", 40),
    Module("petitions", _("信访"), None, "petitions.view", 50),
    Module("benefits", _("奖励扶助"), None, "benefits.view", 60),
    Module("disclosure", _("政务公开"), None, None, 70),
    Module("activities", _("服务活动"), None, "activities.view", 80),
    Module("statistics", _("统计分析"), None, "statistics.view", 90),
]

logger = logging.getLogger(__name__)

_registered: dict[str, Module] = {}
_workbench: list[Callable[[Any], WorkbenchItems | list[WorkbenchItems]]] = []
_person_lookup: list[Callable[[Any, str], list[Any]]] = []
_audit_subjects: list[Callable[[list[Any]], Any]] = []


def register(module: Module) -> None:
    """Register (or replace) a module in the navigation."""
    _registered[module.key] = module


def register_workbench(provider: Callable[[Any], WorkbenchItems | list[WorkbenchItems]]) -> None:
    """Register a function that returns a module's workbench items for a user (or one per module, for an
    engine that serves several modules)."""
    if provider not in _workbench:
        _workbench.append(provider)


def all_modules() -> list[Module]:
    """Every module, landed or planned, in navigation order."""
    merged = {m.key: m for m in PLANNED}
    merged.update(_registered)
    return sorted(merged.values(), key=lambda m: (m.order, m.key))


def modules_for(user: Any) -> list[Module]:
    """The modules ``user`` may see."""
    has = getattr(user, "has_capability", lambda c: False)
    return [m for m in all_modules() if m.capability is None or has(m.capability)]


def get(key: str) -> Module | None:
    return {m.key: m for m in all_modules()}.get(key)


def may_open(user: Any, url: str) -> bool:
    """Whether the route behind ``url`` (a path on this site) admits ``user``'s role (its ``route_scope``).

    Object scope is not judged here (the page's access function answers 404 outside the user's area); a URL
    that resolves to no route is left to the provider's tests.
    """
    from .access import scopes_of

    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return True
    scopes = scopes_of(match.func)
    scope = scopes.get("GET") or scopes.get("*")
    return scope is None or scope.allows_role(getattr(user, "role", None))


def _openable(user: Any, todos: list[Todo], module: str) -> list[Todo]:
    kept = []
    for todo in todos:
        if may_open(user, todo.url):
            kept.append(todo)
        else:
            logger.warning("workbench: %s listed %s for role %s, which the route refuses; not shown",
                           module, urlsplit(todo.url).path, getattr(user, "role", None))
    return kept


def workbench_for(user: Any) -> list[WorkbenchItems]:
    """Collect every registered module's workbench items for ``user`` (only links the user's role may open)."""
    collected = []
    for provider in _workbench:
        given = provider(user)
        for items in given if isinstance(given, list) else [given]:
            items.todos = _openable(user, items.todos, items.module)
            items.deadlines_at_risk = _openable(user, items.deadlines_at_risk, items.module)
            collected.append(items)
    return collected


def register_audit_person_lookup(lookup: Callable[[Any, str], list[Any]]) -> None:
    """Register how the audit browser finds people by name or ID number: ``lookup(user, text)`` returns the people of
    the user's scope it names (the registry's audited search); the last registration wins."""
    _person_lookup[:] = [lookup]


def register_audit_subjects(provider: Callable[[list[Any]], Any]) -> None:
    """Register a function that, given people, returns a ``Q`` over audit events selecting the events of the
    records of this app that concern them (None for none)."""
    if provider not in _audit_subjects:
        _audit_subjects.append(provider)


def audit_subjects(user: Any, text: str) -> Any:
    """A ``Q`` over audit events selecting those that concern the people ``text`` names (a name or an ID number,
    looked up inside ``user``'s scope and audited by the lookup), or None when it names nobody."""
    from django.db.models import Q

    people = _person_lookup[0](user, text) if _person_lookup else []
    if not people:
        return None
    found = Q(pk__in=[])
    for provider in _audit_subjects:
        q = provider(people)
        if q is not None:
            found |= q
    return found
