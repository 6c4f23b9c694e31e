import pytest
from django.core import mail

from bravely.clients.services import record_consent
from bravely.planning.models import CrisisResource
from bravely.practice.models import CheckIn, RiskAlert


@pytest.fixture
def crisis_line(practice):
    return CrisisResource.objects.create(practice=practice, region="US", name="988 Lifeline",
                                         contact="Call or text 988")


def form(**overrides):
    return {"idempotency_key": "ci-1", "risk": "no", "tolerable_distress": "60", **overrides}


def test_a_check_in_is_saved_with_the_practices_question(portal, planned):
    assert portal.post("/me/check-in/", form()).status_code == 302
    entry = CheckIn.objects.get()
    assert entry.risk is False and entry.tolerable_distress == 60
    assert "harming yourself" in entry.risk_question


def test_risk_yes_shows_crisis_resources_at_once_and_alerts_the_team(
        portal, planned, crisis_line, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = portal.post("/me/check-in/", form(risk="yes"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "988 Lifeline" in text and "Step outside and breathe" in text
    alert = RiskAlert.objects.get()
    assert alert.check_in.risk and alert.is_open
    assert mail.outbox[0].to == ["alice@example.org"]


def test_crisis_resources_follow_the_clients_region(portal, planned, crisis_line, practice):
    CrisisResource.objects.create(practice=practice, region="GB", name="Samaritans",
                                  contact="116 123")
    text = portal.get("/me/stop/").content.decode()
    assert "988 Lifeline" in text and "Samaritans" not in text
    planned.client.region = "GB"
    planned.client.save()
    text = portal.get("/me/stop/").content.decode()
    assert "Samaritans" in text and "988 Lifeline" not in text


def test_risk_question_must_be_answered(portal, planned):
    page = portal.post("/me/check-in/", {"idempotency_key": "k", "tolerable_distress": "10"})
    assert "risk" in page.context["form"].errors
    assert not CheckIn.objects.exists()


def test_tolerable_distress_outside_the_scale_is_refused(portal, planned):
    page = portal.post("/me/check-in/", form(tolerable_distress="140"))
    assert "tolerable_distress" in page.context["form"].errors
    assert not CheckIn.objects.exists()


def test_top_values_are_rated(portal, planned):
    key = f"value_{planned.statement.pk}"
    portal.post("/me/check-in/", form(**{key: "6"}))
    assert CheckIn.objects.get().value_ratings == [
        {"statement_id": planned.statement.pk, "text": "Be there for my friends", "rating": 6}]


def test_double_submit_is_one_check_in(portal, planned):
    portal.post("/me/check-in/", form())
    portal.post("/me/check-in/", form())
    assert CheckIn.objects.count() == 1


def test_after_consent_withdrawal_a_check_in_is_refused_but_risk_is_never_dropped(
        portal, planned, actor):
    record_consent(actor, planned.client, decision="withdrawn")
    page = portal.post("/me/check-in/", form())
    assert "not in force" in page.content.decode()
    assert not CheckIn.objects.exists()
    portal.post("/me/check-in/", form(idempotency_key="ci-2", risk="yes"))
    assert RiskAlert.objects.filter(check_in__risk=True).count() == 1


def test_risk_alert_closes_only_with_a_note(planned, portal):
    from django.test import Client as HttpClient

    portal.post("/me/check-in/", form(risk="yes"))
    alert = RiskAlert.objects.get()
    http = HttpClient()
    http.force_login(planned.client.primary_clinician)
    url = f"/clients/{planned.client.pk}/risk-alerts/{alert.pk}/close/"
    page = http.post(url, {"note": "  "})
    assert "note" in page.context["form"].errors
    alert.refresh_from_db()
    assert alert.is_open
    assert http.post(url, {"note": "Phoned; safety plan reviewed"}).status_code == 302
    alert.refresh_from_db()
    assert not alert.is_open and alert.closed_by == planned.client.primary_clinician


def test_admin_sets_the_practices_risk_question_and_frequency(dana, practice, planned, portal):
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(dana)
    page = http.post("/practice/check-ins/", {"risk_question": "", "every_days": "0"})
    assert {"risk_question", "every_days"} <= set(page.context["form"].errors)
    http.post("/practice/check-ins/", {"risk_question": "Any thoughts of self-harm?",
                                       "every_days": "14"})
    assert "Any thoughts of self-harm?" in portal.get("/me/check-in/").content.decode()
    portal.post("/me/check-in/", form())
    assert CheckIn.objects.get().risk_question == "Any thoughts of self-harm?"


def test_clinician_sets_one_clients_check_in_frequency(planned, portal, jordan):
    from django.test import Client as HttpClient

    portal.post("/me/check-in/", form())
    CheckIn.objects.update(at=CheckIn.objects.get().at - __import__("datetime").timedelta(days=8))
    assert "check-in is due" in portal.get("/me/").content.decode()
    http = HttpClient()
    http.force_login(planned.client.primary_clinician)
    http.post(f"/clients/{planned.client.pk}/portal/", {"check_in": "1", "every_days": "14"})
    jordan.client_account.refresh_from_db()
    assert jordan.client_account.check_in_every_days == 14
    assert "check-in is due" not in portal.get("/me/").content.decode()
