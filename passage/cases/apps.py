from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "passage.cases"
    label = "cases"
