from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "passage.screening"
    label = "screening"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the purge receiver
