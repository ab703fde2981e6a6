"""The staff list pages by keyset (newest first by id, "next" and "previous" links that carry an id cursor), keeps
to the administrator's area and reads as many queries on a few accounts as on many, on any page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.core.models import Area
from tests.conftest import login

URL = "/accounts/staff/"


def _link(page: str, which: str) -> str:
    found = re.findall(rf'id="{which}-page" href="([^"]+)"', page)
    return found[0].replace("&amp;", "&") if found else ""


def _shown(response: Any) -> list[int]:
    return [u.pk for u in response.context["staff"]]


@pytest.mark.django_db
def test_the_staff_list_pages_by_keyset_forward_and_back_inside_the_area(
        county: Area, town_a: Area, make_user: Any, monkeypatch: Any) -> None:
    from jisheng.accounts import views

    monkeypatch.setattr(views, "STAFF_PAGE", 2)
    town_admin = make_user(Role.CITY_ADMIN, town_a)
    made = [town_admin.pk] + [make_user(Role.VILLAGE_GUIDE, town_a).pk for _ in range(4)]
    make_user(Role.TOWN_OFFICER, Area.objects.get(code="320585110000"))  # another town: never listed
    make_user(Role.LEADER, county)  # above the administrator's area: never listed
    client = login(Client(), town_admin)
    response = client.get(URL)
    pages = [_shown(response)]
    assert not _link(response.content.decode(), "previous")
    while link := _link(response.content.decode(), "next"):
        response = client.get(URL + link)
        assert response.status_code == 200
        pages.append(_shown(response))
    assert pages == [made[4:2:-1], made[2:0:-1], made[:1]]
    back = []
    while link := _link(response.content.decode(), "previous"):
        response = client.get(URL + link)
        back.append(_shown(response))
    assert back == pages[-2::-1]


@pytest.mark.django_db
def test_the_staff_list_shows_one_page_at_the_same_query_count_for_3_and_120_accounts(
        county: Area, town_a: Area, make_user: Any) -> None:
    from jisheng.accounts import views

    client = login(Client(), make_user(Role.CITY_ADMIN, county))
    counts = []
    for total in (3, 120):
        while User.objects.count() < total:
            make_user(Role.VILLAGE_GUIDE, town_a)
        client.get(URL)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
        everyone = sorted(User.objects.values_list("pk", flat=True), reverse=True)
        assert _shown(response) == everyone[:views.STAFF_PAGE]
    assert counts[0] == counts[1]
    assert _link(response.content.decode(), "next")
    with CaptureQueriesContext(connection) as ctx:
        later = client.get(URL + _link(response.content.decode(), "next"))
    assert later.status_code == 200 and len(ctx.captured_queries) == counts[1]
    assert _shown(later) == everyone[views.STAFF_PAGE:2 * views.STAFF_PAGE]


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["before=abc", "before=-3", "before=99999999999999999999999", "newer=1e5",
                                    "newer=%EF%BC%91", "before=0"])
def test_a_tampered_cursor_shows_the_first_page(cursor: str, county: Area, town_a: Area, make_user: Any) -> None:
    client = login(Client(), make_user(Role.CITY_ADMIN, county))
    for _ in range(3):
        make_user(Role.VILLAGE_GUIDE, town_a)
    first = _shown(client.get(URL))
    response = client.get(f"{URL}?{cursor}")
    assert response.status_code == 200 and _shown(response) == first
