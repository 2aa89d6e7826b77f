from django.urls import path

from passage.aftercare import views

app_name = "aftercare"
urlpatterns = [
    path("needs/", views.open_needs, name="open_needs"),
    path("cases/<uuid:case_id>/", views.case_aftercare, name="case"),
    path("cases/<uuid:case_id>/needs/", views.add_need, name="add_need"),
    path("cases/<uuid:case_id>/statements/", views.add_statement, name="add_statement"),
    path("needs/<uuid:need_id>/", views.edit_need, name="edit_need"),
    path("statements/<uuid:statement_id>/", views.statement, name="statement"),
    path("statements/<uuid:statement_id>/consent/", views.statement_consent, name="consent"),
    path("statements/<uuid:statement_id>/withdraw/", views.statement_withdraw, name="withdraw"),
    path("live/", views.live_sessions, name="live_sessions"),
    path("live/<uuid:session_id>/", views.live_session, name="live_session"),
    path("statements/<uuid:statement_id>/attach/", views.add_attachment, name="attach"),
    path("attachments/<uuid:attachment_id>/", views.attachment, name="attachment"),
]
