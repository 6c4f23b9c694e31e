from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bravely.portal"
    label = "portal"
    verbose_name = "Client portal and support persons"
