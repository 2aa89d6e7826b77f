from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "passage.planning"
    label = "planning"
