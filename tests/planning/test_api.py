"""The planning API: a whole journey, field-level 422s for bad input, audit with via=api."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.planning.models import (
    CrisisResource,
    ExposurePlan,
    HomeworkAssignment,
    Rung,
    SafetyParameters,
    ValuesAssessment,
)
from tests.factories import (
    READY,
    ApiClient,
    domains,
    make_assignment,
    make_client,
    make_statement,
)

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


def test_a_stale_statement_change_is_refused(api, client_record, statement):
    path = f"/clients/{client_record.pk}/statements/{statement.pk}"
    first = api.patch(path, {"version": 1, "text": "Speak up at work"})
    assert first.status_code == 200 and first.json()["version"] == 2
    second = api.patch(path, {"version": 1, "rank": 4})
    assert second.status_code == 422 and locs(second) == [("body", "payload", "version")]
    statement.refresh_from_db()
    assert (statement.text, statement.rank, statement.version) == ("Speak up at work", 1, 2)


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


# Input that used to answer 500 (found by fuzzing the API) ---------------------------------------

NUL = "Ask one question\x00 in the meeting"
PACE_OPTIONS = [{"key": "gradual", "sessions_per_week": 1, "practices_per_week": 3,
                 "rungs_per_week": 0.5},
                {"key": "steady", "sessions_per_week": 1, "practices_per_week": 5,
                 "rungs_per_week": 1}]
NUL_BODIES = [
    ("POST", "{c}/values", {"note": NUL, "ratings": [
        {"domain_id": "{domain}", "importance": 9, "consistency": 3}]}, "note"),
    ("POST", "{c}/values/{assessment}/statements", {"domain_id": "{domain}", "text": NUL,
                                                    "rank": 2}, "text"),
    ("PATCH", "{c}/statements/{statement}", {"text": NUL}, "text"),
    ("POST", "{c}/goals", {"statement_id": "{statement}", "what": NUL, "times": 1,
                           "by_when": str(TODAY + timedelta(days=30))}, "what"),
    ("POST", "{c}/safety", {"distress_ceiling": 80, "exit_strategies": [NUL]},
     "exit_strategies"),
    ("POST", "{c}/safety", {"distress_ceiling": 80, "exit_strategies": ["Leave"],
                            "coping_skills": [{"kind": "custom", "description": NUL}]},
     "description"),
    ("POST", "{c}/safety/{safety}/acknowledgements", {"note": NUL}, "note"),
    ("POST", "{c}/readiness", {**READY, "note": NUL}, "note"),
    ("POST", "{c}/plans", {"title": NUL}, "title"),
    ("PATCH", "{c}/plans/{plan}", {"version": 1, "description": NUL}, "description"),
    ("POST", "{c}/plans/{plan}/rungs", {"behaviour": NUL, "predicted_distress": 60},
     "behaviour"),
    ("PATCH", "{c}/rungs/{rung}", {"version": 1, "feared_outcome": NUL}, "feared_outcome"),
    ("POST", "{c}/rungs/{rung}/declines", {"reason": NUL}, "reason"),
    ("POST", "{c}/plans/{plan}/acknowledgements", {"code": "too_few_rungs", "note": NUL},
     "note"),
    ("POST", "{c}/plans/{plan}/pace", {"options": PACE_OPTIONS, "chosen": "gradual",
                                       "reasons": NUL}, "reasons"),
    ("POST", "{c}/plans/{plan}/pace", {"options": [{**PACE_OPTIONS[0], "label": NUL},
                                                   PACE_OPTIONS[1]],
                                       "chosen": "gradual", "reasons": "Small steps"}, "label"),
    ("POST", "{c}/assignments", {"rung_id": "{rung}", "starts_on": str(TODAY),
                                 "ends_on": str(TODAY), "instructions": NUL,
                                 "agreed_with_client": True}, "instructions"),
    ("POST", "{c}/assignments/{assignment}/rationales", {"text": NUL}, "text"),
    ("POST", "{c}/assignments/{assignment}/cancel", {"reason": NUL}, "reason"),
]


def changes():
    """Every write leaves an audit entry in its own transaction: none new, nothing saved."""
    return AuditEvent.objects.exclude(action="view").count()


def fill(template, ids):
    if isinstance(template, dict):
        return {k: fill(v, ids) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, ids) for v in template]
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        return ids[template[1:-1]]
    return template


@pytest.mark.parametrize("method,path,body,field", NUL_BODIES,
                         ids=[f"{m}-{p}-{f}" for m, p, _b, f in NUL_BODIES])
def test_null_characters_in_text_are_422_naming_the_field(api, actor, client_record, plan,
                                                          ladder, statement, safety, method,
                                                          path, body, field):
    ids = {"c": f"/clients/{client_record.pk}", "domain": statement.domain_id,
           "assessment": statement.assessment_id, "statement": statement.pk,
           "safety": safety.pk, "plan": plan.pk, "rung": ladder[0].pk,
           "assignment": make_assignment(actor, ladder[0]).pk}
    before = changes()
    response = api.call(method, path.format(**ids), fill(body, ids))
    assert response.status_code == 422, response.content
    assert field in [loc[-1] for loc in locs(response)]
    assert "Null characters are not allowed" in messages(response)
    assert changes() == before


def test_null_characters_in_practice_settings_are_422(practice, dana):
    admin = ApiClient(dana)
    before = changes()
    for path, body, field in [
        ("/value-domains", {"name": "Art\x00"}, "name"),
        ("/crisis-resources", {"region": "AU", "name": "Lifeline", "contact": "13\x0011 14"},
         "contact"),
    ]:
        response = admin.post(path, body)
        assert response.status_code == 422, response.content
        assert locs(response) == [("body", "payload", field)]
    resource = CrisisResource.objects.create(practice=practice, region="AU", name="Lifeline",
                                             contact="13 11 14")
    response = admin.patch(f"/crisis-resources/{resource.pk}", {"notes": "Checked\x00"})
    assert locs(response) == [("body", "payload", "notes")]
    assert changes() == before


RUNG_TEXT = ("context_where", "context_when", "context_with", "valued_outcome", "feared_outcome",
             "safety_behaviours", "rationale")


@pytest.mark.parametrize("field", RUNG_TEXT)
def test_null_for_a_rungs_text_is_422_and_changes_nothing(api, client_record, ladder, field):
    rung = ladder[0]
    response = api.patch(f"/clients/{client_record.pk}/rungs/{rung.pk}",
                         {"version": rung.version, field: None})
    assert response.status_code == 422, response.content
    assert locs(response) == [("body", "payload", field)]
    fresh = Rung.objects.get(pk=rung.pk)
    assert (fresh.version, getattr(fresh, field)) == (rung.version, getattr(rung, field))


def test_null_for_a_plans_description_or_a_crisis_resources_text_is_422(api, practice, dana,
                                                                        client_record, plan):
    response = api.patch(f"/clients/{client_record.pk}/plans/{plan.pk}",
                         {"version": plan.version, "description": None})
    assert response.status_code == 422, response.content
    assert locs(response) == [("body", "payload", "description")]
    assert ExposurePlan.objects.get(pk=plan.pk).version == plan.version
    resource = CrisisResource.objects.create(practice=practice, region="AU", name="Lifeline",
                                             contact="13 11 14", notes="Checked")
    for field in ("url", "notes"):
        response = ApiClient(dana).patch(f"/crisis-resources/{resource.pk}", {field: None})
        assert response.status_code == 422, response.content
        assert locs(response) == [("body", "payload", field)]
    resource.refresh_from_db()
    assert (resource.url, resource.notes) == ("", "Checked")


def test_value_ids_beyond_the_database_range_are_422(api, client_record, plan, ladder):
    c = f"/clients/{client_record.pk}"
    response = api.post(f"{c}/plans/{plan.pk}/rungs", {"behaviour": "Step", "predicted_distress":
                                                       60, "values": [10**20]})
    assert response.status_code == 422, response.content
    assert locs(response) == [("body", "payload", "values", 0)]
    response = api.patch(f"{c}/rungs/{ladder[0].pk}", {"version": 1, "values": [2**63]})
    assert response.status_code == 422, response.content
    assert locs(response) == [("body", "payload", "values", 0)]
    assert Rung.objects.count() == 3
    assert list(Rung.objects.get(pk=ladder[0].pk).values.all()) == list(ladder[0].values.all())


def test_a_misspelt_field_is_422_naming_it_and_changes_nothing(api, client_record, ladder):
    rung = ladder[0]
    before = changes()
    response = api.patch(f"/clients/{client_record.pk}/rungs/{rung.pk}",
                         {"version": rung.version, "feared_outcom": "Fainting"})
    assert response.status_code == 422, response.content
    assert locs(response) == [("body", "payload", "feared_outcom")]
    assert "Extra inputs are not permitted" in messages(response)
    assert Rung.objects.get(pk=rung.pk).version == rung.version
    assert changes() == before
