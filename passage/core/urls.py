from django.urls import path

from passage.core import views

app_name = "core"
urlpatterns = [
    path("", views.audit_log, name="audit"),
    path("checkpoints/", views.checkpoints_page, name="checkpoints"),
    path("checkpoints/download/", views.checkpoints_download, name="checkpoints_download"),
]
