"""A URL configuration for the error-page tests: the real routes and handlers, plus two public views that
fail on purpose (a refusal and an unexpected exception), so every status can be reached by anyone."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as real
from jisheng.core.access import route_scope


@route_scope(public=True)
def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


@route_scope(public=True)
def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [*real.urlpatterns, path("test-refuse/", refuse), path("test-fail/", fail)]
handler400 = getattr(real, "handler400", None) or "django.views.defaults.bad_request"
handler403 = getattr(real, "handler403", None) or "django.views.defaults.permission_denied"
handler404 = getattr(real, "handler404", None) or "django.views.defaults.page_not_found"
handler500 = getattr(real, "handler500", None) or "django.views.defaults.server_error"
