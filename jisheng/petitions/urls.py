"""Staff petition pages (信访), mounted at ``/petitions/``. The case page itself is the engine's (``cases:detail``)."""

from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("new/", views.intake, name="new"),
    path("overdue/", views.overdue, name="overdue"),
    path("assignments/", views.inbox, name="inbox"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/acknowledge/", views.assignment_acknowledge, name="acknowledge"),
    path("assignments/<int:pk>/sheet/", views.assignment_sheet, name="sheet"),
    path("assignments/<int:pk>/respond/", views.assignment_respond, name="respond"),
    path("periods/", views.periods, name="periods"),
    path("watch/", views.watch_list, name="watch_list"),
    path("daily/", views.daily_report, name="daily"),
    path("figures/", views.figures_page, name="figures"),
    path("<str:number>/route/", views.petition_route, name="route"),
    path("<str:number>/assign/", views.petition_assign, name="assign"),
    path("<str:number>/deliver/", views.petition_deliver, name="deliver"),
    path("<str:number>/opinion/", views.petition_opinion, name="opinion"),
    path("<str:number>/extend/", views.petition_extend, name="extend"),
    path("<str:number>/reply/", views.petition_reply, name="reply"),
    path("<str:number>/received/", views.petition_reply_received, name="reply_received"),
    path("<str:number>/review/", views.petition_review, name="review"),
    path("<str:number>/follow-up/", views.petition_follow_up, name="follow_up"),
    path("<str:number>/clear-flag/", views.petition_clear_flag, name="clear_flag"),
    path("<str:number>/watch/", views.petition_watch, name="watch"),
]
