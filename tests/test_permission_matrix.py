"""The permission matrix: every route × every role × an object inside and outside the user's area.

Routes are enumerated from the URL configuration, so a new route is covered automatically — and a
route without a scope declaration fails ``test_every_route_declares_a_scope``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jisheng.accounts.roles import Role
from jisheng.core.models import Area

from .conftest import login
from .matrix import Route, collect_routes, fixtures, object_roles, unscoped

ROUTES = collect_routes()
ROLES = list(Role.values)


def test_every_route_declares_a_scope() -> None:
    missing = [r.id for r in unscoped(ROUTES)]
    assert missing == [], f"routes without a scope declaration (use route_scope / api_scope): {missing}"


def test_a_deliberately_unscoped_route_is_caught() -> None:
    routes = collect_routes("tests.unscoped_urls")
    leaks = {r.id for r in unscoped(routes)}
    assert {"leaky[*]", "leaky_api:leaky_record[GET]"} <= leaks
    assert all(r.startswith(("leaky[", "leaky_api:")) for r in leaks)  # nothing of the project's own
    # and the rest of the project's routes are still all declared when mounted elsewhere
    assert len([r for r in routes if not r.name.startswith(("leaky", "leaky_api:"))]) == len(ROUTES)


def test_the_matrix_enumerates_web_and_api_routes() -> None:
    names = {r.name for r in ROUTES}
    assert {"core:workbench", "accounts:login", "api:me", "api:health", "core:area_detail"} <= names


def test_every_object_kind_and_parameter_has_a_fixture() -> None:
    objects, samples = fixtures()
    problems = []
    for r in ROUTES:
        assert r.scope is not None
        if r.scope.obj and r.scope.obj not in objects:
            problems.append(f"{r.id}: no fixture for object kind {r.scope.obj!r}")
        if r.params and not r.scope.obj and r.name not in samples:
            problems.append(f"{r.id}: URL parameters {r.params} but no SAMPLE_KWARGS entry")
    assert problems == []


def _url(route: Route, kwargs: dict[str, Any]) -> str:
    return reverse(route.name, kwargs=kwargs or None)


def _methods(route: Route) -> tuple[str, ...]:
    assert route.scope is not None
    return route.scope.methods if route.method == "*" else (route.method,)


def _call(client: Client, method: str, url: str) -> Any:
    return getattr(client, method.lower())(url)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.scope and not r.scope.public], ids=lambda r: r.id)
def test_anonymous_users_are_turned_away(route: Route, town_a: Area) -> None:
    objects, samples = fixtures()
    kwargs = objects[route.scope.obj](town_a)[0] if route.scope and route.scope.obj else samples.get(route.name, {})
    for method in _methods(route):
        response = _call(Client(), method, _url(route, kwargs))
        if route.is_api:
            assert response.status_code == 401, (method, response.status_code)
        else:
            assert response.status_code == 302 and reverse("accounts:login") in response["Location"], method


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.scope and r.scope.public], ids=lambda r: r.id)
def test_public_routes_answer_without_sign_in(route: Route) -> None:
    """GET is served; a body-less POST to a public API may be refused as bad input (400/422), never as
    "sign in first" (401/403) and never with a 500."""
    _, samples = fixtures()
    for method in _methods(route):
        response = _call(Client(), method, _url(route, samples.get(route.name, {})))
        allowed = {405} | ({400, 422} if method != "GET" and route.is_api else set())
        assert response.status_code < 400 or response.status_code in allowed, (method, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", [r for r in ROUTES if r.scope and not r.scope.public], ids=lambda r: r.id)
def test_role_and_area_scope(route: Route, role: str, town_a: Area, town_b: Area,
                             make_user: Callable[..., Any]) -> None:
    """In scope and allowed → served; other role → 403/404; object outside the area → 404, no trace."""
    assert route.scope is not None
    objects, samples = fixtures()
    client = login(Client(), make_user(role, town_a))
    allowed = route.scope.allows_role(role)
    if route.scope.obj:
        if allowed and not object_roles().get(route.scope.obj, lambda r: True)(role):
            allowed = False  # the route admits the role, the sample object's type does not: 404 like any other
        inside, _ = objects[route.scope.obj](town_a)
        outside, marker = objects[route.scope.obj](town_b)
        for method in _methods(route):
            response = _call(client, method, _url(route, outside))
            assert response.status_code in ((404,) if allowed else (403, 404)), (method, response.status_code)
            assert marker not in response.content.decode(errors="replace")
            response = _call(client, method, _url(route, inside))
            if allowed:
                assert response.status_code not in (403, 404) and response.status_code < 500, \
                    (method, response.status_code)
                if method == "GET":
                    assert response.status_code == 200
            else:
                assert response.status_code in (403, 404), (method, response.status_code)
    else:
        for method in _methods(route):
            if method != "GET":
                continue  # state-changing routes without an object are exercised by their own tests
            response = _call(client, method, _url(route, samples.get(route.name, {})))
            if allowed:
                assert response.status_code in (200, 302), (method, response.status_code)
            else:
                assert response.status_code == 403, (method, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.scope and not r.scope.public and not r.scope.obj
                                   and "GET" in _methods(r) and r.scope.allows_role(Role.TOWN_OFFICER)],
                         ids=lambda r: r.id)
def test_lists_and_pages_without_an_object_show_nothing_from_another_town(
        route: Route, town_a: Area, town_b: Area, make_user: Callable[..., Any]) -> None:
    """A town officer's lists, searches and counts never show an object of another town.

    The object tests above only cover URLs that name one object; this one creates one object of every
    protected kind in the other town and checks that no page without an object shows its marker.
    """
    objects, samples = fixtures()
    markers = [make(town_b)[1] for make in objects.values()]
    client = login(Client(), make_user(Role.TOWN_OFFICER, town_a))
    response = client.get(_url(route, samples.get(route.name, {})))
    assert response.status_code in (200, 302)
    page = response.content.decode(errors="replace")
    assert [m for m in markers if m in page] == []


_WRITES_REFUSED = [(r, role) for r in ROUTES if r.scope and not r.scope.public and not r.scope.obj
                   and set(_methods(r)) - {"GET"} for role in ROLES if not r.scope.allows_role(role)]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role"), _WRITES_REFUSED, ids=lambda v: v.id if isinstance(v, Route) else v)
def test_state_changing_routes_refuse_roles_they_do_not_name(route: Route, role: str, town_a: Area,
                                                             make_user: Callable[..., Any]) -> None:
    """POST/PUT/PATCH/DELETE routes without an object: a role the scope does not list is refused (the role
    test above only sends GET to these routes). Web views answer 403 before the view runs; an API
    operation may answer 400/422 first because django-ninja validates the body before the scope check,
    but never succeeds."""
    _, samples = fixtures()
    client = login(Client(), make_user(role, town_a))
    for method in set(_methods(route)) - {"GET"}:
        response = _call(client, method, _url(route, samples.get(route.name, {})))
        expected = (400, 403, 422) if route.is_api else (403,)
        assert response.status_code in expected, (method, response.status_code)
