"""Homework: a rung, frequency, a date window, contexts, instructions and the coping/exit plan."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.clients import services as client_services
from bravely.planning import services
from bravely.planning.models import HomeworkAssignment, Rung
from tests.factories import (
    READY,
    make_assignment,
    make_client,
    make_plan,
    make_rungs,
    make_safety,
)

TODAY = timezone.localdate()


def homework_post(**extra):
    data = {"frequency_per_week": 4, "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=6)).isoformat(),
            "contexts_to_vary": "Different meetings\nDifferent people",
            "instructions": "Ask one question.", "coping_plan": "At 60: breathe. At 80: leave.",
            "agreed_with_client": "on"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_clinician_assigns_homework_agreed_with_the_client(web, actor, client_record, ladder,
                                                           safety):
    rung = ladder[0]
    url = reverse("assignment_new", args=[client_record.pk, rung.pk])
    page = web.get(url).content.decode()
    assert "At 80: stop the practice and use an exit strategy." in page  # drafted plan
    response = web.post(url, homework_post())
    assignment = HomeworkAssignment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("rationale_sign", args=[client_record.pk, assignment.pk])
    assert (assignment.rung, assignment.frequency_per_week, assignment.safety) == (rung, 4,
                                                                                    safety)
    assert assignment.agreed_with_client and assignment.coping_plan.startswith("At 60")
    rung.refresh_from_db()
    assert rung.status == "active"
    assert AuditEvent.objects.filter(action="create", object_type="homeworkassignment").exists()
    page = web.get(reverse("assignment_detail", args=[client_record.pk, assignment.pk]))
    assert "Different people" in page.content.decode()


def test_a_window_that_ends_before_it_starts_is_refused(web, actor, client_record, ladder):
    response = web.post(reverse("assignment_new", args=[client_record.pk, ladder[0].pk]),
                        homework_post(ends_on=(TODAY - timedelta(days=1)).isoformat()))
    page = response.content.decode()
    assert response.status_code == 200 and "Until" in page and "before it starts" in page
    with pytest.raises(ValidationError) as error:
        make_assignment(actor, ladder[0], ends_on=TODAY - timedelta(days=2))
    assert "ends_on" in error.value.message_dict
    assert not HomeworkAssignment.objects.exists()
    assert Rung.objects.get(pk=ladder[0].pk).status == "planned"  # nothing half-saved


@pytest.mark.parametrize("field, value, text", [
    ("agreed_with_client", None, "once the client has agreed"),
    ("frequency_per_week", 0, "greater than or equal to 1"),
    ("frequency_per_week", 30, "less than or equal to 21"),
    ("instructions", "", "This field is required"),
])
def test_other_bad_homework_input_is_refused(web, client_record, ladder, field, value, text):
    response = web.post(reverse("assignment_new", args=[client_record.pk, ladder[0].pk]),
                        homework_post(**{field: value}))
    assert text in response.content.decode()
    assert not HomeworkAssignment.objects.exists()


def test_homework_needs_consent_safety_parameters_and_no_open_hold(actor, practice, alice,
                                                                  statement):
    client = make_client(practice, alice, consent=False)
    plan = make_plan(actor, client)
    rung = make_rungs(actor, plan, [], predictions=(30,))[0]
    with pytest.raises(ValidationError, match="consent"):
        make_assignment(actor, rung)
    client_services.record_consent(actor, client, decision="given",
                                   items=practice.consent_items.all())
    with pytest.raises(ValidationError, match="safety parameters"):
        make_assignment(actor, rung)
    make_safety(actor, client)
    services.record_readiness(actor, client, {**READY, "dissociation": True})
    with pytest.raises(ValidationError, match="on hold"):
        make_assignment(actor, rung)
    services.clear_hold(actor, client.readiness_screens.get().holds.get(),
                        "Grounding plan in place; monitor.")
    # a draft plan, a rung with no value, unacknowledged parameters: each needs an override
    with pytest.raises(ValidationError) as error:
        make_assignment(actor, rung)
    assert set(error.value.message_dict) == {"rung", "plan", "safety"}
    assert make_assignment(actor, rung, override_reason="Agreed in session; see notes.").pk


def test_skipped_rung_cannot_be_assigned(actor, ladder):
    services.decline_rung(actor, ladder[0])
    with pytest.raises(ValidationError, match="skipped"):
        make_assignment(actor, Rung.objects.get(pk=ladder[0].pk))


def test_cancelling_keeps_the_assignment(web, actor, client_record, ladder):
    assignment = make_assignment(actor, ladder[0])
    url = reverse("assignment_cancel", args=[client_record.pk, assignment.pk])
    web.post(url, {"reason": ""})
    assignment.refresh_from_db()
    assert assignment.status == "active"
    web.post(url, {"reason": "Client unwell"})
    assignment.refresh_from_db()
    assert (assignment.status, assignment.cancel_reason) == ("cancelled", "Client unwell")
    assert AuditEvent.objects.filter(action="archive", object_type="homeworkassignment").exists()


@pytest.mark.parametrize("window,field", [
    ((-30, -1), "ends_on"),  # entirely in the past
    ((400, 410), "starts_on"),  # more than a year away
])
def test_a_window_in_the_past_or_far_ahead_is_refused(actor, client_record, ladder, window,
                                                      field):
    with pytest.raises(ValidationError) as error:
        make_assignment(actor, ladder[0], starts_on=TODAY + timedelta(days=window[0]),
                        ends_on=TODAY + timedelta(days=window[1]))
    assert field in error.value.message_dict
    assert not HomeworkAssignment.objects.exists()
