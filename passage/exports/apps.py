from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "passage.exports"
    label = "exports"
