"""Practise now, end to end through the Django test client (no JavaScript): prediction, ratings
along the way, "I need to stop" inside the practice, the reflection, and the log the clinician
reads; the pacing refresh runs on the stored log."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.pacing.models import Recommendation
from bravely.practice.models import PracticeDraft, PracticeLog, StopEvent
from tests.factories import signed_in


def _run_key(response):
    return re.search(r"/me/practise/run/([0-9a-f]+)/", response["Location"]).group(1)


def _start(portal, planned, likelihood="60", now="40"):
    response = portal.post(f"/me/practise/{planned.assignment.pk}/",
                           {"likelihood_before": likelihood, "distress_now": now})
    assert response.status_code == 302, response.content.decode()[:2000]
    return _run_key(response)


def _minutes_ago(key, minutes):
    draft = PracticeDraft.objects.get(key=key)
    started = timezone.now() - timedelta(minutes=minutes)
    draft.data = {**draft.data, "started_at": started.isoformat()}
    draft.save()


def test_practise_now_with_a_stop_inside_the_practice(portal, planned, alice, jordan):
    today = portal.get("/me/").content.decode()
    assert "Practise now" in today and f"/me/practise/{planned.assignment.pk}/" in today

    before = portal.get(f"/me/practise/{planned.assignment.pk}/").content.decode()
    assert "Say hello to a colleague" in before
    assert "Be there for my friends" in before  # the value it serves
    assert "How likely is it that this will happen: “They will laugh at me”" in before

    key = _start(portal, planned)
    _minutes_ago(key, 4)
    for value in ("65", "55"):
        assert portal.post(f"/me/practise/run/{key}/", {"value": value}).status_code == 302
    run = portal.get(f"/me/practise/run/{key}/").content.decode()
    assert "Save this rating" in run and "<polyline" in run
    assert "every 3 minutes" in run  # the assignment's interval (Bravely default)
    draft = PracticeDraft.objects.get(key=key)
    assert [r["value"] for r in draft.data["ratings"]] == [40, 65, 55]
    assert draft.data["ratings"][1]["minute"] == 4

    # "I need to stop" inside the practice: the plan, then one tap records it against this run
    stop = portal.get(f"/me/practise/run/{key}/stop/").content.decode()
    assert "Yes, stop this practice" in stop and "Your way out" in stop
    assert "Slow breathing" in stop and 'href="tel:5550100"' in stop
    assert StopEvent.objects.count() == 0
    response = portal.post(f"/me/practise/run/{key}/stop/")
    assert response["Location"] == f"/me/practise/run/{key}/reflect/"
    portal.post(f"/me/practise/run/{key}/stop/")  # a double tap records nothing more
    stop_event = StopEvent.objects.get()
    assert stop_event.practice_key == key and stop_event.assignment == planned.assignment

    reflect = portal.get(response["Location"]).content.decode()
    assert "Add more" in reflect and "You stopped, and that is OK" in reflect
    response = portal.post(f"/me/practise/run/{key}/reflect/", {
        "idempotency_key": key, "duration_minutes": "4", "stopped_early": "on",
        "stopped_early_reason": "My hands shook", "feared_outcome_happened": "no",
        "likelihood_after": "20", "learned": "Nobody laughed", "value_reflection": "I said hi",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    log = PracticeLog.objects.get()
    assert response["Location"] == f"/me/practise/done/{log.pk}/"
    assert (log.distress_before, log.distress_peak, log.distress_after) == (40, 65, 55)
    assert log.ratings == [{"minute": 0, "value": 40}, {"minute": 4, "value": 65},
                           {"minute": 4, "value": 55}]
    assert log.likelihood_before == 60  # the prediction asked just before, not the rung's 80
    assert log.stopped_early and log.stopped_early_reason == "My hands shook"
    assert log.assignment == planned.assignment and log.source == "portal"
    stop_event.refresh_from_db()
    assert stop_event.log == log
    assert not PracticeDraft.objects.filter(key=key).exists()
    # the pacing refresh ran on the stored log: an early exit asks for a pause
    assert any(log.pk in r.evidence.get("log_ids", []) for r in
               Recommendation.objects.filter(client=planned.client, status="open"))

    result = portal.get(f"/me/practise/done/{log.pk}/").content.decode()
    assert "You thought it 60 % likely that “They will laugh at me”." in result
    assert "It didn&#x27;t happen." in result or "It didn't happen." in result
    assert "down from 60 %" in result and "Nobody laughed" in result
    assert "Be there for my friends" in result and "<polyline" in result

    # a retry of the same reflection (the offline queue) never makes a second log
    again = portal.post(f"/me/practise/run/{key}/reflect/", {"idempotency_key": key})
    assert again["Location"] == f"/me/practise/done/{log.pk}/"
    assert PracticeLog.objects.count() == 1

    # the clinician reads the same log, with the ratings along the way
    staff = signed_in(alice)
    detail = staff.get(f"/clients/{planned.client.pk}/practice/{log.pk}/").content.decode()
    assert "Ratings along the way" in detail and "0 min: 40" in detail
    kinds = set(AuditEvent.objects.filter(actor=jordan).values_list("object_type", flat=True))
    assert {"portal_practise_before", "portal_practise_run", "portal_practise_stop",
            "portal_practise_reflect", "portal_practise_result", "practicelog",
            "stopevent", "practicedraft"} <= kinds


def test_bad_input_names_the_field_and_saves_nothing(portal, planned):
    response = portal.post(f"/me/practise/{planned.assignment.pk}/",
                           {"likelihood_before": "150", "distress_now": "40"})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100" in response.content.decode()
    assert not PracticeDraft.objects.exists()
    key = _start(portal, planned)
    response = portal.post(f"/me/practise/run/{key}/", {"value": "101"})
    assert response.status_code == 200 and "from 0 to 100" in response.content.decode()
    response = portal.post(f"/me/practise/run/{key}/", {"value": "500"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 422 and "value" in response.json()["errors"]
    # a tampered list of ratings from the phone: a clear message, no log
    for bad in ('[{"minute": 0, "value": 999}]', "not json", '[{"minute": 5, "value": 1},'
                ' {"minute": 2, "value": 1}]', json.dumps([{"minute": 0}] * 2)):
        response = portal.post(f"/me/practise/run/{key}/reflect/", {
            "idempotency_key": key, "duration_minutes": "5", "ratings_json": bad})
        assert response.status_code == 200
        assert "ratings along the way could not be read" in response.content.decode()
    assert not PracticeLog.objects.exists()


def test_a_timer_left_running_for_a_day_counts_as_a_day(portal, planned):
    key = _start(portal, planned)
    _minutes_ago(key, 3000)
    page = portal.get(f"/me/practise/run/{key}/").content.decode()
    assert "started more than a day ago" in page
    portal.post(f"/me/practise/run/{key}/", {"value": "30"})
    assert PracticeDraft.objects.get(key=key).data["ratings"][-1]["minute"] == 1440
    reflect = portal.get(f"/me/practise/run/{key}/reflect/").content.decode()
    assert 'value="1440"' in reflect
    _minutes_ago(key, 10)  # started in the past, as a log must be
    response = portal.post(f"/me/practise/run/{key}/reflect/", {
        "idempotency_key": key, "duration_minutes": "1440"})
    assert response.status_code == 302
    assert PracticeLog.objects.get().duration_minutes == 1440


def test_two_tabs_two_runs_each_its_own_log(portal, planned):
    first, second = _start(portal, planned), _start(portal, planned)
    assert first != second
    page = portal.get(f"/me/practise/{planned.assignment.pk}/").content.decode()
    assert "You already started this practice" in page
    for key in (first, second):
        portal.post(f"/me/practise/run/{key}/reflect/", {"idempotency_key": key,
                                                        "duration_minutes": "3"})
    assert PracticeLog.objects.count() == 2


def test_stop_outside_a_practice_asks_which(portal, planned):
    page = portal.get("/me/stop/").content.decode()
    assert "Were you practising?" in page and "No, I just needed to stop" in page
    assert StopEvent.objects.count() == 0  # looking at the plan records nothing
    portal.post("/me/stop/", {"assignment": planned.assignment.pk})
    portal.post("/me/stop/", {"assignment": ""})
    assert [s.assignment for s in StopEvent.objects.order_by("id")] == [planned.assignment, None]
    key = _start(portal, planned)
    response = portal.post("/me/stop/", {"run": key})
    assert response["Location"] == f"/me/practise/run/{key}/reflect/"
    assert StopEvent.objects.filter(practice_key=key).count() == 1


@pytest.fixture
def other_client_portal(practice, alice, actor):
    from bravely.accounts.models import User
    from bravely.portal.models import ClientAccount
    from tests.factories import PASSWORD, make_client

    other = make_client(practice, alice, name="Other Person")
    user = User.objects.create_user("other@example.org", PASSWORD)
    ClientAccount.objects.create(client=other, user=user)
    return signed_in(user)


def test_another_client_cannot_reach_a_run_or_a_result(portal, planned, other_client_portal,
                                                       alice):
    key = _start(portal, planned)
    portal.post(f"/me/practise/run/{key}/reflect/", {"idempotency_key": key,
                                                    "duration_minutes": "3"})
    log = PracticeLog.objects.get()
    for url in (f"/me/practise/{planned.assignment.pk}/", f"/me/practise/run/{key}/",
                f"/me/practise/run/{key}/stop/", f"/me/practise/run/{key}/reflect/",
                f"/me/practise/done/{log.pk}/"):
        assert other_client_portal.get(url).status_code == 404, url
        assert signed_in(alice).get(url).status_code == 404, url
        assert HttpClient().get(url).status_code == 302, url


def test_the_clinician_sets_the_rating_interval_per_assignment(planned, actor):
    from django.core.exceptions import ValidationError

    from bravely.planning.services.homework import assign_homework

    assert planned.assignment.rating_every_minutes == 3  # the Bravely default
    today = timezone.localdate()
    data = {"frequency_per_week": 2, "starts_on": today, "ends_on": today + timedelta(days=7),
            "instructions": "Ask and stay", "agreed_with_client": True}
    assignment = assign_homework(actor, planned.rungs[1], {**data, "rating_every_minutes": 5})
    assert assignment.rating_every_minutes == 5
    with pytest.raises(ValidationError) as error:
        assign_homework(actor, planned.rungs[2], {**data, "rating_every_minutes": 99})
    assert "rating_every_minutes" in error.value.message_dict
