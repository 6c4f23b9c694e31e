"""Logging a practice through the API runs in a constant number of queries whatever the
client's history, and a refresh whose recommendations did not change in substance keeps their
rows (the recommendations table does not grow with the logs). The refresh runs after the log's
transaction, in its own."""

import json
import uuid
from datetime import timedelta

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bravely.pacing.models import Recommendation
from bravely.practice.models import PracticeLog
from tests.factories import token

# One POST: token, scope, rung and assignment (5); the write transaction: the client's lock, the
# key's check, consent, safety, the log's insert and audit event, the run's stop presses linked
# and its draft cleared (portal practise-now), the last activity and the pacing inputs marked
# as changed (19 with savepoints); after its commit, the refresh in its own transaction (the
# client's lock, safety, thresholds, plans, rungs, check-ins, pace, history, homework, bounded
# log reads, stop presses, the recommendations, one UPDATE of the evidence kept in place, the
# refresh's mark; 18 with savepoints).
LOG_POST_QUERIES = 42


def add_history(planned, user, n, *, days=300):
    """n earlier logs on the first rung, spread over the past `days` days (bulk, as stored)."""
    now = timezone.now()
    rung = planned.rungs[0]
    PracticeLog.objects.bulk_create(
        PracticeLog(client=planned.client, plan=planned.plan, rung=rung,
                    assignment=planned.assignment, entered_by=user, source="session",
                    idempotency_key=f"old-{uuid.uuid4().hex}",
                    started_at=now - timedelta(days=days) + timedelta(days=days * i / n),
                    duration_minutes=20, scale="suds100", distress_before=30,
                    distress_peak=45, distress_after=20, ceiling=70,
                    feared_outcome=rung.feared_outcome, likelihood_before=80,
                    likelihood_after=60, feared_outcome_happened="no")
        for i in range(n))


def post_log(http, raw, planned, *, hours_ago=1, peak=45):
    body = {"rung_id": planned.rungs[0].pk, "assignment_id": planned.assignment.pk,
            "started_at": (timezone.now() - timedelta(hours=hours_ago)).isoformat(),
            "duration_minutes": 20, "distress_before": 30, "distress_peak": peak,
            "distress_after": 20, "likelihood_after": 60, "feared_outcome_happened": "no"}
    with CaptureQueriesContext(connection) as ctx:
        response = http.post(f"/api/v1/clients/{planned.client.pk}/logs",
                             data=json.dumps(body), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {raw}",
                             HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert response.status_code == 201, response.content
    return len(ctx.captured_queries)


def test_log_post_queries_do_not_grow_with_history(planned, alice):
    http, raw = HttpClient(), token(alice)
    add_history(planned, alice, 10)
    post_log(http, raw, planned, hours_ago=3)  # the first refresh stores recommendations
    small = post_log(http, raw, planned, hours_ago=2)
    add_history(planned, alice, 1990)
    post_log(http, raw, planned, hours_ago=1.5)
    large = post_log(http, raw, planned, hours_ago=1)
    assert small == large == LOG_POST_QUERIES


def test_recommendations_are_kept_while_their_substance_is_the_same(planned, alice):
    http, raw = HttpClient(), token(alice)
    add_history(planned, alice, 10)
    post_log(http, raw, planned, hours_ago=10)
    before = Recommendation.objects.count()
    for hours in range(9, 1, -1):
        post_log(http, raw, planned, hours_ago=hours)
    assert Recommendation.objects.count() == before
    open_recs = Recommendation.objects.filter(status="open")
    newest = PracticeLog.objects.order_by("-started_at").first()
    # the evidence follows the latest practices (updated in place)
    assert any(newest.pk in r.evidence["log_ids"] for r in open_recs)
