"""Offline logging: the phone keeps a reflection it could not send and sends it again, with the
run's key, when the connection is back (static/bravely/offline.js). The server dedupes on that
key: a retry never makes a second log, a changed or tampered payload is refused with a message
and nothing half-saved; the service worker is served from /me/ with its scope allowed."""

import re

import pytest
from django.core.exceptions import ValidationError

from bravely.practice.models import PracticeLog, StopEvent

QUEUED = {"X-Bravely-Queued": "1"}


def _start(portal, planned):
    response = portal.post(f"/me/practise/{planned.assignment.pk}/",
                           {"likelihood_before": "50", "distress_now": "40"})
    return re.search(r"/run/([0-9a-f]+)/", response["Location"]).group(1)


def _reflection(key, **extra):
    return {"idempotency_key": key, "duration_minutes": "12", "learned": "It passed",
            "ratings_json": '[{"minute": 0, "value": 40}, {"minute": 6, "value": 70},'
                            ' {"minute": 11, "value": 35}]', **extra}


def test_a_queued_reflection_is_stored_once_however_often_it_is_sent(portal, planned):
    key = _start(portal, planned)
    url = f"/me/practise/run/{key}/reflect/"
    first = portal.post(url, _reflection(key), headers=QUEUED)
    assert first.status_code == 200 and first.json()["saved"] is True
    log = PracticeLog.objects.get()
    assert first.json()["url"] == f"/me/practise/done/{log.pk}/"
    assert [r["value"] for r in log.ratings] == [40, 70, 35]  # the phone's own list
    assert (log.distress_before, log.distress_peak, log.distress_after) == (40, 70, 35)
    for _ in range(3):  # the retry after a lost answer, a second tab, a double tap
        again = portal.post(url, _reflection(key), headers=QUEUED)
        assert again.status_code == 200 and again.json()["url"] == first.json()["url"]
    assert PracticeLog.objects.count() == 1
    # the ordinary (no-JavaScript) form with the same key: the result, never a second log
    assert portal.post(url, _reflection(key))["Location"] == f"/me/practise/done/{log.pk}/"
    assert PracticeLog.objects.count() == 1


def test_the_same_key_with_other_answers_through_the_service_is_refused(portal, planned, jordan):
    from bravely.audit.services import Actor
    from bravely.practice.services import submit_log

    key = _start(portal, planned)
    portal.post(f"/me/practise/run/{key}/reflect/", _reflection(key), headers=QUEUED)
    log = PracticeLog.objects.get()
    with pytest.raises(ValidationError) as error:
        submit_log(Actor(jordan, "127.0.0.1"), planned.client, planned.rungs[0], {
            "started_at": log.started_at, "duration_minutes": 12, "distress_before": 40,
            "distress_peak": 90, "distress_after": 35}, idempotency_key=key)
    assert "idempotency_key" in error.value.message_dict
    assert PracticeLog.objects.count() == 1


def test_a_tampered_queued_payload_is_refused_with_the_field_named(portal, planned):
    key = _start(portal, planned)
    url = f"/me/practise/run/{key}/reflect/"
    for ratings in ('[{"minute": 0, "value": 4000}]', '[{"minute": -1, "value": 4}]',
                    '{"minute": 0}', '[{"minute": 0, "value": true}]', "[" * 50):
        response = portal.post(url, _reflection(key, ratings_json=ratings), headers=QUEUED)
        assert response.status_code == 422, ratings
        assert response.json()["saved"] is False and response.json()["errors"]
    response = portal.post(url, _reflection(key, duration_minutes="99999"), headers=QUEUED)
    assert response.status_code == 422 and "duration_minutes" in response.json()["errors"]
    assert not PracticeLog.objects.exists()
    # another client's key is simply not theirs: 404, nothing stored
    response = portal.post("/me/practise/run/nobodys-key/reflect/", _reflection("x"),
                           headers=QUEUED)
    assert response.status_code == 404


def test_a_risk_answer_queued_offline_reaches_the_care_team(portal, planned):
    from bravely.practice.models import RiskAlert

    key = _start(portal, planned)
    response = portal.post(f"/me/practise/run/{key}/reflect/",
                           _reflection(key, risk_flag="on"), headers=QUEUED)
    assert response.status_code == 200
    assert RiskAlert.objects.filter(client=planned.client, log__isnull=False).count() == 1


def test_a_repeated_stop_inside_a_practice_is_one_stop(portal, planned):
    key = _start(portal, planned)
    for _ in range(3):
        portal.post(f"/me/practise/run/{key}/stop/")
    assert StopEvent.objects.filter(practice_key=key).count() == 1


def test_the_service_worker_is_served_for_the_portal_scope(client):
    response = client.get("/me/offline-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/me/"
    assert b"caches.open" in response.content
    manifest = client.get("/static/bravely/manifest.webmanifest")
    assert manifest.status_code == 200


def test_a_queued_log_for_a_plan_archived_meanwhile_is_kept_for_the_clinician(portal, planned,
                                                                              alice):
    from bravely.planning.models import ExposurePlan
    from tests.factories import signed_in

    key = _start(portal, planned)
    ExposurePlan.objects.filter(pk=planned.plan.pk).update(status="archived")
    response = portal.post(f"/me/practise/run/{key}/reflect/", _reflection(key), headers=QUEUED)
    assert response.status_code == 200 and response.json()["saved"] is True
    log = PracticeLog.objects.get()
    assert log.plan == planned.plan
    page = signed_in(alice).get(f"/clients/{planned.client.pk}/practice/").content.decode()
    assert f"/practice/{log.pk}/" in page
    # but no new run starts on the archived plan
    response = portal.post(f"/me/practise/{planned.assignment.pk}/",
                           {"likelihood_before": "50", "distress_now": "40"})
    assert response.status_code == 200 and "archived" in response.content.decode()
