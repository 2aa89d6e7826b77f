from django.urls import path

from passage.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.lists, name="lists"),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:batch_id>/", views.import_preview, name="import_preview"),
    path("cases/<uuid:case_id>/run/", views.run, name="run"),
    path("hits/<uuid:hit_id>/review/", views.review, name="review"),
]
