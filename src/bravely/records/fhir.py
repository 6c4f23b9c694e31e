"""One client's record as an HL7 FHIR R4 Bundle (type "collection"), built as plain dicts: no
FHIR library at run time. The tests validate every Bundle with `fhir.resources.R4B` and check
that every reference resolves inside the Bundle (docs/export.md, "FHIR").

Mapping, following the HL7 Person-Centered Outcomes guide where it fits (goals that matter to
the person, expressed by the person):
- Patient: the client; Practitioner: each staff member named in the record;
- Consent: each consent version (given = active, declined = rejected, withdrawn = inactive);
- Goal: each valued goal, `expressedBy` the Patient, with the value it serves in its note;
- CarePlan: each exposure plan, one activity per rung (the value it serves in its description);
- Observation: each practice's distress ratings (before, peak, after as components) and
  the expected likelihood of the feared outcome; each outcome-measure score with the
  instrument's LOINC code for its total where it has one (`measure_resources`);
- QuestionnaireResponse: each submitted outcome measure's answers (the form's LOINC panel);
- DocumentReference: each signed session note with its addenda (text/plain, base64).
"""

import base64
import uuid

from django.utils import timezone

from bravely.clients.models import ConsentRecord
from bravely.planning.models import ExposurePlan, Rung, ValuedGoal
from bravely.records import export
from bravely.records.selectors import measures_installed

NAMESPACE = uuid.UUID("5b0a5c4e-2f8e-4c1e-9d7e-3f7f0b6d2a11")
CODES = "https://bravely.example/fhir/CodeSystem/bravely"

CONSENT_STATUS = {ConsentRecord.Decision.GIVEN: "active",
                  ConsentRecord.Decision.DECLINED: "rejected",
                  ConsentRecord.Decision.WITHDRAWN: "inactive"}
GOAL_STATUS = {ValuedGoal.Status.ACTIVE: ("active", "in-progress"),
               ValuedGoal.Status.ACHIEVED: ("completed", "achieved"),
               ValuedGoal.Status.DROPPED: ("cancelled", "not-achieved")}
PLAN_STATUS = {ExposurePlan.Status.DRAFT: "draft", ExposurePlan.Status.ACTIVE: "active",
               ExposurePlan.Status.PAUSED: "on-hold",
               ExposurePlan.Status.COMPLETED: "completed",
               ExposurePlan.Status.ARCHIVED: "revoked"}
RUNG_STATUS = {Rung.Status.PLANNED: "not-started", Rung.Status.ACTIVE: "in-progress",
               Rung.Status.MASTERED: "completed", Rung.Status.PAUSED: "on-hold",
               Rung.Status.SKIPPED: "cancelled"}


def urn(practice_id, kind: str, pk) -> str:
    return "urn:uuid:" + str(uuid.uuid5(NAMESPACE, f"{practice_id}/{kind}/{pk}"))


def _ref(url: str, display: str = "") -> dict:
    return {"reference": url, **({"display": display} if display else {})}


