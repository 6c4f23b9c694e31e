"""Many writers at once keep every audit chain linear: real threads, each with its own database
connection, append through the real `audit.services.record` and through the practice-log API
(`POST /api/v1/clients/{id}/logs`, the request that forked the chain in the issue).

PostgreSQL only: that is where writers really run in parallel. SQLite serialises every writing
transaction (IMMEDIATE, see settings.py), and its in-memory test database cannot be opened by
several threads' connections at once.

The first assertions read only `prev_hash`, so this test also runs (and fails) on the old
single-chain code, where `select_for_update()` on the newest row let two writers chain to it.
"""

import threading
import time
import uuid

import pytest
from django.db import connection, connections
from django.test import Client as HttpClient

from bravely.accounts.models import Role
from bravely.audit.models import AuditEvent
from bravely.audit.services import GENESIS, Actor, record, verify_chain
from tests.factories import make_client, make_member, make_planned, make_practice, token

WRITERS = 8  # threads calling record() directly
PER_WRITER = 25
POSTERS = 2  # threads posting practice logs through the API
PER_POSTER = 8
DEADLINE = 60  # seconds; the run takes a few


pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: concurrent writers on their own connections")


def in_thread(start: threading.Barrier, errors: list, work):
    def run():
        try:
            start.wait(timeout=DEADLINE)
            work()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()  # this thread's connections only
    return threading.Thread(target=run, daemon=True)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_each_chain_linear():
    riverside = make_practice("Riverside")
    elsewhere = make_practice("Elsewhere", seed_consent=False)
    alice = make_member("alice@example.org", riverside, Role.CLINICIAN)
    charlie = make_member("charlie@example.org", elsewhere, Role.CLINICIAN)
    actor = Actor(alice, "127.0.0.1")
    planned = make_planned(actor, make_client(riverside, alice), riverside)
    bearer = token(alice)
    before = AuditEvent.objects.count()

    def writer(number):
        # three chains at once: Riverside's, Elsewhere's and the global one (no practice)
        who, obj, practice_id = [(alice, planned.client, None), (charlie, None, elsewhere.pk),
                                 (alice, None, None)][number % 3]
        def work():
            for n in range(PER_WRITER):
                record(Actor(who, "10.0.0.1"), "view", obj, practice_id=practice_id,
                       object_type="caseload" if obj is None else "",
                       details={"writer": number, "n": n})
        return work

    def poster(number):
        def work():
            http = HttpClient(headers={"Authorization": f"Bearer {bearer}"})
            for n in range(PER_POSTER):
                response = http.post(
                    f"/api/v1/clients/{planned.client.pk}/logs", content_type="application/json",
                    headers={"Idempotency-Key": uuid.uuid4().hex},
                    data={"rung_id": planned.rungs[0].pk, "assignment_id": planned.assignment.pk,
                          "started_at": "2026-11-20T09:30:00", "duration_minutes": 20 + n,
                          "distress_before": 40, "distress_peak": 60, "distress_after": 25,
                          "likelihood_after": 20, "feared_outcome_happened": "no"})
                assert response.status_code == 201, (number, n, response.content)
        return work

    start = threading.Barrier(WRITERS + POSTERS)
    errors: list = []
    threads = ([in_thread(start, errors, writer(i)) for i in range(WRITERS)]
               + [in_thread(start, errors, poster(i)) for i in range(POSTERS)])
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, DEADLINE - (time.monotonic() - began)))
    assert not any(thread.is_alive() for thread in threads), "writers did not finish in time"

    rows = list(AuditEvent.objects.order_by("id").values("id", "prev_hash", "hash"))
    assert len(rows) >= before + WRITERS * PER_WRITER + POSTERS * PER_POSTER
    # Linear: no two events chain to the same predecessor, and every predecessor exists.
    linked = [row["prev_hash"] for row in rows if row["prev_hash"] != GENESIS]
    distinct = len(set(linked))
    assert distinct == len(linked), (
        f"{len(rows)} events but {distinct} distinct previous hashes: the chain forked")
    assert set(linked) <= {row["hash"] for row in rows}
    assert not errors, errors  # e.g. a deadlock between the audit lock and the client's row

    # Per chain: one start, contiguous sequence numbers, each event chained to the one before.
    chains: dict[str, list] = {}
    for row in AuditEvent.objects.order_by("chain", "seq").values("chain", "seq", "prev_hash",
                                                                  "hash"):
        chains.setdefault(row["chain"], []).append(row)
    assert set(chains) == {"global", f"practice:{riverside.pk}", f"practice:{elsewhere.pk}"}
    for key, events in chains.items():
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1)), key
        assert [e["prev_hash"] for e in events] == [GENESIS] + [e["hash"] for e in events[:-1]]
    assert len(chains["global"]) == PER_WRITER * len(range(2, WRITERS, 3))
    checked, broken, why = verify_chain()
    assert (checked, broken, why) == (len(rows), None, "")
