"""Issue 11 in the Django layer: per rung one primary with its alternatives stored and shown; the
agreed pace, stop presses and reasons, the client's time zone reach the engine."""

import uuid
from datetime import timedelta

from django.utils import timezone

from bravely.pacing.models import Recommendation
from bravely.pacing.services import accept, plan_inputs, refresh_recommendations
from bravely.planning.selectors.pace import default_pace_options
from bravely.planning.services.pace import record_pace
from bravely.practice.services import record_stop, submit_log
from tests.factories import VIOLATED, signed_in, token


def _open(client):
    return list(Recommendation.objects.filter(client=client, status="open")
                .order_by("priority", "id"))


def _gradual(actor, plan):
    return record_pace(actor, plan, options=default_pace_options(), chosen="gradual",
                       reasons="One step at a time suits me.")


def test_the_agreed_pace_holds_a_ready_advance(planned, practise, actor):
    _gradual(actor, planned.plan)  # 0.5 rungs a week: the next rung after a fortnight
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    recs = _open(planned.client)
    by_kind = {r.kind: r for r in recs}
    keep, advance = by_kind["keep_practising"], by_kind["advance"]
    assert keep.role == "primary" and keep.alternative_of is None
    assert advance.role == "alternative" and advance.alternative_of == keep
    assert by_kind["add_variability"].alternative_of == keep
    assert keep.rule == "expectancy_violated+pace" and "until" in keep.params
    assert advance.rule == "expectancy_violated+ahead_of_pace"
    # a refresh neither duplicates nor loses anything
    again = refresh_recommendations(planned.client, raise_errors=True)
    assert sorted(r.pk for r in again) == sorted(r.pk for r in recs)


def test_the_page_shows_one_primary_per_rung_and_the_alternatives_folded(
        planned, practise, alice, actor):
    _gradual(actor, planned.plan)
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    html = signed_in(alice).get(f"/clients/{planned.client.pk}/recommendations/").content.decode()
    open_part = html.split('id="decided-h"')[0]
    assert open_part.count('data-role="primary"') == 1
    assert open_part.count('data-role="alternative"') == 2
    assert "<details class=\"alternatives\">" in open_part
    assert "2 alternatives you may prefer" in open_part
    assert "the agreed pace suggests waiting until" in open_part
    assert "-" not in open_part.split("waiting until ")[1].split(".")[0]  # a date for people


def test_accepting_an_alternative_works_like_a_primary(planned, practise, actor):
    _gradual(actor, planned.plan)
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    advance = Recommendation.objects.get(kind="advance", status="open")
    accept(actor, advance, "The client asked to go faster; pace agreed again.")
    advance.refresh_from_db()
    assert advance.status == "accepted"
    assert advance.applied["activated_rung_id"] == planned.rungs[1].pk


def test_held_back_is_said_on_the_page(planned, practise, check_in, alice):
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    check_in(risk=True)
    keep = Recommendation.objects.get(kind="keep_practising", status="open")
    assert keep.params["not_yet"] == ["risk"]
    html = signed_in(alice).get(f"/clients/{planned.client.pk}/recommendations/").content.decode()
    assert "advance is held back because a risk signal needs follow-up first" in html


def test_stop_presses_and_a_medical_reason_reach_the_engine(planned, actor):
    started = timezone.now() - timedelta(hours=2)
    record_stop(actor, planned.client, planned.assignment)
    record_stop(actor, planned.client, planned.assignment)  # pressed twice
    submit_log(actor, planned.client, planned.rungs[0], {
        "started_at": started, "duration_minutes": 130, "distress_before": 30,
        "distress_peak": 60, "distress_after": 40, "stopped_early": True,
        "stopped_early_reason": "My chest felt tight and I got dizzy"},
        idempotency_key=uuid.uuid4().hex, assignment=planned.assignment, source="session")
    from bravely.clinical.scales import DistressScale
    from bravely.planning.selectors.safety import current_safety

    _, _, _, logs, _ = plan_inputs(planned.client, planned.plan, current_safety(planned.client),
                                   [], DistressScale(planned.client.distress_scale))
    assert logs[0].stop_presses == 2 and "dizzy" in logs[0].stop_reason
    first = _open(planned.client)[0]
    assert first.kind == "medical_check" and first.role == "primary"
    assert first.params["terms"] == ["chest", "dizzy"]


def test_days_are_counted_in_the_clients_time_zone(planned, practise):
    planned.client.time_zone = "Pacific/Kiritimati"  # UTC+14
    planned.client.save(update_fields=["time_zone"])
    practise(**VIOLATED)
    from bravely.pacing.services import client_now

    now = timezone.now()
    assert client_now(planned.client, now).utcoffset() == timedelta(hours=14)
    assert client_now(planned.client, now) == now


def test_the_client_time_zone_is_editable_in_the_api(planned, alice):
    import json

    from django.test import Client as HttpClient

    http = HttpClient(headers={"Authorization": f"Bearer {token(alice)}"})
    url = f"/api/v1/clients/{planned.client.pk}"
    assert http.get(url).json()["time_zone"] == "UTC"
    response = http.patch(url, json.dumps({"time_zone": "Europe/Berlin"}),
                          content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["time_zone"] == "Europe/Berlin"
    bad = http.patch(url, json.dumps({"time_zone": "Mars/Olympus"}),
                     content_type="application/json")
    assert bad.status_code == 422


def test_accepting_one_step_closes_the_others_for_that_rung(planned, practise, actor, alice):
    _gradual(actor, planned.plan)
    practise(**VIOLATED, hours_ago=5)
    practise(**VIOLATED)
    variability = Recommendation.objects.get(kind="add_variability", status="open")
    accept(actor, variability, "Same rung, a new place next week.")
    left = {r.kind: r for r in Recommendation.objects.filter(client=planned.client)
            .exclude(status="superseded")}
    assert left["add_variability"].status == "accepted"
    for kind in ("keep_practising", "advance"):
        assert left[kind].status == "dismissed"
        assert left[kind].applied == {"set_aside_for": variability.pk}
        assert "was accepted for this rung" in left[kind].decision_note
    # the same evidence does not bring the set-aside steps back
    refresh_recommendations(planned.client, raise_errors=True)
    assert not _open(planned.client)
    html = signed_in(alice).get(f"/clients/{planned.client.pk}/recommendations/").content.decode()
    assert 'data-role="primary"' not in html.split('id="decided-h"')[0]
    from bravely.audit.models import AuditEvent

    set_aside = AuditEvent.objects.filter(action="decide",
                                          details__applied__set_aside_for=variability.pk)
    assert set_aside.count() == 2