def _when(value) -> str | None:
    """An ISO date-time with a time zone, as FHIR wants it."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return timezone.localtime(value).isoformat()


def _code(code: str, display: str, system: str = CODES) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def bundle(client, *, audience: str = export.CARE_TEAM, record: dict | None = None) -> dict:
    """The FHIR Bundle of one client's record, from the same data as the JSON export."""
    record = record or export.client_record(client, audience=audience)
    sections = record["sections"]
    pid = client.practice_id
    entries: list[dict] = []

    def add(kind, pk, resource):
        url = urn(pid, kind, pk)
        resource = {k: v for k, v in resource.items() if v not in (None, "", [], {})}
        entries.append({"fullUrl": url, "resource": resource})
        return url

    c = record["client"]
    patient = add("client", c["id"], {
        "resourceType": "Patient",
        "identifier": [{"system": f"urn:bravely:practice:{pid}:client", "value": str(c["id"])}],
        "active": c["archived_at"] is None,
        "name": [{"text": c["display_name"]}],
        "birthDate": c["date_of_birth"],
        "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47",
                                                    "code": c["locale"] or "en"}]},
                           "preferred": True}],
    })
    people = {}
    for person in record["people"]:
        if person["role"] == "client_or_support":
            continue
        people[person["id"]] = add("user", person["id"], {
            "resourceType": "Practitioner",
            "identifier": [{"system": f"urn:bravely:practice:{pid}:staff",
                            "value": str(person["id"])}],
            "name": [{"text": person["name"] or str(person["id"])}],
            "telecom": ([{"system": "email", "value": person["email"]}]
                        if person.get("email") else []),
        })

    def staff(user_id):
        return _ref(people[user_id]) if user_id in people else None

    for consent in sections["consents"]:
        add("consent", consent["id"], {
            "resourceType": "Consent",
            "status": CONSENT_STATUS.get(consent["decision"], "inactive"),
            "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                  "code": "treatment", "display": "Treatment"}]},
            "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0",
                                      "display": "Patient Consent"}],
                          "text": "Consent to exposure treatment"}],
            "patient": _ref(patient),
            "dateTime": consent["recorded_at"],
            "performer": [_ref(patient)],
            "policyRule": {"text": f"Exposure treatment consent, version {consent['version']}"},
            "provision": {"type": "deny" if consent["decision"] != "given" else "permit"},
        })

    statements = {s["id"]: s for s in sections["value_statements"]}
    goal_urls: dict[int, str] = {}
    goals_by_statement: dict[int, list[str]] = {}
    for goal in sections["valued_goals"]:
        lifecycle, achievement = GOAL_STATUS.get(goal["status"], ("active", "in-progress"))
        value = statements.get(goal["statement_id"], {})
        url = add("goal", goal["id"], {
            "resourceType": "Goal",
            "lifecycleStatus": lifecycle,
            "achievementStatus": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                "code": achievement}]},
            "category": [_code("what-matters", "What matters to the person")],
            "description": {"text": f"{goal['what']} ({goal['times']} per {goal['per']})"},
            "subject": _ref(patient),
            "expressedBy": _ref(patient),
            "startDate": goal["created_at"][:10],
            "target": [{"dueDate": goal["by_when"]}],
            "note": ([{"text": f"Serves the value: {value['text']}"}] if value else []),
        })
        goal_urls[goal["id"]] = url
        goals_by_statement.setdefault(goal["statement_id"], []).append(url)

    rungs_by_plan: dict[int, list[dict]] = {}
    for rung in sections["rungs"]:
        rungs_by_plan.setdefault(rung["plan_id"], []).append(rung)
    plan_urls = {}
    for plan in sections["exposure_plans"]:
        activities, plan_goals = [], []
        for rung in sorted(rungs_by_plan.get(plan["id"], []), key=lambda r: r["position"]):
            values = [statements[v]["text"] for v in rung["values"] if v in statements]
            goals = [g for v in rung["values"] for g in goals_by_statement.get(v, [])]
            plan_goals += [g for g in goals if g not in plan_goals]
            description = rung["behaviour"]
            if values:
                description += " — serves: " + "; ".join(values)
            activities.append({"detail": {
                "status": RUNG_STATUS.get(rung["status"], "unknown"),
                "description": description,
                "code": _code("exposure-rung", "Exposure practice (ladder rung)"),
                **({"goal": [_ref(g) for g in goals]} if goals else {}),
            }})
        plan_urls[plan["id"]] = add("plan", plan["id"], {
            "resourceType": "CarePlan",
            "status": PLAN_STATUS.get(plan["status"], "unknown"),
            "intent": "plan",
            "title": plan["title"],
            "description": plan["description"] or f"Approach: {plan['approach']}",
            "category": [_code("exposure-plan", "Graded exposure plan")],
            "subject": _ref(patient),
            "created": plan["created_at"],
            "author": staff(plan["created_by_id"]),
            "goal": [_ref(g) for g in plan_goals],
            "activity": activities,
        })

    for log in sections["practice_logs"]:
        components = [
            {"code": _code(f"distress-{part}", f"Distress {part} ({log['scale']})"),
             "valueInteger": log[f"distress_{part}"]}
            for part in ("before", "peak", "after")]
        for part in ("before", "after"):
            if log[f"likelihood_{part}"] is not None:
                components.append({
                    "code": _code(f"likelihood-{part}",
                                  f"Expected likelihood of the feared outcome, {part} (%)"),
                    "valueQuantity": {"value": log[f"likelihood_{part}"], "unit": "%",
                                      "system": "http://unitsofmeasure.org", "code": "%"}})
        add("log", log["id"], {
            "resourceType": "Observation",
            "status": "final",
            "category": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey", "display": "Survey"}]}],
            "code": _code("exposure-practice-distress",
                          "Distress during an exposure practice (SUDS)"),
            "subject": _ref(patient),
            "basedOn": [_ref(plan_urls[log["plan_id"]])] if log["plan_id"] in plan_urls else [],
            "effectiveDateTime": log["started_at"],
            "valueInteger": log["distress_peak"],
            "component": components,
            "note": [{"text": log["learned"]}] if log["learned"] else [],
        })

    for item in measure_resources(record.get("measures", []), patient, pid):
        add("measure", item.pop("_key"), item)

    addenda: dict[int, list[dict]] = {}
    for addendum in sections["note_addenda"]:
        addenda.setdefault(addendum["note_id"], []).append(addendum)
    for note in sections["session_notes"]:
        if not note["signed_at"]:
            continue  # drafts are not part of the record yet
        text = (f"Session {note['session_date']}\n\nData\n{note['data']}\n\n"
                f"Assessment\n{note['assessment']}\n\nPlan\n{note['plan']}\n")
        for addendum in addenda.get(note["id"], []):
            text += f"\nAddendum ({addendum['signed_at']})\n{addendum['text']}\n"
        add("note", note["id"], {
            "resourceType": "DocumentReference",
            "status": "current",
            "docStatus": "final",
            "type": {"coding": [{"system": "http://loinc.org", "code": "11506-3",
                                 "display": "Progress note"}], "text": "Session note (DAP)"},
            "subject": _ref(patient),
            "date": note["signed_at"],
            "author": [staff(note["author_id"])] if staff(note["author_id"]) else [],
            "authenticator": staff(note["signed_by_id"]),
            "description": f"Session note, {note['session_date']}",
            "content": [{"attachment": {
                "contentType": "text/plain; charset=utf-8",
                "data": base64.b64encode(text.encode("utf-8")).decode("ascii"),
                "title": f"Session note {note['session_date']}",
                "creation": note["signed_at"]}}],
            "context": {"period": {"start": note["period_start"], "end": note["session_date"]}},
        })

    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(NAMESPACE, f"{pid}/bundle/{c['id']}/{record['exported_at']}")),
        "meta": {"lastUpdated": record["exported_at"]},
        "type": "collection",
        "timestamp": record["exported_at"],
        "entry": entries,
    }


