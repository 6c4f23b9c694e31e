"""Inviting an address tells the inviter nothing about accounts they cannot see.

For each of the three invitations (a staff member by a practice admin, a client and a support
person by a clinician), inviting an address that already has a Bravely account elsewhere gives
the same answer as inviting a new address: same status, redirect, page, stored invitation, audit
entries and e-mail recipients. Only the e-mail's text differs, which only the address's owner
reads: it carries no link, and accepting can never attach the existing account anywhere.
Inside their own practice an admin may be told that the address is already a member: the member
list shows it anyway.
"""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client as HttpClient

from bravely.accounts.models import Invitation, Membership, Role, User, hash_token
from bravely.audit.models import AuditEvent
from bravely.portal.models import ClientAccount, PortalInvitation, SupportPerson
from tests.factories import PASSWORD, make_client, make_member, signed_in

ADDRESS = "sam.taylor@example.org"
PASSPHRASE = "a long and unusual passphrase"


def invitation_request(kind, client_record, address=ADDRESS):
    """(url, form data) of the page that sends one kind of invitation."""
    if kind == "staff":
        return "/practice/invite/", {"email": address, "role": "clinician"}
    if kind == "client":
        return f"/clients/{client_record.pk}/portal/", {"invite": "1", "email": address}
    return f"/clients/{client_record.pk}/portal/supports/new/", {
        "name": "Sam", "relationship": "partner", "email": address, "shares": ["ladder"],
        "consent_note": "Agreed in session.", "client_consents": "on"}


def inviter(kind, dana, alice):
    return dana if kind == "staff" else alice


def normalised(html: str) -> str:
    """The page without what differs between any two renders (CSRF tokens, ids, clock, and the
    new invitation's own random link, shown once to copy)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", html)
    html = re.sub(r"/join/[^/\s\"<]+/", "/join/TOKEN/", html)
    html = re.sub(r"/\d+/", "/ID/", html)
    return re.sub(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", "DATE", html)


def invitations(practice_id):
    """The practice's invitations and support persons (what its people could ever see)."""
    staff = Invitation.objects.filter(practice_id=practice_id)
    portal = PortalInvitation.objects.filter(client__practice_id=practice_id)
    supports = SupportPerson.objects.filter(client__practice_id=practice_id)
    return [
        *staff.values("email", "role", "invited_by_id", "accepted_at", "revoked_at"),
        *portal.values("kind", "client_id", "email", "invited_by_id", "accepted_at",
                       "revoked_at"),
        *supports.values("client_id", "email", "user_id", "revoked_at"),
    ]


def outcome(http, url, data, practice_id) -> dict:
    """Everything the inviter (or their practice) can observe of one invitation. Rolled back
    afterwards, so the same invitation can be sent again from the same starting point."""
    mail.outbox.clear()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with transaction.atomic():
        response = http.post(url, data)
        page = http.get(response["Location"]) if response.status_code == 302 else response
        seen = {
            "status": response.status_code,
            "location": response.get("Location"),
            "page": normalised(page.content.decode()),
            "invitations": invitations(practice_id),
            "audit": [(e.action, e.object_type, e.practice_id, e.client_id, e.actor_label,
                       e.details)
                      for e in AuditEvent.objects.filter(id__gt=last_event).order_by("id")],
            "mail_to": [m.to for m in mail.outbox],
        }
        transaction.set_rollback(True)
    return seen


def give_account(holder, other_practice) -> User:
    """An account for ADDRESS at another practice: staff, a client or a support person."""
    if holder == "staff elsewhere":
        return make_member(ADDRESS, other_practice, Role.CLINICIAN)
    clinician = make_member("olga@example.org", other_practice, Role.CLINICIAN)
    other_client = make_client(other_practice, clinician, name="Other Client", consent=False)
    user = User.objects.create_user(ADDRESS, PASSWORD, full_name="Sam Taylor")
    if holder == "client elsewhere":
        ClientAccount.objects.create(client=other_client, user=user)
    else:
        SupportPerson.objects.create(client=other_client, user=user, name="Sam",
                                     relationship="friend", email=ADDRESS, shares=["ladder"],
                                     consent_note="In session.", recorded_by=clinician)
    return user


