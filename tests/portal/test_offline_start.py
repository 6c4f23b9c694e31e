"""A practice started and run without a connection: Today keeps, for each assigned rung, one page
holding every step (with a signed ticket); the phone queues the stop and the log, and the server
stores them once by the run's key. Tampered tickets and payloads are refused naming the field,
with nothing stored; a log for a plan archived meanwhile is kept for the clinician."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bravely.practice.models import PracticeLog, RiskAlert, StopEvent

KEY = "0f" * 16


def _page(portal, planned):
    page = portal.get(f"/me/practise/{planned.assignment.pk}/offline/").content.decode()
    return page, re.search(r'name="ticket" value="([^"]+)"', page).group(1)


def _run(ticket_, **extra):
    started = (timezone.now() - timedelta(minutes=12)).isoformat()
    return {"ticket": ticket_, "idempotency_key": KEY, "started_at": started,
            "likelihood_before": "70", "duration_minutes": "12", "learned": "It passed",
            "feared_outcome_happened": "no",
            "ratings_json": '[{"minute": 0, "value": 45}, {"minute": 3, "value": 65},'
                            ' {"minute": 6, "value": 75}, {"minute": 9, "value": 60}]', **extra}


def test_the_offline_page_holds_every_step_of_a_run(portal, planned):
    page, ticket = _page(portal, planned)
    rung = planned.rungs[0]
    assert rung.behaviour in page and "This serves:" in page
    for step in ("before", "during", "stop", "reflect", "saved"):
        assert f'data-step="{step}"' in page
    assert f"{rung.feared_outcome}" in page and 'name="likelihood_before"' in page
    assert f'data-interval="{planned.assignment.rating_every_minutes}"' in page
    assert "Your way out" in page and "tel:" in page  # the exit plan and the crisis lines
    assert ticket


def test_a_whole_offline_run_is_stored_once_with_its_stop(portal, planned):
    _page_html, ticket = _page(portal, planned)
    url = f"/me/practise/{planned.assignment.pk}/offline/"
    stop = {"ticket": ticket, "key": KEY, "minute": "9"}
    run = _run(ticket, stopped_early="on", stopped_early_reason="Too much")
    for _ in range(3):  # the queue retried after a lost answer
        assert portal.post(url + "stop/", stop).json() == {"saved": True}
        response = portal.post(url, run)
        assert response.status_code == 200 and response.json()["saved"] is True
    log = PracticeLog.objects.get()
    assert [r["value"] for r in log.ratings] == [45, 65, 75, 60]
    assert (log.distress_before, log.distress_peak, log.distress_after) == (45, 75, 60)
    assert log.likelihood_before == 70 and log.stopped_early
    assert log.assignment == planned.assignment
    assert StopEvent.objects.get(practice_key=KEY).log == log
    assert response.json()["url"] == f"/me/practise/done/{log.pk}/"
    result = portal.get(response.json()["url"]).content.decode()
    assert "You thought it 70 % likely" in result, result[result.find("<main"):][:3000]
    assert "t happen." in result


def test_the_same_key_with_other_answers_is_refused_and_nothing_duplicated(portal, planned):
    _page_html, ticket = _page(portal, planned)
    url = f"/me/practise/{planned.assignment.pk}/offline/"
    portal.post(url, _run(ticket))
    response = portal.post(url, _run(ticket, ratings_json='[{"minute": 0, "value": 90}]'))
    assert response.status_code == 422 and "idempotency_key" in response.json()["errors"]
    assert PracticeLog.objects.count() == 1


@pytest.mark.parametrize("field, value", [
    ("ticket", "not-a-ticket"), ("ticket", ""), ("ratings_json", '[{"minute": 0, "value": 4000}]'),
    ("ratings_json", "[" * 40), ("started_at", "yesterday"), ("likelihood_before", "900"),
    ("duration_minutes", "99999"), ("started_at", "2001-01-01T00:00:00+00:00")])
def test_a_tampered_offline_payload_is_refused_naming_the_field(portal, planned, field, value):
    _page_html, ticket = _page(portal, planned)
    url = f"/me/practise/{planned.assignment.pk}/offline/"
    response = portal.post(url, _run(ticket, **{field: value}))
    assert response.status_code == 422
    assert response.json()["saved"] is False
    assert field in response.json()["errors"] or (field == "ratings_json" and "ratings" in
                                                   response.json()["errors"])
    assert not PracticeLog.objects.exists()


def test_a_ticket_altered_or_for_another_practice_is_refused(portal, planned, actor):
    from tests.factories import make_assignment

    _page_html, ticket = _page(portal, planned)
    response = portal.post(f"/me/practise/{planned.assignment.pk}/offline/",
                           _run(ticket[:-3] + ("abc" if ticket[-3:] != "abc" else "abd")))
    assert response.status_code == 422 and "ticket" in response.json()["errors"]
    other = make_assignment(actor, planned.rungs[1])
    response = portal.post(f"/me/practise/{other.pk}/offline/", _run(ticket))
    assert response.status_code == 422 and "ticket" in response.json()["errors"]
    stop = portal.post(f"/me/practise/{planned.assignment.pk}/offline/stop/",
                       {"ticket": "x", "key": KEY})
    assert stop.status_code == 422 and "ticket" in stop.json()["errors"]
    assert not PracticeLog.objects.exists() and not StopEvent.objects.exists()


def test_a_risk_answer_in_a_refused_offline_run_still_reaches_the_care_team(portal, planned):
    response = portal.post(f"/me/practise/{planned.assignment.pk}/offline/",
                           _run("tampered", risk_flag="on"))
    assert response.status_code == 422
    assert RiskAlert.objects.filter(client=planned.client).count() == 1


def test_an_offline_run_for_a_plan_archived_meanwhile_is_kept_for_the_clinician(portal, planned,
                                                                               alice):
    from bravely.planning.models import ExposurePlan
    from tests.factories import signed_in

    _page_html, ticket = _page(portal, planned)
    ExposurePlan.objects.filter(pk=planned.plan.pk).update(status="archived")
    response = portal.post(f"/me/practise/{planned.assignment.pk}/offline/", _run(ticket))
    assert response.status_code == 200 and response.json()["saved"] is True
    log = PracticeLog.objects.get()
    assert log.plan == planned.plan
    page = signed_in(alice).get(f"/clients/{planned.client.pk}/practice/").content.decode()
    assert f"/practice/{log.pk}/" in page
