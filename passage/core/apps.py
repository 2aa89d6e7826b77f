from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "passage.core"
    label = "core"
    verbose_name = "Passage core"

    def ready(self):
        from passage.core.sealing import checks  # noqa: F401 - registers the deploy checks
