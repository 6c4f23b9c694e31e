from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "bravely.clients"
    label = "clients"
    verbose_name = "Client records"
