from datetime import timedelta

import pytest
from django.utils import timezone

from bravely.practice.services import submit_check_in, submit_log
from bravely.records import services


def log(actor, planned, n, *, peak=50, days_ago=1, **extra):
    """n practices on the first rung, the latest `days_ago` days back."""
    made = []
    for i in range(n):
        entry, _ = submit_log(actor, planned.client, planned.rungs[0], {
            "started_at": timezone.now() - timedelta(days=days_ago, minutes=i),
            "duration_minutes": 15, "distress_before": 30, "distress_peak": peak,
            "distress_after": 20, "likelihood_after": 40, **extra},
            idempotency_key=f"log-{days_ago}-{i}-{peak}", source="session")
        made.append(entry)
    return made


@pytest.fixture
def logged(planned, actor):
    log(actor, planned, 3)
    submit_check_in(actor, planned.client, {"risk": False}, idempotency_key="ci-1")
    return planned


@pytest.fixture
def draft(logged, actor):
    return services.create_note(actor, logged.client, {"session_date": timezone.localdate()})


@pytest.fixture
def signed(draft, actor):
    services.update_draft(actor, draft, {"data": "Practised three times.",
                                         "assessment": "Expectancy falling.",
                                         "plan": "Next rung next week."})
    return services.sign_note(actor, draft)
