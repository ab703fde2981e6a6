from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("profile/", views.profile, name="profile"),
    path("staff/", views.staff_list, name="staff_list"),
]
