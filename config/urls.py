"""Root URL configuration. Every route declares its scope (see jisheng/core/access.py)."""

from django.urls import include, path
from django.views.i18n import set_language

from jisheng.core.access import route_scope

urlpatterns = [
    path("", include("jisheng.core.urls")),
    path("accounts/", include("jisheng.accounts.urls")),
    path("portal/", include("jisheng.portal.urls")),
    path("api/v1/", include("jisheng.api.urls")),
    path("i18n/setlang/", route_scope(public=True, methods=("POST",))(set_language), name="set_language"),
]

# App URL modules are mounted when the app has one (modules land issue by issue).
for _app, _prefix in [
    ("law", "law/"), ("registry", "registry/"), ("cases", "cases/"), ("licensing", "licensing/"),
    ("enforcement", "enforcement/"), ("petitions", "petitions/"), ("benefits", "benefits/"),
    ("disclosure", "disclosure/"), ("activities", "activities/"), ("statistics", "statistics/"),
]:
    try:
        __import__(f"jisheng.{_app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"jisheng.{_app}.urls":
            raise
        continue
    urlpatterns.append(path(_prefix, include(f"jisheng.{_app}.urls")))
