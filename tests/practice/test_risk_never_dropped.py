"""A risk answer reaches the care team whatever else happens to the submission."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.clients.services import record_consent
from bravely.practice.models import CheckIn, PracticeLog, RiskAlert
from tests.factories import log_form, token


@pytest.fixture
def url(planned):
    return f"/me/log/{planned.assignment.pk}/"


def test_changing_a_check_in_answer_to_yes_after_going_back_still_alerts(
        portal, planned, django_capture_on_commit_callbacks):
    portal.post("/me/check-in/", {"idempotency_key": "same", "risk": "no"})
    with django_capture_on_commit_callbacks(execute=True):
        page = portal.post("/me/check-in/", {"idempotency_key": "same", "risk": "yes"})
    assert "Thank you for telling us" in page.content.decode()
    assert RiskAlert.objects.filter(client=planned.client, closed_at__isnull=True).count() == 1
    assert CheckIn.objects.count() == 1
    assert mail.outbox and mail.outbox[0].to == ["alice@example.org"]


def test_same_answers_twice_are_one_check_in_and_one_alert(portal, planned):
    for _ in range(2):
        portal.post("/me/check-in/", {"idempotency_key": "k", "risk": "yes"})
    assert CheckIn.objects.count() == 1 and RiskAlert.objects.count() == 1


def test_a_reused_log_key_with_new_answers_is_refused_not_silently_ignored(portal, url,
                                                                           planned):
    portal.post(url, log_form(idempotency_key="k1"))
    page = portal.post(url, log_form(idempotency_key="k1", distress_peak="65"))
    assert "already sent with different answers" in page.content.decode()
    assert PracticeLog.objects.get().distress_peak == 60


def test_a_reused_log_key_now_flagging_risk_alerts_the_team(portal, url, planned):
    portal.post(url, log_form(idempotency_key="k1"))
    page = portal.post(url, log_form(idempotency_key="k1", risk_flag="on"))
    assert "Thank you for telling us" in page.content.decode()
    assert RiskAlert.objects.filter(source="log").count() == 1


def test_a_risk_log_refused_for_withdrawn_consent_still_alerts(portal, url, planned, actor):
    record_consent(actor, planned.client, decision="withdrawn")
    page = portal.post(url, log_form(risk_flag="on"))
    assert not PracticeLog.objects.exists()
    assert RiskAlert.objects.filter(client=planned.client).count() == 1
    assert "988" in page.content.decode() or "crisis" in page.content.decode().lower()


def test_a_risk_check_in_with_a_bad_rating_through_the_api_still_alerts(planned, alice):
    from django.test import Client as HttpClient

    raw = token(alice, "t")
    response = HttpClient().post(
        f"/api/v1/clients/{planned.client.pk}/check-ins",
        {"risk": True, "idempotency_key": "z",
         "value_ratings": [{"statement_id": 999999, "rating": 3}]},
        content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 422
    assert RiskAlert.objects.filter(client=planned.client).count() == 1


def test_a_risk_log_shows_support_at_once(portal, url, planned):
    page = portal.post(url, log_form(risk_flag="on"))
    assert "Thank you for telling us" in page.content.decode()


def test_an_old_backdated_risk_alert_shows_on_the_client_page(planned, actor, alice):
    from django.test import Client as HttpClient

    from bravely.practice.services import submit_log

    submit_log(actor, planned.client, planned.rungs[0], {
        "started_at": timezone.now() - timedelta(days=20), "duration_minutes": 10,
        "distress_before": 10, "distress_peak": 20, "distress_after": 10, "risk_flag": True},
        idempotency_key="old")
    http = HttpClient()
    http.force_login(alice)
    page = http.get(f"/clients/{planned.client.pk}/").content.decode()
    assert "Open risk alerts" in page


def test_deactivated_care_team_means_admins_are_told(planned, dana, alice,
                                                     django_capture_on_commit_callbacks):
    from bravely.audit.services import Actor
    from bravely.practice.services import submit_check_in

    alice.membership.is_active = False
    alice.membership.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit_check_in(Actor(alice), planned.client, {"risk": True}, idempotency_key="r")
    assert mail.outbox[-1].to == ["dana@example.org"]


def test_drafts_are_audited(portal, planned):
    portal.post("/me/log/draft/", {"idempotency_key": "d", "what_happened": "x"})
    assert AuditEvent.objects.filter(object_type="practicedraft", action="update").exists()


# Refused by the form itself (before any service runs) --------------------------------------------

def test_a_risk_check_in_with_an_out_of_range_rating_alerts_and_keeps_the_note(
        portal, planned, django_capture_on_commit_callbacks):
    field = f"value_{planned.statement.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        page = portal.post("/me/check-in/", {"idempotency_key": "c1", "risk": "yes",
                                             field: "11", "note": "Hard week"})
    html = page.content.decode()
    assert page.status_code == 200 and field in page.context["form"].errors
    assert "Thank you for telling us" in html and "Example US crisis line" in html
    assert "Hard week" in html  # nothing the client wrote is lost
    assert RiskAlert.objects.filter(client=planned.client, check_in=None).count() == 1
    assert not CheckIn.objects.exists() and len(mail.outbox) == 1


def test_distress_beyond_the_scale_is_refused_by_the_check_in_form(portal, planned):
    page = portal.post("/me/check-in/", {"idempotency_key": "c2", "risk": "no",
                                         "tolerable_distress": "150", "note": "Kept"})
    assert "tolerable_distress" in page.context["form"].errors
    assert "Kept" in page.content.decode()
    assert not CheckIn.objects.exists() and not RiskAlert.objects.exists()


def test_a_risk_log_refused_by_the_form_alerts_once_and_links_when_sent_again(
        portal, url, planned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = portal.post(url, log_form(risk_flag="on", distress_peak="150"))
    assert "distress_peak" in page.context["form"].errors
    assert "Thank you for telling us" in page.content.decode()
    assert "They said hello back" in page.content.decode()
    assert RiskAlert.objects.filter(source="log", log=None).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        portal.post(url, log_form(risk_flag="on", distress_peak="150"))  # sent again, unchanged
        done = portal.post(url, log_form(risk_flag="on"))  # corrected
    assert "Thank you for telling us" in done.content.decode()
    log = PracticeLog.objects.get()
    alert = RiskAlert.objects.get()
    assert alert.log == log and alert.is_open
    assert len(mail.outbox) == 1  # one event, one e-mail


def test_a_refused_risk_answer_long_ago_is_not_reused(portal, planned):
    old = RiskAlert.objects.create(client=planned.client, source="check_in",
                                   raised_at=timezone.now() - timedelta(hours=2))
    portal.post("/me/check-in/", {"idempotency_key": "c3", "risk": "yes"})
    assert RiskAlert.objects.exclude(pk=old.pk).get().check_in is not None


def test_a_no_to_risk_in_an_invalid_form_raises_nothing(portal, url, planned):
    portal.post(url, log_form(distress_peak="150"))
    portal.post("/me/check-in/", {"idempotency_key": "c4", "risk": "no",
                                 "tolerable_distress": "-1"})
    assert not RiskAlert.objects.exists()
