from django.urls import path

from . import views

app_name = "licensing"
urlpatterns = [
    path("birth-approval/new/", views.birth_approval_new, name="birth_approval_new"),
]
