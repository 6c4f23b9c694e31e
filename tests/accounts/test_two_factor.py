"""TOTP two-factor: the practice gate, enrolment, and signing in with a code."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from django.test import Client as HttpClient
from django.urls import reverse

from bravely.audit.models import AuditEvent
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def fresh_cache(db):
    """Rate limits and used TOTP codes live in the cache; start every test without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gated(practice):
    practice.require_clinician_2fa = True
    practice.save()
    return practice


def current_code(secret: str) -> str:
    """The code an authenticator app shows now, made with allauth's own HOTP helper.

    allauth accepts only the current period (no tolerance), so avoid its last second.
    """
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 1.5:
        time.sleep(2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def wrong_code(secret: str) -> str:
    return f"{(int(current_code(secret)) + 1) % 10**6:06}"


def signed_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def test_clinician_without_2fa_is_sent_to_enrol(gated, alice, client_record):
    http = signed_in(alice)
    views_before = AuditEvent.objects.filter(action="view").count()
    for path in ("/clients/", f"/clients/{client_record.pk}/", "/settings/api-tokens/"):
        response = http.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert AuditEvent.objects.filter(action="view").count() == views_before  # nothing shown


def test_supervisors_and_admins_are_gated_too(gated, ruth, dana):
    for user in (ruth, dana):
        response = signed_in(user).get("/clients/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_clinician_with_totp_gets_in(gated, alice, client_record):
    TOTP.activate(alice, generate_totp_secret())
    http = signed_in(alice)
    assert http.get("/clients/").status_code == 200
    assert http.get(f"/clients/{client_record.pk}/").status_code == 200


def test_without_the_setting_no_2fa_is_needed(practice, alice):
    assert practice.require_clinician_2fa is False
    assert signed_in(alice).get("/clients/").status_code == 200


def test_new_practices_require_2fa_by_default(db):
    from bravely.accounts.models import Practice

    assert Practice.objects.create(name="Fresh").require_clinician_2fa is True


def test_enrolling_through_the_activation_page(gated, alice):
    http = HttpClient()
    response = http.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    response = http.get("/clients/")
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password again before adding an authenticator
    response = http.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = http.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    page = http.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = http.session[SECRET_SESSION_KEY]
    response = http.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not Authenticator.objects.filter(user=alice).exists()
    response = http.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=alice, type="totp").exists()
    assert Authenticator.objects.filter(user=alice, type="recovery_codes").exists()
    codes = http.get(response["Location"])  # the recovery codes, then back to the caseload
    assert codes.status_code == 200
    assert '<a class="button" href="/clients/">Continue to Bravely</a>' in codes.content.decode()
    assert http.get("/clients/").status_code == 200


def test_sign_in_asks_for_the_code_and_a_correct_code_completes_it(gated, alice):
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    http = HttpClient()
    response = http.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in http.session  # the password alone does not sign in
    assert http.get("/clients/").status_code == 302

    page = http.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    response = http.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert http.session["_auth_user_id"] == str(alice.pk)
    assert http.get("/clients/").status_code == 200


def test_a_wrong_code_does_not_sign_in(gated, alice):
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    http = HttpClient()
    http.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    response = http.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert "_auth_user_id" not in http.session


def test_a_code_cannot_be_replayed(gated, alice):
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    code = current_code(secret)
    first = HttpClient()
    first.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    second = HttpClient()
    second.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    response = second.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in second.session
