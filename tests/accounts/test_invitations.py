"""A practice admin invites clinicians by e-mail: single-use, expiring links."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone

from bravely.accounts.models import Invitation, Membership, User
from tests.factories import signed_in

NEW_PASSWORD = "a long and unusual passphrase"


def invite(dana, email="new.clinician@example.org", role="clinician") -> str:
    """Invite through the page; returns the link path from the e-mail."""
    response = signed_in(dana).post("/practice/invite/", {"email": email, "role": role})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/invitations/([^/\s]+)/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def token_of(path: str) -> str:
    return path.strip("/").split("/")[-1]


def snapshot():
    return User.objects.count(), Membership.objects.count()


def accept(path, **overrides):
    data = {"full_name": "Noor Haddad", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data.update(overrides)
    http = HttpClient()
    return http, http.post(path, data)


def test_invitation_is_e_mailed_and_only_its_hash_is_stored(dana, practice):
    path = invite(dana)
    message = mail.outbox[0]
    assert message.to == ["new.clinician@example.org"]
    assert practice.name in message.subject
    raw = token_of(path)
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = " ".join(str(v) for v in Invitation.objects.values_list().get())
    assert raw not in stored
    assert invitation.practice == practice
    assert invitation.invited_by == dana
    assert invitation.expires_at > timezone.now() + timedelta(days=6)


def test_accepting_creates_the_member_and_signs_them_in(dana, practice):
    path = invite(dana, role="supervisor")
    http = HttpClient()
    page = http.get(path)
    assert page.status_code == 200
    assert "new.clinician@example.org" in page.content.decode()
    response = http.post(path, {"full_name": "Noor Haddad", "password1": NEW_PASSWORD,
                                "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="new.clinician@example.org")
    assert user.full_name == "Noor Haddad"
    assert user.check_password(NEW_PASSWORD)
    assert (user.membership.practice, user.membership.role) == (practice, "supervisor")
    assert http.session["_auth_user_id"] == str(user.pk)
    assert http.get("/clients/").status_code == 200
    assert Invitation.objects.get().accepted_at is not None


def test_a_used_link_cannot_be_used_again(dana):
    path = invite(dana)
    accept(path)
    before = snapshot()
    http = HttpClient()
    page = http.get(path)
    assert page.status_code == 410
    assert "cannot be used" in page.content.decode()
    response = http.post(path, {"full_name": "Someone Else", "password1": NEW_PASSWORD,
                                "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert "cannot be used" in response.content.decode()
    assert "_auth_user_id" not in http.session
    assert snapshot() == before


def test_an_expired_link_is_gone(dana):
    path = invite(dana)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    before = snapshot()
    assert HttpClient().get(path).status_code == 410
    _http, response = accept(path)
    assert response.status_code == 410
    assert "cannot be used" in response.content.decode()
    assert snapshot() == before


def test_a_revoked_link_is_gone(dana):
    path = invite(dana)
    invitation = Invitation.objects.get()
    response = signed_in(dana).post(f"/practice/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    before = snapshot()
    assert HttpClient().get(path).status_code == 410
    _http, response = accept(path)
    assert response.status_code == 410
    assert snapshot() == before


def test_an_unknown_token_is_gone(db):
    response = HttpClient().get("/invitations/made-up-token/")
    assert response.status_code == 410
    assert "cannot be used" in response.content.decode()


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.org", "a b@example.org", ""])
def test_malformed_e_mail_is_a_field_error(dana, email):
    response = signed_in(dana).post("/practice/invite/", {"email": email, "role": "clinician"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_unknown_role_is_a_field_error(dana):
    response = signed_in(dana).post("/practice/invite/", {"email": "x@example.org",
                                                          "role": "owner"})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_inviting_a_member_of_this_practice_is_a_field_error(dana, alice):
    """Only for this practice's own members, whom the admin sees anyway. An account anywhere
    else is answered like a new address (tests/test_invitations_reveal_no_accounts.py)."""
    for email in ("alice@example.org", "ALICE@example.org"):
        response = signed_in(dana).post("/practice/invite/", {"email": email,
                                                              "role": "clinician"})
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert list(errors) == ["email"]
        assert "already a member of this practice" in errors["email"][0]
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_inviting_an_account_of_another_practice_looks_like_any_invitation(dana, charlie):
    response = signed_in(dana).post("/practice/invite/", {"email": "charlie@example.org",
                                                          "role": "clinician"})
    assert response.status_code == 302 and response.url == "/practice/members/"
    assert Invitation.objects.get().email == "charlie@example.org"
    assert mail.outbox[0].to == ["charlie@example.org"]
    assert "/invitations/" not in mail.outbox[0].body  # the owner is told, not given a link
    charlie.refresh_from_db()
    assert charlie.membership.practice.name == "Elsewhere"


@pytest.mark.parametrize("overrides,field", [
    ({"password2": "a different passphrase"}, "password2"),
    ({"password1": "short", "password2": "short"}, "password1"),
    ({"password1": "password123", "password2": "password123"}, "password1"),
    ({"password1": "12345678901234", "password2": "12345678901234"}, "password1"),
    ({"full_name": ""}, "full_name"),
])
def test_bad_passwords_are_field_errors_and_create_nothing(dana, overrides, field):
    path = invite(dana)
    before = snapshot()
    http, response = accept(path, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "_auth_user_id" not in http.session
    assert snapshot() == before
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is None and invitation.is_usable
    _http, response = accept(path)  # the link still works after a mistake
    assert response.status_code == 302
    assert User.objects.filter(email="new.clinician@example.org").exists()


@pytest.mark.parametrize("who", ["alice", "ruth", "charlie"])
def test_only_admins_can_invite(who, everyone):
    response = signed_in(everyone[who]).post("/practice/invite/", {
        "email": "sneaky@example.org", "role": "admin"})
    assert response.status_code == 404
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_only_the_practice_admin_can_revoke(dana, charlie, alice):
    invite(dana)
    invitation = Invitation.objects.get()
    for user in (alice, charlie):
        response = signed_in(user).post(f"/practice/invitations/{invitation.pk}/revoke/")
        assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_new_invitation_to_the_same_address_replaces_the_pending_one(practice, dana):
    from bravely.accounts.models import Invitation
    from bravely.accounts.services import invite
    from bravely.audit.services import Actor

    first, _raw = invite(Actor(dana), practice, "twice@example.org", "clinician")
    second, _raw = invite(Actor(dana), practice, "Twice@example.org", "clinician")
    first.refresh_from_db()
    assert first.revoked_at is not None and not first.is_usable
    assert Invitation.objects.filter(email="twice@example.org", revoked_at__isnull=True).get() \
        == second
