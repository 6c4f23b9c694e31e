"""A practice log's write transaction holds the write lock (SQLite) and the client's row lock
(PostgreSQL) for the log only: its recommendations are refreshed after it commits, in a
transaction of their own, before the response; a re-send refreshes nothing."""

import pytest
from django.db import connection

from bravely.pacing.models import PacingState, Recommendation
from tests.factories import make_log

pytestmark = pytest.mark.django_db(transaction=True)


class Transactions:
    """Which outermost transaction each statement matching a word ran in."""

    def __init__(self, *words):
        self.words, self.seen = words, {}

    def __call__(self, execute, sql, params, many, context):
        for word in self.words:
            if word in sql and connection.in_atomic_block:
                self.seen.setdefault(word, set()).add(id(connection.atomic_blocks[0]))
        return execute(sql, params, many, context)


def test_the_refresh_runs_after_the_log_commits_and_before_the_answer(planned, actor):
    watch = Transactions('INSERT INTO "practice_practicelog"', 'INSERT INTO "audit_auditevent"',
                         'FROM "pacing_recommendation"', 'UPDATE "pacing_pacingstate"')
    make_log(actor, planned.client, planned.rungs[0], hours_ago=3)  # the client's first refresh
    with connection.execute_wrapper(watch):
        log, created = make_log(actor, planned.client, planned.rungs[0], peak=90)
    assert created and not connection.in_atomic_block
    insert = watch.seen['INSERT INTO "practice_practicelog"']
    refresh = watch.seen['FROM "pacing_recommendation"']
    assert len(insert) == 1 and len(refresh) == 1 and insert != refresh
    assert len(watch.seen['UPDATE "pacing_pacingstate"']) == 2  # changed, then refreshed
    # the recommendations are there when submit_log returns, and cite the new log
    assert any(log.pk in r.evidence["log_ids"] for r in Recommendation.objects.filter(
        client=planned.client, status="open"))
    state = PacingState.objects.get(client=planned.client)
    assert state.refreshed_at >= state.changed_at and state.failed_at is None


def test_a_re_send_returns_the_first_log_without_refreshing_again(planned, actor):
    from bravely.practice.services import submit_log

    data = {"started_at": planned.assignment.created_at, "duration_minutes": 15,
            "distress_before": 30, "distress_peak": 60, "distress_after": 20}
    first, created = submit_log(actor, planned.client, planned.rungs[0], data,
                                idempotency_key="same-key", source="session")
    assert created
    watch = Transactions('FROM "pacing_recommendation"')
    with connection.execute_wrapper(watch):
        again, created = submit_log(actor, planned.client, planned.rungs[0], data,
                                    idempotency_key="same-key", source="session")
    assert not created and again.pk == first.pk
    assert not watch.seen  # up to date already: no second refresh

    # a first refresh that never ran (the process died after the commit) is run by the re-send
    PacingState.objects.filter(client=planned.client).update(refreshed_at=None)
    with connection.execute_wrapper(watch):
        submit_log(actor, planned.client, planned.rungs[0], data, idempotency_key="same-key",
                   source="session")
    assert watch.seen
    assert PacingState.objects.get(client=planned.client).refreshed_at is not None
