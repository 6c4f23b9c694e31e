from bravely.accounts.models import Membership, User
from bravely.audit.services import verify_chain
from bravely.clients.models import Client
from bravely.site.demo import DEMO_PASSWORD, load_demo


def counts():
    return (User.objects.count(), Membership.objects.count(), Client.objects.count())


def test_demo_loads_a_practice_and_is_idempotent(db):
    logins = load_demo()
    first = counts()
    assert first[0] >= 4 and first[2] >= 6
    assert {role for _email, _name, role in logins} >= {"Practice admin", "Clinician",
                                                         "Supervisor"}
    load_demo()
    assert counts() == first
    assert verify_chain()[1] is None


def test_demo_clinician_can_sign_in_and_sees_their_caseload(db, client):
    load_demo()
    assert client.login(email="maya.chen@riverside.example", password=DEMO_PASSWORD)
    page = client.get("/clients/").content.decode()
    assert "Jordan Reyes" in page
    assert "Aisha Karimi" not in page  # Sam Patel's client
