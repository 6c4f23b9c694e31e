"""The progress page, the client's page and the chart API read in a constant number of queries,
with 10 practices as with 2,000."""


from django.db import connection
from django.test.utils import CaptureQueriesContext

from bravely.planning import services as planning
from bravely.practice.models import PracticeLog
from tests.factories import VIOLATED, ApiClient, add_logs, make_check_in, make_log, signed_in


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
