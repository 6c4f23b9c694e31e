from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bravely.audit"
    label = "audit"
    verbose_name = "Audit trail"
