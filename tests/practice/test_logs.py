from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.clients.services import record_consent
from bravely.practice.models import PracticeDraft, PracticeLog, RiskAlert
from tests.factories import log_form


@pytest.fixture
def url(planned):
    return f"/me/log/{planned.assignment.pk}/"


def test_client_logs_a_practice_with_snapshots_and_audit(portal, planned, url, jordan):
    response = portal.post(url, log_form())
    assert response.status_code == 302 and response.url == "/me/"
    log = PracticeLog.objects.get()
    assert (log.distress_before, log.distress_peak, log.distress_after) == (40, 60, 30)
    assert log.ceiling == 70 and not log.over_ceiling
    assert log.feared_outcome == "They will laugh at me" and log.likelihood_before == 80
    assert log.likelihood_after == 30 and log.safety_behaviours_used == ["Looking at my phone"]
    assert log.entered_by == jordan and log.source == "portal"
    assert AuditEvent.objects.filter(action="create", object_type="practicelog",
                                     actor=jordan, via="portal").exists()


def test_submitting_twice_creates_one_log(portal, url, planned):
    portal.post(url, log_form())
    portal.post(url, log_form())
    assert PracticeLog.objects.count() == 1


@pytest.mark.parametrize("field,value", [
    ("distress_peak", "101"), ("distress_before", "-1"), ("distress_after", "abc"),
    ("duration_minutes", "0"), ("duration_minutes", "1441"), ("likelihood_after", "120"),
])
def test_out_of_range_input_names_the_field_and_saves_nothing(portal, url, planned, field,
                                                               value):
    response = portal.post(url, log_form(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PracticeLog.objects.exists()


def test_thermometer_clients_are_held_to_their_own_scale(portal, url, planned):
    planned.client.distress_scale = "thermometer10"
    planned.client.save()
    response = portal.post(url, log_form(distress_before="4", distress_peak="11",
                                         distress_after="2"))
    assert "distress_peak" in response.context["form"].errors
    assert not PracticeLog.objects.exists()


def test_peak_below_before_is_confirmed_not_silently_fixed(portal, url, planned):
    response = portal.post(url, log_form(distress_before="50", distress_peak="40"))
    assert "distress_peak" in response.context["form"].errors
    assert not PracticeLog.objects.exists()
    response = portal.post(url, log_form(distress_before="50", distress_peak="40",
                                         peak_confirmed="on"))
    assert response.status_code == 302
    log = PracticeLog.objects.get()
    assert (log.distress_before, log.distress_peak) == (50, 40)


def test_future_start_is_refused(portal, url, planned):
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = portal.post(url, log_form(started_at=later))
    assert "started_at" in response.context["form"].errors


def test_stopping_early_needs_a_reason(portal, url, planned):
    response = portal.post(url, log_form(stopped_early="on"))
    assert "stopped_early_reason" in response.context["form"].errors
    portal.post(url, log_form(stopped_early="on", stopped_early_reason="Too much"))
    assert PracticeLog.objects.get().stopped_early


def test_peak_at_the_ceiling_brings_up_the_stop_screen(portal, url, planned):
    response = portal.post(url, log_form(distress_peak="85"))
    assert response.url == "/me/stop/"
    assert PracticeLog.objects.get().over_ceiling
    page = portal.get("/me/stop/").content.decode()
    assert "Step outside and breathe" in page


def test_another_clients_assignment_is_a_404(portal, planned, practice, bob, charlie):
    from bravely.audit.services import Actor
    from bravely.clients.services import create_client

    other = create_client(Actor(bob), practice, {"display_name": "Other",
                                                 "primary_clinician": bob, "region": "US"})
    assert portal.get(f"/me/log/{planned.assignment.pk + 1000}/").status_code == 404
    assert other.assignments.count() == 0


def test_a_rung_of_another_client_is_refused_by_the_service(planned, actor, practice, bob):
    from django.core.exceptions import ValidationError

    from bravely.audit.services import Actor
    from bravely.clients.services import create_client
    from bravely.practice.services import submit_log

    other = create_client(Actor(bob), practice, {"display_name": "Other",
                                                 "primary_clinician": bob, "region": "US"})
    record_consent(Actor(bob), other, decision="given", items=practice.consent_items.all())
    with pytest.raises(ValidationError) as error:
        submit_log(Actor(bob), other, planned.rungs[0], {
            "started_at": timezone.now(), "duration_minutes": 10, "distress_before": 10,
            "distress_peak": 20, "distress_after": 10}, idempotency_key="x")
    assert "rung" in error.value.message_dict
    assert not PracticeLog.objects.exists()


def test_archived_plan_cannot_be_logged(portal, url, planned):
    planned.plan.status = "archived"
    planned.plan.save()
    response = portal.post(url, log_form())
    assert "archived" in response.content.decode()
    assert not PracticeLog.objects.exists()


def test_a_completed_plan_still_takes_maintenance_practice(portal, url, planned):
    planned.plan.status = "completed"
    planned.plan.save()
    assert portal.post(url, log_form()).status_code == 302
    assert PracticeLog.objects.count() == 1


def test_withdrawn_consent_stops_new_logs_with_a_clear_message(portal, url, planned, actor):
    record_consent(actor, planned.client, decision="withdrawn")
    response = portal.post(url, log_form())
    assert "Consent to exposure treatment is not in force" in response.content.decode()
    assert not PracticeLog.objects.exists()


def test_risk_in_a_log_raises_an_alert_for_the_care_team(portal, url, planned,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        portal.post(url, log_form(risk_flag="on"))
    alert = RiskAlert.objects.get()
    assert alert.source == "log" and alert.is_open
    assert mail.outbox and "alice@example.org" in mail.outbox[0].to
    assert "Jordan" not in mail.outbox[0].body  # no clinical detail by e-mail


def test_draft_is_saved_as_the_client_goes_and_restored(portal, url, planned):
    assert portal.post("/me/log/draft/", {"idempotency_key": "draft-1",
                                          "assignment": planned.assignment.pk,
                                          "what_happened": "Half written"}).status_code == 204
    page = portal.get(url)
    assert "Half written" in page.content.decode()
    assert page.context["form"]["idempotency_key"].value() == "draft-1"
    portal.post(url, log_form(idempotency_key="draft-1"))
    assert not PracticeDraft.objects.exists()


def test_clinician_records_a_practice_in_session(planned):
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(planned.client.primary_clinician)
    url = f"/clients/{planned.client.pk}/practice/session/{planned.rungs[0].pk}/"
    response = http.post(url, log_form())
    log = PracticeLog.objects.get()
    assert response.url == f"/clients/{planned.client.pk}/practice/{log.pk}/"
    assert log.source == "session"
    assert "They said hello back" in http.get(response.url).content.decode()
