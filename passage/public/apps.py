from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "passage.public"
    label = "public"
    verbose_name = "Public intake form"
