from django.urls import path

from passage.core.sealing import views

app_name = "sealing"
urlpatterns = [
    path("unseal/", views.unseal, name="unseal"),
    path("", views.control, name="control"),
    path("seal-now/", views.seal_now, name="seal_now"),
    path("purge/case/<uuid:case_id>/", views.purge_request, name="purge_request"),
    path("purge/<int:purge_id>/approve/", views.purge_approve, name="purge_approve"),
]
