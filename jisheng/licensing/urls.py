from django.urls import path

from . import views

app_name = "licensing"
urlpatterns = [
    path("birth-approval/new/", views.birth_approval_new, name="birth_approval_new"),
    path("applications/new/", views.application_new, name="application_new"),
    path("appraisals/<str:number>/step/", views.appraisal_step, name="appraisal_step"),
]
