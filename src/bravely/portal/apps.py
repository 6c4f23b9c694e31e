from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bravely.portal"
    label = "portal"
    verbose_name = "Client portal and support persons"

    def ready(self):
        from bravely.portal import receivers  # noqa: F401  (connects the signal receivers)
