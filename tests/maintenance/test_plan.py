"""The relapse-prevention plan: suggestions, versions (nothing lost), stale saves, bad input, and
the client's acknowledgement in the portal."""

import pytest
from django.core.exceptions import ValidationError

from bravely.audit.models import AuditEvent
from bravely.clients.services import update_client
from bravely.core.models import ImmutableError
from bravely.maintenance import selectors, services
from bravely.maintenance.models import MaintenancePhase, RelapsePlan
from tests.factories import plan_data


def test_moving_to_maintenance_starts_the_phase_with_the_default_boosters(maint):
    phase = maint.phase
    assert phase is not None
    assert [b.number for b in selectors.boosters(maint.client)] == [1, 2, 3, 4]
    weeks = [(b.due_on - phase.started_on).days // 7 for b in selectors.boosters(maint.client)]
    assert weeks == [2, 4, 8, 12]


def test_moving_back_and_again_keeps_one_phase(maint, actor):
    update_client(actor, maint.client, {"status": "active"})
    update_client(actor, maint.client, {"status": "maintenance"})
    assert MaintenancePhase.objects.filter(client=maint.client).count() == 1


def test_suggestions_gather_mastered_rungs_values_and_reflections(maint):
    found = selectors.suggestions(maint.client)
    top = found["values_reinforced"][0]
    assert top["achievement"] == "Join a lunch table"
    assert "Be there for my friends" in top["values"]
    assert "I sat with my team and joined in" in top["values"]
    assert any(c["name"] == "Sam" for c in found["contacts"])
    assert {s["skill"] for s in found["skills"]} >= {"Problem-solving", "Communication"}
    assert "lapse" in found["lapse_note"].lower()


def test_every_change_is_a_new_version_and_old_ones_are_kept(maint, actor):
    first = services.save_plan(actor, maint.client, plan_data(), based_on=None)
    second = services.save_plan(actor, maint.client, plan_data(life_vision="Parenting"),
                                based_on=1)
    assert (first.version, second.version) == (1, 2)
    assert selectors.current_plan(maint.client).life_vision == "Parenting"
    assert RelapsePlan.objects.get(pk=first.pk).life_vision.startswith("Being a colleague")
    assert second.safety_id == maint.safety.pk  # linked to the safety parameters in force
    with pytest.raises(ImmutableError):
        first.save()
    with pytest.raises(ImmutableError):
        first.delete()
    assert AuditEvent.objects.filter(object_type="relapseplan", action="create").count() == 2


def test_a_stale_save_is_refused(maint, actor):
    services.save_plan(actor, maint.client, plan_data(), based_on=None)
    with pytest.raises(ValidationError) as caught:
        services.save_plan(actor, maint.client, plan_data(), based_on=None)
    assert "version" in caught.value.message_dict
    assert RelapsePlan.objects.count() == 1


@pytest.mark.parametrize("overrides, field", [
    ({"warning_signs": [{"sign": "Avoiding calls", "action": ""}]}, "warning_signs"),
    ({"warning_signs": []}, "warning_signs"),
    ({"lapse_note": "  "}, "lapse_note"),
    ({"values_reinforced": [{"achievement": "x" * 600, "values": "y"}]}, "values_reinforced"),
])
def test_bad_input_names_the_field_and_saves_nothing(maint, actor, overrides, field):
    with pytest.raises(ValidationError) as caught:
        services.save_plan(actor, maint.client, plan_data(**overrides), based_on=None)
    assert field in caught.value.message_dict
    assert not RelapsePlan.objects.exists()


def test_no_mastered_rungs_explains_what_is_needed(planned, actor):
    with pytest.raises(ValidationError) as caught:
        services.save_plan(actor, planned.client, plan_data(values_reinforced=[]),
                           based_on=None)
    assert "mastered" in caught.value.message_dict["values_reinforced"][0]


def test_the_client_acknowledges_the_version_in_force_in_the_portal(maint, actor, portal):
    services.save_plan(actor, maint.client, plan_data(), based_on=None)
    page = portal.get("/me/plan/").content.decode()
    assert "Skipping lunch with the team" in page and "I have read this plan" in page
    assert portal.post("/me/plan/", {"note": "Yes"}).status_code == 302
    plan = selectors.current_plan(maint.client)
    assert selectors.acknowledged_in_portal(plan)
    assert "You have read and agreed" in portal.get("/me/plan/").content.decode()
    # a new version needs a new acknowledgement
    services.save_plan(actor, maint.client, plan_data(change_note="New sign"), based_on=1)
    assert not selectors.acknowledged_in_portal(selectors.current_plan(maint.client))


def test_the_clinician_page_saves_a_version_from_the_form(maint, alice):
    from tests.factories import signed_in

    http = signed_in(alice)
    page = http.get(f"/clients/{maint.client.pk}/maintenance/plan/").content.decode()
    assert "Join a lunch table" in page  # the suggestion
    response = http.post(f"/clients/{maint.client.pk}/maintenance/plan/", {
        "values_reinforced-0-achievement": "Join a lunch table",
        "values_reinforced-0-values": "Friends", "warning_signs-0-sign": "Eating alone",
        "warning_signs-0-action": "Ask a colleague", "lapse_note": "A slip is not a fall.",
        "based_on": ""})
    assert response.status_code == 302
    assert selectors.current_plan(maint.client).warning_signs == [
        {"sign": "Eating alone", "action": "Ask a colleague"}]
    response = http.post(f"/clients/{maint.client.pk}/maintenance/plan/", {
        "values_reinforced-0-achievement": "Lunch", "warning_signs-0-sign": "Eating alone",
        "lapse_note": "x", "based_on": "1"})
    assert response.status_code == 200 and "needs both parts" in response.content.decode()


def test_the_clinician_records_that_the_client_agreed_in_session(maint, actor, alice):
    from tests.factories import signed_in

    services.save_plan(actor, maint.client, plan_data(), based_on=None)
    http = signed_in(alice)
    url = f"/clients/{maint.client.pk}/maintenance/"
    assert "Not yet agreed by the client" in http.get(url).content.decode()
    too_long = http.post(url + "plan/agreed/", {"note": "x" * 501}, follow=True)
    assert "Note" in too_long.content.decode()
    assert not selectors.current_plan(maint.client).acknowledgements.exists()
    assert http.post(url + "plan/agreed/", {"note": "Read together"}).status_code == 302
    ack = selectors.current_plan(maint.client).acknowledgements.get()
    assert (ack.method, ack.note, ack.recorded_by) == ("session", "Read together", alice)
    page = http.get(url).content.decode()
    assert "Agreed in session on" in page and "agreed to this version in session" not in page
    event = AuditEvent.objects.filter(object_type="relapseplanacknowledgement").latest("id")
    assert event.details == {"version": 1, "method": "session"}
    # a new version needs agreeing again
    services.save_plan(actor, maint.client, plan_data(change_note="New sign"), based_on=1)
    assert "Not yet agreed by the client" in http.get(url).content.decode()


def test_agreement_in_session_needs_a_plan(maint, alice):
    from tests.factories import signed_in

    response = signed_in(alice).post(f"/clients/{maint.client.pk}/maintenance/plan/agreed/")
    assert response.status_code == 404
