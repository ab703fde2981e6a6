"""The portal without cookies (issue 17, deliverable 4; docs/adr/0051): the language switch is a link, the
self-check's forms are GET forms whose answers no cache keeps, a POST is still CSRF-checked, and the whole
questionnaire's empty form is rendered once per language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jisheng.accounts.roles import Role
from jisheng.core.models import Area
from jisheng.licensing.forms import QuestionnaireForm
from jisheng.portal import views
from tests.conftest import login

from .test_self_check import COUPLE_2026, client, walk

LANGUAGES = ["zh-hans", "en", "zh-hant"]


# --- the language switch ----------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_switch_is_a_link_that_sets_the_cookie_and_returns(language: str) -> None:
    visitor = Client()
    if language == "zh-hans":
        visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # to switch back from English
    page = visitor.get("/portal/leaflets/").content.decode()
    link = f'/portal/lang/{language}/?next=/portal/leaflets/'
    assert f'href="{link}"' in page and "<form" not in page[: page.index("</header>")]
    response = visitor.get(link)
    assert response.status_code == 302 and response["Location"] == "/portal/leaflets/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    assert "no-store" in response["Cache-Control"]  # a redirect that sets a cookie is kept by no cache
    assert set(response.cookies) == {settings.LANGUAGE_COOKIE_NAME}  # no session, no CSRF cookie
    after = visitor.get("/portal/leaflets/")
    assert f'<html lang="{language}"' in after.content.decode()
    assert "public" in after["Cache-Control"] and after["Vary"] == "Cookie"


@pytest.mark.django_db
def test_the_switch_keeps_the_query_of_the_page_it_was_clicked_on() -> None:
    page = Client().get("/portal/self-check/?all=1").content.decode()
    assert 'href="/portal/lang/en/?next=/portal/self-check/%3Fall%3D1"' in page
    response = Client().get("/portal/lang/en/", {"next": "/portal/self-check/?all=1"})
    assert response["Location"] == "/portal/self-check/?all=1"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/portal/", "http://evil.example",
                                    "javascript:alert(1)", "/\\evil.example/", ""])
def test_the_switch_never_sends_anyone_offsite(target: str) -> None:
    response = Client().get("/portal/lang/en/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_the_switch_refuses_an_unknown_language_and_returns_staff_to_the_workbench(
        town_a: Area, make_user: Any) -> None:
    response = Client().get("/portal/lang/fr/", {"next": "/portal/"})
    assert response.status_code == 404 and settings.LANGUAGE_COOKIE_NAME not in response.cookies
    staff = login(Client(), make_user(Role.TOWN_OFFICER, town_a))
    page = staff.get(reverse("core:workbench")).content.decode()
    assert 'href="/portal/lang/en/?next=/"' in page and 'hreflang="zh-hant"' not in page  # 繁體 on the portal only
    assert staff.get("/portal/lang/en/", {"next": "https://evil.example/"})["Location"] == "/"
    assert staff.get("/portal/lang/en/", {"next": "/areas/"})["Location"] == "/areas/"
    assert "Workbench" in staff.get(reverse("core:workbench")).content.decode()


# --- the self-check without a cookie, still CSRF-checked when posted -----------------------------------

@pytest.mark.django_db
def test_the_self_check_asks_by_get_and_no_cache_keeps_the_answers() -> None:
    """Each step is a GET form (no token, no cookie); a page carrying answers is no-store, the empty first page is
    public."""
    c = client()
    first = c.get("/portal/self-check/")
    html = first.content.decode()
    assert '<form method="get" action="/portal/self-check/"' in html and 'hx-get="/portal/self-check/"' in html
    assert "csrfmiddlewaretoken" not in html and "public" in first["Cache-Control"]
    step = c.get("/portal/self-check/", {"asked": "", "current": "as_of", "as_of": "2026-01-15"})
    assert step.context["question"]["name"] == "children"
    assert "no-store" in step["Cache-Control"] and not step.has_header("ETag") and not step.cookies
    asked, result = walk(c, COUPLE_2026)
    assert asked == ["as_of", "children", "town"] and result.context["result"]["eligible"] is True
    assert "no-store" in result["Cache-Control"] and not result.cookies
    whole = c.get("/portal/self-check/", {"all": "1", "as_of": "2026-01-15", "children": "1"})
    assert whole.context["result"]["procedure"] == "registration" and "no-store" in whole["Cache-Control"]
    assert set(c.cookies) == {settings.LANGUAGE_COOKIE_NAME}  # only the cookie the test set


@pytest.mark.django_db
def test_a_posted_self_check_is_still_csrf_checked() -> None:
    """A POST (an older page, a facts_json too long for an address) is answered only with its CSRF token."""
    visitor = Client(enforce_csrf_checks=True)
    facts = '{"application_date": "2026-01-15", "children": []}'
    refused = visitor.post("/portal/self-check/", {"all": "1", "facts_json": facts})
    assert refused.status_code == 403
    refused_step = visitor.post("/portal/self-check/", {"asked": "", "current": "as_of", "as_of": "2026-01-15"})
    assert refused_step.status_code == 403
    visitor.get(reverse("accounts:login"))  # the sign-in form is the page that hands out a token
    token = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    answered = visitor.post("/portal/self-check/", {"all": "1", "facts_json": facts, "csrfmiddlewaretoken": token})
    assert answered.status_code == 200 and answered.context["result"]["eligible"] is True
    assert "no-store" in answered["Cache-Control"]


# --- the whole questionnaire's empty form, rendered once per language -------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cached_empty_questionnaire_is_a_fresh_render(language: str) -> None:
    views._EMPTY_QUESTIONNAIRE.clear()
    with translation.override(language):
        cached = views.empty_questionnaire()
        fresh = loader.render_to_string("portal/_questionnaire.html", {"form": QuestionnaireForm()})
        again = views.empty_questionnaire()
    assert cached == fresh == again
    assert len(re.findall(r'<(?:input|select)[^>]+name="', cached)) == len(QuestionnaireForm.base_fields)
    page = client(language).get("/portal/self-check/?all=1").content.decode()
    assert fresh in page


@pytest.mark.django_db
def test_the_empty_questionnaire_is_rendered_once_per_language(monkeypatch: pytest.MonkeyPatch) -> None:
    views._EMPTY_QUESTIONNAIRE.clear()
    rendered: list[str] = []
    real = loader.render_to_string

    def counting(name: str, *args: Any, **kwargs: Any) -> str:
        if name == "portal/_questionnaire.html":
            rendered.append(translation.get_language())
        return real(name, *args, **kwargs)

    monkeypatch.setattr(loader, "render_to_string", counting)
    pages = {language: [client(language).get("/portal/self-check/?all=1") for _ in range(3)]
             for language in LANGUAGES}
    assert sorted(rendered) == sorted(LANGUAGES)
    for responses in pages.values():
        assert all(r.content == responses[0].content for r in responses)
    assert "女方户口性质" in pages["zh-hans"][0].content.decode()
    assert "女方戶口性質" in pages["zh-hant"][0].content.decode()
    english = pages["en"][0].content.decode()
    assert "女方户口性质" not in english and "女方户口性质" not in pages["zh-hant"][0].content.decode()
    assert re.search(r"Wife(&#x27;|')s date of birth", english)
    # an answered questionnaire renders its own bound form (errors and values), never the cached one
    bound = client().get("/portal/self-check/", {"all": "1", "children": "99"}).content.decode()
    assert 'name="children" value="99"' in bound and 'class="errorlist"' in bound
    assert len(rendered) == len(LANGUAGES)


# --- the installation's towns, read once per state of the area tree ------------------------------------

def _read_fresh(on: Any) -> list[tuple[str, list[str]]]:
    from jisheng.licensing import guidance

    guidance._TOWNS.clear()
    return [(c.name, [t.name for t in towns]) for c, towns in guidance.towns_on(on)]


@pytest.mark.django_db
def test_the_towns_are_read_once_per_state_of_the_area_tree(django_assert_num_queries: Any) -> None:
    """The self-check and the leaflets ask for the towns several times a request: after the first read each ask
    costs the area tree's fingerprint (one query) and gives what a fresh read gives; a renamed town, a new town
    and an abolished one show on the next ask."""
    import datetime as dt

    from jisheng.core.models import AreaLevel
    from jisheng.licensing import guidance

    on = dt.date(2026, 1, 15)
    fresh = _read_fresh(on)
    assert fresh and any("城厢镇" in towns for _county, towns in fresh)
    with django_assert_num_queries(1):
        again = [(c.name, [t.name for t in towns]) for c, towns in guidance.towns_on(on)]
    assert again == fresh
    town = Area.objects.get(code="320585100000")  # 城厢镇
    town.name = "新城厢镇"
    town.save()
    renamed = [(c.name, [t.name for t in towns]) for c, towns in guidance.towns_on(on)]
    assert any("新城厢镇" in towns for _county, towns in renamed) and renamed == _read_fresh(on)
    Area.objects.create(code="320585999000", name="新设镇", level=AreaLevel.TOWN, kind="镇", parent=town.parent)
    assert any("新设镇" in towns for _county, towns in [(c.name, [t.name for t in ts])
                                                         for c, ts in guidance.towns_on(on)])
    town.valid_to = dt.date(2026, 1, 1)
    town.save()
    assert not any("新城厢镇" in [t.name for t in ts] for _c, ts in guidance.towns_on(on))
    assert [(c.name, [t.name for t in ts]) for c, ts in guidance.towns_on(on)] == _read_fresh(on)
