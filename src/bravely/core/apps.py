from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bravely.core"
    label = "core"
    verbose_name = "Bravely"
