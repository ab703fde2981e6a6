from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("modules/<slug:key>/", views.module_unavailable, name="module_unavailable"),
    path("areas/", views.area_tree, name="area_tree"),
    path("areas/<str:code>/", views.area_detail, name="area_detail"),
    path("audit/", views.audit_list, name="audit_list"),
    path("healthz", views.healthz, name="healthz"),
]
