from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "passage.partners"
    label = "partners"
    verbose_name = "Partner organisations"
