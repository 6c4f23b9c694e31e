from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bravely.accounts"
    label = "accounts"
    verbose_name = "Accounts and practices"

    def ready(self):
        from bravely.accounts import receivers  # noqa: F401  (connects the signal receivers)
