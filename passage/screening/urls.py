from django.urls import path

from passage.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.lists, name="lists"),
    path("alerts/", views.alerts_page, name="alerts"),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:batch_id>/", views.import_preview, name="import_preview"),
    path("<str:kind>/new/", views.record_edit, name="record_new"),
    path("<str:kind>/<uuid:record_id>/", views.record_edit, name="record_edit"),
    path("<str:kind>/<uuid:record_id>/remove/", views.record_remove, name="record_remove"),
    path("cases/<uuid:case_id>/run/", views.run, name="run"),
    path("hits/<uuid:hit_id>/review/", views.review, name="review"),
]
