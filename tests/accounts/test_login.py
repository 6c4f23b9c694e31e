"""E-mail sign-in with allauth: password, rate limiting, Argon2 hashes, POST-only sign-out."""

import os
import subprocess
import sys

import pytest
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core.cache import cache
from django.test import Client as HttpClient

from bravely.accounts.models import User
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def fresh_cache(db):
    """allauth keeps its rate-limit counters in the cache; start every test without them."""
    cache.clear()
    yield
    cache.clear()


def sign_in(http, email, password):
    return http.post("/accounts/login/", {"login": email, "password": password})


def test_right_password_signs_in_and_lands_on_the_caseload(alice, client_record):
    http = HttpClient()
    response = http.post("/accounts/login/", {"login": alice.email, "password": PASSWORD},
                         follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/clients/"
    assert client_record.display_name in response.content.decode()
    assert http.session["_auth_user_id"] == str(alice.pk)


def test_e_mail_is_matched_case_insensitively(alice):
    http = HttpClient()
    response = sign_in(http, "ALICE@Example.org", PASSWORD)
    assert response.status_code == 302
    assert http.session["_auth_user_id"] == str(alice.pk)


@pytest.mark.parametrize("email,password,message", [
    ("alice@example.org", "wrong password", "password you specified are not correct"),
    ("nobody@example.org", PASSWORD, "password you specified are not correct"),
    ("alice@example.org", "", "This field is required"),
    ("not an e-mail", PASSWORD, "valid email"),
])
def test_wrong_credentials_give_a_clear_error_and_no_session(alice, email, password, message):
    http = HttpClient()
    response = sign_in(http, email, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in http.session
    assert http.get("/clients/").status_code == 302


def test_repeated_failures_are_rate_limited_even_with_the_right_password(alice):
    http = HttpClient()
    for _ in range(5):
        response = sign_in(http, alice.email, "wrong password")
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    response = sign_in(http, alice.email, PASSWORD)
    assert response.status_code == 200  # allauth answers with a form error, not a 429
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in http.session


def test_the_limit_also_holds_from_another_address(alice):
    """The per-e-mail limit stops an attacker who rotates IP addresses. It is looser than the
    limit per (e-mail, address) that a person who mistypes meets (see test_rate_limits.py)."""
    allowed = parse_rates(settings.BRAVELY_RATE_LIMITS["login_failed_account"])[0].amount
    for i in range(allowed):
        sign_in(HttpClient(REMOTE_ADDR=f"10.0.0.{i + 1}"), alice.email, "wrong password")
    http = HttpClient(REMOTE_ADDR="10.0.1.1")
    response = sign_in(http, alice.email, PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in http.session


def test_failures_for_one_account_do_not_lock_out_another_from_elsewhere(alice, bob):
    for _ in range(5):
        sign_in(HttpClient(REMOTE_ADDR="10.0.0.1"), alice.email, "wrong password")
    http = HttpClient(REMOTE_ADDR="10.0.0.2")
    assert sign_in(http, bob.email, PASSWORD).status_code == 302
    assert http.session["_auth_user_id"] == str(bob.pk)


def test_argon2_is_the_production_hasher():
    # Tests put the fast MD5 hasher first; everything after it is the production list.
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")
    assert settings.PASSWORD_HASHERS[1] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_outside_tests(tmp_path):
    """Without pytest loaded, new passwords are hashed with Argon2."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="bravely.settings", SECRET_KEY="x" * 60,
               BRAVELY_DATA_DIR=str(tmp_path))
    code = ("import django; django.setup(); from django.conf import settings; "
            "from django.contrib.auth.hashers import make_password; "
            "print(settings.PASSWORD_HASHERS[0]); print(make_password('a passphrase'))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert out[1].startswith("argon2$")


def test_an_old_pbkdf2_hash_still_signs_in(alice, settings):
    settings.PASSWORD_HASHERS = settings.PASSWORD_HASHERS[1:]
    alice.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    alice.save()
    http = HttpClient()
    assert sign_in(http, alice.email, PASSWORD).status_code == 302
    alice.refresh_from_db()
    assert identify_hasher(alice.password).algorithm == "argon2"  # upgraded on sign-in


def test_sign_out_requires_post(alice):
    http = HttpClient()
    http.force_login(alice)
    response = http.get("/accounts/logout/")
    assert response.status_code == 200  # a confirmation page, still signed in
    assert http.session.get("_auth_user_id") == str(alice.pk)
    assert http.get("/clients/").status_code == 200
    response = http.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in http.session
    assert http.get("/clients/").status_code == 302


def test_there_is_no_open_sign_up(db):
    http = HttpClient()
    response = http.post("/accounts/signup/", {"email": "walk-in@example.org",
                                               "password1": "a long passphrase here",
                                               "password2": "a long passphrase here"})
    assert response.status_code in (200, 403)
    assert not User.objects.filter(email="walk-in@example.org").exists()


def test_password_reset_by_e_mail_link(alice, client):
    import re

    from django.core import mail

    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    body = mail.outbox[-1].body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(action, {"password1": "a brand new secret 42",
                                    "password2": "a brand new secret 42"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a brand new secret 42")


def test_password_reset_for_an_unknown_address_reveals_nothing(db, client):
    from django.core import mail

    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert all("reset/key" not in m.body for m in mail.outbox)


def test_the_sign_in_page_says_accounts_come_by_invitation(db):
    page = HttpClient().get("/accounts/login/").content.decode()
    assert "by invitation" in page and "/accounts/signup/" not in page
