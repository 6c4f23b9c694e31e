"""Who may open the progress pages and the chart API, and that every read is audited."""

import pytest

from bravely.accounts.models import User
from bravely.audit.models import AuditEvent
from bravely.portal.models import SupportPerson
from tests.access import check_api, check_page
from tests.factories import PASSWORD, VIOLATED, ApiClient, make_log

R, S, N, A, U = 302, 200, 404, 401, 422
STAFF_READ = {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N,
              "jordan": N, "sam": N}
CLIENT_ONLY = {"anon": R, "jordan": S, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": N,
               "sam": N}
API_READ = {"anon": A, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N}
CHARTS = ("distress", "ladder", "expectancy", "values", "goals", "adherence", "measures")

ROUTES = [
    ("client_progress", "GET", {"pk": "client"}, STAFF_READ),
    ("portal_progress", "GET", {}, CLIENT_ONLY),
]

API_ROUTES = [("GET", f"/clients/{{client_id}}/progress/{chart}", {"client_id": "client"}, None,
               API_READ) for chart in CHARTS]


@pytest.fixture
def users(everyone, jordan, planned, actor):
    sam = User.objects.create_user("sam@example.org", PASSWORD)
    SupportPerson.objects.create(client=planned.client, user=sam, name="Sam", relationship="friend",
                                 email="sam@example.org", shares=["ladder", "values", "progress"],
                                 consent_note="Agreed", recorded_by=actor.user)
    return {**everyone, "jordan": jordan, "sam": sam}


@pytest.fixture
def objects(users, planned, actor):
    make_log(actor, planned.client, planned.rungs[0], **VIOLATED)
    return {"client": planned.client}


@pytest.mark.parametrize("entry", ROUTES, ids=[f"{e[1]} {e[0]}" for e in ROUTES])
def test_page_access(entry, users, objects):
    assert check_page(entry, users, objects) == []


@pytest.mark.parametrize("entry", API_ROUTES, ids=[f"{e[0]} {e[1]}" for e in API_ROUTES])
def test_api_access(entry, everyone, objects):
    assert check_api(entry, everyone, objects) == []


def test_archived_clients_progress_is_gone_from_the_portal(users, objects, actor):
    from bravely.clients.services import archive_client
    from tests.factories import signed_in

    archive_client(actor, objects["client"], "Discharged")
    assert signed_in(users["jordan"]).get("/me/progress/").status_code == 404


@pytest.mark.parametrize("chart", CHARTS)
def test_every_api_read_is_audited(chart, alice, objects):
    api = ApiClient(alice)
    before = AuditEvent.objects.filter(object_type="progress_chart").count()
    response = api.get(f"/clients/{objects['client'].pk}/progress/{chart}?period=all")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(object_type="progress_chart").latest("seq")
    assert AuditEvent.objects.filter(object_type="progress_chart").count() == before + 1
    assert event.details == {"chart": chart, "period": "all"}
    assert event.client_id == objects["client"].pk and event.via == "api"


def test_bad_period_in_the_api_is_a_422_in_the_usual_shape(alice, objects):
    response = ApiClient(alice).get(f"/clients/{objects['client'].pk}/progress/values"
                                    "?period=forever")
    assert response.status_code == U
    assert response.json()["detail"][0]["loc"][-1] == "period"
    assert not AuditEvent.objects.filter(object_type="progress_chart").exists()
