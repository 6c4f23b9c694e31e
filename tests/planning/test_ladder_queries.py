"""The ladder page (and the plan API) render in a constant number of queries: 5 or 40 rungs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bravely.planning import services
from tests.factories import make_assignment, make_rungs

# The ladder page: session, user, membership, 2FA; the client, the plan, its rungs with their
# values, declines, homework and rationales; safety, planning settings, acknowledgements, the
# care team, the pace, readiness holds; the audit event (savepoint included).
LADDER_PAGE_QUERIES = 22


def grow(actor, plan, values, n, start):
    make_rungs(actor, plan, values, predictions=[min(100, start + i) for i in range(n)])


def queries(http, url, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url, **kwargs)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_ladder_page_queries_do_not_grow_with_rungs(web, actor, client_record, plan, statement,
                                                    safety):
    services.acknowledge_safety(actor, safety)  # homework passes its checks without override
    grow(actor, plan, [statement], 5, 30)
    first = plan.rungs.order_by("position").first()
    make_assignment(actor, first)
    services.decline_rung(actor, plan.rungs.order_by("position").last(), reason="No")
    url = f"/clients/{client_record.pk}/plans/{plan.pk}/"
    queries(web, url)  # warm up the session and caches
    small, response = queries(web, url)
    assert response.content.decode().count('<tr id="rung-') == 5
    grow(actor, plan, [statement], 35, 60)
    for rung in plan.rungs.order_by("position")[5:10]:
        make_assignment(actor, rung)
        services.decline_rung(actor, plan.rungs.order_by("-position")[0], reason="No")
    large, response = queries(web, url)
    assert response.content.decode().count('<tr id="rung-') == 40
    assert small == large == LADDER_PAGE_QUERIES


def test_plan_api_queries_do_not_grow_with_rungs(api, actor, client_record, plan, statement):
    grow(actor, plan, [statement], 5, 30)
    url = f"/api/v1/clients/{client_record.pk}/plans/{plan.pk}"
    headers = {"Authorization": f"Bearer {api.token}"}
    queries(api.http, url, headers=headers)
    small, _ = queries(api.http, url, headers=headers)
    grow(actor, plan, [statement], 35, 60)
    large, response = queries(api.http, url, headers=headers)
    assert len(response.json()["rungs"]) == 40
    assert small == large
