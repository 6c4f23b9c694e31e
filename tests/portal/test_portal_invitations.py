import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from bravely.accounts.models import User, hash_token
from bravely.audit.models import AuditEvent
from bravely.portal.models import ClientAccount, PortalInvitation, SupportPerson


@pytest.fixture
def http(alice):
    http = HttpClient()
    http.force_login(alice)
    return http


def link_token():
    return re.search(r"/join/([\w-]+)/", mail.outbox[-1].body).group(1)


def test_clinician_invites_client_who_sets_a_password_and_lands_on_today(http, client_record):
    response = http.post(f"/clients/{client_record.pk}/portal/",
                         {"invite": "1", "email": "Jordan@Example.org"})
    assert response.status_code == 302
    token = link_token()
    invitation = PortalInvitation.objects.get()
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    assert invitation.email == "jordan@example.org"

    visitor = HttpClient()
    assert visitor.get(f"/join/{token}/").status_code == 200
    response = visitor.post(f"/join/{token}/", {"password1": "a long secret 123",
                                                "password2": "a long secret 123"})
    assert response.status_code == 302
    account = ClientAccount.objects.get()
    assert account.client == client_record and account.user.email == "jordan@example.org"
    assert visitor.get("/").url == "/me/"

    again = HttpClient().post(f"/join/{token}/", {"password1": "another secret 456",
                                                  "password2": "another secret 456"})
    assert again.status_code == 410
    assert User.objects.filter(email="jordan@example.org").count() == 1


def test_expired_link_is_refused(http, client_record):
    http.post(f"/clients/{client_record.pk}/portal/", {"invite": "1", "email": "j@example.org"})
    PortalInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = HttpClient().post(f"/join/{link_token()}/", {"password1": "a long secret 123",
                                                            "password2": "a long secret 123"})
    assert response.status_code == 410
    assert not ClientAccount.objects.exists()


def test_weak_or_mismatched_password_creates_nothing(http, client_record):
    http.post(f"/clients/{client_record.pk}/portal/", {"invite": "1", "email": "j@example.org"})
    visitor = HttpClient()
    response = visitor.post(f"/join/{link_token()}/", {"password1": "123", "password2": "123"})
    assert response.status_code == 200 and "password" in response.content.decode().lower()
    response = visitor.post(f"/join/{link_token()}/", {"password1": "a long secret 123",
                                                       "password2": "different 456789"})
    assert "do not match" in response.content.decode()
    assert not User.objects.filter(email="j@example.org").exists()


def test_malformed_email_is_a_field_error(http, client_record):
    page = http.post(f"/clients/{client_record.pk}/portal/", {"invite": "1", "email": "nope"})
    assert "valid email" in page.content.decode().lower()
    assert not PortalInvitation.objects.exists() and not mail.outbox


def test_an_address_with_an_account_is_invited_like_any_other(http, client_record, bob):
    """The clinician learns nothing about existing accounts; the owner is told by e-mail
    (tests/test_invitations_reveal_no_accounts.py compares the two answers in full)."""
    response = http.post(f"/clients/{client_record.pk}/portal/",
                         {"invite": "1", "email": bob.email})
    assert response.status_code == 302
    assert PortalInvitation.objects.get().email == bob.email
    assert mail.outbox[0].to == [bob.email] and "/join/" not in mail.outbox[0].body
    assert not ClientAccount.objects.exists()


def test_support_person_needs_the_clients_consent_and_can_be_revoked(http, client_record):
    url = f"/clients/{client_record.pk}/portal/supports/new/"
    data = {"name": "Sam", "relationship": "partner", "email": "sam@example.org",
            "shares": ["ladder"], "consent_note": "Agreed in session."}
    page = http.post(url, data)
    assert page.status_code == 200 and "client_consents" in page.content.decode()
    assert not SupportPerson.objects.exists()

    assert http.post(url, {**data, "client_consents": "on"}).status_code == 302
    support = SupportPerson.objects.get()
    assert support.shares == ["ladder"] and support.recorded_by.email == "alice@example.org"
    token = link_token()
    HttpClient().post(f"/join/{token}/", {"password1": "a long secret 123",
                                          "password2": "a long secret 123"})
    support.refresh_from_db()
    assert support.user.email == "sam@example.org"

    http.post(f"/clients/{client_record.pk}/portal/supports/{support.pk}/revoke/")
    support.refresh_from_db()
    assert support.revoked_at is not None
    assert AuditEvent.objects.filter(action="archive", object_type="supportperson").exists()


def test_support_person_with_nothing_shared_is_refused(http, client_record):
    page = http.post(f"/clients/{client_record.pk}/portal/supports/new/", {
        "name": "Sam", "relationship": "partner", "email": "sam@example.org",
        "consent_note": "ok", "client_consents": "on"})
    assert "shares" in page.content.decode()
    assert not SupportPerson.objects.exists()


def test_the_invitation_page_shows_the_link_to_copy_once(http, client_record):
    url = f"/clients/{client_record.pk}/portal/"
    assert 'id="invitation-link"' not in http.get(url).content.decode()
    response = http.post(url, {"invite": "1", "email": "jordan@example.org"})
    assert response.status_code == 302 and response.url == url
    page = http.get(url).content.decode()
    token = link_token()
    assert 'id="invitation-link"' in page and f"/join/{token}/" in page  # the same link as sent
    assert "hand over in person" in page
    assert f"/join/{token}/" not in http.get(url).content.decode()  # shown once, then gone
    assert AuditEvent.objects.filter(action="view", object_type="portal_access").count() == 3
