from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "bravely.records"
    label = "records"
    verbose_name = "Clinical record"
    default_auto_field = "django.db.models.BigAutoField"
