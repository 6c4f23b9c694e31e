"""Shared fixtures. The cast, as in healthchecks' tests:

- alice: clinician at Riverside, on the care team of `client` (she can read and change it);
- bob: clinician at Riverside, not on that care team (client is a 404 for him);
- charlie: clinician at another practice (everything at Riverside is a 404 for him);
- ruth: supervisor at Riverside who supervises alice (reads alice's clients, cannot change them);
- dana: practice admin at Riverside (members and audit log; no client records of her own).
"""

import pytest

from bravely.accounts.models import Membership, Practice, Role, User
from bravely.audit.services import Actor
from bravely.clients import services as client_services

PASSWORD = "correct horse battery staple"


def make_member(email, practice, role, supervisor=None, name=""):
    user = User.objects.create_user(email, PASSWORD, full_name=name or email.split("@")[0].title())
    Membership.objects.create(user=user, practice=practice, role=role, supervisor=supervisor)
    return user


@pytest.fixture
def practice(db):
    practice = Practice.objects.create(name="Riverside", require_clinician_2fa=False)
    client_services.seed_consent_items(practice)
    return practice


@pytest.fixture
def other_practice(db):
    return Practice.objects.create(name="Elsewhere", require_clinician_2fa=False)


@pytest.fixture
def ruth(practice):
    return make_member("ruth@example.org", practice, Role.SUPERVISOR)


@pytest.fixture
def alice(practice, ruth):
    return make_member("alice@example.org", practice, Role.CLINICIAN, supervisor=ruth.membership)


@pytest.fixture
def bob(practice):
    return make_member("bob@example.org", practice, Role.CLINICIAN)


@pytest.fixture
def charlie(other_practice):
    return make_member("charlie@example.org", other_practice, Role.CLINICIAN)


@pytest.fixture
def dana(practice):
    return make_member("dana@example.org", practice, Role.ADMIN)


@pytest.fixture
def actor(alice):
    return Actor(alice, "127.0.0.1")


@pytest.fixture
def client_record(practice, alice, actor):
    """Alice's client, with consent to exposure treatment given."""
    client = client_services.create_client(actor, practice, {
        "display_name": "Jordan Reyes", "primary_clinician": alice, "status": "active",
        "region": "US",
    })
    client_services.record_consent(actor, client, decision="given",
                                   items=practice.consent_items.all())
    return client


@pytest.fixture
def everyone(alice, bob, charlie, ruth, dana):
    return {"alice": alice, "bob": bob, "charlie": charlie, "ruth": ruth, "dana": dana}
