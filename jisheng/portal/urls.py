from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("lang/<slug:code>/", views.language, name="language"),
    path("self-check/", views.self_check, name="self_check"),
    path("leaflets/", views.leaflet_list, name="leaflets"),
    path("leaflets/<slug:period>/", views.guide, name="guide"),
    path("leaflets/<slug:period>/<slug:situation>/", views.leaflet_detail, name="leaflet"),
    path("leaflets/<path:key>/", views.leaflet_legacy, name="leaflet_legacy"),
]
