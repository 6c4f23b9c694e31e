"""Exposure plans, rungs, reordering (with and without htmx), ladder checks and history."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from bravely.audit.models import AuditEvent
from bravely.planning import services
from bravely.planning.models import (
    ChangeRecord,
    ExposurePlan,
    ImmutableError,
    LadderAcknowledgement,
    Rung,
    RungDecline,
)
from bravely.planning.selectors import ladder_warnings
from tests.factories import (
    make_assessment,
    make_client,
    make_plan,
    make_safety,
    make_statement,
    rung_data,
)


def rung_post(statement=None, **extra):
    data = {"behaviour": "Ask one question", "context_where": "Meeting room",
            "predicted_distress": 40, "feared_outcome": "I will sound stupid",
            "feared_likelihood": 70, "valued_outcome": "My ideas count", "revision": ""}
    if statement is not None:
        data["values"] = [statement.pk]
    data.update(extra)
    return data


def order(plan):
    return list(plan.rungs.order_by("position").values_list("behaviour", flat=True))


def test_clinician_creates_a_plan_and_adds_rungs_linked_to_values(web, client_record, statement):
    response = web.post(reverse("plan_new", args=[client_record.pk]), {
        "title": "Speaking up", "approach": "habituation", "status": "draft"})
    plan = ExposurePlan.objects.get()
    assert response.status_code == 302 and plan.approach == "habituation"
    url = reverse("rung_new", args=[client_record.pk, plan.pk])
    assert web.get(url).status_code == 200
    response = web.post(url, rung_post(statement, context_when="Tuesdays",
                                       context_with="Team of 5",
                                       safety_behaviours="Rehearsing\nLooking down",
                                       own_ceiling=60, rationale="Smallest step"))
    assert response.status_code == 302
    rung = Rung.objects.get()
    assert list(rung.values.all()) == [statement]
    assert (rung.position, rung.predicted_distress, rung.feared_likelihood, rung.own_ceiling,
            rung.status) == (1, 40, 70, 60, "planned")
    assert rung.context == "Meeting room · Tuesdays · Team of 5"
    page = web.get(reverse("plan_detail", args=[client_record.pk, plan.pk])).content.decode()
    assert "Ask one question" in page and statement.text in page


def test_a_value_of_another_assessment_of_the_same_client_is_fine(actor, client_record, plan,
                                                                  statement):
    later = make_assessment(actor, client_record)
    other = make_statement(actor, client_record, later, text="Being a good friend",
                           domain="Friendships")
    rung = services.add_rung(actor, plan, rung_data(), [statement, other])
    assert set(rung.values.all()) == {statement, other}


def test_a_value_of_another_client_is_refused(web, actor, practice, alice, client_record, plan):
    other_client = make_client(practice, alice, name="Other")
    foreign = make_statement(actor, other_client)
    with pytest.raises(ValidationError) as error:
        services.add_rung(actor, plan, rung_data(), [foreign])
    assert "values" in error.value.message_dict
    # in the form, another client's value is not even a choice
    page = web.post(reverse("rung_new", args=[client_record.pk, plan.pk]),
                    rung_post(foreign)).content.decode()
    assert "Select a valid choice" in page
    assert not Rung.objects.exists()
    plan.refresh_from_db()
    assert plan.ladder_revision == 1


@pytest.mark.parametrize("scale, field, value, message", [
    ("suds100", "predicted_distress", 101, "Predicted distress must be between 0 and 100"),
    ("thermometer10", "predicted_distress", 11, "Predicted distress must be between 0 and 10"),
    ("thermometer10", "own_ceiling", 40, "Own ceiling must be between 0 and 10"),
    ("suds100", "feared_likelihood", 101, "The likelihood must be from 0 to 100 percent"),
    ("suds100", "feared_likelihood", -5, "The likelihood must be from 0 to 100 percent"),
])
def test_out_of_range_rung_values_are_refused_by_name(web, actor, practice, alice, scale, field,
                                                      value, message):
    client = make_client(practice, alice, scale=scale)
    plan = make_plan(actor, client)
    data = rung_post(predicted_distress=4 if scale == "thermometer10" else 40)
    data[field] = value
    response = web.post(reverse("rung_new", args=[client.pk, plan.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Rung.objects.exists()


def test_service_refuses_likelihood_outside_0_100(actor, plan):
    with pytest.raises(ValidationError) as error:
        services.add_rung(actor, plan, rung_data(feared_likelihood=150))
    assert "feared_likelihood" in error.value.message_dict
    assert not Rung.objects.exists()


def test_move_up_and_down_without_javascript(web, actor, client_record, plan, ladder):
    plan.refresh_from_db()
    first, second, _third = ladder
    url = reverse("rung_move", args=[client_record.pk, second.pk])
    response = web.post(url, {"direction": "up", "revision": plan.ladder_revision})
    assert response.status_code == 302 and response.url.endswith(f"#rung-{second.pk}")
    assert order(plan) == ["Rung at 40", "Rung at 30", "Rung at 50"]
    change = ChangeRecord.objects.filter(action="reorder").get()
    assert change.before["order"] == [first.pk, second.pk, ladder[2].pk]
    assert change.after["order"] == [second.pk, first.pk, ladder[2].pk]
    assert change.changed_by == actor.user
    assert AuditEvent.objects.filter(action="update", object_type="exposureplan").exists()


def test_second_save_with_stale_ladder_is_refused_not_overwritten(web, client_record, plan,
                                                                  ladder):
    plan.refresh_from_db()
    seen = plan.ladder_revision  # both people opened the ladder at this revision
    first, second, third = ladder
    assert web.post(reverse("rung_move", args=[client_record.pk, second.pk]),
                    {"direction": "up", "revision": seen}).status_code == 302
    other = HttpClient()
    other.force_login(client_record.primary_clinician)
    response = other.post(reverse("rung_move", args=[client_record.pk, third.pk]),
                          {"direction": "up", "revision": seen}, follow=True)
    assert "Someone else changed this ladder since you opened it; reload to see their " \
           "changes." in response.content.decode()
    assert order(plan) == ["Rung at 40", "Rung at 30", "Rung at 50"]
    with pytest.raises(ValidationError):
        services.set_order(None, plan, [third.pk, second.pk, first.pk], revision=seen)
    assert ChangeRecord.objects.filter(action="reorder").count() == 1


def test_reorder_with_htmx_returns_the_ladder_partial(web, client_record, plan, ladder):
    plan.refresh_from_db()
    response = web.post(reverse("rung_move", args=[client_record.pk, ladder[0].pk]),
                        {"direction": "down", "revision": plan.ladder_revision},
                        headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="ladder"')
    assert "<html" not in page
    assert f'data-focus="move-down-{ladder[0].pk}"' in page
    assert 'hx-swap-oob="true"' in page and "is now rung 2" in page
    stale = web.post(reverse("rung_move", args=[client_record.pk, ladder[0].pk]),
                     {"direction": "down", "revision": 1}, headers={"HX-Request": "true"})
    assert 'role="alert"' in stale.content.decode()
    assert "Someone else changed this ladder" in stale.content.decode()


def test_move_buttons_are_labelled_forms(web, client_record, plan, ladder):
    page = web.get(reverse("plan_detail", args=[client_record.pk, plan.pk])).content.decode()
    assert 'aria-label="Move up: rung 2"' in page and 'aria-label="Move down: rung 1"' in page
    assert 'aria-label="Move up: rung 1"' not in page  # the first rung cannot move up
    assert page.count('name="revision"') == 4
    assert "bravely/planning.js" in page


def test_rung_edit_with_stale_version_is_refused(web, actor, client_record, ladder, statement):
    rung = ladder[0]
    url = reverse("rung_edit", args=[client_record.pk, rung.pk])
    data = rung_post(statement, behaviour="Say hello", status="active", version=1)
    assert web.post(url, data).status_code == 302
    rung.refresh_from_db()
    assert (rung.behaviour, rung.version) == ("Say hello", 2)
    page = web.post(url, {**data, "behaviour": "Overwrite"}).content.decode()
    assert "Someone else changed this since you opened it" in page
    rung.refresh_from_db()
    assert rung.behaviour == "Say hello"
    change = ChangeRecord.objects.filter(object_type="rung", action="update").get()
    assert change.before["behaviour"] == "Rung at 30" and change.after["behaviour"] == "Say hello"
    assert change.before["values"] == [statement.pk]


def test_plan_edit_with_stale_version_is_refused(web, client_record, plan):
    url = reverse("plan_edit", args=[client_record.pk, plan.pk])
    data = {"title": "Speaking up at work", "approach": "inhibitory_learning",
            "status": "draft", "version": 1}
    assert web.post(url, data).status_code == 302
    page = web.post(url, {**data, "title": "Lost update"}).content.decode()
    assert "Someone else changed this" in page
    plan.refresh_from_db()
    assert (plan.title, plan.version) == ("Speaking up at work", 2)


def test_history_page_lists_every_change_with_who_and_before_after(web, actor, client_record,
                                                                   plan, ladder):
    services.update_rung(actor, ladder[1], {"predicted_distress": 45}, version=1)
    page = web.get(reverse("plan_history", args=[client_record.pk, plan.pk])).content.decode()
    assert "predicted distress: 40 → 45" in page
    assert page.count("Created") >= 4  # the plan and its three rungs
    record = ChangeRecord.objects.first()
    with pytest.raises(ImmutableError):
        record.save()
    with pytest.raises(ImmutableError):
        record.delete()
    with pytest.raises(ImmutableError):
        ChangeRecord.objects.filter(pk=record.pk).update(note="rewritten")
    with pytest.raises(ImmutableError):
        ChangeRecord.objects.all().delete()


def warning_codes(plan):
    plan = ExposurePlan.objects.select_related("client__practice").get(pk=plan.pk)
    return [(w.code, w.rung_key) for w, _ack in ladder_warnings(plan)]


def test_ladder_checks_come_from_the_clinical_rules(actor, client_record, plan, statement):
    make_safety(actor, client_record, ceiling=70, coping=50)
    low = services.add_rung(actor, plan, rung_data(65), [statement])
    unlinked = services.add_rung(actor, plan, rung_data(65))
    high = services.add_rung(actor, plan, rung_data(95), [statement])
    codes = warning_codes(plan)
    assert ("too_few_rungs", None) in codes
    assert ("first_rung_high", str(low.pk)) in codes
    assert ("no_value", str(unlinked.pk)) in codes
    assert ("step_too_large", str(high.pk)) in codes
    assert ("above_ceiling", str(high.pk)) in codes


def test_warnings_are_shown_and_acknowledgement_is_stored(web, actor, client_record, plan,
                                                          ladder):
    url = reverse("plan_detail", args=[client_record.pk, plan.pk])
    page = web.get(url).content.decode()
    assert "The ladder has 3 rungs; ladders usually have 8 to 15" in page
    response = web.post(reverse("ladder_ack", args=[client_record.pk, plan.pk]),
                        {"code": "too_few_rungs", "rung_key": "", "note": "Short on purpose"})
    assert response.status_code == 302
    ack = LadderAcknowledgement.objects.get()
    assert (ack.code, ack.note, ack.acknowledged_by) == ("too_few_rungs", "Short on purpose",
                                                        actor.user)
    page = web.get(url).content.decode()
    assert "Acknowledged by" in page and "Short on purpose" in page
    # adding a rung changes the count but the acknowledgement still applies
    services.add_rung(actor, plan, rung_data(55), ladder[0].values.all())
    assert all(ack is not None for w, ack in ladder_warnings(plan) if w.code == "too_few_rungs")


def test_acknowledging_a_warning_that_does_not_apply_is_refused(actor, plan, ladder):
    with pytest.raises(ValidationError) as error:
        services.acknowledge_warning(actor, plan, code="above_ceiling",
                                     rung_key=str(ladder[0].pk))
    assert "code" in error.value.message_dict
    assert not LadderAcknowledgement.objects.exists()


def test_client_can_decline_a_rung_without_penalty_and_is_offered_an_alternative(
        web, actor, client_record, plan, ladder):
    declined = ladder[2]
    url = reverse("rung_decline", args=[client_record.pk, declined.pk])
    assert web.post(url, {"reason": "Too big a jump", "declined_on":
                          "2020-01-01"}).status_code == 302
    decline = RungDecline.objects.get()
    declined.refresh_from_db()
    assert declined.status == "skipped" and decline.is_open
    page = web.get(reverse("plan_detail", args=[client_record.pk, plan.pk])).content.decode()
    assert "Declined rungs: offer an alternative" in page and "Too big a jump" in page
    # add the alternative from the prompt: it goes just below the declined rung
    response = web.post(reverse("rung_new", args=[client_record.pk, plan.pk]),
                        rung_post(ladder[0].values.first(), behaviour="Smaller step",
                                  predicted_distress=45, decline=decline.pk))
    assert response.status_code == 302
    decline.refresh_from_db()
    assert not decline.is_open and decline.alternative.behaviour == "Smaller step"
    assert order(plan) == ["Rung at 30", "Rung at 40", "Smaller step", "Rung at 50"]
    assert "Declined rungs" not in web.get(reverse("plan_detail", args=[
        client_record.pk, plan.pk])).content.decode()


def test_decline_can_be_followed_up_with_a_note(web, actor, client_record, ladder):
    decline = services.decline_rung(actor, ladder[1], reason="")
    url = reverse("decline_resolve", args=[client_record.pk, decline.pk])
    page = web.post(url, {"alternative_note": ""}).content.decode()
    assert "This field is required" in page
    assert web.post(url, {"alternative_note": "Offered doing it with a friend"}).status_code \
        == 302
    decline.refresh_from_db()
    assert decline.alternative_note == "Offered doing it with a friend" and not decline.is_open


def test_supervisor_sees_the_ladder_without_edit_controls(ruth, client_record, plan, ladder):
    http = HttpClient()
    http.force_login(ruth)
    page = http.get(reverse("plan_detail", args=[client_record.pk, plan.pk])).content.decode()
    assert "Rung at 40" in page and "Move up" not in page and "Add a rung" not in page
