"""Who gets what on every measures page and API operation (alice/bob/charlie style), and the
audit entry each read of client data leaves."""

import pytest
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.measures import services
from tests.access import check_api, check_page
from tests.factories import token

R, S, N, A, U = 302, 200, 404, 401, 422
READ = {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N, "jordan": N}
WRITE = {**READ, "ruth": N}
STAFF = {"anon": R, "alice": S, "bob": S, "charlie": S, "ruth": S, "dana": S, "jordan": N}
ADMIN_ONLY = {"anon": R, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": S, "jordan": N}
CLIENT_ONLY = {"anon": R, "jordan": S, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": N}

ROUTES = [
    ("measure_instruments", "GET", {}, STAFF),
    ("measure_import", "GET", {}, ADMIN_ONLY),
    ("measure_import", "POST", {}, ADMIN_ONLY),  # an empty form: shown again with errors
    ("client_measures", "GET", {"pk": "client"}, READ),
    ("measure_schedule", "GET", {"pk": "client"}, WRITE),
    ("measure_schedule", "POST", {"pk": "client"}, WRITE),
    # alice ends it (a redirect); the others are refused before anything changes
    ("measure_schedule_end", "POST", {"pk": "client", "schedule_pk": "schedule"},
     {**WRITE, "alice": R}),
    ("measure_schedule_end", "GET", {"pk": "client", "schedule_pk": "schedule"},
     {**{k: 405 for k in WRITE}, "anon": R}),
    ("measure_enter", "GET", {"pk": "client", "instrument_pk": "phq9"}, WRITE),
    ("measure_enter", "POST", {"pk": "client", "instrument_pk": "phq9"}, WRITE),
    ("portal_measures", "GET", {}, CLIENT_ONLY),
    ("portal_measure", "GET", {"pk": "administration"}, CLIENT_ONLY),
    ("portal_measure", "POST", {"pk": "administration"}, CLIENT_ONLY),  # no answer: asked again
]

API_READ = {"anon": A, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N}
API_WRITE = {**API_READ, "ruth": N}
C, AD = "/clients/{client_id}/measures", "/clients/{client_id}/measures/administrations"

API_ROUTES = [
    ("GET", "/measures/instruments", {}, None,
     {"anon": A, "alice": S, "bob": S, "charlie": S, "ruth": S, "dana": S}),
    ("POST", "/measures/instruments", {}, {"licence_note": "Ours"},
     {"anon": A, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": U}),
    ("GET", AD, {"client_id": "client"}, None, API_READ),
    ("POST", AD, {"client_id": "client"}, {"instrument_id": 999999, "starts_on": "2026-01-05"},
     {**API_WRITE, "alice": U}),
    ("POST", AD + "/{administration_id}/responses",
     {"client_id": "client", "administration_id": "administration"},
     {"answers": {"phq9-1": 1}}, API_WRITE),
    ("GET", C + "/scores", {"client_id": "client"}, None, API_READ),
]


@pytest.fixture
def users(everyone, jordan):
    return {**everyone, "jordan": jordan}


@pytest.fixture
def objects(users, client_record, actor, phq9):
    schedule = services.schedule_measure(actor, client_record, phq9,
                                         starts_on=timezone.localdate())
    return {"client": client_record, "phq9": phq9, "schedule": schedule,
            "administration": schedule.administrations.get()}


@pytest.mark.parametrize("entry", ROUTES, ids=[f"{e[1]} {e[0]}" for e in ROUTES])
def test_page_access(entry, users, objects):
    assert check_page(entry, users, objects) == []


@pytest.mark.parametrize("entry", API_ROUTES, ids=[f"{e[0]} {e[1]}" for e in API_ROUTES])
def test_api_access(entry, everyone, objects):
    assert check_api(entry, everyone, objects) == []


@pytest.mark.parametrize("path", [AD, C + "/scores"])
def test_api_reads_of_client_data_are_audited(path, alice, objects):
    from django.test import Client as HttpClient

    before = AuditEvent.objects.count()
    response = HttpClient().get("/api/v1" + path.format(client_id=objects["client"].pk),
                                headers={"Authorization": f"Bearer {token(alice)}"})
    assert response.status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() > before
    assert (event.action, event.client_id, event.via) == ("view", objects["client"].pk, "api")


def test_writes_are_audited(alice, objects, actor):
    administration = objects["administration"]
    services.save_answers(actor, administration, {"phq9-1": 2}, source="session")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_type, event.details["answered"]) == (
        "update", "administration", ["phq9-1"])
