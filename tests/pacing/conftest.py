"""Helpers for the pacing tests: practice logged through the practice services, as in use."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from bravely.practice.services import submit_check_in, submit_log


@pytest.fixture(autouse=True)
def pacing_never_fails_quietly(caplog):
    """refresh_recommendations logs and swallows unexpected errors (so a log or check-in is never
    lost because of pacing); in these tests any such error fails the test."""
    yield
    errors = [r for r in caplog.records
              if r.name == "bravely.pacing.services" and r.levelname in ("ERROR", "WARNING")]
    assert not errors, [r.getMessage() for r in errors]


@pytest.fixture
def practise(planned, actor):
    """practise(rung_index, peak=..., hours_ago=..., **fields) -> PracticeLog, via submit_log."""

    def practise(index=0, *, peak=40, before=30, after=20, hours_ago=1, **fields):
        data = {"started_at": timezone.now() - timedelta(hours=hours_ago),
                "duration_minutes": 15, "distress_before": before, "distress_peak": peak,
                "distress_after": after, **fields}
        if peak < before or peak < after:
            data["peak_confirmed"] = True
        log, created = submit_log(actor, planned.client, planned.rungs[index], data,
                                  idempotency_key=uuid.uuid4().hex, source="session")
        assert created
        return log

    return practise


@pytest.fixture
def check_in(planned, actor):
    def check_in(risk=False, **fields):
        return submit_check_in(actor, planned.client, {"risk": risk, **fields},
                               idempotency_key=uuid.uuid4().hex, source="session")[0]

    return check_in


# Two practices in which the feared outcome did not happen, its likelihood fell from 80 % to
# 30 % and no safety behaviour was used: the expectancy was violated.
VIOLATED = {"likelihood_after": 30, "feared_outcome_happened": "no",
            "safety_behaviours_used": []}


def kinds(recs):
    return [r.kind for r in recs]


def token(user) -> str:
    from bravely.accounts.services import create_api_token
    from bravely.audit.services import Actor

    return create_api_token(Actor(user), "tests")[1]
