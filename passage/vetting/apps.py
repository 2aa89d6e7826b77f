from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "passage.vetting"
    label = "vetting"
