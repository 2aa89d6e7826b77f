from django.urls import path

from passage.vetting import views

app_name = "vetting"
urlpatterns = [
    path("cases/<uuid:case_id>/", views.case_vetting, name="case"),
    path("cases/<uuid:case_id>/checklist/", views.start_checklist, name="start_checklist"),
    path("cases/<uuid:case_id>/references/", views.add_reference, name="add_reference"),
    path("cases/<uuid:case_id>/recommend/", views.recommend, name="recommend"),
    path("items/<uuid:item_id>/", views.update_item, name="item"),
    path("decisions/<uuid:decision_id>/approve/", views.approve, name="approve"),
    path("decisions/<uuid:decision_id>/decline/", views.decline, name="decline"),
    path("decisions/<uuid:decision_id>/withdraw/", views.withdraw, name="withdraw"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
]
