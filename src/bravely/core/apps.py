from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bravely.core"
    label = "core"
    verbose_name = "Bravely"

    def ready(self):
        from bravely.core import checks  # noqa: F401  (registers the deployment checks)
