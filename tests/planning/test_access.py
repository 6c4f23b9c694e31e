"""Who gets what, for every planning page and API operation (alice/bob/charlie style).

alice: on the care team (reads and writes); bob: same practice, not on the team; charlie: another
practice; ruth: alice's supervisor (reads, never writes); dana: practice admin (practice
configuration only, no client records). Outside scope is always a 404.
"""

from datetime import date, timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from bravely.audit.models import AuditEvent
from bravely.planning import services
from bravely.planning.models import CrisisResource, ExposurePlan
from tests.access import check_api, check_page, resolve_kwargs
from tests.factories import (
    READY,
    domains,
    make_assessment,
    make_assignment,
    make_client,
    make_plan,
    make_rungs,
    make_safety,
    make_statement,
)

R, S, N, A = 302, 200, 404, 401
READ = {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N}
WRITE = {"anon": R, "alice": S, "bob": N, "charlie": N, "ruth": N, "dana": N}
POSTED = {"anon": R, "bob": N, "charlie": N, "ruth": N, "dana": N, "alice": R}
ADMIN_ONLY = {"anon": R, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": S}

C = {"pk": "client"}
ROUTES = [
    ("planning_overview", "GET", C, READ),
    ("values_list", "GET", C, READ),
    ("values_new", "GET", C, WRITE),
    ("values_detail", "GET", {**C, "assessment_pk": "assessment"}, READ),
    ("statement_new", "GET", {**C, "assessment_pk": "assessment"}, WRITE),
    ("statement_edit", "GET", {**C, "statement_pk": "statement"}, WRITE),
    ("goal_new", "GET", C, WRITE),
    ("goal_edit", "GET", {**C, "goal_pk": "goal"}, WRITE),
    ("safety_detail", "GET", C, READ),
    ("safety_edit", "GET", C, WRITE),
    ("safety_acknowledge", "POST", {**C, "version_pk": "safety"}, POSTED),
    ("readiness_new", "GET", C, WRITE),
    ("hold_clear", "GET", {"pk": "client2", "hold_pk": "hold"}, WRITE),
    ("plan_new", "GET", C, WRITE),
    ("plan_detail", "GET", {**C, "plan_pk": "plan"}, READ),
    ("plan_edit", "GET", {**C, "plan_pk": "plan"}, WRITE),
    ("plan_history", "GET", {**C, "plan_pk": "plan"}, READ),
    ("rung_new", "GET", {**C, "plan_pk": "plan"}, WRITE),
    ("ladder_ack", "POST", {**C, "plan_pk": "plan"}, POSTED),
    ("pace_new", "GET", {**C, "plan_pk": "plan"}, WRITE),
    ("rung_edit", "GET", {**C, "rung_pk": "rung"}, WRITE),
    ("rung_move", "POST", {**C, "rung_pk": "rung"}, POSTED),
    ("rung_decline", "GET", {**C, "rung_pk": "rung"}, WRITE),
    ("decline_resolve", "GET", {**C, "decline_pk": "decline"}, WRITE),
    ("assignment_new", "GET", {**C, "rung_pk": "rung"}, WRITE),
    ("assignment_detail", "GET", {**C, "assignment_pk": "assignment"}, READ),
    ("rationale_sign", "GET", {**C, "assignment_pk": "assignment"}, WRITE),
    ("assignment_cancel", "POST", {**C, "assignment_pk": "assignment"}, POSTED),
    ("value_domains", "GET", {}, ADMIN_ONLY),
    ("value_domain_edit", "GET", {"pk": "domain"}, ADMIN_ONLY),
    ("crisis_resources", "GET", {}, ADMIN_ONLY),
    ("crisis_resource_edit", "GET", {"pk": "crisis"}, ADMIN_ONLY),
    ("planning_settings", "GET", {}, ADMIN_ONLY),
]

TODAY = date.today()
AREAD = {"anon": A, "alice": S, "bob": N, "charlie": N, "ruth": S, "dana": N}


def awrite(status=201):
    return {"anon": A, "bob": N, "charlie": N, "ruth": N, "dana": N, "alice": status}


ALL_STAFF = {"anon": A, "alice": S, "bob": S, "charlie": S, "ruth": S, "dana": S}


def aadmin(status=200):
    return {"anon": A, "alice": N, "bob": N, "charlie": N, "ruth": N, "dana": status}


CL = {"client_id": "client"}
RUNG = {"behaviour": "Ask a question", "predicted_distress": 45, "values": ["@statement"],
        "feared_likelihood": 50}
API_ROUTES = [
    ("GET", "/clients/{client_id}/values", CL, None, AREAD),
    ("POST", "/clients/{client_id}/values", CL,
     {"ratings": [{"domain_id": "@domain", "importance": 8, "consistency": 3}]}, awrite()),
    ("GET", "/clients/{client_id}/values/{assessment_id}",
     {**CL, "assessment_id": "assessment"}, None, AREAD),
    ("POST", "/clients/{client_id}/values/{assessment_id}/statements",
     {**CL, "assessment_id": "assessment"},
     {"domain_id": "@domain", "text": "Being a good friend", "rank": 2}, awrite()),
    ("PATCH", "/clients/{client_id}/statements/{statement_id}",
     {**CL, "statement_id": "statement"}, {"version": 1, "rank": 3}, awrite(200)),
    ("GET", "/clients/{client_id}/goals", CL, None, AREAD),
    ("POST", "/clients/{client_id}/goals", CL,
     {"statement_id": "@statement", "what": "Speak in a meeting", "times": 1, "per": "week",
      "by_when": (TODAY + timedelta(days=30)).isoformat()}, awrite()),
    ("PATCH", "/clients/{client_id}/goals/{goal_id}", {**CL, "goal_id": "goal"},
     {"version": 1, "times": 2}, awrite(200)),
    ("GET", "/clients/{client_id}/safety", CL, None, AREAD),
    ("POST", "/clients/{client_id}/safety", CL,
     {"distress_ceiling": 80, "coping_level": 60, "exit_strategies": ["Step out"]}, awrite()),
    ("POST", "/clients/{client_id}/safety/{version_id}/acknowledgements",
     {**CL, "version_id": "safety"}, {"method": "session"}, awrite()),
    ("GET", "/clients/{client_id}/readiness", CL, None, AREAD),
    ("POST", "/clients/{client_id}/readiness", CL, READY, awrite()),
    ("POST", "/clients/{client_id}/readiness/holds/{hold_id}/clearance",
     {"client_id": "client2", "hold_id": "hold"},
     {"rationale": "Medical clearance from Dr Lee, 1 May."}, awrite()),
    ("GET", "/clients/{client_id}/plans", CL, None, AREAD),
    ("POST", "/clients/{client_id}/plans", CL, {"title": "Driving"}, awrite()),
    ("GET", "/clients/{client_id}/plans/{plan_id}", {**CL, "plan_id": "plan"}, None, AREAD),
    ("PATCH", "/clients/{client_id}/plans/{plan_id}", {**CL, "plan_id": "plan"},
     {"version": 1, "title": "Speaking up at work"}, awrite(200)),
    ("GET", "/clients/{client_id}/plans/{plan_id}/history", {**CL, "plan_id": "plan"}, None,
     AREAD),
    ("POST", "/clients/{client_id}/plans/{plan_id}/rungs", {**CL, "plan_id": "plan"}, RUNG,
     awrite()),
    ("PATCH", "/clients/{client_id}/rungs/{rung_id}", {**CL, "rung_id": "rung"},
     {"version": 1, "behaviour": "Say hello"}, awrite(200)),
    ("PUT", "/clients/{client_id}/plans/{plan_id}/order", {**CL, "plan_id": "plan"},
     {"rung_ids": "@rung_ids_reversed", "revision": "@revision"}, awrite(200)),
    ("POST", "/clients/{client_id}/rungs/{rung_id}/move", {**CL, "rung_id": "rung"},
     {"direction": "down", "revision": "@revision"}, awrite(200)),
    ("POST", "/clients/{client_id}/plans/{plan_id}/acknowledgements", {**CL, "plan_id": "plan"},
     {"code": "too_few_rungs", "note": "A short ladder on purpose"}, awrite()),
    ("POST", "/clients/{client_id}/rungs/{rung_id}/declines", {**CL, "rung_id": "rung"},
     {"reason": "Not yet"}, awrite()),
    ("POST", "/clients/{client_id}/declines/{decline_id}/resolve", {**CL, "decline_id": "decline"},
     {"alternative_note": "Offered a smaller step"}, awrite(200)),
    ("GET", "/clients/{client_id}/plans/{plan_id}/pace", {**CL, "plan_id": "plan"}, None, AREAD),
    ("POST", "/clients/{client_id}/plans/{plan_id}/pace", {**CL, "plan_id": "plan"},
     {"options": [{"key": "gradual", "sessions_per_week": 1, "practices_per_week": 3,
                   "rungs_per_week": 0.5},
                  {"key": "steady", "sessions_per_week": 1, "practices_per_week": 5,
                   "rungs_per_week": 1}],
      "chosen": "steady", "reasons": "Fits my week"}, awrite()),
    ("GET", "/clients/{client_id}/assignments", CL, None, AREAD),
    ("POST", "/clients/{client_id}/assignments", CL,
     {"rung_id": "@rung", "starts_on": TODAY.isoformat(),
      "ends_on": (TODAY + timedelta(days=6)).isoformat(), "instructions": "Ask one question",
      "agreed_with_client": True}, awrite()),
    ("GET", "/clients/{client_id}/assignments/{assignment_id}",
     {**CL, "assignment_id": "assignment"}, None, AREAD),
    ("POST", "/clients/{client_id}/assignments/{assignment_id}/rationales",
     {**CL, "assignment_id": "assignment"},
     {"text": "Serves the client's value of sharing ideas; ceiling 80."}, awrite()),
    ("POST", "/clients/{client_id}/assignments/{assignment_id}/cancel",
     {**CL, "assignment_id": "assignment"}, {"reason": "Client is ill this week"}, awrite(200)),
    ("GET", "/value-domains", {}, None, ALL_STAFF),
    ("POST", "/value-domains", {}, {"name": "Creativity"}, aadmin(201)),
    ("PATCH", "/value-domains/{domain_id}", {"domain_id": "domain"}, {"position": 30},
     aadmin()),
    ("GET", "/crisis-resources", {}, None, ALL_STAFF),
    ("POST", "/crisis-resources", {}, {"region": "AU", "name": "Lifeline", "contact": "13 11 14"},
     aadmin(201)),
    ("PATCH", "/crisis-resources/{resource_id}", {"resource_id": "crisis"}, {"notes": "Checked"},
     aadmin()),
    ("GET", "/planning-settings", {}, None, ALL_STAFF),
    ("PUT", "/planning-settings", {}, {"max_step_percent": 15}, aadmin()),
]


@pytest.fixture
def objects(client_record, alice, dana, practice, actor):
    client = client_record
    assessment = make_assessment(actor, client)
    statement = make_statement(actor, client, assessment)
    goal = services.create_goal(actor, client, statement=statement, what="Speak up", times=1,
                                per="week", by_when=TODAY + timedelta(days=20))
    safety = make_safety(actor, client)
    services.acknowledge_safety(actor, safety)
    plan = make_plan(actor, client, status="active")
    rung, rung2, declined = make_rungs(actor, plan, [statement])
    decline = services.decline_rung(actor, declined, reason="Too big a step")
    assignment = make_assignment(actor, rung2)
    client2 = make_client(practice, alice, name="Second Client")
    screen = services.record_readiness(actor, client2, {**READY, "interoceptive_planned": True,
                                                        "cardiac": True})
    crisis = services.save_crisis_resource(actor, practice, None, {
        "region": "US", "name": "988 Lifeline", "contact": "988", "needs_verification": True})
    return {
        "client": client, "client2": client2, "assessment": assessment, "statement": statement,
        "goal": goal, "safety": safety, "plan": plan, "rung": rung, "rung2": rung2,
        "decline": decline, "assignment": assignment, "hold": screen.holds.get(),
        "domain": domains(practice)["Work"], "crisis": crisis,
    }


def _resolve(body, objects):
    """Placeholders in bodies ("@name") become ids known only once the objects exist."""
    if isinstance(body, dict):
        return {k: _resolve(v, objects) for k, v in body.items()}
    if isinstance(body, list):
        return [_resolve(v, objects) for v in body]
    if body == "@revision":
        return ExposurePlan.objects.get(pk=objects["plan"].pk).ladder_revision
    if body == "@rung_ids_reversed":
        return list(objects["plan"].rungs.order_by("-position").values_list("pk", flat=True))
    if isinstance(body, str) and body.startswith("@"):
        return objects[body[1:]].pk
    return body


@pytest.mark.parametrize("entry", ROUTES, ids=[f"{e[1]} {e[0]}" for e in ROUTES])
def test_page_access(entry, everyone, objects):
    assert check_page(entry, everyone, objects) == []


@pytest.mark.parametrize("entry", API_ROUTES, ids=[f"{e[0]} {e[1]}" for e in API_ROUTES])
def test_api_access(entry, everyone, objects):
    method, path, params, body, expected = entry
    assert check_api((method, path, params, _resolve(body, objects), expected), everyone,
                     objects) == []


def test_every_planning_url_name_is_in_the_matrix():
    from bravely.planning.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {e[0] for e in ROUTES}


def test_every_planning_api_operation_is_in_the_matrix():
    from bravely.api import api

    schema = api.get_openapi_schema()
    planning = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, methods in schema["paths"].items() for method, op in methods.items()
        if "planning" in op.get("tags", [])
    }
    assert planning and planning == {(e[0], e[1]) for e in API_ROUTES}


