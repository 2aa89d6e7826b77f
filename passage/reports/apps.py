from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "passage.reports"
    label = "reports"
    verbose_name = "Figures"
