"""The planning API: a whole journey, field-level 422s for bad input, audit with via=api."""

from datetime import timedelta

from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.planning.models import (
    ExposurePlan,
    HomeworkAssignment,
    Rung,
    SafetyParameters,
    ValuesAssessment,
)
from tests.planning.conftest import READY, domains, make_client, make_statement

TODAY = timezone.localdate()


def locs(response):
    return [tuple(d["loc"]) for d in response.json()["detail"]]


def messages(response):
    return " ".join(d["msg"] for d in response.json()["detail"])


def test_from_values_to_signed_homework_through_the_api(api, client_record):
    c = f"/clients/{client_record.pk}"
    work = api.get("/value-domains").json()[4]
    assert work["name"] == "Work"
    response = api.post(f"{c}/values", {"ratings": [
        {"domain_id": work["id"], "importance": 9, "consistency": 3}]})
    assert response.status_code == 201, response.content
    assessment = response.json()
    assert assessment["ratings"][0]["product"] == 27 and assessment["composite"] == 27.0
    assert assessment["candidate_domain_ids"] == [work["id"]]
    assert "times consistency" in assessment["formula_text"]
    statement = api.post(f"{c}/values/{assessment['id']}/statements",
                         {"domain_id": work["id"], "text": "Share my ideas", "rank": 1}).json()
    assert api.post(f"{c}/goals", {"statement_id": statement["id"], "what": "Speak once a week",
                                   "times": 1, "by_when": str(TODAY + timedelta(days=30))}
                    ).status_code == 201
    safety = api.post(f"{c}/safety", {"distress_ceiling": 80, "coping_level": 60,
                                      "exit_strategies": ["Step out", "Call Ana"],
                                      "coping_skills": [{"kind": "breathing"}]})
    assert safety.status_code == 201 and safety.json()["version"] == 1
    assert api.post(f"{c}/safety/{safety.json()['id']}/acknowledgements",
                    {"method": "session"}).status_code == 201
    assert api.post(f"{c}/readiness", READY).json()["holds"] == []
    plan = api.post(f"{c}/plans", {"title": "Speaking up", "status": "active"}).json()
    rungs = [api.post(f"{c}/plans/{plan['id']}/rungs", {
        "behaviour": f"Step {p}", "predicted_distress": p, "values": [statement["id"]],
        "feared_likelihood": 60}).json() for p in (30, 40, 50, 60, 70)]
    detail = api.get(f"{c}/plans/{plan['id']}").json()
    assert [r["behaviour"] for r in detail["rungs"]] == [f"Step {p}" for p in (30, 40, 50, 60,
                                                                               70)]
    assert [w["code"] for w in detail["warnings"]] == ["too_few_rungs"]
    reordered = api.put(f"{c}/plans/{plan['id']}/order", {
        "rung_ids": [rungs[1]["id"], rungs[0]["id"], *[r["id"] for r in rungs[2:]]],
        "revision": detail["ladder_revision"]}).json()
    assert reordered["rungs"][0]["behaviour"] == "Step 40"
    pace = api.post(f"{c}/plans/{plan['id']}/pace", {
        "options": api.get(f"{c}/plans/{plan['id']}/pace").json()["default_options"],
        "chosen": "gradual", "reasons": "Small steps"})
    assert pace.status_code == 201
    homework = api.post(f"{c}/assignments", {
        "rung_id": rungs[0]["id"], "starts_on": str(TODAY), "ends_on": str(TODAY + timedelta(6)),
        "instructions": "Practise", "agreed_with_client": True})
    assert homework.status_code == 201, homework.content
    assert homework.json()["frequency_per_week"] == 3  # from the chosen pace
    assert "Share my ideas" in homework.json()["draft_rationale"]
    signed = api.post(f"{c}/assignments/{homework.json()['id']}/rationales",
                      {"text": homework.json()["draft_rationale"]})
    assert signed.status_code == 201
    assert api.get(f"{c}/plans/{plan['id']}/history").json()
    events = AuditEvent.objects.filter(via="api", client_id=client_record.pk)
    assert events.filter(action="view").exists() and events.filter(action="sign").exists()
    assert events.filter(action="create", object_type="rung").count() == 5


def test_ratings_outside_1_to_10_are_422_with_the_field(api, client_record):
    work = domains(client_record.practice)["Work"]
    response = api.post(f"/clients/{client_record.pk}/values", {"ratings": [
        {"domain_id": work.pk, "importance": 11, "consistency": 0}]})
    assert response.status_code == 422
    assert ("body", "payload", "ratings", 0, "importance") in locs(response)
    assert ("body", "payload", "ratings", 0, "consistency") in locs(response)
    assert not ValuesAssessment.objects.exists()


