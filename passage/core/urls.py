from django.urls import path

from passage.core import views

app_name = "core"
urlpatterns = [
    path("", views.audit_log, name="audit"),
]
