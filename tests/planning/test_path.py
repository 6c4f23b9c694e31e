"""The treatment path on the client record and the planning overview: each step's state, one next
step linking to its form, forms that return to the path (only to a page of this site), and a
query count that does not grow with the record."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bravely.clients import services as client_services
from bravely.planning import services
from bravely.planning.selectors.path import STEP_KEYS, path_url, treatment_path
from bravely.portal import services as portal_services
from tests.factories import (
    READY,
    make_assessment,
    make_assignment,
    make_client,
    make_plan,
    make_rungs,
    make_safety,
    make_statement,
    rung_data,
)


def state(client):
    path = treatment_path(client)
    return {s.key: s.done for s in path.steps}, path.next_step


def test_each_step_in_turn_becomes_done_and_the_next_one_moves_on(actor, practice, alice):
    client = make_client(practice, alice, name="New Client", consent=False)
    done, nxt = state(client)
    assert tuple(done) == STEP_KEYS and not any(done.values())
    assert nxt.key == "consent" and nxt.url == reverse("consent_new", args=[client.pk])

    client_services.record_consent(actor, client, decision="given",
                                   items=practice.consent_items.all())
    assert state(client)[1].key == "values"
    assert "values/new/" in state(client)[1].url
    assessment = make_assessment(actor, client)
    nxt = state(client)[1]
    assert nxt.key == "values" and nxt.action == "Add a value statement"
    statement = make_statement(actor, client, assessment)
    assert state(client)[1].key == "safety"

    safety = make_safety(actor, client)
    nxt = state(client)[1]
    assert nxt.key == "safety" and "not yet acknowledged" in nxt.status
    assert nxt.url.endswith("#acknowledge")
    services.acknowledge_safety(actor, safety)
    assert state(client)[1].key == "readiness"

    services.record_readiness(actor, client, {**READY, "dissociation": True})
    nxt = state(client)[1]
    assert nxt.key == "readiness" and nxt.action == "Record a clearance"
    services.clear_hold(actor, client.readiness_screens.get().holds.get(), "Grounding first.")
    assert state(client)[1].key == "plan"

    plan = make_plan(actor, client)
    assert state(client)[1].action == "Add a rung"
    rungs = make_rungs(actor, plan, [statement])
    nxt = state(client)[1]
    assert nxt.key == "plan" and "draft" in nxt.status
    services.update_plan(actor, plan, {"status": "active"}, version=plan.version)
    done, nxt = state(client)
    assert done["plan"] and nxt.key == "pace"

    services.record_pace(actor, plan, options=services.default_pace_options(), chosen="steady",
                         reasons="Fits my week")
    nxt = state(client)[1]
    assert nxt.key == "homework" and nxt.url == (
        reverse("assignment_new", args=[client.pk, rungs[0].pk])
        + "?next=" + path_url(client).replace("/", "%2F").replace("#", "%23"))
    assignment = make_assignment(actor, rungs[0])
    nxt = state(client)[1]
    assert nxt.key == "homework" and nxt.action == "Review and sign the rationale"
    services.sign_rationale(actor, assignment, "Serves the value; ceiling 80 in force.")
    assert state(client)[1].key == "portal"

    portal_services.invite_client(actor, client, "new.client@example.org")
    done, nxt = state(client)
    assert all(done.values()) and nxt is None


def test_the_client_record_shows_the_path_with_one_next_step(web, client_record):
    page = web.get(reverse("client_detail", args=[client_record.pk])).content.decode()
    assert 'id="path"' in page and "Treatment path" in page
    assert page.count('aria-current="step"') == 1
    assert "New values assessment" in page  # consent is given: values come next
    overview = web.get(reverse("planning_overview", args=[client_record.pk])).content.decode()
    assert 'id="path"' in overview and overview.count('aria-current="step"') == 1


def test_a_supervisor_sees_the_path_without_the_forms(client_record, ruth):
    from tests.factories import signed_in

    page = signed_in(ruth).get(reverse("client_detail", args=[client_record.pk]))
    page = page.content.decode()
    assert "Treatment path" in page and "New values assessment" not in page


@pytest.mark.parametrize("target, expected", [
    ("PATH", "PATH"),
    ("https://evil.example/", None),
    ("//evil.example/x", None),
])
def test_forms_return_to_the_path_only_on_this_site(web, client_record, target, expected):
    back = path_url(client_record)
    target = back if target == "PATH" else target
    url = reverse("plan_new", args=[client_record.pk]) + "?next=" + quote(target, safe="")
    response = web.post(url, {"title": "Speaking up", "approach": "inhibitory_learning",
                              "status": "active"})
    assert response.status_code == 302
    if expected:
        assert response.url == back
    else:
        assert response.url.startswith(f"/clients/{client_record.pk}/plans/")


def test_acknowledging_from_the_path_returns_to_it(web, client_record, safety):
    back = path_url(client_record)
    step = treatment_path(client_record).next_step
    assert step.key == "values"  # values come first; the safety step links to the ack form
    link = next(s for s in treatment_path(client_record).steps if s.key == "safety").url
    page = web.get(link).content.decode()
    assert 'id="acknowledge"' in page and "next=%2Fclients" in page
    action = reverse("safety_acknowledge", args=[client_record.pk, safety.pk])
    response = web.post(action + "?next=" + quote(back, safe=""), {"method": "session"})
    assert response.status_code == 302 and response.url == back


def test_assigning_from_the_path_goes_to_the_rationale_and_then_back(web, client_record, ladder):
    back = path_url(client_record)
    today = timezone.localdate()
    url = (reverse("assignment_new", args=[client_record.pk, ladder[0].pk]) + "?next="
           + quote(back, safe=""))
    response = web.post(url, {"frequency_per_week": 3, "starts_on": today.isoformat(),
                              "ends_on": (today + timedelta(days=6)).isoformat(),
                              "instructions": "Ask", "coping_plan": "At 80: leave.",
                              "agreed_with_client": "on"})
    assert response.status_code == 302 and "/rationale/?next=" in response.url
    response = web.post(response.url, {"text": "Serves the value; ceiling 80 in force."})
    assert response.status_code == 302 and response.url == back


def count_path_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        treatment_path(client)
    return len(ctx.captured_queries)


def test_the_path_takes_the_same_queries_for_a_small_and_a_large_record(actor, practice, alice):
    def build(name, n_rungs, n_statements, extra):
        client = make_client(practice, alice, name=name)
        assessment = make_assessment(actor, client)
        statements = [make_statement(actor, client, assessment, text=f"Value {i}", rank=i + 1)
                      for i in range(n_statements)]
        safety = make_safety(actor, client)
        services.acknowledge_safety(actor, safety)
        services.record_readiness(actor, client, {**READY, "dissociation": True})
        services.clear_hold(actor, client.readiness_screens.get().holds.get(),
                            "Grounding plan in place.")
        plan = make_plan(actor, client, status="active")
        rungs = [services.add_rung(actor, plan, rung_data(20 + i % 50), statements[:1])
                 for i in range(n_rungs)]
        services.record_pace(actor, plan, options=services.default_pace_options(),
                             chosen="steady", reasons="ok")
        for rung in rungs[:extra]:
            assignment = make_assignment(actor, rung)
            services.sign_rationale(actor, assignment, "Serves the value; ceiling in force.")
        for _i in range(extra):
            services.record_readiness(actor, client, READY)
        return client

    small = build("Small", 1, 1, 1)
    large = build("Large", 30, 8, 6)
    assert count_path_queries(small) == count_path_queries(large)
    assert count_path_queries(large) <= 12
    new = make_client(practice, alice, name="Brand new", consent=False)
    assert count_path_queries(new) <= count_path_queries(large)
