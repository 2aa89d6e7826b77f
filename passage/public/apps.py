from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "passage.public"
    label = "public"
    verbose_name = "Public intake form"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the purge receiver