def measure_resources(measures: list, patient_url: str, practice_id) -> list[dict]:
    """The measures section of the export as FHIR: a QuestionnaireResponse per submitted
    administration (its answers, the form's LOINC panel code when it has one) and an
    Observation per score (the total's LOINC code when the instrument has one, the severity
    as interpretation, the reliable-change label as a note), derived from its answers."""
    if not measures_installed():
        return []
    resources = []
    for item in measures:
        if item.get("status") != "submitted":
            continue
        instrument, score = item["instrument"], item.get("score")
        when = item.get("submitted_at") or item.get("completed_on")
        qr_key = f"qr-{item['id']}"
        response = {
            "_key": qr_key, "resourceType": "QuestionnaireResponse", "status": "completed",
            "subject": _ref(patient_url), "authored": when,
            "item": [{"linkId": r["item_id"], "answer": [{"valueInteger": r["value"]}]}
                     for r in item["responses"]]}
        if instrument.get("loinc_panel"):
            response["questionnaire"] = f"http://loinc.org/q/{instrument['loinc_panel']}"
        response["extension"] = [{"url": f"{CODES}/instrument",
                                  "valueString": f"{instrument['code']} {instrument['version']}"}]
        resources.append(response)
        if score is None:
            continue
        coding = ([{"system": "http://loinc.org", "code": instrument["loinc_total"],
                    "display": f"{instrument['name']} total score"}]
                  if instrument.get("loinc_total") else [])
        coding.append({"system": CODES, "code": f"measure-{instrument['code']}-total",
                       "display": f"{instrument['name']} total score"})
        observation = {
            "_key": f"obs-{item['id']}", "resourceType": "Observation", "status": "final",
            "category": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey", "display": "Survey"}]}],
            "code": {"coding": coding, "text": instrument["name"]},
            "subject": _ref(patient_url),
            "effectiveDateTime": item.get("completed_on") or when,
            "valueInteger": score["total"],
            "derivedFrom": [_ref(urn(practice_id, "measure", qr_key))],
            "note": ([{"text": score["change_label"]}] if score.get("change_label") else []),
        }
        if score.get("severity_label"):
            observation["interpretation"] = [{"text": score["severity_label"]}]
        resources.append(observation)
    return resources
