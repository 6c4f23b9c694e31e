"""At sign-in, the language a person chose goes into their session (portal.middleware): a
client's from their record, a staff member's from their settings."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from bravely.core.language import remember


@receiver(user_logged_in, dispatch_uid="bravely.portal.language")
def remember_language(sender, request, user, **kwargs):
    if request is None:
        return
    account = getattr(user, "client_account", None)
    language = account.language if account is not None else getattr(user, "language", "")
    if language:
        remember(request, language)