CLIENT_PAGES = [e for e in ROUTES if e[1] == "GET" and e[3] in (READ, WRITE)]


@pytest.mark.parametrize("entry", CLIENT_PAGES, ids=[e[0] for e in CLIENT_PAGES])
def test_each_page_of_client_data_records_a_view(entry, alice, objects):
    name, _method, kwargs, _expected = entry
    http = HttpClient(REMOTE_ADDR="10.0.0.9")
    http.force_login(alice)
    before = AuditEvent.objects.count()
    assert http.get(reverse(name, kwargs=resolve_kwargs(kwargs, objects))).status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.actor_id, event.client_id, event.ip_address) == (
        "view", alice.pk, objects[kwargs["pk"]].pk, "10.0.0.9")


def test_practice_admin_pages_scope_to_their_practice(everyone, objects, other_practice):
    foreign = CrisisResource.objects.create(practice=other_practice, region="US", name="X",
                                            contact="1")
    http = HttpClient()
    http.force_login(everyone["dana"])
    assert http.get(reverse("crisis_resource_edit", args=[foreign.pk])).status_code == 404
    assert http.get(reverse("crisis_resource_edit", args=[objects["crisis"].pk])).status_code \
        == 200


def test_object_of_another_client_is_404_even_with_a_valid_client(everyone, objects):
    """A rung id that exists, under a client alice can see but that is not its client."""
    http = HttpClient()
    http.force_login(everyone["alice"])
    url = reverse("rung_edit", args=[objects["client2"].pk, objects["rung"].pk])
    assert http.get(url).status_code == 404
    url = reverse("plan_detail", args=[objects["client2"].pk, objects["plan"].pk])
    assert http.get(url).status_code == 404
