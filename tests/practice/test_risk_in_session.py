"""A risk answer recorded by the clinician in session reaches the care team too, marked as such."""

import pytest
from django.core import mail
from django.test import Client as HttpClient

from bravely.audit.models import AuditEvent
from bravely.practice.models import PracticeLog, RiskAlert
from tests.factories import log_form


@pytest.fixture
def clinician(planned):
    http = HttpClient()
    http.force_login(planned.client.primary_clinician)
    return http


@pytest.fixture
def url(planned):
    return f"/clients/{planned.client.pk}/practice/session/{planned.rungs[0].pk}/"


def test_a_risk_log_in_session_alerts_and_says_it_was_raised_in_session(
        clinician, url, planned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        clinician.post(url, log_form(risk_flag="on"))
    alert = RiskAlert.objects.get()
    assert alert.log == PracticeLog.objects.get() and alert.raised_in_session
    assert mail.outbox and mail.outbox[0].to == ["alice@example.org"]
    page = clinician.get(f"/clients/{planned.client.pk}/practice/").content.decode()
    assert "(raised in session)" in page


def test_a_risk_log_refused_by_the_session_form_still_alerts(clinician, url, planned):
    page = clinician.post(url, log_form(risk_flag="on", distress_peak="500"))
    assert page.status_code == 200 and not PracticeLog.objects.exists()
    alert = RiskAlert.objects.get(client=planned.client)
    assert alert.raised_in_session and alert.log is None
    assert "sent to the care team as an alert" in page.content.decode()
    event = AuditEvent.objects.filter(action="create", object_type="riskalert").get()
    assert event.details["in_session"] is True and event.details["submission_refused"] is True


def test_a_risk_log_refused_by_the_service_in_session_still_alerts(clinician, url, planned,
                                                                    actor):
    from bravely.clients.services import record_consent

    record_consent(actor, planned.client, decision="withdrawn")
    clinician.post(url, log_form(risk_flag="on"))
    assert not PracticeLog.objects.exists()
    assert RiskAlert.objects.get(client=planned.client).raised_in_session


def test_a_refused_session_log_without_risk_raises_nothing(clinician, url):
    clinician.post(url, log_form(distress_peak="500"))
    assert not RiskAlert.objects.exists()


def test_a_portal_risk_log_is_not_marked_as_in_session(portal, planned):
    portal.post(f"/me/log/{planned.assignment.pk}/", log_form(risk_flag="on"))
    assert not RiskAlert.objects.get().raised_in_session
