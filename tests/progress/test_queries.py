"""The progress page, the client's page and the chart API read in a constant number of queries,
with 10 practices as with 2,000."""

from datetime import timedelta

from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bravely.planning import services as planning
from bravely.practice.models import PracticeLog
from tests.factories import VIOLATED, ApiClient, make_check_in, make_log, signed_in


def add_logs(planned, count):
    """count more practices, one every few hours going back, bulk-created like the first."""
    template = PracticeLog.objects.filter(client=planned.client).first()
    fields = model_to_dict(template, exclude=["id", "idempotency_key", "started_at"])
    fields = {f"{k}_id" if k in ("client", "plan", "rung", "assignment", "entered_by") else k: v
              for k, v in fields.items()}
    start = PracticeLog.objects.filter(client=planned.client).count()
    now = timezone.now()
    PracticeLog.objects.bulk_create(
        PracticeLog(**{**fields, "idempotency_key": f"bulk-{i}",
                       "started_at": now - timedelta(hours=5 * i),
                       "distress_peak": 40 + i % 30})
        for i in range(start, start + count))


def count(http_get, url):
    with CaptureQueriesContext(connection) as ctx:
        response = http_get(url)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def history(planned, actor):
    make_log(actor, planned.client, planned.rungs[0], **VIOLATED)
    planning.create_goal(actor, planned.client, statement=planned.statement, what="Lunch",
                         times=2, per="week", by_when=planned.assignment.ends_on)
    make_check_in(actor, planned.client, value_ratings=[
        {"statement_id": planned.statement.pk, "rating": 5}])


def test_clinician_page_queries_do_not_grow_with_history(alice, planned, actor):
    history(planned, actor)
    http = signed_in(alice)
    url = f"/clients/{planned.client.pk}/progress/?period=all"
    add_logs(planned, 9)
    small = count(http.get, url)
    add_logs(planned, 1990)
    assert PracticeLog.objects.filter(client=planned.client).count() == 2000
    large = count(http.get, url)
    assert small == large


def test_portal_page_queries_do_not_grow_with_history(portal, planned, actor):
    history(planned, actor)
    add_logs(planned, 9)
    small = count(portal.get, "/me/progress/")
    add_logs(planned, 1990)
    assert small == count(portal.get, "/me/progress/")


def test_chart_api_queries_do_not_grow_with_history(alice, planned, actor):
    history(planned, actor)
    api = ApiClient(alice)
    url = f"/clients/{planned.client.pk}/progress/distress?period=all"
    add_logs(planned, 9)
    api.get(url)  # the token's first use is recorded once
    small = count(api.get, url)
    add_logs(planned, 1990)
    assert small == count(api.get, url)
