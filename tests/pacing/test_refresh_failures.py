"""A refresh that fails is retried, then shown, never silent; a log is never lost to it.

Failures are injected at the database boundary (`connection.execute_wrapper` raising the
OperationalError a locked database raises), or come from stored data the real engine refuses;
the engine and the services run as in use.
"""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.audit.services import verify_chain
from bravely.clients.models import Client
from bravely.pacing.models import PacingState, Recommendation
from bravely.pacing.services import refresh_recommendations
from bravely.practice.models import PracticeLog
from tests.factories import ApiClient, make_client, make_planned, signed_in

OUT_OF_DATE = "may be out of date"


class Locked:
    """Statements that `matches` picks fail as on a locked database, after `allow` of them went
    through; `times` limits how many fail (None: all)."""

    def __init__(self, matches, *, allow=0, times=None):
        self.matches, self.allow, self.times = matches, allow, times
        self.seen = self.raised = 0

    def __call__(self, execute, sql, params, many, context):
        if self.matches(sql, params):
            self.seen += 1
            if self.seen > self.allow and (self.times is None or self.raised < self.times):
                self.raised += 1
                raise OperationalError("database is locked")
        return execute(sql, params, many, context)


def inserting_recommendations(sql, params):
    return sql.startswith('INSERT INTO "pacing_recommendation"')


def reading_recommendations_of(client):
    """The refresh's read of the client's current recommendations (under its lock)."""
    def matches(sql, params):
        return ('FROM "pacing_recommendation"' in sql
                and 'NOT ("pacing_recommendation"."status" = %s)' in sql
                and params and params[0] == client.pk)
    return matches


def pacing_messages(caplog, level):
    found = [r.getMessage() for r in caplog.records
             if r.name == "bravely.pacing.services" and r.levelname == level]
    return found


def state(client):
    return PacingState.objects.filter(client=client).first()


def log_body(planned, peak=85):
    return {"rung_id": planned.rungs[0].pk, "idempotency_key": uuid.uuid4().hex,
            "started_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "duration_minutes": 15, "distress_before": 30, "distress_peak": peak,
            "distress_after": 20}


def test_a_successful_refresh_records_when_it_ran(planned):
    refresh_recommendations(planned.client, raise_errors=True)
    ok = state(planned.client)
    assert ok.refreshed_at is not None and not ok.is_stale and ok.failures == 0


def test_a_log_whose_refresh_fails_is_kept_and_the_client_shows_out_of_date_until_next_run(
        planned, alice, caplog):
    api = ApiClient(alice)
    before = set(Recommendation.objects.values_list("pk", flat=True))
    # A log over the ceiling makes several recommendations: the first is inserted, the second
    # meets a locked database, on every attempt.
    locked = Locked(inserting_recommendations, allow=1)
    with connection.execute_wrapper(locked):
        response = api.post(f"/clients/{planned.client.pk}/logs", log_body(planned))
    assert response.status_code == 201, response.content
    assert locked.raised == 2  # the first attempt and one retry inside the log's transaction
    log = PracticeLog.objects.get(pk=response.json()["id"])
    assert log.distress_peak == 85
    # the refresh is rolled back as a whole (its first insert too), the log and its audit stay
    assert set(Recommendation.objects.values_list("pk", flat=True)) == before
    assert AuditEvent.objects.filter(object_type="practicelog", object_id=str(log.pk)).exists()
    assert verify_chain()[1] is None
    failed = state(planned.client)
    assert failed.is_stale and failed.failures == 1
    assert failed.failure == "OperationalError: database is locked"
    assert len(pacing_messages(caplog, "WARNING")) == 1  # the retry
    assert any("marked as out of date" in m for m in pacing_messages(caplog, "ERROR"))
    caplog.clear()

    # shown to the clinician: the client's page, its recommendations, the queue, the API
    http = signed_in(alice)
    for url in (reverse("client_detail", args=[planned.client.pk]),
                reverse("client_recommendations", args=[planned.client.pk])):
        assert OUT_OF_DATE in http.get(url).content.decode(), url
    queue = http.get(reverse("needs_attention")).content.decode()
    assert planned.client.display_name in queue
    assert "recommendations may be out of date: the last refresh failed" in queue
    row = next(r for r in api.get("/attention").json()["items"]
               if r["client_id"] == planned.client.pk)
    assert row["recommendations_out_of_date"] is True
    listed = api.get(f"/clients/{planned.client.pk}/recommendations").json()
    assert listed["out_of_date"] is True and listed["out_of_date_since"]

    # the next scheduled run catches up and clears the mark
    out = StringIO()
    call_command("pacing", "refresh", stdout=out)
    assert "Refreshed 1 client(s)" in out.getvalue()
    assert not state(planned.client).is_stale
    assert Recommendation.objects.filter(client=planned.client, kind="pause_and_reframe",
                                         status="open").exists()
    assert OUT_OF_DATE not in http.get(
        reverse("client_recommendations", args=[planned.client.pk])).content.decode()
    assert api.get(f"/clients/{planned.client.pk}/recommendations").json()["out_of_date"] is False


