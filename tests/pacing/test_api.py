"""The pacing API: recommendations, decisions (422 naming the field), the attention list."""

import json

import pytest
from django.test import Client as HttpClient

from bravely.audit.models import AuditEvent
from bravely.pacing.models import Recommendation
from bravely.planning.models import Rung
from tests.factories import VIOLATED, token


def api(user):
    return HttpClient(headers={"Authorization": f"Bearer {token(user)}"})


def post(http, path, body):
    return http.post("/api/v1" + path, json.dumps(body), content_type="application/json")


@pytest.fixture
def advanced(planned, practise):
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    return planned


def test_list_puts_open_first_crisis_first_and_filters_by_status(advanced, alice, actor,
                                                                 check_in, practise):
    from bravely.pacing.services import dismiss

    http = api(alice)
    url = f"/api/v1/clients/{advanced.client.pk}/recommendations"
    assert [(i["kind"], i["status"], i["role"]) for i in http.get(url).json()["items"]] == [
        ("advance", "open", "primary"), ("add_variability", "open", "alternative"),
        ("keep_practising", "superseded", "primary")]  # after the first of the two practices
    check_in(risk=True)
    body = http.get(url).json()
    assert body["count"] == 5
    assert [(i["kind"], i["status"]) for i in body["items"]][:4] == [
        ("crisis_follow_up", "open"), ("keep_practising", "open"), ("advance", "superseded"),
        ("add_variability", "superseded")]  # a risk signal holds back advancing, and says so
    held = body["items"][1]
    assert held["role"] == "primary" and "advance is held back because" in held["reason"]
    first = body["items"][0]
    assert first["requires_note_to_dismiss"] is True and first["plan_id"] is None
    assert first["reason"].startswith("Risk was signalled in the last 14 days")
    assert "{days}" in first["reason_template"]
    assert first["evidence"]["rule"] == "risk_signal"
    practise(peak=85)
    split = Recommendation.objects.get(kind="split_rung", status="open")
    dismiss(actor, split, "Not yet")
    dismissed = http.get(url + "?status=dismissed").json()
    assert [i["id"] for i in dismissed["items"]] == [split.pk]
    assert dismissed["items"][0]["decision_note"] == "Not yet"
    assert http.get(url + "?status=open").json()["items"][0]["kind"] == "crisis_follow_up"
    assert http.get(url + "?status=nonsense").status_code == 422
    assert AuditEvent.objects.filter(action="view", object_type="recommendations",
                                     via="api").exists()


def test_accept_applies_the_change_and_records_the_decision(advanced, alice):
    advance = Recommendation.objects.get(kind="advance")
    response = post(api(alice), f"/recommendations/{advance.pk}/accept",
                    {"note": "Agreed in session"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["decided_by_id"] == alice.pk
    assert body["applied"]["activated_rung_id"] == advanced.rungs[1].pk
    assert Rung.objects.get(pk=advanced.rungs[0].pk).status == "mastered"
    assert Rung.objects.get(pk=advanced.rungs[1].pk).status == "active"
    event = AuditEvent.objects.get(action="decide", object_id=str(advance.pk))
    assert event.via == "api" and event.actor == alice


def test_dismissing_a_crisis_follow_up_without_a_note_is_a_422_naming_note(advanced, alice,
                                                                           check_in):
    check_in(risk=True)
    crisis = Recommendation.objects.get(kind="crisis_follow_up")
    response = post(api(alice), f"/recommendations/{crisis.pk}/dismiss", {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "note"
    crisis.refresh_from_db()
    assert crisis.status == "open"
    response = post(api(alice), f"/recommendations/{crisis.pk}/dismiss",
                    {"note": "Called; safe"})
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    again = post(api(alice), f"/recommendations/{crisis.pk}/dismiss", {"note": "again"})
    assert again.status_code == 422 and again.json()["detail"][0]["loc"][-1] == "status"


def test_bad_input_is_a_422(advanced, alice):
    rec = Recommendation.objects.get(kind="advance")
    http = api(alice)
    assert post(http, f"/recommendations/{rec.pk}/accept", {"note": "x" * 3001}
                ).status_code == 422
    assert post(http, f"/recommendations/{rec.pk}/accept", {"apply": "maybe"}
                ).status_code == 422
    wrong = post(http, f"/recommendations/{rec.pk}/accept",
                 {"to_rung_id": advanced.rungs[0].pk})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"][-1] == "to_rung_id"
    assert Rung.objects.get(pk=advanced.rungs[0].pk).status == "active"  # nothing half-done


def test_supervisors_read_but_cannot_decide(advanced, ruth):
    rec = Recommendation.objects.get(kind="advance")
    http = api(ruth)
    assert http.get(f"/api/v1/clients/{advanced.client.pk}/recommendations").status_code == 200
    assert post(http, f"/recommendations/{rec.pk}/accept", {}).status_code == 404
    assert post(http, f"/recommendations/{rec.pk}/dismiss", {"note": "no"}).status_code == 404


def test_attention_lists_the_callers_scope_with_reasons(advanced, alice, bob, check_in):
    check_in(risk=True)
    body = api(alice).get("/api/v1/attention").json()
    assert body["count"] == 1 and body["days"] == 14
    row = body["items"][0]
    assert row["client_id"] == advanced.client.pk
    assert row["open_risk_alerts"] == 1 and row["open_crisis_follow_ups"] == 1
    assert row["can_edit"] is True
    assert "1 open risk alert" in row["reasons"]
    assert api(bob).get("/api/v1/attention").json()["count"] == 0
