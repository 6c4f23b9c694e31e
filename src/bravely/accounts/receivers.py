"""What accounts does when allauth reports an event (connected in AccountsConfig.ready)."""

from allauth.account.signals import password_reset
from django.dispatch import receiver

from bravely.accounts import services


@receiver(password_reset, dispatch_uid="bravely.accounts.revoke_tokens_on_password_reset")
def revoke_tokens_on_password_reset(sender, request, user, **kwargs):
    ip_address = request.META.get("REMOTE_ADDR") if request is not None else None
    services.revoke_api_tokens_after_password_reset(user, ip_address=ip_address)
