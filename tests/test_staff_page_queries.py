"""Every staff page outside the registry (which has its own tests) runs the same number of queries with little and
with much data: 2 or 20 beneficiaries (and a roll over them), staff accounts, audit events. The case pages have
theirs in jisheng/cases/tests/test_page_queries.py; law, licensing form and profile pages read reference data only
and are held to a fixed count all the same, so an N+1 added to their navigation or layout shows here too.

Each page is requested once before counting (per-process caches fill on the first request) and then at both sizes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jisheng.accounts.roles import Role
from jisheng.benefits import services as benefits
from jisheng.benefits.models import Enrolment, PaymentRoll
from jisheng.benefits.tests.factories import approved_enrolment
from jisheng.core.models import Area
from tests.conftest import login

#: (role, page): ``page`` is a path or a function of the data built so far giving one.
PAGES: list[tuple[str, str | Callable[[dict[str, Any]], str]]] = [
    (Role.FINANCE_OFFICER, "/benefits/"),
    (Role.TOWN_OFFICER, "/benefits/enrolments/"),
    (Role.TOWN_OFFICER, lambda d: f"/benefits/enrolments/{d['first'].pk}/"),
    (Role.TOWN_OFFICER, "/benefits/postings/"),
    (Role.FINANCE_OFFICER, "/benefits/rolls/"),
    (Role.FINANCE_OFFICER, lambda d: f"/benefits/rolls/{d['roll'].pk}/"),
    (Role.FINANCE_OFFICER, lambda d: f"/benefits/rolls/{d['roll'].pk}/recipients/"),
    (Role.FINANCE_OFFICER, lambda d: f"/benefits/reports/?month={d['roll'].month:%Y-%m}"),
    (Role.FINANCE_OFFICER, "/benefits/programmes/special-assistance/"),
    (Role.AUDITOR, "/audit/"),
    (Role.AUDITOR, "/audit/?object_type=benefits.enrolment"),
    (Role.CITY_ADMIN, "/accounts/staff/"),
    (Role.CITY_ADMIN, "/accounts/profile/"),
    (Role.TOWN_OFFICER, "/areas/"),
    (Role.CITY_ADMIN, lambda d: f"/areas/{d['town'].code}/"),
    (Role.TOWN_OFFICER, "/law/"),
    (Role.TOWN_OFFICER, "/law/provisions/admin-licensing-law-2019/art-42/para-1/"),
    (Role.TOWN_OFFICER, "/law/instruments/admin-licensing-law/"),
    (Role.TOWN_OFFICER, "/law/parameters/"),
    (Role.TOWN_OFFICER, "/law/parameters/licensing.decision/"),
    (Role.TOWN_OFFICER, "/law/calendar/"),
    (Role.TOWN_OFFICER, "/law/calendar/2026/"),
    (Role.TOWN_OFFICER, "/law/deadline/"),
    (Role.TOWN_OFFICER, "/licensing/birth-approval/new/"),
    (Role.TOWN_OFFICER, "/licensing/applications/new/"),
    (Role.TOWN_OFFICER, "/cases/review-report/"),
    (Role.TOWN_OFFICER, "/"),  # the workbench: every module's counts, to-dos and deadlines
    (Role.FINANCE_OFFICER, "/"),
]


def _grow(total: int, village: Area, town: Area, county: Area, maker: Any, make_user: Any) -> dict[str, Any]:
    """Bring the data to ``total`` approved beneficiaries in ``village`` (each audited as created), as many staff
    accounts in ``town``, and a roll over all of them for a month of its own (so the newest roll has them all)."""
    while Enrolment.objects.count() < total:
        n = Enrolment.objects.count()
        approved_enrolment(village, start_month=dt.date(2026, 1, 1), name=f"王{n}明")
        make_user(Role.VILLAGE_GUIDE, town)
    month = dt.date(2026, 11, 1) if PaymentRoll.objects.exists() else dt.date(2026, 10, 1)
    roll = benefits.roll_open(programme="special-assistance", month=month, area=county, actor=maker)
    benefits.roll_generate(roll, actor=maker)
    roll.refresh_from_db()
    assert roll.lines.count() == total
    return {"roll": roll, "first": Enrolment.objects.order_by("id").first(), "town": town}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "page"), PAGES, ids=[p if isinstance(p, str) else f"page{i}"
                                                       for i, (_r, p) in enumerate(PAGES)])
def test_a_staff_page_runs_the_same_queries_for_2_and_20_records(
        role: str, page: str | Callable[[dict[str, Any]], str], village_a: Area, town_a: Area, county: Area,
        make_user: Any) -> None:
    maker = make_user(Role.FINANCE_OFFICER, county)
    client = login(Client(), make_user(role, town_a if role == Role.TOWN_OFFICER else county))
    counts = []
    for total in (2, 20):
        data = _grow(total, village_a, town_a, county, maker, make_user)
        url = page(data) if callable(page) else page
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], f"{counts[0]} queries with 2 records, {counts[1]} with 20"


# --- keyset pages ------------------------------------------------------------------------------------------------

#: (role, list page, page-size setting to shrink, how to read the ids of the rows shown from the context)
LISTS: list[tuple[str, str, tuple[str, str], Callable[[Any], list[int]]]] = [
    (Role.TOWN_OFFICER, "/benefits/enrolments/?programme=special-assistance",
     ("jisheng.benefits.selectors", "PAGE_SIZE"), lambda ctx: [e.pk for e in ctx["items"]]),
    (Role.FINANCE_OFFICER, "/benefits/rolls/{roll}/?", ("jisheng.benefits.views", "ROLL_LINES_PAGE"),
     lambda ctx: [line[0].pk for line in ctx["lines"]]),
    (Role.AUDITOR, "/audit/?object_type=benefits.enrolment", ("jisheng.core.selectors", "AUDIT_PAGE_SIZE"),
     lambda ctx: [r.event.pk for r in ctx["rows"]]),
]


def _link(page: str, which: str) -> str:
    import re

    found = re.findall(rf'id="{which}-page" href="([^"]+)"', page)
    return found[0].replace("&amp;", "&") if found else ""


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url", "setting", "ids"), LISTS, ids=["enrolments", "roll-lines", "audit"])
def test_a_long_list_pages_by_keyset_forward_and_back_keeping_its_filters(
        role: str, url: str, setting: tuple[str, str], ids: Callable[[Any], list[int]], village_a: Area,
        town_a: Area, county: Area, make_user: Any, monkeypatch: Any) -> None:
    import importlib

    monkeypatch.setattr(importlib.import_module(setting[0]), setting[1], 2)
    data = _grow(5, village_a, town_a, county, make_user(Role.FINANCE_OFFICER, county), make_user)
    approved_enrolment(village_a, programme="rural-reward", category="", hukou="rural",
                       name="赵六")  # another programme: filtered out of the enrolment list
    client = login(Client(), make_user(role, town_a if role == Role.TOWN_OFFICER else county))
    url = url.format(roll=data["roll"].pk)
    response = client.get(url)
    pages = [ids(response.context)]
    assert not _link(response.content.decode(), "previous")
    base = url.split("?")[0]
    while link := _link(response.content.decode(), "next"):
        response = client.get(base + link)
        assert response.status_code == 200
        pages.append(ids(response.context))
    seen = [pk for page in pages for pk in page]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == len(seen)
    expected = 6 if url.startswith("/audit/") else 5  # the audit filter keeps the other programme's enrolment
    assert len(seen) == expected and len(pages) == 3 and all(pages)
    back = []
    while link := _link(response.content.decode(), "previous"):
        response = client.get(base + link)
        back.append(ids(response.context))
    assert back == pages[-2::-1]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url"), [
    (Role.TOWN_OFFICER, "/benefits/enrolments/?"), (Role.FINANCE_OFFICER, "/benefits/rolls/{roll}/?"),
    (Role.AUDITOR, "/audit/?")])
@pytest.mark.parametrize("cursor", ["before=abc", "before=-3", "before=99999999999999999999999", "newer=1e5",
                                    "newer=%EF%BC%91", "before=0"])
def test_a_tampered_cursor_shows_the_first_page(role: str, url: str, cursor: str, village_a: Area, town_a: Area,
                                                county: Area, make_user: Any) -> None:
    data = _grow(2, village_a, town_a, county, make_user(Role.FINANCE_OFFICER, county), make_user)
    client = login(Client(), make_user(role, town_a if role == Role.TOWN_OFFICER else county))
    url = url.format(roll=data["roll"].pk)
    first = client.get(url)
    response = client.get(url + cursor)
    assert response.status_code == 200
    key = "rows" if url.startswith("/audit/") else "items" if "enrolments" in url else "lines"
    assert [str(r) for r in response.context[key]] == [str(r) for r in first.context[key]]


# --- the layout ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_navigation_follows_the_role_and_language_and_costs_no_reverse_after_the_first_page(
        town_a: Area, county: Area, make_user: Any, monkeypatch: Any) -> None:
    """The navigation's entries are worked out once per module and language: each role sees its own modules (as
    :func:`jisheng.core.modules.modules_for` lists them), in its language, and a later page reverses no module URL."""
    from django.test import RequestFactory
    from django.utils import translation

    from jisheng.core import context_processors, modules

    factory = RequestFactory()

    def nav(user: Any) -> list[dict[str, Any]]:
        request = factory.get("/")
        request.user = user
        entries: list[dict[str, Any]] = context_processors.navigation(request)["nav_modules"]
        return entries

    officer, finance = make_user(Role.TOWN_OFFICER, town_a), make_user(Role.FINANCE_OFFICER, county)
    for user in (officer, finance):
        for language in ("zh-hans", "en"):
            with translation.override(language):
                expected = [{"url": m.url(), "label": str(m.label), "available": m.available}
                            for m in modules.modules_for(user)]
                assert nav(user) == expected
    with translation.override("zh-hans"):
        chinese = [e["label"] for e in nav(officer)]
    with translation.override("en"):
        assert [e["label"] for e in nav(officer)] != chinese
    assert [e["url"] for e in nav(officer)] != [e["url"] for e in nav(finance)]
    calls: list[Any] = []

    def counted_url(self: Any) -> str:
        calls.append(self)
        return "/"

    monkeypatch.setattr(modules.Module, "url", counted_url)
    nav(officer)
    assert calls == []
