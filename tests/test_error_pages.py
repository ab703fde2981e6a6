"""Forbidden, not-found and server-error pages: Chinese first, in the staff layout for signed-in users, with a way
back for everyone, under production-like settings (DEBUG False); the 500 page survives a failing layout."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from jisheng.accounts.roles import Role
from jisheng.core.models import Area

from .conftest import login

STAFF_NAV = '<nav class="modules"'
BACK_TO_WORKBENCH = '<a href="/" role="button">返回工作台</a>'
BACK_TO_PORTAL = '<a href="/portal/" role="button">返回公众门户首页</a>'


@pytest.fixture(autouse=True)
def _production_like(settings: Any) -> None:
    settings.DEBUG = False


def _staff(make_user: Any, role: str, area: Area) -> Client:
    return login(Client(raise_request_exception=False), make_user(role, area))


def _page(response: Any, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    return str(response.content.decode())


@pytest.mark.django_db
def test_a_role_refused_by_route_scope_sees_the_chinese_403_page_with_navigation(county: Area, make_user: Any) -> None:
    """Regression: a county leader following the workbench link to the duplicate review got a bare English
    "403 Forbidden" page with no navigation and no way back."""
    page = _page(_staff(make_user, Role.LEADER, county).get("/registry/duplicates/"), 403)
    assert "<h1>无权访问此页面</h1>" in page and "Forbidden" not in page
    assert STAFF_NAV in page and ">人口信息</a>" in page and BACK_TO_WORKBENCH in page
    assert '<html lang="zh-hans"' in page


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_an_anonymous_visitor_refused_sees_the_403_page_with_the_way_to_the_portal(db: Any) -> None:
    page = _page(Client().get("/test-refuse/"), 403)
    assert "<h1>无权访问此页面</h1>" in page and STAFF_NAV not in page and BACK_TO_PORTAL in page


@pytest.mark.django_db
def test_a_signed_in_user_sees_the_chinese_404_page_with_navigation(town_a: Area, make_user: Any) -> None:
    page = _page(_staff(make_user, Role.TOWN_OFFICER, town_a).get("/no-such-page/"), 404)
    assert "<h1>页面不存在</h1>" in page and "Not Found" not in page
    assert STAFF_NAV in page and ">人口信息</a>" in page and BACK_TO_WORKBENCH in page


@pytest.mark.django_db
def test_a_record_outside_the_scope_gives_the_same_404_page(town_a: Area, town_b: Area, make_user: Any) -> None:
    page = _page(_staff(make_user, Role.TOWN_OFFICER, town_a).get(f"/areas/{town_b.code}/"), 404)
    assert "<h1>页面不存在</h1>" in page and STAFF_NAV in page and town_b.name not in page


@pytest.mark.django_db
def test_an_anonymous_visitor_sees_the_404_page_with_the_way_to_the_portal(db: Any) -> None:
    page = _page(Client().get("/portal/no-such-page/"), 404)
    assert "<h1>页面不存在</h1>" in page and STAFF_NAV not in page and BACK_TO_PORTAL in page


@pytest.mark.django_db
def test_the_error_pages_are_translated(town_a: Area, make_user: Any) -> None:
    client = _staff(make_user, Role.TOWN_OFFICER, town_a)
    client.get("/portal/lang/en/", {"next": "/"})
    page = _page(client.get("/no-such-page/"), 404)
    assert "<h1>Page not found</h1>" in page and ">Back to the workbench</a>" in page and "页面不存在" not in page


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_a_server_error_shows_the_chinese_500_page_in_the_staff_layout(town_a: Area, make_user: Any) -> None:
    page = _page(_staff(make_user, Role.TOWN_OFFICER, town_a).get("/test-fail/"), 500)
    assert "<h1>系统出错</h1>" in page and "Server Error" not in page
    assert STAFF_NAV in page and ">人口信息</a>" in page and BACK_TO_WORKBENCH in page


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_an_anonymous_visitor_sees_the_500_page_with_the_way_to_the_portal(db: Any) -> None:
    page = _page(Client(raise_request_exception=False).get("/test-fail/"), 500)
    assert "<h1>系统出错</h1>" in page and STAFF_NAV not in page and BACK_TO_PORTAL in page


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize("failure", [RuntimeError("navigation broken"), DatabaseError("connection lost")])
def test_the_500_page_renders_even_when_the_navigation_fails(town_a: Area, make_user: Any, monkeypatch: Any,
                                                              failure: Exception) -> None:
    """The error may be the database or the layout itself: the handler falls back to a plain page."""
    client = _staff(make_user, Role.TOWN_OFFICER, town_a)

    def broken(user: Any) -> Any:
        raise failure

    monkeypatch.setattr("jisheng.core.modules.modules_for", broken)
    page = _page(client.get("/test-fail/"), 500)
    assert "<h1>系统出错</h1>" in page and STAFF_NAV not in page
    assert '<a href="/">返回工作台</a>' in page and '<a href="/portal/">公众门户首页</a>' in page


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_the_500_page_answers_even_when_no_template_can_be_rendered(db: Any, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("templates unavailable")

    monkeypatch.setattr("django.template.loader.render_to_string", broken)
    page = _page(Client(raise_request_exception=False).get("/test-fail/"), 500)
    assert "系统出错" in page and 'href="/"' in page and 'href="/portal/"' in page


@pytest.mark.django_db
def test_an_error_page_never_echoes_the_requested_address(county: Area, make_user: Any) -> None:
    """The refused or missing address may name a record or carry a search term; the language switch of an error
    page returns to the way back instead of to that address."""
    client = _staff(make_user, Role.LEADER, county)
    refused = _page(client.get("/registry/duplicates/?q=320585199001011234"), 403)
    missing = _page(client.get("/registry/persons/320585199001011234/"), 404)
    anonymous = _page(Client().get("/portal/320585199001011234/"), 404)
    for page in (refused, missing, anonymous):
        assert "320585199001011234" not in page
    assert '<a href="/portal/lang/en/?next=/" hreflang="en"' in refused
    assert '<a href="/portal/lang/en/?next=/portal/" hreflang="en"' in anonymous


@pytest.mark.django_db
def test_a_refused_form_is_the_chinese_403_page_not_djangos(town_a: Any, make_user: Any) -> None:
    """A form posted without its CSRF token (an expired page) answered Django's English "Forbidden (403) CSRF
    verification failed" page."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.TOWN_OFFICER, town_a))
    response = client.post(reverse("core:workbench"), {"x": "1"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "表单已过期或来源无法核实" in body and "返回工作台" in body and "CSRF" not in body


@pytest.mark.django_db
def test_a_bad_request_is_the_chinese_400_page() -> None:
    response = Client(HTTP_HOST="not-this-site.example").get("/portal/")  # DisallowedHost → handler400
    body = response.content.decode()
    assert response.status_code == 400 and "请求有误" in body and "Bad Request" not in body
