"""The hottest reads find their rows through an index on the plan or client they belong to, not
by a scan of everything of one kind (which is what made every practice log's pacing refresh cost
70 ms of CPU at 1.2 million logs: docs/performance.md). SQLite's planner has no statistics
here, so its choice is the index's shape, as at scale; PostgreSQL's depends on the table's size
and is checked by the benchmark instead."""

import pytest
from django.db import connection
from django.db.models import Max

from bravely.planning.models import ChangeRecord

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")


def _plan(queryset) -> str:
    return queryset.explain()


def test_a_plans_rung_history_is_read_by_plan(db):
    """pacing.services._active_since, read by every refresh."""
    query = (ChangeRecord.objects.filter(plan_id=1, object_type="rung", after__status="active")
             .values("object_id").annotate(at=Max("changed_at")))
    plan = _plan(query)
    assert "change_plan_object (plan_id=? AND object_type=?)" in plan, plan
