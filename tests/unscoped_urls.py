"""A URL configuration with deliberately unscoped routes (one web view, one API operation), to prove the
matrix test catches both kinds."""

from django.http import HttpResponse
from django.urls import include, path
from ninja import NinjaAPI

leaky_api = NinjaAPI(urls_namespace="leaky_api", docs_url=None, openapi_url=None)


@leaky_api.get("/records/{pk}", url_name="leaky_record")
def leaky_record(request, pk: int):  # no api_scope: the permission-matrix must refuse this operation
    return {"record": pk}


def leaky_view(request, pk):  # no route_scope: the permission-matrix must refuse this route
    return HttpResponse(f"record {pk}")


urlpatterns = [
    path("", include("config.urls")),
    path("leaky/<int:pk>/", leaky_view, name="leaky"),
    path("leaky-api/", leaky_api.urls),
]