def test_distress_outside_the_clients_scale_is_422(api, practice, alice):
    teen = make_client(practice, alice, scale="thermometer10")
    response = api.post(f"/clients/{teen.pk}/safety", {"distress_ceiling": 11,
                                                       "exit_strategies": ["Go inside"]})
    assert response.status_code == 422
    assert locs(response) == [("body", "payload", "distress_ceiling")]
    assert "between 0 and 10" in messages(response)
    response = api.post(f"/clients/{teen.pk}/safety", {"distress_ceiling": 101,
                                                       "exit_strategies": ["Go inside"]})
    assert response.status_code == 422
    assert not SafetyParameters.objects.exists()


def test_ceiling_below_coping_level_is_422(api, client_record):
    response = api.post(f"/clients/{client_record.pk}/safety", {
        "distress_ceiling": 50, "coping_level": 70, "exit_strategies": ["Leave"]})
    assert response.status_code == 422
    assert locs(response) == [("body", "payload", "distress_ceiling")]
    assert "must be above" in messages(response)
    assert not SafetyParameters.objects.exists()


def test_rung_errors_name_the_field(api, actor, practice, alice, client_record, plan,
                                    statement):
    url = f"/clients/{client_record.pk}/plans/{plan.pk}/rungs"
    response = api.post(url, {"behaviour": "x", "predicted_distress": 40,
                              "feared_likelihood": 101})
    assert response.status_code == 422
    assert ("body", "payload", "feared_likelihood") in locs(response)
    other = make_statement(actor, make_client(practice, alice, name="Other"))
    response = api.post(url, {"behaviour": "x", "predicted_distress": 40,
                              "values": [statement.pk, other.pk]})
    assert response.status_code == 422
    assert locs(response) == [("body", "payload", "values")]
    teen = make_client(practice, alice, name="Teen", scale="thermometer10")
    teen_plan = api.post(f"/clients/{teen.pk}/plans", {"title": "Dogs"}).json()
    response = api.post(f"/clients/{teen.pk}/plans/{teen_plan['id']}/rungs",
                        {"behaviour": "x", "predicted_distress": 40})
    assert locs(response) == [("body", "payload", "predicted_distress")]
    assert not Rung.objects.exists()


def test_stale_reorder_and_edits_are_refused(api, client_record, plan, ladder):
    c = f"/clients/{client_record.pk}"
    revision = ExposurePlan.objects.get(pk=plan.pk).ladder_revision
    ids = [r.pk for r in ladder]
    assert api.put(f"{c}/plans/{plan.pk}/order", {"rung_ids": ids[::-1],
                                                  "revision": revision}).status_code == 200
    second = api.put(f"{c}/plans/{plan.pk}/order", {"rung_ids": ids, "revision": revision})
    assert second.status_code == 422
    assert locs(second) == [("body", "payload", "revision")]
    assert "Someone else changed this ladder" in messages(second)
    assert list(plan.rungs.order_by("position").values_list("pk", flat=True)) == ids[::-1]
    moved = api.post(f"{c}/rungs/{ids[0]}/move", {"direction": "up", "revision": revision})
    assert moved.status_code == 422
    rung = api.patch(f"{c}/rungs/{ids[0]}", {"version": 7, "behaviour": "x"})
    assert rung.status_code == 422 and locs(rung) == [("body", "payload", "version")]
    missing = api.put(f"{c}/plans/{plan.pk}/order", {"rung_ids": ids[:2], "revision":
                                                     revision + 1})
    assert locs(missing) == [("body", "payload", "rung_ids")]


def test_window_ending_before_it_starts_is_422(api, client_record, ladder):
    response = api.post(f"/clients/{client_record.pk}/assignments", {
        "rung_id": ladder[0].pk, "starts_on": str(TODAY), "ends_on": str(TODAY - timedelta(1)),
        "instructions": "Practise", "agreed_with_client": True})
    assert response.status_code == 422
    assert locs(response) == [("body", "payload", "ends_on")]
    assert not HomeworkAssignment.objects.exists()


def test_unanswered_readiness_question_is_422(api, client_record):
    answers = dict(READY)
    del answers["psychosis"]
    response = api.post(f"/clients/{client_record.pk}/readiness", answers)
    assert response.status_code == 422
    assert ("body", "payload", "psychosis") in locs(response)
    response = api.post(f"/clients/{client_record.pk}/readiness", {**READY, "psychosis": "no"})
    assert response.status_code == 422


def test_objects_of_another_client_are_404(api, actor, practice, alice, client_record, plan,
                                           ladder):
    other = make_client(practice, alice, name="Other")
    assert api.get(f"/clients/{other.pk}/plans/{plan.pk}").status_code == 404
    assert api.patch(f"/clients/{other.pk}/rungs/{ladder[0].pk}",
                     {"version": 1}).status_code == 404
    response = api.post(f"/clients/{other.pk}/assignments", {
        "rung_id": ladder[0].pk, "starts_on": str(TODAY), "ends_on": str(TODAY),
        "instructions": "x", "agreed_with_client": True})
    assert response.status_code == 404
