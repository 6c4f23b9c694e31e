"""Password reset: it revokes the person's API tokens (audited), its e-mails carry a fixed subject
prefix rather than the request's host name, and an unknown address is told that accounts come by
invitation (no sign-up is offered) while the page answers exactly as for a known one."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient

from bravely.accounts.models import ApiToken
from bravely.accounts.services import authenticate_token, revoke_api_token
from bravely.audit.models import AuditEvent
from bravely.audit.services import Actor
from tests.factories import ApiClient, token

NEW_PASSWORD = "a brand new secret 42"


@pytest.fixture(autouse=True)
def fresh_cache(db):
    """allauth keeps its rate-limit counters in the cache; start every test without them."""
    cache.clear()
    yield
    cache.clear()


def ask_for_reset(http, email):
    mail.outbox.clear()
    return http.post("/accounts/password/reset/", {"email": email})


def reset_password(email, password=NEW_PASSWORD, **client_options):
    http = HttpClient(**client_options)
    assert ask_for_reset(http, email).status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)",
                     mail.outbox[-1].body).group(1)
    form_page = http.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = http.post(action, {"password1": password, "password2": password})
    assert response.status_code == 302
    return http


def test_a_reset_revokes_every_api_token_of_that_person_and_audits_it(alice, bob):
    api = ApiClient(alice)
    second = token(alice, "reporting script")
    bobs = token(bob)
    assert api.get("/clients").status_code == 200

    reset_password(alice.email, REMOTE_ADDR="10.1.2.3")

    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert api.get("/clients").status_code == 401
    assert authenticate_token(second) is None
    assert not ApiToken.objects.filter(user=alice, revoked_at__isnull=True).exists()
    assert authenticate_token(bobs) == bob  # nobody else's tokens
    events = AuditEvent.objects.filter(object_type="apitoken", action="archive")
    assert sorted(int(e.object_id) for e in events) == sorted(
        ApiToken.objects.filter(user=alice).values_list("pk", flat=True))
    for event in events:
        assert event.actor == alice and event.ip_address == "10.1.2.3"
        assert event.practice_id == alice.membership.practice_id
        assert event.details == {"reason": "password_reset"}


def test_a_token_revoked_before_keeps_its_revocation_time(alice):
    token(alice)
    revoke_api_token(Actor(alice), ApiToken.objects.get())
    revoked_at = ApiToken.objects.get().revoked_at
    last_event = AuditEvent.objects.order_by("-id").first().pk
    reset_password(alice.email)
    assert ApiToken.objects.get().revoked_at == revoked_at
    assert not AuditEvent.objects.filter(pk__gt=last_event, object_type="apitoken").exists()


def test_asking_for_a_reset_alone_revokes_nothing(alice):
    """Anyone can ask for a reset e-mail; only choosing the new password revokes the tokens."""
    api = ApiClient(alice)
    assert ask_for_reset(HttpClient(), alice.email).status_code == 302
    assert api.get("/clients").status_code == 200


def test_a_reset_without_tokens_still_works(alice):
    reset_password(alice.email)
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(object_type="apitoken").exists()


def test_the_reset_e_mail_has_a_fixed_subject_and_our_own_text(alice, settings):
    """Neither the subject nor the link takes the request's host name, which the person asking
    chooses (a link to their own host would carry the key to them): the link starts with
    SITE_ROOT, like every link Bravely e-mails."""
    settings.ALLOWED_HOSTS = ["bravely.example.org", "attacker.example.net"]
    settings.SITE_ROOT = "https://bravely.example.org/"
    http = HttpClient(HTTP_HOST="attacker.example.net")
    assert ask_for_reset(http, alice.email).status_code == 302
    (message,) = mail.outbox
    assert message.subject == "Bravely: Choose a new password"
    assert "attacker" not in message.subject and "example" not in message.subject
    body = message.body
    assert "https://bravely.example.org/accounts/password/reset/key/" in body
    assert "attacker" not in body
    assert "revokes your personal API tokens" in body
    assert "Hello from" not in body


def test_an_unknown_address_is_told_accounts_come_by_invitation(db, settings):
    settings.ALLOWED_HOSTS = ["bravely.example.org"]
    assert settings.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS  # the note is sent, and it offers no sign-up
    response = ask_for_reset(HttpClient(HTTP_HOST="bravely.example.org"), "nobody@example.org")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["nobody@example.org"]
    assert message.subject == "Bravely: No account uses this address"
    body = message.body
    assert "no Bravely account uses it" in body
    assert "invites" in body and "invitation" in body
    assert "signup" not in body and "sign up" not in body.lower()
    assert "http" not in body and "bravely.example.org" not in body  # no link at all


def test_the_page_answers_the_same_for_known_and_unknown_addresses(alice):
    known = ask_for_reset(HttpClient(), alice.email)
    unknown = ask_for_reset(HttpClient(), "nobody@example.org")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    done_known = HttpClient().get(known.url).content.decode()
    done_unknown = HttpClient().get(unknown.url).content.decode()
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)  # noqa: E731
    assert strip(done_known) == strip(done_unknown)
