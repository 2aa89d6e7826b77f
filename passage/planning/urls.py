from django.urls import path

from passage.planning import views

app_name = "planning"
urlpatterns = [
    path("cases/<uuid:case_id>/new/", views.new_plan, name="new"),
    path("<uuid:plan_id>/", views.plan_detail, name="plan"),
    path("<uuid:plan_id>/steps/", views.add_step, name="add_step"),
    path("steps/<uuid:step_id>/", views.edit_step, name="edit_step"),
    path("<uuid:plan_id>/go/", views.decide_go, name="go"),
    path("<uuid:plan_id>/transit/", views.start_transit, name="start_transit"),
    path("<uuid:plan_id>/check-ins/", views.schedule_check_in, name="schedule_check_in"),
    path("check-ins/<uuid:check_in_id>/", views.record_check_in, name="record_check_in"),
    path("<uuid:plan_id>/outcome/", views.record_outcome, name="outcome"),
    path("<uuid:plan_id>/reads/", views.plan_reads, name="reads"),
    path("<uuid:plan_id>/planners/", views.change_planners, name="planners"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<uuid:alert_id>/seen/", views.alert_seen, name="alert_seen"),
]
