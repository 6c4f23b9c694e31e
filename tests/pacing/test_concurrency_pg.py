"""PostgreSQL: the hourly refresh and clients' log POSTs at the same time, through real
connections (one per thread), as in production.

What is proved here: the refresh locks only the client row (never the practice row shared by all
its clients), no deadlock or lock error escapes, every log is kept, and no client's
recommendations are silently left stale (each client ends up to date or visibly marked).
"""

import re
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from bravely.accounts.models import Practice
from bravely.audit.models import AuditEvent
from bravely.audit.services import Actor
from bravely.clients.models import Client
from bravely.pacing.models import PacingState, Recommendation
from bravely.pacing.services import dismiss, refresh_recommendations
from bravely.practice.models import CheckIn, PracticeLog
from tests.factories import ApiClient, make_client, make_planned

pytestmark = [
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                       reason="row locks and deadlocks are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

LOCKING = re.compile(r"\bFOR (NO KEY )?UPDATE\b")
JOIN_SECONDS = 60  # a hung thread fails the test instead of hanging the run


def in_threads(*targets):
    """Run each callable in its own thread (its own connection), started together; returns the
    exceptions raised, as (name, exception)."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait(timeout=10)
            target()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append((target.__name__, error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,), daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)
    assert not any(t.is_alive() for t in threads), "a thread did not finish: lock wait?"
    return errors


@pytest.fixture
def caseload(practice, alice):
    """Four planned clients of one practice (they share the practice row)."""
    actor = Actor(alice, "127.0.0.1")
    planned = [make_planned(actor, make_client(practice, alice, name=f"Client {i}"), practice)
               for i in range(4)]
    return planned


def log_body(rung, peak):
    return {"rung_id": rung.pk, "started_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
            "duration_minutes": 15, "distress_before": 30, "distress_peak": peak,
            "distress_after": 20, "peak_confirmed": True}


def test_refreshes_and_log_posts_at_once_neither_deadlock_nor_go_silently_stale(
        caseload, alice, caplog):
    api = ApiClient(alice)
    posted, refused = [], []

    def poster(offset):
        def post_logs():
            for i in range(6):
                planned = caseload[(offset + i) % len(caseload)]
                response = api.post(f"/clients/{planned.client.pk}/logs",
                                    {**log_body(planned.rungs[0], 40 + 10 * (i % 5)),
                                     "idempotency_key": uuid.uuid4().hex})
                (posted if response.status_code == 201 else refused).append(response)
        post_logs.__name__ = f"poster{offset}"
        return post_logs

    def check_ins():
        for i in range(6):
            planned = caseload[i % len(caseload)]
            response = api.post(f"/clients/{planned.client.pk}/check-ins",
                                {"risk": False, "tolerable_distress": 50,
                                 "idempotency_key": uuid.uuid4().hex})
            (posted if response.status_code == 201 else refused).append(response)

    dismissed = []

    def clinician():
        for _ in range(6):
            rec = (Recommendation.objects.filter(client__in=[p.client for p in caseload],
                                                 status=Recommendation.Status.OPEN)
                   .exclude(kind="crisis_follow_up").order_by("?").first())
            if rec is not None:
                try:
                    dismissed.append(dismiss(Actor(alice), rec, "Discussed in session"))
                except ValidationError:
                    pass  # decided or superseded meanwhile: refused, as it should be
            time.sleep(0.05)

    command_errors = []

    def cron():
        for _ in range(3):
            try:
                call_command("pacing", "refresh")
            except CommandError as error:
                command_errors.append(error)

    errors = in_threads(cron, cron, poster(0), poster(1), poster(2), poster(3), check_ins,
                        clinician)
    assert not errors, errors
    assert not refused, [(r.status_code, r.content[:300]) for r in refused]
    assert not command_errors, command_errors
    assert len(posted) == 30
    assert PracticeLog.objects.count() == 24 and CheckIn.objects.count() == 6
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "deadlock" in m.lower()], messages

    # No client silently stale: each one is either up to date (a refresh now changes nothing)
    # or visibly marked as out of date.
    for planned in caseload:
        state = PacingState.objects.filter(client=planned.client).first()
        assert state is not None and state.refreshed_at is not None
        if state.is_stale:
            continue
        before = list(Recommendation.objects.filter(client=planned.client)
                      .values_list("pk", "status").order_by("pk"))
        events = AuditEvent.objects.count()
        refresh_recommendations(planned.client, raise_errors=True)
        assert list(Recommendation.objects.filter(client=planned.client)
                    .values_list("pk", "status").order_by("pk")) == before
        assert AuditEvent.objects.count() == events
    assert not PacingState.objects.filter(failed_at__isnull=False).exists()


def test_a_refresh_holding_its_lock_leaves_the_practice_row_free(caseload):
    """While one client's refresh holds its lock, another transaction can still lock the
    practice row (and so create clients, log for other clients, save settings); the client row
    itself is locked."""
    planned = caseload[0]
    locked, checked = threading.Event(), threading.Event()

    def pause_after_the_lock(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if LOCKING.search(sql) and '"clients_client"' in sql and not locked.is_set():
            locked.set()
            checked.wait(10)
        return result

    def refresh():
        with connection.execute_wrapper(pause_after_the_lock):
            refresh_recommendations(Client.objects.get(pk=planned.client.pk), raise_errors=True)

    outcome = {}

    def probe():
        assert locked.wait(10), "the refresh never locked the client row"
        try:
            with transaction.atomic():
                Practice.objects.select_for_update(nowait=True).get(pk=planned.client.practice_id)
                outcome["practice"] = "free"
        except DatabaseError as error:
            outcome["practice"] = f"locked: {error}"
        try:
            with transaction.atomic():
                Client.objects.select_for_update(nowait=True).get(pk=planned.client.pk)
                outcome["client"] = "free"
        except DatabaseError:
            outcome["client"] = "locked"
        finally:
            checked.set()

    errors = in_threads(refresh, probe)
    assert not errors, errors
    assert outcome == {"practice": "free", "client": "locked"}


def test_the_refresh_locks_no_joined_row(caseload):
    """The statements that lock, as sent: only the client's row and its recommendations, never
    a join that would lock the practice row too."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        refresh_recommendations(caseload[0].client, raise_errors=True)
    locking = [q["sql"] for q in queries if LOCKING.search(q["sql"])]
    assert locking, "the refresh takes no lock at all"
    assert all(" JOIN " not in sql and "accounts_practice" not in sql for sql in locking), locking
    assert any('FROM "clients_client"' in sql for sql in locking)
