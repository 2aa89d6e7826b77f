"""The intake officers' side of the anonymous channel, behind sign-in like every other page."""

from django.urls import path

from passage.public import views

app_name = "public_inbox"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<uuid:submission_id>/", views.submission, name="submission"),
    path("<uuid:submission_id>/log/", views.submission_log, name="log"),
    path("<uuid:submission_id>/dismiss/", views.submission_dismiss, name="dismiss"),
    path("reply/<uuid:case_id>/", views.case_reply, name="reply"),
]
