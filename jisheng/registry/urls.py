from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/export/", views.person_export, name="person_export"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("persons/picker/", views.person_picker, name="person_picker"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/access-log/", views.person_access_log, name="person_access_log"),
    path("persons/<int:pk>/family/", views.family, name="family"),
    path("persons/<int:pk>/unmask/", views.person_unmask, name="person_unmask"),
    path("persons/<int:pk>/events/death/", views.event_death, name="event_death"),
    path("persons/<int:pk>/events/marriage/", views.event_marriage, name="event_marriage"),
    path("persons/<int:pk>/events/divorce/", views.event_divorce, name="event_divorce"),
    path("persons/<int:pk>/events/child/", views.event_child_link, name="event_child_link"),
    path("persons/<int:pk>/events/newborn/", views.event_newborn, name="event_newborn"),
    path("persons/<int:pk>/events/disability/", views.event_disability, name="event_disability"),
    path("persons/<int:pk>/events/move/", views.event_move, name="event_move"),
    path("persons/<int:pk>/events/floating/", views.event_floating, name="event_floating"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:pk>/", views.duplicate_detail, name="duplicate_detail"),
    path("duplicates/<int:pk>/merge/", views.duplicate_merge, name="duplicate_merge"),
    path("duplicates/<int:pk>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
    path("duplicates/<int:pk>/undo/", views.duplicate_undo, name="duplicate_undo"),
    path("imports/", views.import_new, name="import_new"),
    path("imports/template/", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/errors/", views.import_errors, name="import_errors"),
]
