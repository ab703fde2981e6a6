"""What cites a provision: other apps register "citer" functions so a provision page can list them.

::

    from jisheng.law.citations import Citation, register_citer

    def licensing_citations(provision_key: str) -> list[Citation]:
        return [Citation(kind="决定", title=f"生育证 {d.number}", url=d.get_absolute_url())
                for d in Decision.objects.filter(provisions__contains=[provision_key])[:50]]

    register_citer("licensing", licensing_citations)   # in AppConfig.ready()

The law app registers its own citers for parameters and rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    """One thing that cites a provision: ``kind`` (参数, 规则, 程序, 决定…), a title, an optional URL."""

    kind: str
    title: str
    url: str = ""
    detail: str = ""


Citer = Callable[[str], list[Citation]]
_citers: dict[str, Citer] = {}


def register_citer(name: str, func: Citer) -> None:
    """Register ``func(provision_key) -> list[Citation]`` under ``name`` (re-registering replaces it)."""
    _citers[name] = func


def citations_of(provision_key: str) -> list[Citation]:
    """Everything every registered citer reports for ``provision_key`` (a version key matches all its
    provisions' citers only if they say so)."""
    found: list[Citation] = []
    for func in _citers.values():
        found.extend(func(provision_key))
    return found


def _parameter_citations(provision_key: str) -> list[Citation]:
    from django.urls import reverse

    from .parameters import all_parameters

    found = []
    for parameter in all_parameters().values():
        for value in parameter.values:
            if value.provision == provision_key:
                shown = "—" if value.value is None else f"{value.value} {value.unit_label}"
                found.append(Citation(kind="参数", title=f"{parameter.description}（{parameter.key}）",
                                      url=reverse("law:parameter_detail", args=[parameter.key]),
                                      detail=f"自 {value.valid_from.isoformat()} 起：{shown}"))
    return found


def _rule_citations(provision_key: str) -> list[Citation]:
    from .rules import all_rules

    found = []
    for rule in all_rules().values():
        for version in rule.versions:
            if version.basis and (provision_key == version.basis or provision_key.startswith(version.basis + "/")):
                found.append(Citation(kind="规则", title=rule.title or rule.key,
                                      detail=f"{rule.key}，自 {version.valid_from.isoformat()} 起"))
    return found


#: ``() -> [(provision key, where it is cited)]`` per app: every key the app's code and data cite, checked at
#: start-up (``law.E004``) so a typo or a removed provision stops the application instead of printing a key.
CitedKeys = Callable[[], list[tuple[str, str]]]
_cited: dict[str, CitedKeys] = {}


def register_cited_keys(name: str, func: CitedKeys) -> None:
    """Register ``func() -> [(provision_key, where)]`` listing the keys app ``name`` cites (clock bases, rule
    provisions, programme bases, engine constants…)."""
    _cited[name] = func


def unknown_cited_keys() -> list[tuple[str, str, str]]:
    """``[(app, key, where)]`` for every registered citation whose key is not in the provision catalogue."""
    from .provisions import provision_exists

    return [(name, key, where) for name, func in sorted(_cited.items()) for key, where in func()
            if key and not provision_exists(key)]


register_citer("law.parameters", _parameter_citations)
register_citer("law.rules", _rule_citations)
