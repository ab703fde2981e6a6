"""Route enumeration for the permission-matrix test.

Every URL pattern (web views and API operations) is collected from the URL configuration. A route
without a scope declaration is reported; object routes get their fixtures from each app's
``jisheng/<app>/tests/scope_fixtures.py`` (``FIXTURES`` and ``SAMPLE_KWARGS``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from jisheng.core.access import RouteScope, scopes_of


@dataclass(frozen=True)
class Route:
    name: str           # "namespace:name"
    pattern: str        # "registry/persons/<int:pk>/"
    method: str         # "*" for plain views (the scope's methods apply), else the API operation's method
    scope: RouteScope | None
    params: tuple[str, ...]
    is_api: bool

    @property
    def id(self) -> str:
        return f"{self.name}[{self.method}]"


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            sub_ns = ns
            if p.namespace:
                sub_ns = f"{ns}:{p.namespace}" if ns else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns and p.name else (p.name or "")
            yield prefix + str(p.pattern), name, p


def collect_routes(urlconf: str | None = None) -> list[Route]:
    """Return every route of ``urlconf`` (default: the project's) with its declared scope."""
    routes = []
    for pattern, name, p in _walk(get_resolver(urlconf).url_patterns):
        params = tuple(p.pattern.regex.groupindex)
        is_api = pattern.startswith("api/")
        for method, scope in scopes_of(p.callback).items():
            routes.append(Route(name or pattern, pattern, method, scope, params, is_api))
    return routes


def unscoped(routes: list[Route]) -> list[Route]:
    """Routes that declare no scope: each one is a potential leak."""
    return [r for r in routes if r.scope is None]


def fixtures() -> tuple[dict[str, Callable[..., tuple[dict[str, Any], str]]], dict[str, dict[str, Any]]]:
    """Merge ``FIXTURES`` and ``SAMPLE_KWARGS`` from every app's tests/scope_fixtures.py."""
    objects: dict[str, Callable[..., tuple[dict[str, Any], str]]] = {}
    samples: dict[str, dict[str, Any]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("jisheng."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.scope_fixtures")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.scope_fixtures":
                raise
            continue
        objects.update(getattr(module, "FIXTURES", {}))
        samples.update(getattr(module, "SAMPLE_KWARGS", {}))
    return objects, samples


def object_roles() -> dict[str, Callable[[str], bool]]:
    """Merge ``OBJECT_ROLES`` from every app's tests/scope_fixtures.py: object kind → ``may(role)``, for kinds whose
    sample object only some of the route's roles may open (the engine's case routes admit every role that views
    some case type; the sample case is of one type). A role the route admits but the object's refuses must get the
    same 404 as for an object outside its area."""
    merged: dict[str, Callable[[str], bool]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("jisheng."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.scope_fixtures")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.scope_fixtures":
                raise
            continue
        merged.update(getattr(module, "OBJECT_ROLES", {}))
    return merged
