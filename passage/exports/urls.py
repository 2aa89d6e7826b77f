from django.urls import path

from passage.exports import import_views, views

app_name = "exports"
urlpatterns = [
    path("queue/", views.export_queue, name="queue"),
    path("jobs/<uuid:job_id>/", views.job, name="job"),
    path("jobs/<uuid:job_id>/download/", views.download, name="job_download"),
    path("import/", import_views.upload, name="import"),
    path("import/<uuid:batch_id>/", import_views.review, name="import_review"),
]
