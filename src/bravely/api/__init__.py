"""Bravely's JSON API, /api/v1/. Bearer tokens; the same selectors and services as the pages."""

from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import ValidationError
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaError
from ninja.security import HttpBearer

from bravely.accounts.selectors import membership_of
from bravely.accounts.services import authenticate_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = authenticate_token(token)
        membership = membership_of(user)
        if membership is None:
            return None
        if membership.practice.require_clinician_2fa and not is_mfa_enabled(user):
            return None  # the practice requires 2FA; a token made before that stops working
        request.user = user
        return user


api = NinjaAPI(
    title="Bravely API",
    version="1",
    description="Values-guided exposure therapy. Every call is scoped to the token's owner and "
    "audited; records outside that scope answer 404.",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(ValidationError)
def django_validation_error(request, exc: ValidationError):
    """Service-level validation errors, in the same shape as ninja's own 422 responses."""
    if hasattr(exc, "error_dict"):
        detail = [
            {"loc": ["body", "payload", field], "msg": msg, "type": "value_error"}
            for field, msgs in exc.message_dict.items()
            for msg in msgs
        ]
    else:
        detail = [{"loc": ["body"], "msg": msg, "type": "value_error"} for msg in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(SchemaError)
def schema_error(request, exc: SchemaError):
    """ninja's own 422; a risk answer in a refused practice submission still alerts."""
    practice.alert_on_refused_risk(request)
    return api.create_response(request, {"detail": exc.errors}, status=422)


from bravely.api import (  # noqa: E402
    clients,
    maintenance,
    measures,
    pacing,
    planning,
    practice,
    progress,
    records,
)

api.add_router("/clients", clients.router, tags=["clients"])
api.add_router("", planning.router, tags=["planning"])
api.add_router("", practice.router, tags=["practice"])
api.add_router("", pacing.router, tags=["pacing"])
api.add_router("", maintenance.router, tags=["maintenance"])
api.add_router("", records.router, tags=["records"])
api.add_router("", progress.router, tags=["progress"])
api.add_router("", measures.router, tags=["measures"])
