"""Informed consent for exposure treatment: versioned, snapshotted, never edited in place."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from bravely.audit.models import AuditEvent
from bravely.clients import services
from bravely.clients.models import ConsentItem, ConsentRecord


@pytest.fixture
def new_client(practice, alice, actor):
    """Alice's client with no consent recorded yet."""
    return services.create_client(actor, practice, {
        "display_name": "Priya Nair", "primary_clinician": alice, "region": "US",
    })


def items_of(practice, kind=None):
    items = ConsentItem.objects.filter(practice=practice)
    return items.filter(kind=kind) if kind else items


def snapshot(client):
    return ConsentRecord.objects.filter(client=client).count(), AuditEvent.objects.count()


def test_first_consent_is_version_one_with_snapshots(actor, practice, new_client):
    benefit = items_of(practice, "benefit").first()
    risks = list(items_of(practice, "risk")[:2])
    consent = services.record_consent(actor, new_client, decision="given",
                                      items=[benefit, *risks], note="Discussed today.")
    assert consent.version == 1
    assert consent.decision == "given"
    assert consent.benefits_discussed == [benefit.text]
    assert consent.risks_discussed == [r.text for r in risks]
    assert consent.recorded_by == actor.user
    assert consent.recorded_at is not None
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.client_id, event.details["version"]) == (
        "create", new_client.pk, 1)


def test_later_versions_increment(actor, practice, new_client):
    risk = items_of(practice, "risk").first()
    versions = [
        services.record_consent(actor, new_client, decision=d, items=[risk]).version
        for d in ("declined", "given", "given")
    ]
    assert versions == [1, 2, 3]
    assert list(new_client.consents.values_list("version", flat=True)) == [3, 2, 1]


def test_editing_the_checklist_later_does_not_change_earlier_records(
        actor, practice, new_client, dana):
    risk = items_of(practice, "risk").first()
    original = risk.text
    consent = services.record_consent(actor, new_client, decision="given", items=[risk])
    http = HttpClient()
    http.force_login(dana)
    response = http.post(f"/practice/consent-checklist/{risk.pk}/", {
        "kind": "risk", "text": "Reworded risk", "position": 0, "is_active": "on"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.text == "Reworded risk"
    consent.refresh_from_db()
    assert consent.risks_discussed == [original]


def test_a_saved_consent_record_cannot_be_edited(actor, practice, new_client):
    consent = services.record_consent(actor, new_client, decision="given",
                                      items=items_of(practice))
    consent.decision = "declined"
    with pytest.raises(ValueError, match="never edited"):
        consent.save()
    consent.refresh_from_db()
    assert consent.decision == "given"


def test_withdrawal_is_a_new_version(actor, client_record):
    first = client_record.consents.get()
    withdrawal = services.record_consent(actor, client_record, decision="withdrawn",
                                         note="Wants a break.")
    assert (withdrawal.version, withdrawal.decision) == (2, "withdrawn")
    first.refresh_from_db()
    assert first.decision == "given"
    assert client_record.consents.count() == 2


def test_withdrawal_through_the_page_needs_no_items(alice, client_record):
    http = HttpClient()
    http.force_login(alice)
    response = http.post(f"/clients/{client_record.pk}/consent/", {"decision": "withdrawn"})
    assert response.status_code == 302
    latest = client_record.consents.first()
    assert (latest.version, latest.decision) == (2, "withdrawn")
    assert (latest.benefits_discussed, latest.risks_discussed) == ([], [])


def test_withdrawing_without_consent_in_force_is_refused(alice, actor, new_client):
    before = snapshot(new_client)
    with pytest.raises(ValidationError) as error:
        services.record_consent(actor, new_client, decision="withdrawn")
    assert "decision" in error.value.message_dict

    http = HttpClient()
    http.force_login(alice)
    response = http.post(f"/clients/{new_client.pk}/consent/", {"decision": "withdrawn"})
    assert response.status_code == 200
    assert response.context["form"].errors["decision"] == [
        "There is no consent in force to withdraw."]
    assert snapshot(new_client) == before


def test_withdrawing_twice_is_refused(actor, client_record):
    services.record_consent(actor, client_record, decision="withdrawn")
    before = snapshot(client_record)
    with pytest.raises(ValidationError) as error:
        services.record_consent(actor, client_record, decision="withdrawn")
    assert "decision" in error.value.message_dict
    assert snapshot(client_record) == before


def test_consent_given_needs_a_risk_discussed(alice, actor, practice, new_client):
    benefits = list(items_of(practice, "benefit"))
    before = snapshot(new_client)
    with pytest.raises(ValidationError) as error:
        services.record_consent(actor, new_client, decision="given", items=benefits)
    assert "items" in error.value.message_dict

    http = HttpClient()
    http.force_login(alice)
    response = http.post(f"/clients/{new_client.pk}/consent/", {
        "decision": "given", "items": [b.pk for b in benefits]})
    assert response.status_code == 200
    assert "at least one risk" in " ".join(response.context["form"].errors["items"])
    assert snapshot(new_client) == before


def test_items_from_another_practice_are_refused(alice, actor, other_practice, new_client):
    services.seed_consent_items(other_practice)
    foreign = list(items_of(other_practice))
    before = snapshot(new_client)
    with pytest.raises(ValidationError) as error:
        services.record_consent(actor, new_client, decision="given", items=foreign)
    assert "items" in error.value.message_dict

    http = HttpClient()
    http.force_login(alice)
    response = http.post(f"/clients/{new_client.pk}/consent/", {
        "decision": "given", "items": [i.pk for i in foreign]})
    assert response.status_code == 200
    assert "items" in response.context["form"].errors
    assert snapshot(new_client) == before


def test_unknown_decision_is_refused(alice, new_client, practice):
    before = snapshot(new_client)
    http = HttpClient()
    http.force_login(alice)
    response = http.post(f"/clients/{new_client.pk}/consent/", {
        "decision": "maybe", "items": [i.pk for i in items_of(practice)]})
    assert response.status_code == 200
    assert "decision" in response.context["form"].errors
    assert snapshot(new_client) == before


def test_recording_consent_through_the_page(alice, practice, new_client):
    risk = items_of(practice, "risk").first()
    benefit = items_of(practice, "benefit").first()
    http = HttpClient()
    http.force_login(alice)
    response = http.post(f"/clients/{new_client.pk}/consent/", {
        "decision": "given", "items": [risk.pk, benefit.pk], "note": "Agreed."})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{new_client.pk}/"
    consent = new_client.consents.get()
    assert (consent.version, consent.decision, consent.note) == (1, "given", "Agreed.")
    assert consent.risks_discussed == [risk.text]
    assert consent.benefits_discussed == [benefit.text]
    assert consent.recorded_by == alice
    page = http.get(f"/clients/{new_client.pk}/").content.decode()
    assert risk.text in page


@pytest.mark.parametrize("who", ["ruth", "bob", "charlie"])
def test_others_cannot_record_consent(who, everyone, practice, client_record):
    before = snapshot(client_record)
    http = HttpClient()
    http.force_login(everyone[who])
    response = http.post(f"/clients/{client_record.pk}/consent/", {
        "decision": "withdrawn"})
    assert response.status_code == 404
    assert snapshot(client_record) == before
    assert client_record.consents.get().decision == "given"
