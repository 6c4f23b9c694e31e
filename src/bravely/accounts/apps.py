from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bravely.accounts"
    label = "accounts"
    verbose_name = "Accounts and practices"
