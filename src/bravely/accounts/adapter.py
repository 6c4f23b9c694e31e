from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bravely.accounts import ratelimits
from bravely.core.http import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """People join Bravely by invitation only; there is no open sign-up. Failed sign-ins are
    limited per account, per (account, address) and per address (bravely.accounts.ratelimits)."""

    def is_open_for_signup(self, request):
        return False

    def get_reset_password_from_key_url(self, key):
        """The reset link starts with SITE_ROOT, like every link Bravely e-mails: never with the
        request's Host header, which whoever asks for the reset chooses (the subject has a fixed
        prefix, ACCOUNT_EMAIL_SUBJECT_PREFIX, for the same reason)."""
        return settings.SITE_ROOT.rstrip("/") + reverse("account_reset_password_from_key",
                                                        kwargs={"uidb36": "UID", "key": "KEY"}
                                                        ).replace("UID-KEY", quote(key))

    def get_client_ip(self, request):
        """The address every allauth rate limit counts by: REMOTE_ADDR, or the proxy's
        X-Forwarded-For entry with BRAVELY_BEHIND_PROXY (bravely.core.http)."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client's address")
        return ip

    def pre_authenticate(self, request, **credentials):
        """Replaces allauth's count of failed passwords (ACCOUNT_RATE_LIMITS["login_failed"]
        then only counts wrong TOTP and recovery codes)."""
        self._bravely_attempt = ratelimits.consume_login_attempt(
            request, credentials.get("email") or credentials.get("username") or "")
        if self._bravely_attempt is None:
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)  # calls pre_authenticate
        if user is not None:
            self._bravely_attempt.rollback()  # a right password is not a failure
        return user
