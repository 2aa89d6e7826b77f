from django.urls import path

from passage.exports import import_views, views

app_name = "exports"
urlpatterns = [
    path("queue/", views.export_queue, name="queue"),
    path("import/", import_views.upload, name="import"),
    path("import/<uuid:batch_id>/", import_views.review, name="import_review"),
]
