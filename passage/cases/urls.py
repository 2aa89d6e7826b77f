from django.urls import path

from passage.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/move/", views.case_move, name="move"),
    path("<uuid:case_id>/assign/", views.case_assign, name="assign"),
]
