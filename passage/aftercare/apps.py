from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "passage.aftercare"
    label = "aftercare"
    verbose_name = "After-care and testimony"
