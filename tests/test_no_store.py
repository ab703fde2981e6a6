"""Staff pages are never kept in a cache (issue 11): every answer of a route that is not public — person pages, the
unmask answer, exports, PDFs, the API — carries ``Cache-Control: no-store``, set by one middleware; public routes (the
portal, which another issue wants cacheable) are left alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jisheng.accounts.roles import Role
from jisheng.core.models import Area
from jisheng.registry.tests.factories import make_person

from .conftest import login
from .matrix import collect_routes, fixtures

ROUTES = collect_routes()


def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_person_pages_the_unmask_answer_and_exports_are_not_stored(village_a: Area, town_a: Area,
                                                                   make_user: Callable[..., Any]) -> None:
    person = make_person(village_a, name="王小红", sex="F")
    client = login(Client(), make_user(Role.TOWN_OFFICER, town_a))
    answers = {
        "person": client.get(reverse("registry:person_detail", args=[person.pk])),
        "unmask": client.post(reverse("registry:person_unmask", args=[person.pk]), {"reason": "核对"}),
        "list": client.get(reverse("registry:person_list"), {"q": "王"}),
        "api": client.get(f"/api/v1/registry/persons/{person.pk}"),
        "not found": client.get("/registry/persons/999999/"),
    }
    assert {k: (r.status_code, _no_store(r)) for k, r in answers.items()} == {
        "person": (200, True), "unmask": (200, True), "list": (200, True), "api": (200, True),
        "not found": (404, True)}


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.scope and not r.scope.public and not r.is_api
                                   and r.scope.allows_role(Role.CITY_ADMIN)
                                   and ("GET" in (r.scope.methods if r.method == "*" else (r.method,)))],
                         ids=lambda r: r.id)
def test_every_staff_page_answers_no_store(route: Any, county: Area, make_user: Callable[..., Any]) -> None:
    objects, samples = fixtures()
    kwargs = objects[route.scope.obj](county)[0] if route.scope.obj else samples.get(route.name, {})
    client = login(Client(), make_user(Role.CITY_ADMIN, county))
    response = client.get(reverse(route.name, kwargs=kwargs or None))
    assert _no_store(response), (response.status_code, response.get("Cache-Control"))


@pytest.mark.django_db
def test_public_pages_are_left_cacheable(town_a: Area, make_user: Callable[..., Any]) -> None:
    for client in (Client(), login(Client(), make_user(Role.TOWN_OFFICER, town_a))):
        response = client.get("/portal/")
        assert response.status_code == 200 and not _no_store(response)
