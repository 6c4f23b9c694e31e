from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "bravely.planning"
    label = "planning"
    verbose_name = "Planning with the client"
