import pytest
from django.test import Client as HttpClient

from bravely.audit.services import Actor
from bravely.practice.models import CheckIn, PracticeLog, RiskAlert
from tests.factories import token


@pytest.fixture
def api(alice):
    raw = token(alice)
    http = HttpClient(headers={"Authorization": f"Bearer {raw}"})

    def call(method, path, body=None, **headers):
        return http.generic(method, "/api/v1" + path, data=__import__("json").dumps(body or {}),
                            content_type="application/json", headers=headers)
    return call


def log_body(planned, **overrides):
    return {"rung_id": planned.rungs[0].pk, "assignment_id": planned.assignment.pk,
            "started_at": "2026-11-20T09:30:00", "duration_minutes": 25, "distress_before": 40,
            "distress_peak": 65, "distress_after": 25, "likelihood_after": 20,
            "feared_outcome_happened": "no", **overrides}


def test_log_submission_is_idempotent_by_header(api, planned):
    first = api("POST", f"/clients/{planned.client.pk}/logs", log_body(planned),
                **{"Idempotency-Key": "abc"})
    again = api("POST", f"/clients/{planned.client.pk}/logs", log_body(planned),
                **{"Idempotency-Key": "abc"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert PracticeLog.objects.count() == 1
    assert first.json()["ceiling"] == 70 and first.json()["source"] == "api"


def test_log_without_a_key_is_refused(api, planned):
    response = api("POST", f"/clients/{planned.client.pk}/logs", log_body(planned))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "idempotency_key"


@pytest.mark.parametrize("overrides,field", [
    ({"distress_peak": 101}, "distress_peak"),
    ({"distress_before": -1}, "distress_before"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": 1441}, "duration_minutes"),
    ({"likelihood_after": 101}, "likelihood_after"),
    ({"distress_peak": 10}, "distress_peak"),
    ({"rung_id": 999999}, "rung_id"),
    ({"assignment_id": 999999}, "assignment_id"),
    ({"started_at": "2999-01-01T00:00:00"}, "started_at"),
    ({"started_at": "yesterday"}, "started_at"),
])
def test_bad_log_input_names_the_field(api, planned, overrides, field):
    body = log_body(planned, idempotency_key="k", **overrides)
    response = api("POST", f"/clients/{planned.client.pk}/logs", body)
    assert response.status_code == 422, response.content
    assert field in [e["loc"][-1] for e in response.json()["detail"]]
    assert not PracticeLog.objects.exists()


def test_peak_below_before_is_accepted_when_confirmed(api, planned):
    body = log_body(planned, idempotency_key="k", distress_peak=10, peak_confirmed=True)
    assert api("POST", f"/clients/{planned.client.pk}/logs", body).status_code == 201


def test_check_in_with_risk_raises_an_alert_and_alert_closes_with_a_note(api, planned):
    response = api("POST", f"/clients/{planned.client.pk}/check-ins",
                   {"risk": True, "idempotency_key": "x"})
    assert response.status_code == 201
    alert = RiskAlert.objects.get()
    path = f"/clients/{planned.client.pk}/risk-alerts/{alert.pk}/close"
    assert api("POST", path, {"note": ""}).status_code == 422
    assert api("POST", path, {"note": "Phoned"}).json()["note"] == "Phoned"


def test_check_in_rating_a_foreign_value_is_refused(api, planned):
    response = api("POST", f"/clients/{planned.client.pk}/check-ins", {
        "risk": False, "idempotency_key": "y",
        "value_ratings": [{"statement_id": 999999, "rating": 5}]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "value_ratings"
    assert not CheckIn.objects.exists()


def test_logs_list_is_paginated_and_audited(api, planned):
    for i in range(3):
        api("POST", f"/clients/{planned.client.pk}/logs", log_body(planned, idempotency_key=str(i)))
    page = api("GET", f"/clients/{planned.client.pk}/logs?page_size=2").json()
    assert page["count"] == 3 and len(page["items"]) == 2


# Input that used to answer 500 (found by fuzzing the API) ---------------------------------------

@pytest.mark.parametrize("overrides,field", [
    ({"what_happened": "Nothing\x00 bad"}, "what_happened"),
    ({"learned": "\x00"}, "learned"),
    ({"coping_used": ["Slow\x00 breathing"]}, "coping_used"),
    ({"idempotency_key": "k\x00"}, "idempotency_key"),
])
def test_null_characters_in_a_log_are_422_naming_the_field(api, planned, overrides, field):
    body = {"idempotency_key": "k", **log_body(planned), **overrides}
    response = api("POST", f"/clients/{planned.client.pk}/logs", body)
    assert response.status_code == 422, response.content
    assert [e["loc"][-1] for e in response.json()["detail"]] == [field]
    assert not PracticeLog.objects.exists()


def test_null_characters_in_the_idempotency_key_header_are_422(api, planned):
    for path, body in [("logs", log_body(planned)), ("check-ins", {"risk": False})]:
        response = api("POST", f"/clients/{planned.client.pk}/{path}", body,
                       **{"Idempotency-Key": "abc\x00"})
        assert response.status_code == 422, response.content
        assert response.json()["detail"][0]["loc"][-1] == "idempotency_key"
    assert not PracticeLog.objects.exists() and not CheckIn.objects.exists()


def test_null_characters_in_a_check_in_or_an_alert_note_are_422(api, planned):
    response = api("POST", f"/clients/{planned.client.pk}/check-ins",
                   {"risk": False, "idempotency_key": "x", "note": "Fine\x00"})
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == "note"
    assert not CheckIn.objects.exists()
    api("POST", f"/clients/{planned.client.pk}/check-ins", {"risk": True, "idempotency_key": "y"})
    alert = RiskAlert.objects.get()
    response = api("POST", f"/clients/{planned.client.pk}/risk-alerts/{alert.pk}/close",
                   {"note": "Phoned\x00"})
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == "note"
    alert.refresh_from_db()
    assert alert.closed_at is None


@pytest.mark.parametrize("started_at", ["0001-01-01T00:00:00+14:00",
                                        "0001-01-01T10:29:59+10:30"])
def test_a_start_before_the_year_1_in_utc_is_422(api, planned, started_at):
    body = log_body(planned, idempotency_key="k", started_at=started_at)
    response = api("POST", f"/clients/{planned.client.pk}/logs", body)
    assert response.status_code == 422, response.content
    assert [e["loc"][-1] for e in response.json()["detail"]] == ["started_at"]
    assert not PracticeLog.objects.exists()


# A risk answer in a refused submission still reaches the care team -------------------------------

@pytest.mark.parametrize("path,body", [
    ("check-ins", {"risk": True, "tolerable_distress": -1, "idempotency_key": "r1"}),
    ("check-ins", {"risk": True}),  # no idempotency key
    ("check-ins", {"risk": "true", "note": "x" * 3000, "idempotency_key": "r2"}),
    ("logs", {"risk_flag": True, "duration_minutes": 0, "idempotency_key": "r3"}),
    ("logs", {"risk_flag": True, "rung_id": 999999, "idempotency_key": "r4"}),
    ("logs", {"risk_flag": True}),  # no idempotency key
])
def test_refused_submission_with_risk_still_alerts(api, planned, mailoutbox, path, body,
                                                   django_capture_on_commit_callbacks):
    if path == "logs":
        body = log_body(planned, **body)
    with django_capture_on_commit_callbacks(execute=True):
        response = api("POST", f"/clients/{planned.client.pk}/{path}", body)
    assert response.status_code == 422, response.content
    alert = RiskAlert.objects.get()
    assert alert.client == planned.client and alert.check_in is None and alert.log is None
    assert len(mailoutbox) == 1
    assert not CheckIn.objects.exists() and not PracticeLog.objects.exists()


def test_refused_submission_without_risk_raises_no_alert(api, planned):
    response = api("POST", f"/clients/{planned.client.pk}/check-ins",
                   {"risk": False, "tolerable_distress": -1, "idempotency_key": "n"})
    assert response.status_code == 422
    assert not RiskAlert.objects.exists()


def test_refused_risk_for_a_client_out_of_scope_raises_nothing(api, practice, bob):
    from bravely.clients.services import create_client

    bobs = create_client(Actor(bob), practice,
                         {"display_name": "Someone", "primary_clinician": bob})
    response = api("POST", f"/clients/{bobs.pk}/check-ins",
                   {"risk": True, "tolerable_distress": -1, "idempotency_key": "o"})
    assert response.status_code in (404, 422)
    assert not RiskAlert.objects.exists()
