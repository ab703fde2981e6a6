from django.urls import path

from . import views

app_name = "law"
urlpatterns = [
    path("", views.provision_list, name="provision_list"),
    path("provisions/<path:key>/", views.provision_detail, name="provision_detail"),
    path("instruments/<slug:key>/", views.instrument_detail, name="instrument_detail"),
    path("parameters/", views.parameter_list, name="parameter_list"),
    path("parameters/<str:key>/", views.parameter_detail, name="parameter_detail"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/<int:year>/", views.calendar_view, name="calendar_year"),
    path("calendar/days/", views.calendar_day_edit, name="calendar_day_edit"),
    path("calendar/notice/", views.calendar_notice, name="calendar_notice"),
    path("calendar/accept-release/", views.calendar_release_accept, name="calendar_release_accept"),
    path("deadline/", views.deadline_calculator, name="deadline"),
]
