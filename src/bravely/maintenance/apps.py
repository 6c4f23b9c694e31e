from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "bravely.maintenance"
    label = "maintenance"
    verbose_name = "Maintenance"

    def ready(self):
        from bravely.clients.signals import status_changed
        from bravely.maintenance import receivers

        status_changed.connect(receivers.on_status_changed, dispatch_uid="maintenance-status")
