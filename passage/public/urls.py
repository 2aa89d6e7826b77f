"""Open to everyone, no account: the part that can be published on its own (an onion service)."""

from django.urls import path

from passage.public import views

app_name = "public"
urlpatterns = [
    path("", views.start, name="start"),
    path("check/", views.check, name="check"),
    path("send/", views.send_more, name="send_more"),
]
