"""Public pages a reverse proxy can cache (issue 17, deliverable 4; docs/adr/0051).

An anonymous visitor who has not posted gets no session or CSRF cookie; every public route that answers a page (HTML,
a sitemap or a feed) sends ``Cache-Control: public, max-age=…``, an ETag, 304 to a matching If-None-Match, and varies
on the cookie only (the language cookie; Accept-Language is ignored). The routes are enumerated from the URL
configuration, so a public page added later (the sitemap, a feed) is held to the same rule. Staff pages stay
``no-store``; a signed-in user's or a cookie-setting public answer (the sign-in page) is never shared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jisheng.accounts.roles import Role
from jisheng.core.middleware import PUBLIC_MAX_AGE
from jisheng.core.models import Area

from .conftest import login
from .matrix import Route, collect_routes, fixtures

#: Public routes a visitor reads with GET (the API's JSON is not a page).
PUBLIC_PAGES = [r for r in collect_routes() if r.scope and r.scope.public and not r.is_api
                and "GET" in (r.scope.methods if r.method == "*" else (r.method,))]
#: The pages of the portal the issue names; each must be among the cacheable ones.
NAMED = {"portal:home": "/portal/", "portal:self_check": "/portal/self-check/",
         "whole questionnaire": "/portal/self-check/?all=1", "portal:leaflets": "/portal/leaflets/",
         "portal:guide": "/portal/leaflets/2021-09-29/", "portal:leaflet": "/portal/leaflets/2021-09-29/registration/"}
#: Public routes that set a cookie on purpose: the sign-in form needs its CSRF token.
FORM_PAGES = {"accounts:login"}
PAGE_TYPES = ("text/html", "application/xml", "text/xml", "application/atom+xml", "application/rss+xml")


def _url(route: Route) -> str:
    _objects, samples = fixtures()
    return reverse(route.name, kwargs=samples.get(route.name) or None)


def _is_page(response: Any) -> bool:
    return response.status_code == 200 and response["Content-Type"].split(";")[0] in PAGE_TYPES


def _assert_shared_cacheable(response: Any, url: str) -> None:
    assert response.status_code == 200, url
    assert not response.cookies, (url, list(response.cookies))  # no csrftoken, no sessionid, nothing
    assert not response.has_header("Set-Cookie"), url
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", f"max-age={PUBLIC_MAX_AGE}"}, (url, directives)
    assert 0 < PUBLIC_MAX_AGE <= 600
    assert response["ETag"].startswith('"'), url
    assert response["Vary"] == "Cookie", (url, response["Vary"])
    assert "csrfmiddlewaretoken" not in response.content.decode(), url


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC_PAGES, ids=lambda r: r.id)
def test_every_public_page_is_cacheable_by_a_proxy(route: Route) -> None:
    """A visitor without cookies: no Set-Cookie, Cache-Control public with a short max-age, an ETag, Vary: Cookie,
    and the same address asked again with the ETag answers 304 with no body. (The sign-in form sets its CSRF
    cookie and is private instead.)"""
    url = _url(route)
    response = Client().get(url)
    if not _is_page(response):
        return  # a redirect (an old leaflet address, the language switch) or not a page
    if route.name in FORM_PAGES:
        assert settings.CSRF_COOKIE_NAME in response.cookies
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert "public" not in directives and ({"private", "no-store"} & directives)
        assert not response.has_header("ETag")
        return
    _assert_shared_cacheable(response, url)
    again = Client().get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b"", url
    assert again["ETag"] == response["ETag"] and "public" in again["Cache-Control"] and not again.cookies
    assert Client().get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", NAMED.values(), ids=NAMED.keys())
def test_the_portal_pages_are_cacheable_and_answer_304(url: str) -> None:
    """The pages the issue measured: home, self-check (step and whole questionnaire), leaflet list, guide, leaflet;
    HEAD as GET."""
    client = Client()
    response = client.get(url)
    _assert_shared_cacheable(response, url)
    assert client.get(url).content == response.content  # the same page for every visitor
    head = client.head(url)
    assert head.status_code == 200 and head["ETag"] == response["ETag"] and not head.cookies
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert client.head(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert not client.cookies  # the visitor holds no cookie at all afterwards


@pytest.mark.django_db
def test_public_pages_vary_on_the_language_cookie_only() -> None:
    """The language cookie changes the page (another ETag); Accept-Language changes nothing, not even beside a
    cookie naming no language of the site, so Vary names Cookie alone."""
    plain = Client().get("/portal/")
    browser_english = Client().get("/portal/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    odd = Client()
    odd.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    odd_english = odd.get("/portal/", HTTP_ACCEPT_LANGUAGE="en")
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    chosen = english.get("/portal/")
    assert plain["ETag"] == browser_english["ETag"] == odd_english["ETag"]
    assert '<html lang="zh-hans"' in odd_english.content.decode()
    assert chosen["ETag"] != plain["ETag"] and '<html lang="en"' in chosen.content.decode()
    for response in (plain, browser_english, odd_english, chosen):
        assert response["Vary"] == "Cookie" and "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_signed_in_users_and_staff_pages_are_never_shared(town_a: Area, make_user: Callable[..., Any]) -> None:
    """A signed-in user's portal page is private (not no-store: the portal stays usable offline in the browser);
    a staff page stays no-store with no ETag."""
    client = login(Client(), make_user(Role.TOWN_OFFICER, town_a))
    portal = client.get("/portal/")
    assert portal.status_code == 200
    assert {d.strip() for d in portal["Cache-Control"].split(",")} == {"private", "no-cache"}
    assert not portal.has_header("ETag")
    workbench = client.get(reverse("core:workbench"))
    assert "no-store" in workbench["Cache-Control"] and "public" not in workbench["Cache-Control"]
    assert not workbench.has_header("ETag")
