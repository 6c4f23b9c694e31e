"""The measures API: instruments (no wording until imported), import, schedule, resumable
responses, scores with reliable change; errors in the one shape."""

import json

import pytest
from django.test import Client as HttpClient

from bravely.practice.models import RiskAlert
from tests.factories import fictional_wording, token


@pytest.fixture
def api(alice):
    headers = {"Authorization": f"Bearer {token(alice)}"}

    def call(method, path, body=None):
        return HttpClient().generic(method, "/api/v1" + path, data=json.dumps(body or {}),
                                    content_type="application/json", headers=headers)

    return call


def test_instruments_list_has_scoring_but_no_wording(api, builtins):
    found = {i["code"]: i for i in api("GET", "/measures/instruments").json()}
    phq = found["PHQ-9"]
    assert (phq["max_total"], phq["cutoff"], phq["loinc_panel"]) == (27, 10, "44249-1")
    assert phq["items"][0]["text"] == "Item 1 of 9" and not phq["has_wording"]
    assert phq["items"][8]["risk"] and phq["items"][0]["scores"] == [0, 1, 2, 3]


def test_import_wording_by_api(dana, phq9):
    headers = {"Authorization": f"Bearer {token(dana)}"}
    response = HttpClient().post("/api/v1/measures/instruments", data=json.dumps({
        "instrument_id": phq9.pk, "questionnaire": fictional_wording(phq9),
        "licence_note": "Ours"}), content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    assert response.json()["items"][0]["text"] == "Demo question 1"
    broken = fictional_wording(phq9)
    broken["item"][1]["linkId"] = "phq9-1"
    refused = HttpClient().post("/api/v1/measures/instruments", data=json.dumps({
        "instrument_id": phq9.pk, "questionnaire": broken, "licence_note": "Ours"}),
        content_type="application/json", headers=headers)
    assert refused.status_code == 422
    assert {"loc": ["body", "payload", "questionnaire"], "msg": "item phq9-1: duplicate linkId",
            "type": "value_error"} in refused.json()["detail"]


def test_schedule_answer_resume_submit_and_scores(api, client_record, phq9):
    base = f"/clients/{client_record.pk}/measures/administrations"
    made = api("POST", base, {"instrument_id": phq9.pk, "starts_on": "2026-01-05",
                              "every_weeks": 2})
    assert made.status_code == 201, made.content
    admin_id = made.json()["id"]
    first = api("POST", f"{base}/{admin_id}/responses", {"answers": {"phq9-1": 3, "phq9-2": 3}})
    assert first.json()["status"] == "in_progress"
    out_of_range = api("POST", f"{base}/{admin_id}/responses", {"answers": {"phq9-3": 4}})
    assert out_of_range.status_code == 422
    assert out_of_range.json()["detail"][0]["loc"] == ["body", "payload", "phq9-3"]
    rest = {f"phq9-{n}": 2 for n in range(3, 10)}
    done = api("POST", f"{base}/{admin_id}/responses",
               {"answers": rest, "submit": True, "completed_on": "2026-01-05"})
    body = done.json()
    assert (body["status"], body["total"], body["severity"]) == ("submitted", 20, "Severe")
    assert body["risk_alert_id"] == RiskAlert.objects.get(source="measure").pk
    again = api("POST", f"{base}/{admin_id}/responses", {"answers": {"phq9-1": 0}})
    assert again.status_code == 422
    assert "already submitted" in again.json()["detail"][0]["msg"]
    listed = api("GET", base).json()
    assert [a["status"] for a in listed] == ["due", "submitted"]  # the next one, two weeks on
    scores = api("GET", f"/clients/{client_record.pk}/measures/scores").json()
    assert scores["history"][0]["change"] == "baseline"
    assert scores["series"][0]["points"] == [{"date": "2026-01-05", "total": 20, "change": ""}]


def test_a_risk_answer_in_a_body_with_a_bad_answer_still_alerts(api, client_record, phq9):
    base = f"/clients/{client_record.pk}/measures/administrations"
    admin_id = api("POST", base, {"instrument_id": phq9.pk, "starts_on": "2026-01-05"}).json()[
        "id"]
    refused = api("POST", f"{base}/{admin_id}/responses",
                  {"answers": {"phq9-9": 2, "phq9-1": "lots"}})
    assert refused.status_code == 422
    assert RiskAlert.objects.filter(source="measure").count() == 1
