"""API access for practice logs, check-ins and risk alerts."""

import pytest
from django.utils import timezone

from bravely.practice.models import RiskAlert
from bravely.practice.services import submit_check_in, submit_log
from tests.access import check_api

A, S, N, U = 401, 200, 404, 422
READ = {"anon": A, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N}
WRITE = {**READ, "ruth": N}
NOW = "2026-01-05T10:00:00+00:00"

API_ROUTES = [
    ("GET", "/clients/{client_id}/logs", {"client_id": "client"}, None, READ),
    ("POST", "/clients/{client_id}/logs", {"client_id": "client"},
     {"rung_id": 0, "started_at": NOW, "duration_minutes": 5, "distress_before": 1,
      "distress_peak": 2, "distress_after": 1, "idempotency_key": "k"}, {**WRITE, "alice": U}),
    ("GET", "/clients/{client_id}/logs/{log_id}", {"client_id": "client", "log_id": "log"},
     None, READ),
    ("GET", "/clients/{client_id}/check-ins", {"client_id": "client"}, None, READ),
    ("POST", "/clients/{client_id}/check-ins", {"client_id": "client"},
     {"risk": False, "idempotency_key": "ci"}, {**WRITE, "alice": 201}),
    ("GET", "/clients/{client_id}/risk-alerts", {"client_id": "client"}, None, READ),
    ("POST", "/clients/{client_id}/risk-alerts/{alert_id}/close",
     {"client_id": "client", "alert_id": "alert"}, {"note": "Called, safe"}, WRITE),
]


@pytest.fixture
def objects(planned, actor):
    log, _ = submit_log(actor, planned.client, planned.rungs[0], {
        "started_at": timezone.now(), "duration_minutes": 15, "distress_before": 30,
        "distress_peak": 50, "distress_after": 20}, idempotency_key="a", source="session")
    submit_check_in(actor, planned.client, {"risk": True}, idempotency_key="b")
    return {"client": planned.client, "log": log, "alert": RiskAlert.objects.get()}


@pytest.mark.parametrize("entry", API_ROUTES, ids=[f"{e[0]} {e[1]}" for e in API_ROUTES])
def test_api_access(entry, everyone, objects):
    assert check_api(entry, everyone, objects) == []
