"""Safety parameters (versioned, acknowledged), crisis resources by region, readiness holds."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bravely.audit.models import AuditEvent
from bravely.planning import services
from bravely.planning.models import (
    Clearance,
    ImmutableError,
    ReadinessHold,
    ReadinessScreen,
    SafetyAcknowledgement,
    SafetyParameters,
)
from tests.factories import READY, make_client, make_plan, make_safety


def safety_post(**extra):
    data = {
        "distress_ceiling": 80, "coping_level": 60,
        "exit_strategies": "Step outside\n\nCall my sister\n",
        "escalation_plan": "Call the clinic", "setback_plan": "Smaller step", "based_on": 0,
        "skill-TOTAL_FORMS": 2, "skill-INITIAL_FORMS": 0,
        "skill-0-kind": "breathing", "skill-0-description": "", "skill-0-allowed_during_exposure":
        "on",
        "skill-1-kind": "reappraisal", "skill-1-description": "Check the evidence",
        "contact-TOTAL_FORMS": 1, "contact-INITIAL_FORMS": 0,
        "contact-0-name": "Ana", "contact-0-relationship": "sister", "contact-0-contact": "555",
    }
    data.update(extra)
    return data


def test_clinician_records_versions_and_earlier_ones_stay(web, client_record):
    url = reverse("safety_edit", args=[client_record.pk])
    assert web.get(url).status_code == 200
    assert web.post(url, safety_post()).status_code == 302
    first = SafetyParameters.objects.get()
    assert (first.version, first.distress_ceiling, first.coping_level) == (1, 80, 60)
    assert first.exit_strategies == ["Step outside", "Call my sister"]
    assert first.coping_skills == [
        {"kind": "breathing", "description": "", "allowed_during_exposure": True},
        {"kind": "reappraisal", "description": "Check the evidence",
         "allowed_during_exposure": False}]
    assert first.support_contacts == [{"name": "Ana", "relationship": "sister",
                                       "contact": "555"}]
    assert web.post(url, safety_post(distress_ceiling=75, based_on=1,
                                     change_note="Lower after a hard week")).status_code == 302
    assert list(SafetyParameters.objects.values_list("version", "distress_ceiling")) == [
        (2, 75), (1, 80)]
    first.refresh_from_db()
    assert first.distress_ceiling == 80
    with pytest.raises(ImmutableError):
        first.save()
    page = web.get(reverse("safety_detail", args=[client_record.pk])).content.decode()
    assert "Lower after a hard week" in page and "Version 1" in page
    assert AuditEvent.objects.filter(action="create", object_type="safetyparameters").count() == 2


def test_a_ceiling_at_or_below_the_coping_level_is_refused(web, actor, client_record):
    url = reverse("safety_edit", args=[client_record.pk])
    page = web.post(url, safety_post(distress_ceiling=50, coping_level=60)).content.decode()
    assert "must be above the use-my-coping-plan level" in page
    with pytest.raises(ValidationError) as error:
        make_safety(actor, client_record, ceiling=60, coping=60)
    assert "distress_ceiling" in error.value.message_dict
    assert not SafetyParameters.objects.exists()


@pytest.mark.parametrize("scale, ceiling", [("suds100", 101), ("thermometer10", 11),
                                            ("thermometer10", 80)])
def test_distress_outside_the_clients_scale_is_refused(web, practice, alice, scale, ceiling):
    client = make_client(practice, alice, scale=scale)
    page = web.post(reverse("safety_edit", args=[client.pk]),
                    safety_post(distress_ceiling=ceiling, coping_level="")).content.decode()
    assert "Distress ceiling" in page and f"not {ceiling}" in page
    assert not SafetyParameters.objects.exists()


def test_exit_strategies_are_required(web, client_record):
    page = web.post(reverse("safety_edit", args=[client_record.pk]),
                    safety_post(exit_strategies="  \n")).content.decode()
    assert "This field is required" in page or "exit strategy" in page
    assert not SafetyParameters.objects.exists()


def test_stale_version_is_refused(actor, client_record):
    make_safety(actor, client_record)
    with pytest.raises(ValidationError) as error:
        make_safety(actor, client_record, based_on=0)
    assert "Someone else changed this" in error.value.message_dict["based_on"][0]
    assert SafetyParameters.objects.count() == 1


def test_saving_unchanged_parameters_makes_no_new_version(web, client_record):
    url = reverse("safety_edit", args=[client_record.pk])
    assert web.post(url, safety_post()).status_code == 302
    again = {"based_on": 1, "skill-INITIAL_FORMS": 2, "contact-INITIAL_FORMS": 1}  # as rendered
    page = web.post(url, safety_post(**again))
    assert page.status_code == 200
    assert "Nothing changed since version 1" in page.content.decode()
    assert SafetyParameters.objects.count() == 1
    assert web.post(url, safety_post(**again, distress_ceiling=75)).status_code == 302
    latest = SafetyParameters.objects.get(version=2)
    assert latest.distress_ceiling == 75 and len(latest.coping_skills) == 2


def test_crisis_resources_come_from_the_practice_list_by_region(actor, practice, alice):
    for region, name in [("US", "988"), ("GB", "Samaritans"), ("US-CA", "California line")]:
        services.save_crisis_resource(actor, practice, None,
                                      {"region": region, "name": name, "contact": "1"})
    us = make_client(practice, alice, name="US", region="US")
    ca = make_client(practice, alice, name="CA", region="US-CA")
    au = make_client(practice, alice, name="AU", region="AU")
    assert [r.name for r in services.crisis_resources_for(us)] == ["988"]
    assert sorted(r.name for r in services.crisis_resources_for(ca)) == ["988",
                                                                        "California line"]
    assert services.crisis_resources_for(au) == []
    version = make_safety(actor, us)
    assert [r["name"] for r in version.crisis_resources] == ["988"]


def test_bad_crisis_region_is_refused(actor, practice):
    with pytest.raises(ValidationError) as error:
        services.save_crisis_resource(actor, practice, None,
                                      {"region": "usa", "name": "x", "contact": "1"})
    assert "region" in error.value.message_dict


def test_client_acknowledges_the_version_in_force(web, actor, client_record):
    first = make_safety(actor, client_record)
    url = reverse("safety_acknowledge", args=[client_record.pk, first.pk])
    assert web.post(url, {"method": "session", "note": "Read together"}).status_code == 302
    ack = SafetyAcknowledgement.objects.get()
    assert (ack.parameters, ack.method, ack.recorded_by) == (first, "session", actor.user)
    make_safety(actor, client_record, ceiling=70, based_on=1)
    with pytest.raises(ValidationError):
        services.acknowledge_safety(actor, first)
    assert SafetyAcknowledgement.objects.count() == 1


def test_coping_plan_hides_skills_not_allowed_during_exposures(actor, client_record):
    version = make_safety(actor, client_record)
    text = services.coping_plan_text(version)
    assert "At 60: use my coping plan (Breathing)" in text
    assert "Not during the practice: Check the evidence." in text
    assert "1. Step outside" in text


def test_positive_readiness_answer_puts_exposure_on_hold_until_cleared(web, actor,
                                                                      client_record):
    answers = {name: "no" for name in services.READINESS_FIELDS}
    answers.update(interoceptive_planned="yes", cardiac="yes", psychosis="yes", pregnancy="no")
    response = web.post(reverse("readiness_new", args=[client_record.pk]), answers)
    assert response.status_code == 302
    screen = ReadinessScreen.objects.get()
    assert sorted(h.code for h in screen.holds.all()) == ["cardiac", "psychosis"]
    assert {h.needs for h in screen.holds.all()} == {"clinician_clearance", "medical_clearance"}
    assert len(services.open_holds(client_record)) == 2

    plan = make_plan(actor, client_record)
    with pytest.raises(ValidationError) as error:
        services.update_plan(actor, plan, {"status": "active"}, version=1)
    assert "status" in error.value.message_dict

    cardiac = screen.holds.get(code="cardiac")
    url = reverse("hold_clear", args=[client_record.pk, cardiac.pk])
    page = web.post(url, {"rationale": "ok"}).content.decode()
    assert "at least 10 characters" in page
    assert web.post(url, {"rationale": "GP cleared interoceptive work on 3 May."}).status_code \
        == 302
    assert [h.code for h in services.open_holds(client_record)] == ["psychosis"]
    services.clear_hold(actor, screen.holds.get(code="psychosis"),
                        "Stable on medication; monitor each session.")
    assert services.open_holds(client_record) == []
    services.update_plan(actor, plan, {"status": "active"}, version=1)
    # holds and clearances are kept
    assert ReadinessHold.objects.count() == 2 and Clearance.objects.count() == 2
    with pytest.raises(ValidationError):
        services.clear_hold(actor, cardiac, "Cleared twice? Not allowed.")


def test_medical_condition_without_interoceptive_work_is_noted_not_held(actor, client_record):
    screen = services.record_readiness(actor, client_record, {**READY, "cardiac": True})
    assert not screen.holds.exists()
    assert services.open_holds(client_record) == []


def test_unanswered_readiness_question_is_not_a_no(web, client_record):
    answers = {name: "no" for name in services.READINESS_FIELDS}
    del answers["dissociation"]
    page = web.post(reverse("readiness_new", args=[client_record.pk]), answers).content.decode()
    assert "an unanswered question is not a no" in page
    assert not ReadinessScreen.objects.exists()
