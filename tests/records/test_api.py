"""The notes API end to end: create, save a draft, sign, refuse an edit of a signed note with a
422 naming the note, add an addendum, co-sign; exports and a PDF."""

import json

from django.test import Client as HttpClient

from bravely.records.models import SessionNote
from tests.factories import token


def call(user, method, path, body=None):
    http = HttpClient()
    response = http.generic(method, "/api/v1" + path, data=json.dumps(body or {}),
                            content_type="application/json",
                            headers={"Authorization": f"Bearer {token(user)}"})
    return response


def test_a_note_through_the_api(logged, alice, ruth):
    base = f"/clients/{logged.client.pk}/notes"
    created = call(alice, "POST", base, {"data": "Seen today."})
    assert created.status_code == 201
    note = created.json()
    assert note["signed"] is False and note["version"] == 1
    saved = call(alice, "PUT", f"{base}/{note['id']}",
                 {"version": 1, "assessment": "Improving.", "plan": "Rung 2."})
    assert saved.status_code == 200 and saved.json()["version"] == 2
    stale = call(alice, "PUT", f"{base}/{note['id']}", {"version": 1, "plan": "other"})
    assert stale.status_code == 422
    assert stale.json()["detail"][0]["loc"][-1] == "version"
    signed = call(alice, "POST", f"{base}/{note['id']}/sign", {"version": 2})
    assert signed.status_code == 200 and signed.json()["signed"] is True
    assert len(signed.json()["signed_hash"]) == 64
    refused = call(alice, "PUT", f"{base}/{note['id']}", {"version": 2, "data": "rewrite"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "note"
    assert SessionNote.objects.get(pk=note["id"]).data == "Seen today."
    addendum = call(alice, "POST", f"{base}/{note['id']}/addenda", {"text": "Also: calm."})
    assert addendum.status_code == 201
    cosigned = call(ruth, "POST", f"{base}/{note['id']}/cosign", {"comment": "OK"})
    assert cosigned.status_code == 201
    again = call(ruth, "POST", f"{base}/{note['id']}/cosign", {})
    assert again.status_code == 404  # once only: nothing left for her to co-sign
    listed = call(alice, "GET", base).json()
    assert listed[0]["addenda"][0]["text"] == "Also: calm."
    assert listed[0]["cosignatures"][0]["comment"] == "OK"


def test_bad_input_names_the_field(logged, alice):
    base = f"/clients/{logged.client.pk}/notes"
    response = call(alice, "POST", base, {"session_date": "2999-01-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "session_date"
    response = call(alice, "POST", base, {"data": "a\x00b"})
    assert response.status_code == 422
    assert not SessionNote.objects.exists()


def test_facts_exports_and_a_pdf(logged, alice):
    facts = call(alice, "GET", f"/clients/{logged.client.pk}/notes/facts")
    assert facts.status_code == 200 and len(facts.json()["log_ids"]) == 3
    data = call(alice, "GET", f"/clients/{logged.client.pk}/export").json()
    assert data["format"] == "bravely.client-record"
    bundle = json.loads(call(alice, "GET", f"/clients/{logged.client.pk}/export/fhir").content)
    assert bundle["resourceType"] == "Bundle"
    pdf = call(alice, "GET", f"/clients/{logged.client.pk}/documents/summary")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
