from django.urls import path

from passage.intake import views

app_name = "intake"
urlpatterns = [
    path("new/", views.new_request, name="new"),
    path("cases/<uuid:case_id>/", views.follow_up_request, name="follow_up"),
]
