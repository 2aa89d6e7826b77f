from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "passage.screening"
    label = "screening"
