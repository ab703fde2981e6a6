"""Public portal pages (no sign-in; nothing personal ever appears here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jisheng.core import modules
from jisheng.core.access import route_scope


@route_scope(public=True)
def home(request: HttpRequest) -> HttpResponse:
    """The public portal's home page: policies, service guides, self-check, public lists."""
    return render(request, "portal/home.html", {"sections": PORTAL_SECTIONS, "modules": modules, "portal": True})


#: Portal sections; each names the module whose issue brings it.
PORTAL_SECTIONS = [
    {"key": "guides", "module": "disclosure"},
    {"key": "selfcheck", "module": "licensing"},
    {"key": "lists", "module": "disclosure"},
    {"key": "petitions", "module": "petitions"},
]