@pytest.fixture
def second(practice, alice, actor):
    return make_planned(actor, make_client(practice, alice, name="Second Client"), practice)


def test_the_command_retries_then_marks_the_client_exits_non_zero_and_goes_on(
        planned, second, caplog):
    locked = Locked(reading_recommendations_of(planned.client))
    out, err = StringIO(), StringIO()
    with connection.execute_wrapper(locked), pytest.raises(CommandError) as raised:
        call_command("pacing", "refresh", "--attempts", "3", stdout=out, stderr=err)
    # the batch of both clients is retried, then done one client at a time: the locked one is
    # retried and marked, the other refreshed
    assert locked.raised == 6
    assert "1 of 2 client(s) could not be refreshed" in str(raised.value)
    assert f"ids {planned.client.pk})" in str(raised.value)
    lines = err.getvalue().splitlines()
    batch = f"clients {planned.client.pk}-{second.client.pk}"
    assert [line for line in lines if "retrying" in line or "one at a time" in line] == [
        f"{batch}: database is locked; retrying (attempt 2 of 3)",
        f"{batch}: database is locked; retrying (attempt 3 of 3)",
        f"{batch}: database is locked; refreshing them one at a time",
        f"client {planned.client.pk}: database is locked; retrying (attempt 2 of 3)",
        f"client {planned.client.pk}: database is locked; retrying (attempt 3 of 3)"]
    assert any("not refreshed after 3 attempt(s)" in line and "marked as out of date" in line
               for line in lines)
    assert "Refreshed 1 client(s)" in out.getvalue()  # the other client was not held up
    assert state(planned.client).is_stale
    assert state(second.client).refreshed_at and not state(second.client).is_stale
    assert len(pacing_messages(caplog, "WARNING")) == 5
    caplog.clear()

    # A failed client is taken up again even when nothing else would make it refreshable.
    Client.objects.filter(pk=planned.client.pk).update(status=Client.Status.DISCHARGED)
    with connection.execute_wrapper(locked), pytest.raises(CommandError):
        call_command("pacing", "refresh", "--client", str(planned.client.pk), "--attempts", "1",
                     stdout=StringIO(), stderr=StringIO())
    assert state(planned.client).failures == 2
    caplog.clear()
    out = StringIO()
    call_command("pacing", "refresh", "--client", str(planned.client.pk), stdout=out)
    assert "Refreshed 1 client(s)" in out.getvalue()
    cleared = state(planned.client)
    assert not cleared.is_stale and cleared.failures == 0 and cleared.failure == ""


def test_a_lock_that_clears_is_retried_and_leaves_no_mark(planned, caplog):
    locked = Locked(reading_recommendations_of(planned.client), times=1)
    out, err = StringIO(), StringIO()
    with connection.execute_wrapper(locked):
        call_command("pacing", "refresh", stdout=out, stderr=err)
    assert locked.raised == 1
    assert "retrying (attempt 2 of 4)" in err.getvalue()
    assert "1 client(s) refreshed after retrying a lock or deadlock." in out.getvalue()
    assert not state(planned.client).is_stale
    assert len(pacing_messages(caplog, "WARNING")) == 1
    caplog.clear()


def test_data_the_engine_refuses_marks_the_client_out_of_date_until_corrected(
        planned, alice, caplog):
    # The client moves to the 0-10 thermometer; the ladder still says 35, 50, 60: the real
    # engine refuses the plan.
    Client.objects.filter(pk=planned.client.pk).update(distress_scale="thermometer10")
    planned.client.refresh_from_db()
    refresh_recommendations(planned.client)
    skipped = state(planned.client)
    assert skipped.is_stale and skipped.refreshed_at is not None
    assert f"plan {planned.plan.pk} skipped" in skipped.failure
    assert OUT_OF_DATE in signed_in(alice).get(
        reverse("client_detail", args=[planned.client.pk])).content.decode()
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("pacing", "refresh", stdout=StringIO(), stderr=err)
    assert "refreshed only in part" in str(raised.value)
    assert f"client {planned.client.pk}: refreshed in part" in err.getvalue()
    assert any("skipped" in m for m in pacing_messages(caplog, "WARNING"))
    caplog.clear()
    Client.objects.filter(pk=planned.client.pk).update(distress_scale="suds100")
    call_command("pacing", "refresh", stdout=StringIO())
    assert not state(planned.client).is_stale


def test_bring_up_to_date_says_when_it_failed(planned, alice, caplog):
    http = signed_in(alice)
    url = reverse("recommendations_refresh", args=[planned.client.pk])
    with connection.execute_wrapper(Locked(reading_recommendations_of(planned.client))):
        response = http.post(url)
    assert response.status_code == 302
    page = http.get(response.url).content.decode()
    assert "could not be brought up to date just now" in page
    assert OUT_OF_DATE in page
    caplog.clear()
    response = http.post(url, follow=True)
    assert "Recommendations brought up to date." in response.content.decode()
    assert OUT_OF_DATE not in response.content.decode()