def account_state(user) -> dict:
    user.refresh_from_db()
    return {
        "user": (user.email, user.full_name, user.password, user.is_active, user.last_login),
        "membership": list(Membership.objects.filter(user=user).values_list("practice_id",
                                                                            "role")),
        "client_account": list(ClientAccount.objects.filter(user=user)
                               .values_list("client_id", flat=True)),
        "supporting": list(SupportPerson.objects.filter(user=user).values_list("pk", flat=True)),
    }


KINDS = ["staff", "client", "support"]
HOLDERS = ["staff elsewhere", "client elsewhere", "support elsewhere"]


@pytest.mark.parametrize("holder", HOLDERS)
@pytest.mark.parametrize("kind", KINDS)
def test_an_account_elsewhere_gets_the_same_answer_as_a_new_address(
        kind, holder, dana, alice, client_record, other_practice):
    http = signed_in(inviter(kind, dana, alice))
    url, data = invitation_request(kind, client_record)
    new_address = outcome(http, url, data, client_record.practice_id)
    assert new_address["status"] == 302
    assert len(new_address["invitations"]) == (2 if kind == "support" else 1)
    assert new_address["mail_to"] == [[ADDRESS]]

    give_account(holder, other_practice)
    assert outcome(http, url, data, client_record.practice_id) == new_address


@pytest.mark.parametrize("kind", ["client", "support"])
def test_a_colleagues_address_gets_the_same_answer_on_portal_invitations(
        kind, alice, client_record, practice):
    """A clinician cannot browse the practice's members, so the portal says nothing either."""
    http = signed_in(alice)
    url, data = invitation_request(kind, client_record)
    new_address = outcome(http, url, data, practice.pk)
    make_member(ADDRESS, practice, Role.CLINICIAN)
    assert outcome(http, url, data, practice.pk) == new_address


@pytest.mark.parametrize("holder", HOLDERS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_existing_account_is_told_and_gets_no_link(kind, holder, dana, alice, client_record,
                                                        other_practice):
    user = give_account(holder, other_practice)
    before = account_state(user)
    url, data = invitation_request(kind, client_record)
    response = signed_in(inviter(kind, dana, alice)).post(url, data)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    assert "already belongs to a Bravely account" in message.body
    assert "Riverside" in message.body  # who tried, so the owner can answer them
    assert "/invitations/" not in message.body and "/join/" not in message.body
    assert "/accounts/login/" in message.body
    assert "Jordan" not in message.subject + message.body  # nothing about the client
    assert account_state(user) == before


@pytest.mark.parametrize("holder", HOLDERS)
@pytest.mark.parametrize("kind", KINDS)
def test_accepting_never_attaches_an_existing_account(kind, holder, dana, alice, client_record,
                                                      other_practice, practice):
    """Even with the link in hand (here: an invitation sent before the account existed)."""
    url, data = invitation_request(kind, client_record)
    signed_in(inviter(kind, dana, alice)).post(url, data)
    user = give_account(holder, other_practice)
    before = account_state(user)
    model = Invitation if kind == "staff" else PortalInvitation
    model.objects.update(token_hash=hash_token("the-token"))
    visitor = HttpClient()
    if kind == "staff":
        response = visitor.post("/invitations/the-token/", {
            "full_name": "Someone", "password1": PASSPHRASE, "password2": PASSPHRASE})
    else:
        response = visitor.post("/join/the-token/", {"password1": PASSPHRASE,
                                                     "password2": PASSPHRASE})
    assert response.status_code == 200
    assert "already has a Bravely account" in response.content.decode()
    assert "_auth_user_id" not in visitor.session
    assert account_state(user) == before
    assert not user.check_password(PASSPHRASE)
    assert model.objects.get().accepted_at is None
    assert not Membership.objects.filter(user=user, practice=practice).exists()
    assert not ClientAccount.objects.filter(client=client_record).exists()
    assert not SupportPerson.objects.filter(client=client_record, user__isnull=False).exists()


@pytest.mark.parametrize("address", ["alice@example.org", "ALICE@Example.org"])
def test_an_admin_is_told_when_the_address_is_already_a_member_here(dana, alice, address):
    response = signed_in(dana).post("/practice/invite/", {"email": address, "role": "clinician"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["email"]
    assert "already a member of this practice" in errors["email"][0]
    assert mail.outbox == []
    assert not Invitation.objects.exists()
