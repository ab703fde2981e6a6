from django.urls import path

from . import views

app_name = "benefits"
urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/<slug:key>/", views.programme_detail, name="programme_detail"),
    path("enrolments/", views.enrolment_list, name="enrolment_list"),
    path("enrolments/new/", views.enrolment_new, name="enrolment_new"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/action/", views.enrolment_action, name="enrolment_action"),
    path("postings/", views.posting_list, name="posting_list"),
    path("postings/<int:pk>/", views.posting_detail, name="posting_detail"),
    path("postings/<int:pk>/close/", views.posting_close, name="posting_close"),
    path("rolls/", views.roll_list, name="roll_list"),
    path("rolls/<int:pk>/", views.roll_detail, name="roll_detail"),
    path("rolls/<int:pk>/progress/", views.roll_progress, name="roll_progress"),
    path("rolls/<int:pk>/action/", views.roll_action, name="roll_action"),
    path("rolls/<int:pk>/retry/", views.roll_retry, name="roll_retry"),
    path("rolls/<int:pk>/batches/<int:number>/", views.roll_download, name="roll_download"),
    path("rolls/<int:pk>/recipients/", views.roll_recipients, name="roll_recipients"),
    path("reports/", views.reports, name="reports"),
]
