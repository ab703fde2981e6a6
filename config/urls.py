"""Root URL configuration. Every route declares its scope (see jisheng/core/access.py).

Error pages: Django's 403 and 404 views render ``403.html`` and ``404.html`` (jisheng/templates) with the
request, so signed-in staff keep the navigation; the 500 page has its own handler that survives a failing
layout or database (``jisheng.core.views.server_error``).
"""

from django.urls import include, path

handler500 = "jisheng.core.views.server_error"

urlpatterns = [
    path("", include("jisheng.core.urls")),
    path("accounts/", include("jisheng.accounts.urls")),
    path("portal/", include("jisheng.portal.urls")),
    path("portal/petitions/", include("jisheng.petitions.public_urls")),
    path("api/v1/", include("jisheng.api.urls")),
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
