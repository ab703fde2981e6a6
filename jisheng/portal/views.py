"""Public portal pages (no sign-in; nothing personal ever appears here)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from jisheng.core import modules
from jisheng.core.access import route_scope


@route_scope(public=True)
def home(request: HttpRequest) -> HttpResponse:
    """The public portal's home page: policies, service guides, self-check, public lists."""
    return render(request, "portal/home.html", {"sections": PORTAL_SECTIONS, "modules": modules, "portal": True})


@route_scope(public=True, methods=("GET", "POST"))
def self_check(request: HttpRequest) -> HttpResponse:
    """Birth-policy self-check (行政指导): questionnaire → provisions, unknowns, materials, where to apply.

    Nothing is stored and nothing personal is asked (no names, no ID numbers).
    """
    from jisheng.core.errors import InvalidInput
    from jisheng.licensing import guidance
    from jisheng.licensing.forms import QuestionnaireForm

    form = QuestionnaireForm(request.POST or None)
    result = None
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = guidance.self_check(form.facts(), form.as_of_date())
        except InvalidInput as exc:
            error = str(exc)
    return render(request, "portal/self_check.html", {"form": form, "result": result, "error": error,
                                                      "portal": True})


@route_scope(public=True)
def leaflet_list(request: HttpRequest) -> HttpResponse:
    """The leaflets: one per situation of Art. 22 and 23 (2002 text)."""
    from jisheng.licensing import guidance

    return render(request, "portal/leaflet_list.html", {"leaflets": guidance.leaflets(), "portal": True})


@route_scope(public=True)
def leaflet_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One printable leaflet generated from the rules' provision catalogue."""
    from jisheng.core import clock
    from jisheng.licensing import guidance

    leaflet = guidance.leaflet(key, clock.today())
    if leaflet is None:
        raise Http404
    return render(request, "portal/leaflet.html", {"leaflet": leaflet, "portal": True})


#: Portal sections; each names the module whose issue brings it.
PORTAL_SECTIONS = [
    {"key": "guides", "module": "disclosure"},
    {"key": "selfcheck", "module": "licensing"},
    {"key": "lists", "module": "disclosure"},
    {"key": "petitions", "module": "petitions"},
]
