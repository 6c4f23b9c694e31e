"""The clients API: personal tokens, pagination, create/read/update/archive, 401/404/422."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from bravely.accounts.models import ApiToken
from bravely.accounts.services import create_api_token
from bravely.audit.models import AuditEvent
from bravely.audit.services import Actor
from bravely.clients import services
from bravely.clients.models import Client
from tests.factories import token


class Api:
    """A tiny JSON client for /api/v1 with a bearer token."""

    def __init__(self, token: str | None):
        self.http = HttpClient()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method, path, body=None):
        response = self.http.generic(
            method, "/api/v1" + path, data=json.dumps(body) if body is not None else "",
            content_type="application/json", headers=self.headers)
        response.body = response.json() if response.content else None
        return response

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body):
        return self.call("POST", path, body)

    def patch(self, path, body):
        return self.call("PATCH", path, body)


def api_for(user) -> Api:
    return Api(token(user))


@pytest.fixture
def alice_api(alice):
    return api_for(alice)


def snapshot():
    return Client.objects.count(), AuditEvent.objects.filter(action__in=[
        "create", "update", "archive"]).count()


def locs(response) -> list[str]:
    return [entry["loc"][-1] for entry in response.body["detail"]]


# Tokens, made on the page ---------------------------------------------------------------------

def test_token_page_shows_the_token_once_and_stores_only_its_hash(alice, client_record):
    http = HttpClient()
    http.force_login(alice)
    page = http.post("/settings/api-tokens/", {"name": "reporting script"}).content.decode()
    raw = re.search(r"bvly_[A-Za-z0-9_\-]+", page).group(0)
    token = ApiToken.objects.get(user=alice)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert token.prefix == raw[:10]
    listing = http.get("/settings/api-tokens/").content.decode()
    assert raw not in listing
    assert token.prefix in listing and "reporting script" in listing

    api = Api(raw)
    response = api.get("/clients")
    assert response.status_code == 200
    assert [c["id"] for c in response.body["items"]] == [client_record.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None

    assert http.post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/clients").status_code == 401
    assert "Revoked" in http.get("/settings/api-tokens/").content.decode()


def test_token_needs_a_name(alice):
    http = HttpClient()
    http.force_login(alice)
    response = http.post("/settings/api-tokens/", {"name": "   "})
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_someone_else_cannot_revoke_my_token(alice, bob):
    token = create_api_token(Actor(alice), "laptop")[0]
    http = HttpClient()
    http.force_login(bob)
    assert http.post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer garbage"},
    {"Authorization": "Bearer bvly_" + "x" * 43},
    {"Authorization": "Token something"},
    {"Authorization": "Bearer " + "x" * 500},
])
def test_missing_or_garbage_tokens_are_401(alice, client_record, headers):
    response = HttpClient().get("/api/v1/clients", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert HttpClient().get(f"/api/v1/clients/{client_record.pk}",
                            headers=headers).status_code == 401


def test_token_of_an_inactive_member_is_401(alice, alice_api):
    alice.membership.is_active = False
    alice.membership.save()
    assert alice_api.get("/clients").status_code == 401


# Listing --------------------------------------------------------------------------------------

def test_list_is_paginated(practice, alice, actor, alice_api):
    for i in range(5):
        services.create_client(actor, practice, {"display_name": f"Person {i}",
                                                 "primary_clinician": alice})
    first = alice_api.get("/clients?page_size=2").body
    assert (first["count"], first["page"], first["page_size"]) == (5, 1, 2)
    assert [c["display_name"] for c in first["items"]] == ["Person 0", "Person 1"]
    last = alice_api.get("/clients?page_size=2&page=3").body
    assert [c["display_name"] for c in last["items"]] == ["Person 4"]
    assert alice_api.get("/clients?page_size=2&page=4").body["items"] == []
    assert alice_api.get("/clients").body["page_size"] == 25


@pytest.mark.parametrize("query,field", [
    ("page_size=101", "page_size"), ("page_size=0", "page_size"), ("page=0", "page"),
    ("page=abc", "page"), ("status=cured", "status"), ("page=99999999999999999999", "page"),
    ("page=9223372036854775807", "page"),
])
def test_bad_list_parameters_are_422(alice_api, query, field):
    response = alice_api.get("/clients?" + query)
    assert response.status_code == 422
    assert field in locs(response)


def test_list_filters_by_status_and_archived(actor, client_record, alice_api):
    assert alice_api.get("/clients?status=intake").body["count"] == 0
    assert alice_api.get("/clients?status=active").body["count"] == 1
    services.archive_client(actor, client_record, "moved")
    assert alice_api.get("/clients").body["count"] == 0
    archived = alice_api.get("/clients?archived=true").body
    assert archived["count"] == 1 and archived["items"][0]["archived"] is True


# Create ---------------------------------------------------------------------------------------

def test_create_defaults_the_primary_clinician_to_the_token_owner(alice, bob, alice_api,
                                                                  practice):
    response = alice_api.post("/clients", {"display_name": "New Person",
                                           "date_of_birth": "2001-02-03",
                                           "care_team": [bob.pk]})
    assert response.status_code == 201
    body = response.body
    assert body["primary_clinician_id"] == alice.pk
    assert body["care_team"] == sorted([alice.pk, bob.pk])
    assert (body["status"], body["region"], body["date_of_birth"]) == (
        "intake", practice.default_region, "2001-02-03")
    client = Client.objects.get(pk=body["id"])
    assert client.practice == practice
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.client_id, event.via, event.actor_id) == (
        "create", client.pk, "api", alice.pk)


def test_create_with_another_primary_clinician_of_the_practice(alice, bob, alice_api):
    response = alice_api.post("/clients", {"display_name": "For Bob",
                                           "primary_clinician_id": bob.pk})
    assert response.status_code == 201
    assert response.body["primary_clinician_id"] == bob.pk
    assert response.body["care_team"] == [bob.pk]


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


BAD_BODIES = [
    ({"display_name": "X", "date_of_birth": "tomorrow"}, "date_of_birth"),
    ({"display_name": "X", "date_of_birth": "1990-13-01"}, "date_of_birth"),
    ({"display_name": "X", "date_of_birth": "0001-01-01"}, "date_of_birth"),
    ({"display_name": "x" * 101}, "display_name"),
    ({"display_name": ""}, "display_name"),
    ({"display_name": "   "}, "display_name"),
    ({"display_name": "A\x00B"}, "display_name"),
    ({}, "display_name"),
    ({"display_name": "X", "status": "cured"}, "status"),
    ({"display_name": "X", "region": "usa"}, "region"),
    ({"display_name": "X", "region": "U1"}, "region"),
    ({"display_name": "X", "distress_scale": "suds1000"}, "distress_scale"),
    ({"display_name": "X", "primary_clinician_id": "charlie"}, "primary_clinician_id"),
    ({"display_name": "X", "primary_clinician_id": 987654}, "primary_clinician_id"),
    ({"display_name": "X", "care_team": ["charlie"]}, "care_team"),
    ({"display_name": "X", "care_team": [987654]}, "care_team"),
    ({"display_name": "X", "pronouns": "p" * 41}, "pronouns"),
    ({"display_name": "X", "presenting_concerns": "fear of\x00dogs"}, "presenting_concerns"),
    # ids beyond the database's range, and null for text with no null (were 500s)
    ({"display_name": "X", "primary_clinician_id": 10**20}, "primary_clinician_id"),
    ({"display_name": "X", "pronouns": None}, "pronouns"),
    ({"display_name": "X", "presenting_concerns": None}, "presenting_concerns"),
]


def resolve(body: dict, charlie) -> dict:
    body = {k: (charlie.pk if v == "charlie" else v) for k, v in body.items()}
    if body.get("care_team") == ["charlie"]:
        body["care_team"] = [charlie.pk]
    if body.get("date_of_birth") == "tomorrow":
        body["date_of_birth"] = tomorrow()
    return body


@pytest.mark.parametrize("body,field", BAD_BODIES,
                         ids=[f"{f}-{i}" for i, (_b, f) in enumerate(BAD_BODIES)])
def test_create_bad_input_is_422_naming_the_field_and_saves_nothing(
        alice_api, charlie, client_record, body, field):
    before = snapshot()
    response = alice_api.post("/clients", resolve(body, charlie))
    assert response.status_code == 422, response.body
    assert field in locs(response)
    assert all(entry["msg"] for entry in response.body["detail"])
    assert snapshot() == before


@pytest.mark.parametrize("body,field", [b for b in BAD_BODIES if b[0]],
                         ids=[f"{f}-{i}" for i, (b, f) in enumerate(BAD_BODIES) if b])
def test_patch_bad_input_is_422_and_changes_nothing(alice_api, charlie, client_record, body,
                                                    field):
    body = {k: v for k, v in resolve(body, charlie).items()
            if not (k == "display_name" and v == "X")}
    before = snapshot()
    response = alice_api.patch(f"/clients/{client_record.pk}", body)
    assert response.status_code == 422, response.body
    assert field in locs(response)
    assert snapshot() == before
    fresh = Client.objects.get(pk=client_record.pk)
    assert (fresh.display_name, fresh.status, fresh.region) == ("Jordan Reyes", "active", "US")
    assert list(fresh.care_team.all()) == [client_record.primary_clinician]


def test_malformed_json_is_a_clear_error(alice_api):
    before = snapshot()
    response = alice_api.http.post("/api/v1/clients", data="{not json",
                                   content_type="application/json",
                                   headers=alice_api.headers)
    assert response.status_code in (400, 422)
    assert "detail" in response.json()
    assert snapshot() == before


# Read, update, archive ------------------------------------------------------------------------

def test_read_a_client_is_audited(alice, alice_api, client_record):
    response = alice_api.get(f"/clients/{client_record.pk}")
    assert response.status_code == 200
    assert response.body["display_name"] == "Jordan Reyes"
    assert response.body["care_team"] == [alice.pk]
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.client_id, event.via) == ("view", client_record.pk, "api")


def test_patch_changes_only_the_given_fields_and_audits_them(alice_api, client_record):
    response = alice_api.patch(f"/clients/{client_record.pk}",
                               {"pronouns": "they/them", "status": "maintenance"})
    assert response.status_code == 200
    assert (response.body["pronouns"], response.body["status"]) == ("they/them", "maintenance")
    client = Client.objects.get(pk=client_record.pk)
    assert (client.display_name, client.region, client.pronouns) == (
        "Jordan Reyes", "US", "they/them")
    # (moving to maintenance also starts the maintenance phase, audited after this event)
    event = AuditEvent.objects.filter(object_type="client").order_by("-id").first()
    assert (event.action, event.via) == ("update", "api")
    assert event.details["changed"] == {"pronouns": ["", "they/them"],
                                        "status": ["active", "maintenance"]}


def test_patch_strips_the_display_name(alice_api, client_record):
    response = alice_api.patch(f"/clients/{client_record.pk}", {"display_name": "  Jo R.  "})
    assert response.status_code == 200
    assert Client.objects.get(pk=client_record.pk).display_name == "Jo R."


def test_patch_with_an_empty_body_changes_nothing(alice_api, client_record):
    response = alice_api.patch(f"/clients/{client_record.pk}", {})
    assert response.status_code == 200
    assert AuditEvent.objects.order_by("-id").first().details["changed"] == {}


def test_patch_care_team_keeps_the_primary_clinician(alice, bob, alice_api, client_record):
    response = alice_api.patch(f"/clients/{client_record.pk}", {"care_team": [bob.pk]})
    assert response.status_code == 200
    assert response.body["care_team"] == sorted([alice.pk, bob.pk])
    assert AuditEvent.objects.order_by("-id").first().details["changed"]["care_team"] == [
        [alice.pk], sorted([alice.pk, bob.pk])]


def test_new_primary_clinician_joins_the_care_team(alice, bob, alice_api, client_record):
    response = alice_api.patch(f"/clients/{client_record.pk}", {"primary_clinician_id": bob.pk})
    assert response.status_code == 200
    assert response.body["primary_clinician_id"] == bob.pk
    assert bob.pk in response.body["care_team"]
    assert api_for(bob).get(f"/clients/{client_record.pk}").status_code == 200


def test_archive_then_archive_again_is_422(alice_api, client_record):
    response = alice_api.post(f"/clients/{client_record.pk}/archive", {"reason": "moved"})
    assert response.status_code == 200
    assert response.body["archived"] is True
    client_record.refresh_from_db()
    archived_at = client_record.archived_at
    assert archived_at is not None
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.via, event.details["reason"]) == ("archive", "api", "moved")
    before = snapshot()
    response = alice_api.post(f"/clients/{client_record.pk}/archive", {"reason": "again"})
    assert response.status_code == 422
    assert "already archived" in response.body["detail"][0]["msg"]
    client_record.refresh_from_db()
    assert client_record.archived_at == archived_at
    assert snapshot() == before


@pytest.mark.parametrize("reason", ["", "moved\x00away", "x" * 501])
def test_archive_needs_a_sensible_reason(alice_api, client_record, reason):
    before = snapshot()
    response = alice_api.post(f"/clients/{client_record.pk}/archive", {"reason": reason})
    assert response.status_code == 422
    assert "reason" in locs(response)
    client_record.refresh_from_db()
    assert client_record.archived_at is None
    assert snapshot() == before


def test_huge_client_ids_are_404(alice_api):
    for client_id in ("9223372036854775808", "99999999999999999999"):
        assert alice_api.get(f"/clients/{client_id}").status_code == 404
        assert alice_api.patch(f"/clients/{client_id}", {}).status_code == 404


def test_care_team_ids_beyond_the_database_range_are_422(alice_api, client_record):
    before = snapshot()
    for call in (lambda body: alice_api.post("/clients", {"display_name": "X", **body}),
                 lambda body: alice_api.patch(f"/clients/{client_record.pk}", body)):
        for ids in ([2**63], [client_record.primary_clinician_id, 10**20]):
            response = call({"care_team": ids})
            assert response.status_code == 422, response.body
            assert [e["loc"][2] for e in response.body["detail"]] == ["care_team"]
    assert snapshot() == before
    assert list(client_record.care_team.all()) == [client_record.primary_clinician]


def test_another_practices_client_is_404(alice, charlie, client_record, practice):
    charlie_api = api_for(charlie)
    before = snapshot()
    path = f"/clients/{client_record.pk}"
    assert charlie_api.get(path).status_code == 404
    assert charlie_api.patch(path, {"display_name": "Mine now"}).status_code == 404
    assert charlie_api.post(path + "/archive", {"reason": "x"}).status_code == 404
    assert snapshot() == before
    client_record.refresh_from_db()
    assert (client_record.display_name, client_record.archived_at) == ("Jordan Reyes", None)
    missing = "/clients/987654"
    assert charlie_api.get(missing).status_code == 404
    assert charlie_api.patch(missing, {"display_name": "Z"}).status_code == 404


def test_404_comes_before_validation(charlie, client_record):
    """A body the service would refuse still answers 404 for someone else's client."""
    response = api_for(charlie).patch(f"/clients/{client_record.pk}", {"care_team": [1]})
    assert response.status_code == 404


# Schema ---------------------------------------------------------------------------------------

def test_openapi_schema_is_public_and_lists_the_clients_paths(db):
    response = HttpClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/clients", "/api/v1/clients/{client_id}",
            "/api/v1/clients/{client_id}/archive"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/clients"]) == {"get", "post"}
    assert "patch" in schema["paths"]["/api/v1/clients/{client_id}"]
    assert schema["components"]["securitySchemes"]


def test_token_stops_working_when_the_practice_requires_2fa_and_user_has_none(practice, alice):
    from django.test import Client as HttpClient

    raw = token(alice, "script")
    http = HttpClient()
    headers = {"Authorization": f"Bearer {raw}"}
    assert http.get("/api/v1/clients", headers=headers).status_code == 200
    practice.require_clinician_2fa = True
    practice.save()
    assert http.get("/api/v1/clients", headers=headers).status_code == 401


def test_lower_case_region_is_normalised_in_the_api(practice, alice):
    from django.test import Client as HttpClient

    raw = token(alice, "script")
    response = HttpClient().post("/api/v1/clients", {"display_name": "R", "region": "us-ca"},
                                 content_type="application/json",
                                 headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 201 and response.json()["region"] == "US-CA"
