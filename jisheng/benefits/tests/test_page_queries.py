"""The posting list and the payment-roll list page by keyset (newest first by id, "next" and "previous" links that
carry an id cursor) and read as many queries on 3 records as on 12, on the first page and on a later one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jisheng.accounts.roles import Role
from jisheng.benefits.enums import ReviewLevel
from jisheng.benefits.models import PaymentRoll, Posting
from jisheng.core.models import Area
from tests.conftest import login


def _posting(area: Area, n: int) -> int:
    start = dt.date(2026, 1, 1) + dt.timedelta(days=n)
    return Posting.objects.create(programme="special-assistance", level=ReviewLevel.VILLAGE, area=area,
                                  title=f"公示{n}", start_date=start, end_date=start + dt.timedelta(days=6)).pk


def _roll(area: Area, n: int) -> int:
    return PaymentRoll.objects.create(programme="special-assistance", month=dt.date(2020 + n // 12, n % 12 + 1, 1),
                                      area=area).pk


#: (list page, role, how to add the n-th record in an area, how to read the ids shown from the page's context)
LISTS: list[tuple[str, str, Callable[[Area, int], int], Callable[[Any], list[int]]]] = [
    ("/benefits/postings/", Role.TOWN_OFFICER, _posting, lambda ctx: [p.pk for p in ctx["postings"]]),
    ("/benefits/rolls/", Role.FINANCE_OFFICER, _roll, lambda ctx: [r.pk for r in ctx["rolls"]]),
]


def _link(page: str, which: str) -> str:
    found = re.findall(rf'id="{which}-page" href="([^"]+)"', page)
    return found[0].replace("&amp;", "&") if found else ""


def _where(role: str, town: Area, county: Area) -> Area:
    return town if role == Role.TOWN_OFFICER else county


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "add", "ids"), LISTS, ids=["postings", "rolls"])
def test_the_list_pages_by_keyset_forward_and_back(url: str, role: str, add: Callable[[Area, int], int],
                                                   ids: Callable[[Any], list[int]], town_a: Area, town_b: Area,
                                                   county: Area, make_user: Any, monkeypatch: Any) -> None:
    from jisheng.benefits import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    area = town_a
    made = [add(area, n) for n in range(5)]
    if role == Role.TOWN_OFFICER:
        add(town_b, 5)  # another town's: outside the officer's scope
    client = login(Client(), make_user(role, _where(role, town_a, county)))
    response = client.get(url)
    pages = [ids(response.context)]
    assert not _link(response.content.decode(), "previous")
    while link := _link(response.content.decode(), "next"):
        response = client.get(url + link)
        assert response.status_code == 200
        pages.append(ids(response.context))
    assert pages == [made[4:2:-1], made[2:0:-1], made[:1]]
    back = []
    while link := _link(response.content.decode(), "previous"):
        response = client.get(url + link)
        back.append(ids(response.context))
    assert back == pages[-2::-1]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "add", "ids"), LISTS, ids=["postings", "rolls"])
def test_the_list_shows_one_page_at_the_same_query_count_for_3_and_120_records(
        url: str, role: str, add: Callable[[Area, int], int], ids: Callable[[Any], list[int]], town_a: Area,
        county: Area, make_user: Any) -> None:
    from jisheng.benefits import selectors

    client = login(Client(), make_user(role, _where(role, town_a, county)))
    counts = []
    for total in (3, 120):
        while len(made := list(_ids_in(url, town_a))) < total:
            add(town_a, len(made))
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
        shown = ids(response.context)
        assert shown == sorted(made, reverse=True)[:selectors.PAGE_SIZE]
    assert counts[0] == counts[1]
    assert _link(response.content.decode(), "next")  # 120 do not fit on one page: the rest is a link away
    with CaptureQueriesContext(connection) as ctx:
        later = client.get(url + _link(response.content.decode(), "next"))
    assert later.status_code == 200 and len(ctx.captured_queries) == counts[1]


def _ids_in(url: str, area: Area) -> list[int]:
    """The ids of the records the list ``url`` pages through in ``area``."""
    model = Posting if "postings" in url else PaymentRoll
    return list(model.objects.filter(area=area).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role", "add", "ids"), LISTS, ids=["postings", "rolls"])
@pytest.mark.parametrize("cursor", ["before=abc", "before=-3", "before=99999999999999999999999", "newer=1e5",
                                    "newer=%EF%BC%91", "before=0"])
def test_a_tampered_cursor_shows_the_first_page(url: str, role: str, add: Callable[[Area, int], int],
                                                ids: Callable[[Any], list[int]], cursor: str, town_a: Area,
                                                county: Area, make_user: Any) -> None:
    for n in range(3):
        add(town_a, n)
    client = login(Client(), make_user(role, _where(role, town_a, county)))
    first = ids(client.get(url).context)
    response = client.get(f"{url}?{cursor}")
    assert response.status_code == 200 and ids(response.context) == first
