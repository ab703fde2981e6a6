"""A URL configuration with one deliberately unscoped route, to prove the matrix test catches it."""

from django.http import HttpResponse
from django.urls import include, path


def leaky_view(request, pk):  # no route_scope: the permission-matrix must refuse this route
    return HttpResponse(f"record {pk}")


urlpatterns = [
    path("", include("config.urls")),
    path("leaky/<int:pk>/", leaky_view, name="leaky"),
]
