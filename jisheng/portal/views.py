"""Public portal pages (no sign-in; nothing personal ever appears here)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jisheng.core import modules
from jisheng.core.access import route_scope


@route_scope(public=True)
def home(request: HttpRequest) -> HttpResponse:
    """The public portal's home page: policies, service guides, self-check, public lists."""
    return render(request, "portal/home.html", {"sections": PORTAL_SECTIONS, "modules": modules, "portal": True})


@route_scope(public=True, methods=("GET", "POST"))
def self_check(request: HttpRequest) -> HttpResponse:
    """Birth-policy self-check (行政指导), one question at a time: the next question is the one the rule in force
    on the chosen date needs; the result says in plain words what applies (registration or approval), where to go,
    what to bring and the steps (docs/adr/0035).

    A POST of ``facts_json`` (contract §2 facts) or of the whole questionnaire (``?all=1``, one page) gives the
    result at once. Nothing is stored and nothing personal is asked (no names, no ID numbers).
    """
    from jisheng.licensing.forms import QuestionnaireForm

    from . import selfcheck

    context: dict[str, Any] = {"portal": True}
    whole = request.GET.get("all") or request.POST.get("all")
    if request.method == "POST" and "current" in request.POST and not request.POST.get("facts_json"):
        step = selfcheck.advance(request.POST)
    elif request.method == "POST" or whole:
        form = QuestionnaireForm(request.POST or None)
        result, error = None, ""
        if request.method == "POST" and form.is_valid():
            result, error = _whole_result(form)
        context.update(form=form, result=result, error=error, whole=True)
        return render(request, "portal/self_check.html", context)
    else:
        step = selfcheck.start()
    context.update(step=step, result=step.result, asked=",".join(step.asked), carried=selfcheck.carried(step),
                   summary=selfcheck.summary(step), number=len(step.asked) + 1)
    if step.current is not None:
        context["question"] = selfcheck.question(step)
    return render(request, "portal/self_check.html", context)


def _whole_result(form: Any) -> tuple[dict[str, Any] | None, str]:
    from jisheng.core.errors import InvalidInput
    from jisheng.licensing import guidance

    try:
        return guidance.self_check(form.facts(), form.as_of_date()), ""
    except InvalidInput as exc:
        return None, str(exc)


@route_scope(public=True)
def leaflet_list(request: HttpRequest) -> HttpResponse:
    """The leaflets and service guides, by period of the rule: today's first, then back in time."""
    from jisheng.core import clock
    from jisheng.licensing import guidance

    return render(request, "portal/leaflet_list.html", {"periods": guidance.leaflet_index(clock.today()),
                                                        "portal": True})


@route_scope(public=True)
def guide(request: HttpRequest, period: str) -> HttpResponse:
    """The service guide (办事指南) of one period: registration and/or approval, where, what to bring, the steps."""
    from jisheng.core import clock
    from jisheng.licensing import guidance

    data = guidance.guide(period, clock.today())
    if data is None:
        raise Http404
    return render(request, "portal/guide.html", {"guide": data, "portal": True})


@route_scope(public=True)
def leaflet_detail(request: HttpRequest, period: str, situation: str) -> HttpResponse:
    """One printable leaflet (明白纸) of a period's situation, generated from the rules' provision catalogue."""
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


#: Portal sections; each names the module whose issue brings it.
PORTAL_SECTIONS = [
    {"key": "guides", "module": "disclosure"},
    {"key": "selfcheck", "module": "licensing"},
    {"key": "lists", "module": "disclosure"},
    {"key": "petitions", "module": "petitions"},
]
