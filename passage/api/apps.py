from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "passage.api"
    label = "api"
