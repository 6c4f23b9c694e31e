"""Drafted rationales: the clinician edits and signs; signed text never changes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bravely.audit.models import AuditEvent
from bravely.planning import services
from bravely.planning.models import ImmutableError, Rationale
from tests.factories import make_assignment


@pytest.fixture
def assignment(actor, ladder):
    return make_assignment(actor, ladder[0])


def test_draft_comes_from_the_value_the_outcome_and_the_safety_parameters(assignment,
                                                                          statement, safety):
    draft = services.draft_rationale(assignment)
    assert statement.text in draft
    assert "They will laugh" in draft and "60 % likely" in draft  # expected outcome tested
    assert f"version {safety.version}" in draft and "ceiling 80" in draft
    assert "3 times a week" in draft


def test_clinician_edits_and_signs_and_the_text_is_then_fixed(web, actor, client_record,
                                                              assignment):
    url = reverse("rationale_sign", args=[client_record.pk, assignment.pk])
    page = web.get(url).content.decode()
    assert "It serves what matters to the client" in page  # the draft is offered for editing
    response = web.post(url, {"text": "Edited: serves sharing ideas at work; ceiling 80."})
    assert response.status_code == 302
    signed = Rationale.objects.get()
    assert signed.text == "Edited: serves sharing ideas at work; ceiling 80."
    assert signed.signed_by == actor.user and "It serves" in signed.drafted_text
    signed.text = "Changed afterwards"
    with pytest.raises(ImmutableError):
        signed.save()
    assert AuditEvent.objects.filter(action="sign", object_type="rationale").exists()


def test_a_correction_is_a_new_entry_linked_to_the_signed_one(web, actor, client_record,
                                                              assignment):
    first = services.sign_rationale(actor, assignment, "First version of the rationale text.")
    url = reverse("rationale_sign", args=[client_record.pk, assignment.pk])
    page = web.post(url, {"text": "Corrected rationale text, ceiling 80.", "corrects": first.pk,
                          "correction_reason": ""}).content.decode()
    assert "This field is required" in page
    assert Rationale.objects.count() == 1
    response = web.post(url, {"text": "Corrected rationale text, ceiling 80.",
                              "corrects": first.pk, "correction_reason": "Wrong ceiling"})
    assert response.status_code == 302
    correction = Rationale.objects.exclude(pk=first.pk).get()
    assert (correction.corrects, correction.correction_reason) == (first, "Wrong ceiling")
    first.refresh_from_db()
    assert first.text == "First version of the rationale text."
    page = web.get(reverse("assignment_detail", args=[client_record.pk, assignment.pk]))
    assert "superseded" in page.content.decode()


def test_signing_again_without_correcting_the_latest_is_refused(actor, assignment):
    first = services.sign_rationale(actor, assignment, "First version of the rationale text.")
    with pytest.raises(ValidationError):
        services.sign_rationale(actor, assignment, "A second, unlinked rationale text.")
    second = services.sign_rationale(actor, assignment, "Corrected rationale text here.",
                                     corrects=first, correction_reason="typo")
    with pytest.raises(ValidationError):  # corrections correct the latest entry
        services.sign_rationale(actor, assignment, "Correcting an old one again here.",
                                corrects=first, correction_reason="again")
    assert list(Rationale.objects.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_empty_rationale_cannot_be_signed(actor, assignment):
    with pytest.raises(ValidationError) as error:
        services.sign_rationale(actor, assignment, "  short ")
    assert "text" in error.value.message_dict
    assert not Rationale.objects.exists()
