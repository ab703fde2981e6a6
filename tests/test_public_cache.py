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
from jisheng.core.middleware import PUBLIC_MAX_AGE, PublicCacheMiddleware
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
#: Public routes that set a cookie on purpose: the sign-in form, the web petition form and the petition tracking
#: page (POST forms) need their CSRF token.
FORM_PAGES = {"accounts:login", "petitions_public:form", "petitions_public:track"}
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


# --- the in-process store of shared public pages (docs/adr/0051, amendment of 2026-12-01) ----------------------

LANGUAGES = ("zh-hans", "zh-hant", "en")
#: The pages a view declares shared (each kept by the store), beside the addresses the issue measured.
SHARED = {**NAMED, "approval leaflet": "/portal/leaflets/2021-09-29/another-child-1/"}


def _visitor(language: str | None = None) -> Client:
    """A visitor with no cookie, or with the language cookie alone. Each Client has its own handler and so its own
    middleware instance: its own store, as a fresh process has."""
    c = Client()
    if language is not None:
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


def _from_store(response: Any) -> bool:
    """Whether an answer came from the store: an Age header, and no template rendered for it."""
    return response.has_header("Age") and not response.templates


def _headers(response: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in response.items() if k.lower() != "age"}


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url", SHARED.values(), ids=SHARED.keys())
def test_a_kept_page_is_the_fresh_render_in_each_language(url: str, language: str) -> None:
    """The second visit is served from the store (no template rendered) and is byte for byte what a fresh process
    renders, with the same headers (ETag, Cache-Control, Vary, Content-Language, CSP …) and an Age; the ETag still
    answers 304."""
    c = _visitor(language)
    first = c.get(url)
    kept = c.get(url)
    fresh = _visitor(language).get(url)
    assert not _from_store(first) and _from_store(kept) and not _from_store(fresh), url
    assert kept.content == first.content == fresh.content, url
    assert _headers(kept) == _headers(first) == _headers(fresh), url
    assert 0 <= int(kept["Age"]) <= PublicCacheMiddleware.STORE_SECONDS
    assert f'<html lang="{language}"' in kept.content.decode()
    _assert_shared_cacheable(kept, url)
    not_modified = c.get(url, HTTP_IF_NONE_MATCH=kept["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b"" and _from_store(not_modified)
    assert not c.cookies.keys() - {settings.LANGUAGE_COOKIE_NAME}


@pytest.mark.django_db
@pytest.mark.parametrize("url", SHARED.values(), ids=SHARED.keys())
def test_the_store_never_serves_a_page_across_languages(url: str) -> None:
    """One process (one middleware instance) asked for the same address in every language, twice over, in
    alternation: each visitor always gets their own language's page, the same as a fresh render of it."""
    handler = Client()
    fresh = {language: _visitor(language).get(url).content for language in LANGUAGES}
    fresh[""] = _visitor().get(url).content
    assert fresh[""] == fresh["zh-hans"] and len({fresh[k] for k in LANGUAGES}) == 3
    for _round in range(2):
        for language in ("", *LANGUAGES):
            handler.cookies.clear()
            if language:
                handler.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = handler.get(url)
            assert response.content == fresh[language], (url, language, _round)
            assert _from_store(response) == (_round == 1), (url, language)


@pytest.mark.django_db
def test_answered_self_check_pages_are_never_kept() -> None:
    """A GET carrying answers (a step, the whole questionnaire answered) is no-store and always rendered; so is a
    POST."""
    c = _visitor()
    step = {"asked": "", "current": "as_of", "as_of": "2026-01-15"}
    whole = {"all": "1", "as_of": "2026-01-15", "children": "1"}
    for data in (step, whole, step, whole):
        response = c.get("/portal/self-check/", data)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert not _from_store(response) and response.context is not None
    posted = [c.post("/portal/self-check/", {"facts_json": "{}", "as_of": "2026-01-15"}) for _ in range(2)]
    assert all(not _from_store(r) for r in posted)


@pytest.mark.django_db
def test_answers_that_set_a_cookie_and_visitors_with_other_cookies_are_never_kept() -> None:
    """The sign-in page sets its CSRF cookie: rendered every time, the cookie set every time. A visitor who holds
    a session, CSRF or message cookie always reaches the view, even for a page kept for others."""
    c = _visitor()
    for _ in range(2):
        login_page = c.get(reverse("accounts:login"))
        assert login_page.status_code == 200 and not _from_store(login_page)
        assert settings.CSRF_COOKIE_NAME in login_page.cookies
    c.cookies.clear()
    c.get("/portal/")  # kept for visitors without cookies
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"):
        c.cookies.clear()
        c.cookies[name] = "x"
        for _ in range(2):
            assert not _from_store(c.get("/portal/")), name
    c.cookies.clear()
    assert _from_store(c.get("/portal/"))
    assert not _from_store(c.get("/portal/", HTTP_HX_REQUEST="true"))  # htmx requests always reach the view


@pytest.mark.django_db
def test_a_kept_page_expires_within_the_max_age(monkeypatch: pytest.MonkeyPatch) -> None:
    """A kept page is served for at most STORE_SECONDS (≤ the max-age a proxy may keep it), then rendered again."""
    import time

    assert 0 < PublicCacheMiddleware.STORE_SECONDS <= PUBLIC_MAX_AGE
    start = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: start)
    c = _visitor()
    c.get("/portal/")
    monkeypatch.setattr(time, "monotonic", lambda: start + PublicCacheMiddleware.STORE_SECONDS - 1)
    kept = c.get("/portal/")
    assert _from_store(kept) and kept["Age"] == str(PublicCacheMiddleware.STORE_SECONDS - 1)
    monkeypatch.setattr(time, "monotonic", lambda: start + PublicCacheMiddleware.STORE_SECONDS)
    assert not _from_store(c.get("/portal/"))
    assert _from_store(c.get("/portal/"))


@pytest.mark.django_db
def test_the_store_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """At most STORE_ENTRIES pages (the least recently used goes), none larger than STORE_BYTES, at most
    STORE_TOTAL_BYTES in all."""
    monkeypatch.setattr(PublicCacheMiddleware, "STORE_ENTRIES", 2)
    c = _visitor()
    for query in ("a=1", "a=2", "a=3"):
        c.get(f"/portal/?{query}")
    assert not _from_store(c.get("/portal/?a=1"))  # pushed out by a=3
    assert _from_store(c.get("/portal/?a=3"))
    monkeypatch.setattr(PublicCacheMiddleware, "STORE_BYTES", 100)
    c.get("/portal/?b=1")
    assert not _from_store(c.get("/portal/?b=1"))
    monkeypatch.setattr(PublicCacheMiddleware, "STORE_BYTES", 256 * 1024)
    monkeypatch.setattr(PublicCacheMiddleware, "STORE_ENTRIES", 100)
    size = len(c.get("/portal/?c=1").content)
    monkeypatch.setattr(PublicCacheMiddleware, "STORE_TOTAL_BYTES", 2 * size)  # two such pages in all
    for query in ("c=1", "c=2", "c=3"):
        c.get(f"/portal/?{query}")
    assert [_from_store(c.get(f"/portal/?{q}")) for q in ("c=3", "c=2", "c=1")] == [True, True, False]


@pytest.mark.django_db
def test_a_new_day_renders_the_self_check_again() -> None:
    """The first step shows today's date: a page kept yesterday is not served today."""
    import datetime as dt

    from jisheng.core import clock

    c = _visitor()
    with clock.frozen(dt.date(2026, 3, 1)):
        assert 'value="2026-03-01"' in c.get("/portal/self-check/").content.decode()
        assert _from_store(c.get("/portal/self-check/"))
    with clock.frozen(dt.date(2026, 3, 2)):
        today = c.get("/portal/self-check/")
        assert not _from_store(today) and 'value="2026-03-02"' in today.content.decode()
        assert today.content == _visitor().get("/portal/self-check/").content


@pytest.mark.django_db
def test_a_changed_area_renders_the_leaflet_again() -> None:
    """The leaflet names the county's commission from the area tree: renaming the county (or adding an area) makes
    the next visit a fresh render naming the new name, in the same process."""
    from jisheng.core.models import AreaLevel

    url = SHARED["approval leaflet"]
    c = _visitor()
    assert "太仓市卫生健康委员会" in c.get(url).content.decode()
    assert _from_store(c.get(url))
    county = Area.objects.get(level=AreaLevel.COUNTY, name="太仓市")
    county.name = "新太仓市"
    county.save()
    renamed = c.get(url)
    assert not _from_store(renamed) and "新太仓市卫生健康委员会" in renamed.content.decode()
    assert renamed.content == _visitor().get(url).content
    assert _from_store(c.get(url))
    Area.objects.create(code="320585999000", name="新镇", level=AreaLevel.TOWN, kind="镇", parent=county)
    assert not _from_store(c.get(url))


@pytest.mark.django_db
def test_reloaded_law_data_renders_the_leaflets_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Law data is loaded once per process; loading it again (a new catalogue object) makes the leaflets and the
    leaflet list fresh renders."""
    from jisheng.law import parameters

    urls = (SHARED["approval leaflet"], "/portal/leaflets/")
    c = _visitor()
    for url in urls:
        c.get(url)
        assert _from_store(c.get(url)), url
    reloaded = {**parameters.all_parameters(), "test.new_parameter": object()}
    monkeypatch.setattr(parameters, "all_parameters", lambda: reloaded)
    for url in urls:
        fresh = c.get(url)
        assert not _from_store(fresh), url
        assert _from_store(c.get(url)), url
        assert fresh.content == _visitor().get(url).content


@pytest.mark.django_db
def test_a_visitor_the_store_cannot_serve_pays_no_dependency_query(django_assert_num_queries: Any) -> None:
    """The area tree's fingerprint is read for the store only when the answer may be kept: a visitor holding a CSRF
    cookie gets the leaflet with the queries of its render alone (the towns' fingerprint), one fewer than a
    visitor whose answer is kept."""
    url = SHARED["approval leaflet"]
    holder = _visitor()
    holder.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    holder.get(url)  # the towns are read once
    with django_assert_num_queries(1):
        assert not _from_store(holder.get(url))
    with django_assert_num_queries(2):
        assert not _from_store(_visitor().get(url))
