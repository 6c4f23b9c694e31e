"""Checks that homework needs an explicit override for: a rung above the ceiling or with no linked
value, a plan that is not active, safety parameters the client has not acknowledged. Refused
without a reason (naming the field), accepted with one, the reason recorded, audited and shown in
the rationale, on the service, the page and the API."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.planning import services
from bravely.planning.models import HomeworkAssignment
from tests.factories import make_assignment, make_rungs, make_safety, rung_data

TODAY = timezone.localdate()
REASON = "Client asked for this step; reviewed the risks together."


def page_post(**extra):
    data = {"frequency_per_week": 3, "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=6)).isoformat(),
            "instructions": "Ask one question.", "coping_plan": "At 80: leave.",
            "agreed_with_client": "on", **extra}
    return data


@pytest.fixture
def high_rung(actor, plan, statement, ladder):
    """A rung predicted at 90, above the ceiling of 80 in force (ladder acknowledged it)."""
    return services.add_rung(actor, plan, rung_data(90, behaviour="Give the talk"), [statement])


@pytest.fixture
def valueless_rung(actor, plan, ladder):
    return make_rungs(actor, plan, [], predictions=(45,))[0]


def refused_fields(rung, actor, **extra):
    with pytest.raises(ValidationError) as error:
        make_assignment(actor, rung, **extra)
    return error.value.message_dict


def test_a_rung_above_the_ceiling_needs_an_override(actor, high_rung):
    errors = refused_fields(high_rung, actor)
    assert list(errors) == ["rung"] and "above the ceiling in force (80)" in errors["rung"][0]
    assert "reason for the override" in errors["rung"][0]
    assert not HomeworkAssignment.objects.exists()
    assignment = make_assignment(actor, high_rung, override_reason=REASON)
    assert assignment.override_reason == REASON
    assert [c["code"] for c in assignment.overridden] == ["above_ceiling"]
    event = AuditEvent.objects.get(action="create", object_type="homeworkassignment")
    assert event.details["override"] == {"reason": REASON, "checks": ["above_ceiling"]}


def test_a_rung_with_its_own_lower_ceiling_is_held_to_it(actor, plan, statement, ladder):
    rung = services.add_rung(actor, plan, rung_data(60, own_ceiling=50), [statement])
    assert "ceiling in force (50)" in refused_fields(rung, actor)["rung"][0]


def test_a_rung_with_no_value_needs_an_override(actor, valueless_rung):
    assert "serves no value" in refused_fields(valueless_rung, actor)["rung"][0]
    assert make_assignment(actor, valueless_rung, override_reason=REASON).overridden[0][
        "code"] == "no_value"


@pytest.mark.parametrize("status", ["draft", "paused", "completed"])
def test_a_plan_that_is_not_active_needs_an_override(actor, plan, ladder, status):
    services.update_plan(actor, plan, {"status": status}, version=plan.version)
    errors = refused_fields(ladder[0], actor)
    assert list(errors) == ["plan"] and "not active" in errors["plan"][0]
    assert make_assignment(actor, ladder[0], override_reason=REASON).pk


def test_unacknowledged_safety_parameters_need_an_override(actor, client_record, ladder):
    make_safety(actor, client_record, ceiling=85)  # a new version, not yet acknowledged
    errors = refused_fields(ladder[0], actor)
    assert list(errors) == ["safety"] and "version 2" in errors["safety"][0]
    assert make_assignment(actor, ladder[0], override_reason=REASON).pk


def test_a_blank_reason_is_no_override_and_no_reason_is_kept_without_a_check(actor, ladder,
                                                                             high_rung):
    assert "rung" in refused_fields(high_rung, actor, override_reason="   ")
    plain = make_assignment(actor, ladder[0], override_reason="Not needed")
    assert plain.override_reason == "" and plain.overridden == []


def test_the_override_is_in_the_draft_and_the_signed_rationale(actor, high_rung):
    assignment = make_assignment(actor, high_rung, override_reason=REASON)
    assert REASON in services.draft_rationale(assignment)
    signed = services.sign_rationale(actor, assignment, "Clinician's own words, no override.")
    assert REASON in signed.text and "above the ceiling" in signed.text


def test_the_page_shows_the_checks_refuses_without_a_reason_and_assigns_with_one(
        web, client_record, high_rung):
    url = reverse("assignment_new", args=[client_record.pk, high_rung.pk])
    page = web.get(url).content.decode()
    assert "Checks before assigning" in page and "above the ceiling in force" in page
    assert 'name="override_reason"' in page
    response = web.post(url, page_post())
    page = response.content.decode()
    assert response.status_code == 200 and "Give a reason for assigning this homework" in page
    assert not HomeworkAssignment.objects.exists()
    response = web.post(url, page_post(override_reason=REASON))
    assignment = HomeworkAssignment.objects.get()
    assert response.status_code == 302 and assignment.override_reason == REASON
    sign = web.get(reverse("rationale_sign", args=[client_record.pk, assignment.pk]))
    assert REASON in sign.content.decode()
    detail = web.get(reverse("assignment_detail", args=[client_record.pk, assignment.pk]))
    assert "Checks overridden" in detail.content.decode() and REASON in detail.content.decode()


def test_the_page_has_no_override_field_when_every_check_passes(web, client_record, ladder):
    page = web.get(reverse("assignment_new", args=[client_record.pk, ladder[0].pk]))
    assert 'name="override_reason"' not in page.content.decode()


def test_the_api_refuses_naming_the_field_and_records_the_override(api, client_record,
                                                                   high_rung):
    body = {"rung_id": high_rung.pk, "starts_on": str(TODAY),
            "ends_on": str(TODAY + timedelta(days=6)), "instructions": "Practise",
            "agreed_with_client": True}
    url = f"/clients/{client_record.pk}/assignments"
    response = api.post(url, body)
    assert response.status_code == 422
    assert [tuple(d["loc"]) for d in response.json()["detail"]] == [("body", "payload", "rung")]
    response = api.post(url, {**body, "override_reason": REASON})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["override_reason"] == REASON
    assert [c["code"] for c in data["overridden"]] == ["above_ceiling"]
    assert REASON in data["draft_rationale"]
    assert AuditEvent.objects.get(action="create", object_type="homeworkassignment",
                                  via="api").details["override"]["reason"] == REASON
