"""Who may open each maintenance page and API operation: the care team writes, a supervisor
reads, everyone else (another clinician, another practice, the admin, the client and a support
person on staff pages) gets a 404; the client's own pages answer only the client. Every page of
client data that answers a GET leaves an audit entry (tests/access.py)."""

import json

import pytest
from django.utils import timezone

from bravely.accounts.models import User
from bravely.audit.models import AuditEvent
from bravely.maintenance import services
from bravely.maintenance.models import Booster, BoosterOffer
from bravely.portal.models import SupportPerson
from tests.access import check_api, check_page
from tests.factories import PASSWORD, make_maintenance, plan_data, signed_in

R, S, N = 302, 200, 404
STAFF_WRITE = {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": N, "dana": N,
               "jordan": N, "sam": N}
STAFF_READ = {**STAFF_WRITE, "ruth": S}
CLIENT_ONLY = {"anon": R, "jordan": S, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": N,
               "sam": N}
C = {"pk": "client"}

ROUTES = [
    ("maintenance_overview", "GET", C, STAFF_READ),
    ("maintenance_plan", "GET", C, STAFF_WRITE),
    ("maintenance_plan_history", "GET", C, STAFF_READ),
    ("maintenance_plan_agreed", "POST", C, {**STAFF_WRITE, "alice": R}),
    ("maintenance_schedule", "GET", C, STAFF_WRITE),
    ("maintenance_item", "GET", {**C, "item_pk": "item"}, STAFF_WRITE),
    ("maintenance_phase", "GET", C, STAFF_WRITE),
    ("maintenance_booster", "GET", {**C, "booster_pk": "booster"}, STAFF_WRITE),
    ("maintenance_offer", "POST", {**C, "offer_pk": "offer"}, {**STAFF_WRITE, "alice": R}),
    ("maintenance_guidance", "GET", {**C, "support_pk": "support"}, STAFF_WRITE),
    ("maintenance_settings", "GET", {}, {"anon": R, "dana": S, "alice": N, "bob": N,
                                         "charlie": N, "ruth": N, "jordan": N, "sam": N}),
    ("portal_relapse_plan", "GET", {}, CLIENT_ONLY),
    ("portal_maintenance", "GET", {}, CLIENT_ONLY),
    ("portal_maintenance_log", "GET", {"item_pk": "item"}, CLIENT_ONLY),
    ("portal_lifestyle", "GET", {}, CLIENT_ONLY),
    ("portal_booster", "GET", {"booster_pk": "booster"}, CLIENT_ONLY),
    ("portal_reminders", "GET", {}, CLIENT_ONLY),
    ("maintenance_unsubscribe", "GET", {"token": "forged"}, {"anon": 400, "jordan": 400}),
]

A_WRITE = {"anon": 401, "alice": S, "bob": N, "charlie": N, "ruth": N, "dana": N}
A_READ = {**A_WRITE, "ruth": S}
P = {"client_id": "client"}
API_ROUTES = [
    ("GET", "/clients/{client_id}/maintenance/plan", P, None, A_READ),
    ("POST", "/clients/{client_id}/maintenance/plan", P, {"based_on": 9, "lapse_note": "x"},
     {**A_WRITE, "alice": 422}),
    ("GET", "/clients/{client_id}/maintenance/schedule", P, None, A_READ),
    ("POST", "/clients/{client_id}/maintenance/schedule", P, {"per_week": 1, "weeks": 1},
     {**A_WRITE, "alice": 201}),
    ("POST", "/clients/{client_id}/maintenance/items/{item_id}/log",
     {**P, "item_id": "item"}, {"rung_id": 1, "started_at": "2026-01-01T10:00:00Z",
                                "duration_minutes": 10, "distress_before": 10,
                                "distress_peak": 20, "distress_after": 5},
     {**A_WRITE, "alice": 422}),  # no Idempotency-Key
    ("GET", "/clients/{client_id}/maintenance/lifestyle", P, None, A_READ),
    ("GET", "/clients/{client_id}/maintenance/boosters", P, None, A_READ),
    ("POST", "/clients/{client_id}/maintenance/boosters/{booster_id}",
     {**P, "booster_id": "booster"}, {"rung_ratings": [{"id": 999999, "rating": 1}]},
     {**A_WRITE, "alice": 422}),
    ("GET", "/clients/{client_id}/maintenance/reminders", P, None, A_READ),
]


