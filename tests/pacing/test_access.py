"""Who gets what on every pacing page and API operation (alice/bob/charlie style)."""

import pytest

from bravely.pacing.models import Recommendation
from tests.access import check_api, check_page

R, S, N, A = 302, 200, 404, 401
READ = {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N}
WRITE = {**READ, "ruth": N}
STAFF = {"anon": R, "alice": S, "bob": S, "charlie": S, "ruth": S, "dana": S}
ADMIN_ONLY = {"anon": R, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": S}

ROUTES = [
    ("needs_attention", "GET", {}, STAFF),
    ("client_recommendations", "GET", {"pk": "client"}, READ),
    ("recommendation_decide", "GET", {"pk": "client", "rec_pk": "rec"}, WRITE),
    # an empty POST is an invalid form (no decision): shown again with errors
    ("recommendation_decide", "POST", {"pk": "client", "rec_pk": "rec"}, WRITE),
    ("recommendations_refresh", "POST", {"pk": "client"}, {**WRITE, "alice": R}),
    ("plan_pacing_settings", "GET", {"pk": "client", "plan_pk": "plan"}, WRITE),
    ("pacing_settings", "GET", {}, ADMIN_ONLY),
]

API_READ = {"anon": A, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N}
# alice last: her decision closes the recommendation for the others
API_WRITE = {"anon": A, "bob": N, "charlie": N, "ruth": N, "dana": N, "alice": S}

API_ROUTES = [
    ("GET", "/clients/{client_id}/recommendations", {"client_id": "client"}, None, API_READ),
    ("POST", "/recommendations/{rec_id}/accept", {"rec_id": "rec"}, {"note": "Agreed"},
     API_WRITE),
    ("POST", "/recommendations/{rec_id}/dismiss", {"rec_id": "rec"}, {"note": "Not now"},
     API_WRITE),
    ("GET", "/attention", {}, None,
     {"anon": A, "alice": S, "bob": S, "charlie": S, "ruth": S, "dana": S}),
]


@pytest.fixture
def objects(planned, practise):
    practise(peak=85)  # over the ceiling: pause and reframe, split the rung
    return {"client": planned.client, "plan": planned.plan,
            "rec": Recommendation.objects.get(kind="pause_and_reframe")}


@pytest.mark.parametrize("entry", ROUTES, ids=[f"{e[1]} {e[0]}" for e in ROUTES])
def test_page_access(entry, everyone, objects):
    assert check_page(entry, everyone, objects) == []


@pytest.mark.parametrize("entry", API_ROUTES, ids=[f"{e[0]} {e[1]}" for e in API_ROUTES])
def test_api_access(entry, everyone, objects):
    assert check_api(entry, everyone, objects) == []


def test_the_attention_page_shows_only_each_persons_scope(everyone, objects):
    from django.test import Client as HttpClient
    from django.urls import reverse

    name = objects["client"].display_name
    for who, sees in [("alice", True), ("ruth", True), ("bob", False), ("charlie", False),
                      ("dana", False)]:
        http = HttpClient()
        http.force_login(everyone[who])
        html = http.get(reverse("needs_attention"), {"all": "1"}).content.decode()
        assert (name in html) is sees, who
