"""Who gets what on every session-note, document and export page and API operation, with the
client (jordan) and a support person (sam) as well as the staff cast."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from bravely.accounts.models import User
from bravely.audit.models import AuditEvent
from bravely.portal.models import SupportPerson
from bravely.records import services
from tests.access import check_api, check_page
from tests.factories import PASSWORD, token

R, S, N, A, U = 302, 200, 404, 401, 422
READ = {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N, "jordan": N,
        "sam": N}
WRITE = {**READ, "ruth": N}
CLIENT_ONLY = {"anon": R, "jordan": S, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": N,
               "sam": N}
ADMIN_ONLY = {"anon": R, "dana": S, "alice": N, "bob": N, "charlie": N, "ruth": N, "jordan": N,
              "sam": N}
SUPERVISOR = {**READ, "alice": N, "ruth": R}

ROUTES = [
    ("session_notes", "GET", {"pk": "client"}, READ),
    # an empty form (no session date) is shown again with its errors
    ("note_new", "POST", {"pk": "client"}, WRITE),
    ("note_detail", "GET", {"pk": "client", "note_pk": "signed"}, READ),
    ("note_detail", "GET", {"pk": "client", "note_pk": "draft"}, READ),
    ("note_detail", "POST", {"pk": "client", "note_pk": "draft"}, WRITE),
    ("note_autosave", "POST", {"pk": "client", "note_pk": "draft"}, {**WRITE, "alice": U}),
    ("note_addendum", "POST", {"pk": "client", "note_pk": "signed"}, {**WRITE, "alice": R}),
    ("note_cosign", "POST", {"pk": "client", "note_pk": "signed"}, SUPERVISOR),
    ("client_documents", "GET", {"pk": "client"}, READ),
    ("client_document", "GET", {"pk": "client", "kind": "summary"}, READ),
    ("client_document", "GET", {"pk": "client", "kind": "nonsense"}, {**READ, "alice": N,
                                                                       "ruth": N}),
    ("client_export", "GET", {"pk": "client", "fmt": "json"}, READ),
    ("client_export", "GET", {"pk": "client", "fmt": "fhir"}, READ),
    ("portal_record", "GET", {}, CLIENT_ONLY),
    ("portal_handout", "GET", {}, CLIENT_ONLY),
    ("portal_export", "GET", {"fmt": "json"}, CLIENT_ONLY),
    ("portal_export", "GET", {"fmt": "fhir"}, CLIENT_ONLY),
    ("practice_export", "GET", {}, ADMIN_ONLY),
    ("practice_export_download", "GET", {}, ADMIN_ONLY),
]

API_READ = {"anon": A, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N}
API_WRITE = {**API_READ, "ruth": N}
NOTE = "/clients/{client_id}/notes/{note_id}"

API_ROUTES = [
    ("GET", "/clients/{client_id}/notes", {"client_id": "client"}, None, API_READ),
    ("POST", "/clients/{client_id}/notes", {"client_id": "client"}, {},
     {**API_WRITE, "alice": 201}),
    ("GET", "/clients/{client_id}/notes/facts", {"client_id": "client"}, None, API_READ),
    ("GET", NOTE, {"client_id": "client", "note_id": "signed"}, None, API_READ),
    ("PUT", NOTE, {"client_id": "client", "note_id": "draft"}, {"version": 1, "data": "x"},
     API_WRITE),
    # a signed note is never edited: a 422 naming the note
    ("PUT", NOTE, {"client_id": "client", "note_id": "signed"}, {"version": 1, "data": "x"},
     {**API_WRITE, "alice": U}),
    ("POST", NOTE + "/sign", {"client_id": "client", "note_id": "ready"}, {}, API_WRITE),
    ("POST", NOTE + "/addenda", {"client_id": "client", "note_id": "signed"},
     {"text": "Correction"}, {**API_WRITE, "alice": 201}),
    ("POST", NOTE + "/cosign", {"client_id": "client", "note_id": "signed"}, {},
     {**API_READ, "alice": N, "ruth": 201}),
    ("GET", "/clients/{client_id}/documents/{kind}", {"client_id": "client", "kind": "handout"},
     None, API_READ),
    ("GET", "/clients/{client_id}/export", {"client_id": "client"}, None, API_READ),
    ("GET", "/clients/{client_id}/export/fhir", {"client_id": "client"}, None, API_READ),
    ("GET", "/practice/export", {}, None,
     {"anon": A, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": S}),
]


@pytest.fixture
def users(everyone, jordan, planned, actor):
    sam = User.objects.create_user("sam@example.org", PASSWORD)
    SupportPerson.objects.create(client=planned.client, user=sam, name="Sam",
                                 relationship="friend", email="sam@example.org",
                                 shares=["ladder", "values", "progress"], consent_note="Agreed",
                                 recorded_by=actor.user)
    return {**everyone, "jordan": jordan, "sam": sam}


@pytest.fixture
def objects(users, planned, actor):
    from tests.records.conftest import log

    log(actor, planned, 2)
    client = planned.client
    signed = services.create_note(actor, client, {"data": "d", "assessment": "a", "plan": "p"})
    services.sign_note(actor, signed)
    draft = services.create_note(actor, client, {})
    ready = services.create_note(actor, client, {"data": "d", "assessment": "a", "plan": "p"})
    return {"client": client, "signed": signed, "draft": draft, "ready": ready}


@pytest.mark.parametrize("entry", ROUTES, ids=[f"{e[1]} {e[0]} {e[2]}" for e in ROUTES])
def test_page_access(entry, users, objects):
    assert check_page(entry, users, objects) == []


@pytest.mark.parametrize("entry", API_ROUTES, ids=[f"{e[0]} {e[1]} {e[2]}" for e in API_ROUTES])
def test_api_access(entry, everyone, objects):
    assert check_api(entry, everyone, objects) == []


@pytest.mark.parametrize("name, kwargs, object_type", [
    ("client_document", {"kind": "handout"}, "pdf_handout"),
    ("client_export", {"fmt": "json"}, "export_json"),
    ("client_export", {"fmt": "fhir"}, "export_fhir"),
])
def test_downloads_are_audited_as_exports(users, objects, name, kwargs, object_type):
    http = HttpClient()
    http.force_login(users["alice"])
    response = http.get(reverse(name, kwargs={"pk": objects["client"].pk, **kwargs}))
    assert response.status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_type, event.client_id, event.actor_id) == (
        "export", object_type, objects["client"].pk, users["alice"].pk)


def test_the_portal_download_is_audited_for_the_client(users, objects):
    http = HttpClient()
    http.force_login(users["jordan"])
    assert http.get(reverse("portal_export", kwargs={"fmt": "json"})).status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.via, event.actor_id) == ("export", "portal",
                                                         users["jordan"].pk)


def test_an_archived_client_gets_no_portal_downloads(users, objects, actor):
    from bravely.clients.services import archive_client

    archive_client(actor, objects["client"], "Moved away")
    http = HttpClient()
    http.force_login(users["jordan"])
    assert http.get(reverse("portal_record")).status_code == 404


def test_the_api_never_confirms_another_clients_note(everyone, objects, other_practice):
    from tests.factories import make_client

    other = make_client(objects["client"].practice, everyone["alice"], "Other")
    http = HttpClient()
    headers = {"Authorization": f"Bearer {token(everyone['alice'])}"}
    path = f"/api/v1/clients/{other.pk}/notes/{objects['signed'].pk}/addenda"
    response = http.post(path, data='{"text": "x"}', content_type="application/json",
                         headers=headers)
    assert response.status_code == 404
