from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations on the whole installation: backup and restore. Imports no other app."""

    name = "bravely.ops"
    label = "ops"
    verbose_name = "Bravely operations"
