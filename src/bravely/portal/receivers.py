"""At sign-in, a client's chosen language goes into their session (portal.middleware)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from bravely.portal.middleware import LANGUAGE_SESSION_KEY


@receiver(user_logged_in, dispatch_uid="bravely.portal.language")
def remember_language(sender, request, user, **kwargs):
    account = getattr(user, "client_account", None)
    if request is not None and account is not None and account.language:
        request.session[LANGUAGE_SESSION_KEY] = account.language
