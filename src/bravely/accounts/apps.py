from django.apps import AppConfig


def _reset_clears_lockout(sender, request, user, **kwargs):
    from bravely.accounts.ratelimits import clear_account_lockout

    clear_account_lockout(request, user.email)


class AccountsConfig(AppConfig):
    name = "bravely.accounts"
    label = "accounts"
    verbose_name = "Accounts and practices"

    def ready(self):
        from allauth.account.signals import password_reset

        from bravely.accounts import receivers  # noqa: F401  (connects the signal receivers)

        # A reset by e-mail link proves the person; their failed sign-ins no longer count.
        password_reset.connect(_reset_clears_lockout, dispatch_uid="bravely-reset-clears-lockout")
