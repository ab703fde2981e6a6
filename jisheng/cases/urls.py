from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("export/", views.case_export, name="export"),
    path("review-report/", views.review_report, name="review_report"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/action/", views.case_action, name="action"),
    path("<str:number>/decide/", views.case_decide, name="decide"),
    path("<str:number>/provisions/", views.case_provisions, name="provisions"),
    path("<str:number>/legal-review/", views.case_legal_review, name="legal_review"),
    path("<str:number>/upload/", views.case_upload, name="upload"),
    path("<str:number>/withdraw/", views.case_withdraw_document, name="withdraw"),
    path("<str:number>/record/", views.case_record, name="record"),
    path("<str:number>/special/", views.case_special, name="special"),
    path("<str:number>/clock/", views.case_clock, name="clock"),
    path("<str:number>/documents/<int:pk>/", views.case_document, name="document"),
    path("<str:number>/review/", views.case_review, name="review"),
]