@pytest.fixture
def users(everyone, jordan, planned, actor):
    sam = User.objects.create_user("sam@example.org", PASSWORD)
    SupportPerson.objects.create(client=planned.client, user=sam, name="Sam",
                                 relationship="friend", email="sam@example.org",
                                 shares=["values", "relapse_plan"], consent_note="Agreed",
                                 recorded_by=actor.user)
    return {**everyone, "jordan": jordan, "sam": sam}


@pytest.fixture
def objects(users, planned, actor):
    maint = make_maintenance(actor, planned)
    services.save_plan(actor, maint.client, plan_data(), based_on=None)
    item = services.build_schedule(actor, maint.client, per_week=1, weeks=2)[0]
    booster = Booster.objects.filter(client=maint.client).order_by("number").first()
    offer = BoosterOffer.objects.create(client=maint.client, booster=booster,
                                        reasons=["rising"])
    support = SupportPerson.objects.get()
    services.save_guidance(actor, support, helps="a", avoid="b", consent_note="c")
    return {"client": maint.client, "item": item, "booster": booster, "offer": offer,
            "support": support}


@pytest.mark.parametrize("entry", ROUTES, ids=[f"{e[1]} {e[0]}" for e in ROUTES])
def test_page_access(entry, users, objects):
    assert check_page(entry, users, objects) == []


@pytest.mark.parametrize("entry", API_ROUTES, ids=[f"{e[0]} {e[1]}" for e in API_ROUTES])
def test_api_access(entry, users, objects):
    assert check_api(entry, users, objects) == []


def test_api_reads_and_writes_are_audited(users, objects):
    from tests.factories import ApiClient

    api = ApiClient(users["alice"])
    client = objects["client"]
    for path in ("plan", "schedule", "lifestyle", "boosters", "reminders"):
        before = AuditEvent.objects.count()
        assert api.get(f"/clients/{client.pk}/maintenance/{path}").status_code == 200
        assert AuditEvent.objects.count() > before, path
    body = {**plan_data(), "based_on": 1}
    response = api.post(f"/clients/{client.pk}/maintenance/plan", body)
    assert response.status_code == 201 and response.json()["version"] == 2
    response = api.post(f"/clients/{client.pk}/maintenance/plan", body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "version"
    item = objects["item"]
    log = api.http.generic(
        "POST", f"/api/v1/clients/{client.pk}/maintenance/items/{item.pk}/log",
        data=json.dumps({"rung_id": 0, "started_at": timezone.now().isoformat(),
                         "duration_minutes": 10, "distress_before": 10, "distress_peak": 20,
                         "distress_after": 5}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}", "Idempotency-Key": "k"})
    assert log.status_code == 201, log.content
    assert api.get(f"/clients/{client.pk}/maintenance/schedule").json()["items"][0]["done"]


def test_a_supervisor_reads_but_cannot_change(users, objects):
    http = signed_in(users["ruth"])
    client = objects["client"]
    assert http.get(f"/clients/{client.pk}/maintenance/").status_code == 200
    assert http.post(f"/clients/{client.pk}/maintenance/plan/", {}).status_code == 404
    assert http.post(f"/clients/{client.pk}/maintenance/offers/{objects['offer'].pk}/",
                     {"status": "offered"}).status_code == 404
    assert BoosterOffer.objects.get().status == "open"


def test_a_client_cannot_reach_another_clients_items(users, objects, practice, alice):
    from bravely.maintenance.models import MaintenanceItem
    from tests.factories import make_client

    other = make_client(practice, alice, name="Other")
    foreign = MaintenanceItem.objects.create(client=other, rung=objects["item"].rung,
                                             planned_on=objects["item"].planned_on,
                                             created_by=alice)
    http = signed_in(users["jordan"])
    assert http.get(f"/me/maintenance/{foreign.pk}/").status_code == 404
