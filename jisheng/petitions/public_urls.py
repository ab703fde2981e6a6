"""The public petition pages, mounted under ``/portal/petitions/`` (config/urls.py): the web form and the tracking
page. Neither address ever carries a tracking code (it travels in POST bodies only)."""

from django.urls import path

from . import public

app_name = "petitions_public"
urlpatterns = [
    path("", public.petition_form, name="form"),
    path("track/", public.petition_track, name="track"),
]
