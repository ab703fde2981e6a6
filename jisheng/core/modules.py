"""The module map: what the navigation shows and what each module puts on the workbench.

Apps register themselves in ``AppConfig.ready()``:

    modules.register(Module(key="registry", label=_("人口信息"), url_name="registry:person_list",
                            capability="registry.view"))
    modules.register_workbench(registry_workbench)   # fn(user) -> WorkbenchItems

A module that has not landed yet stays in :data:`PLANNED` and links to a "not yet available" page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
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
    """One item on the to-do list: what to do, where, and by when (a date, for deadlines at risk)."""

    label: str
    url: str
    due: Any = None
    module: str = ""


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
    Module("licensing", _("行政许可"), None, "cases.view", 30),
    Module("enforcement", _("行政执法"), None, "cases.view", 40),
    Module("petitions", _("信访"), None, "petitions.view", 50),
    Module("benefits", _("奖励扶助"), None, "benefits.view", 60),
    Module("disclosure", _("政务公开"), None, None, 70),
    Module("activities", _("服务活动"), None, "activities.view", 80),
    Module("statistics", _("统计分析"), None, "statistics.view", 90),
]

_registered: dict[str, Module] = {}
_workbench: list[Callable[[Any], WorkbenchItems]] = []


def register(module: Module) -> None:
    """Register (or replace) a module in the navigation."""
    _registered[module.key] = module


def register_workbench(provider: Callable[[Any], WorkbenchItems]) -> None:
    """Register a function that returns a module's workbench items for a user."""
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


def workbench_for(user: Any) -> list[WorkbenchItems]:
    """Collect every registered module's workbench items for ``user``."""
    return [provider(user) for provider in _workbench]
