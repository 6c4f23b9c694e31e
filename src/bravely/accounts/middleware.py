from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import redirect

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/api/", "/invitations/")
AFTER_2FA = "bravely_after_2fa"


class RequireTwoFactorMiddleware:
    """Send staff without 2FA to enrol before any client data is shown, if the practice says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            membership = getattr(user, "membership", None)
            if (
                membership is not None
                and membership.practice.require_clinician_2fa
                and not is_mfa_enabled(user)
            ):
                path = request.get_full_path()
                if request.method == "GET" and not path.startswith("//"):
                    request.session[AFTER_2FA] = path  # offered once enrolment is done
                return redirect("mfa_activate_totp")
        return self.get_response(request)
