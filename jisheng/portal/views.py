"""Public portal pages (no sign-in; nothing personal ever appears here)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from jisheng.core import modules
from jisheng.core.access import route_scope
from jisheng.core.middleware import PublicCacheMiddleware


@route_scope(public=True)
@PublicCacheMiddleware.shared()
def home(request: HttpRequest) -> HttpResponse:
    """The public portal's home page: policies, service guides, self-check, public lists (kept whole per language
    by :class:`~jisheng.core.middleware.PublicCacheMiddleware`; it reads no data)."""
    return render(request, "portal/home.html", {"sections": PORTAL_SECTIONS, "modules": modules, "portal": True})


@route_scope(public=True, methods=("GET", "POST"))
@PublicCacheMiddleware.shared()
def self_check(request: HttpRequest) -> HttpResponse:
    """Birth-policy self-check (行政指导), one question at a time: the next question is the one the rule in force
    on the chosen date needs; the result says in plain words what applies (registration or approval), where to go,
    what to bring and the steps (docs/adr/0035).

    The page's forms are GET forms (docs/adr/0051): the self-check computes and stores nothing, so the empty page
    needs no CSRF token and no cookie, and a reverse proxy may cache it. A GET carrying answers (``current``, or a
    questionnaire field with ``?all=1``) is answered ``Cache-Control: no-store``: the family's answers are kept by no
    cache. A POST — of ``facts_json`` (contract §2 facts, which may not fit in an address), of the whole
    questionnaire or of a step — is still answered, CSRF-checked as every POST. Nothing personal is asked (no names,
    no ID numbers). The whole questionnaire's empty form is rendered once per language (:func:`empty_questionnaire`),
    and the empty pages (the first step, ``?all=1``) are kept whole per address, language and day by
    :class:`~jisheng.core.middleware.PublicCacheMiddleware` (an answered page is no-store, so never kept).
    """
    from jisheng.licensing.forms import QuestionnaireForm

    from . import selfcheck

    data = request.POST if request.method == "POST" else request.GET
    context: dict[str, Any] = {"portal": True}
    whole = request.GET.get("all") or data.get("all")
    if request.method == "POST":
        answered = bool(request.POST)
    else:
        answered = "current" in data or any(name in data for name in QuestionnaireForm.base_fields)
    step = None
    if "current" in data and not data.get("facts_json"):
        step = selfcheck.advance(data)
    elif answered:
        form = QuestionnaireForm(data)
        result, error = _whole_result(form) if form.is_valid() else (None, "")
        context.update(form=form, result=result, error=error, whole=True)
    elif whole:
        context.update(questionnaire=empty_questionnaire(), whole=True)
    else:
        step = selfcheck.start()
    if step is not None:
        context.update(step=step, result=step.result, asked=",".join(step.asked), carried=selfcheck.carried(step),
                       summary=selfcheck.summary(step), number=len(step.asked) + 1)
        if step.current is not None:
            context["question"] = selfcheck.question(step)
    response = render(request, "portal/self_check.html", context)
    if answered:
        add_never_cache_headers(response)
    return response


#: The whole questionnaire's empty form as HTML, by language (the form depends on nothing else: no date, no data).
_EMPTY_QUESTIONNAIRE: dict[str, str] = {}


def empty_questionnaire() -> str:
    """The fields of the whole questionnaire (``?all=1``) with no answer, as HTML in the active language.

    Rendered once per language and process, then reused: its 37 fields rendered through Django's widget templates
    cost most of the page, and are the same for every visitor. The labels and choices are fixed in the code and the
    compiled catalogues, which a process reads once. Returns safe HTML (``portal/_questionnaire.html``).
    """
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    from jisheng.licensing.forms import QuestionnaireForm

    language = get_language()
    html = _EMPTY_QUESTIONNAIRE.get(language)
    if html is None:
        html = _EMPTY_QUESTIONNAIRE[language] = render_to_string("portal/_questionnaire.html",
                                                                 {"form": QuestionnaireForm()})
    return mark_safe(html)  # noqa: S308 - our own template's output, autoescaped when rendered


def _whole_result(form: Any) -> tuple[dict[str, Any] | None, str]:
    from jisheng.core.errors import InvalidInput
    from jisheng.licensing import guidance

    try:
        return guidance.self_check(form.facts(), form.as_of_date()), ""
    except InvalidInput as exc:
        return None, str(exc)


def _law_version() -> object:
    from jisheng.licensing.guidance import law_version

    return law_version()


def _leaflet_data_version() -> object:
    from jisheng.licensing.guidance import leaflet_data_version

    return leaflet_data_version()


@route_scope(public=True)
@PublicCacheMiddleware.shared(_law_version)
def leaflet_list(request: HttpRequest) -> HttpResponse:
    """The leaflets and service guides, by period of the rule: today's first, then back in time (kept whole per
    language and day while the law data is unchanged, :class:`~jisheng.core.middleware.PublicCacheMiddleware`)."""
    from jisheng.core import clock
    from jisheng.licensing import guidance

    return render(request, "portal/leaflet_list.html", {"periods": guidance.leaflet_index(clock.today()),
                                                        "portal": True})


@route_scope(public=True)
@PublicCacheMiddleware.shared(_leaflet_data_version)
def guide(request: HttpRequest, period: str) -> HttpResponse:
    """The service guide (办事指南) of one period: registration and/or approval, where, what to bring, the steps
    (kept whole per language and day while the law data and the area tree are unchanged)."""
    from jisheng.core import clock
    from jisheng.licensing import guidance

    data = guidance.guide(period, clock.today())
    if data is None:
        raise Http404
    return render(request, "portal/guide.html", {"guide": data, "portal": True})


@route_scope(public=True)
@PublicCacheMiddleware.shared(_leaflet_data_version)
def leaflet_detail(request: HttpRequest, period: str, situation: str) -> HttpResponse:
    """One printable leaflet (明白纸) of a period's situation, generated from the rules' provision catalogue (kept
    whole per language and day while the law data and the area tree are unchanged)."""
    from jisheng.core import clock
    from jisheng.licensing import guidance

    leaflet = guidance.leaflet(period, situation, clock.today())
    if leaflet is None:
        return _legacy(f"{period}/{situation}")
    return render(request, "portal/leaflet.html", {"leaflet": leaflet, "portal": True})


@route_scope(public=True)
def leaflet_legacy(request: HttpRequest, key: str) -> HttpResponse:
    """An old leaflet address (the provision's key) moves to its period's leaflet."""
    return _legacy(key)


def _legacy(key: str) -> HttpResponse:
    from jisheng.licensing import guidance

    address = guidance.legacy_leaflet_address(key)
    if address is None:
        raise Http404
    return redirect("portal:leaflet", period=address[0], situation=address[1], permanent=True)


@route_scope(public=True)
def language(request: HttpRequest, code: str) -> HttpResponse:
    """``GET /portal/lang/<code>/?next=<path>``: the language switch of every page, public and staff (a link, so
    that no page needs a form, a CSRF token or a cookie for it; docs/adr/0051).

    Sets the language cookie to ``code`` (one of ``settings.LANGUAGES``, else 404) and redirects to ``next`` when
    it is an address of this site (``url_has_allowed_host_and_scheme``), else to the portal's home page (the
    workbench for a signed-in user). The answer is never cached.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("core:workbench" if request.user.is_authenticated else "portal:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    add_never_cache_headers(response)
    return response


#: Portal sections; each names the module whose issue brings it.
PORTAL_SECTIONS = [
    {"key": "guides", "module": "disclosure"},
    {"key": "selfcheck", "module": "licensing"},
    {"key": "lists", "module": "disclosure"},
    {"key": "petitions", "module": "petitions"},
]
