"""The FHIR export: every Bundle passes fhir.resources' R4B validation (the R4 line; the
package's top level is R5) and every reference resolves inside the Bundle."""

import json

from fhir.resources.R4B.bundle import Bundle

from bravely.records import export, fhir


def references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def check(bundle_dict):
    Bundle.model_validate(json.loads(json.dumps(bundle_dict)))
    urls = {entry["fullUrl"] for entry in bundle_dict["entry"]}
    assert len(urls) == len(bundle_dict["entry"])
    missing = [ref for ref in references(bundle_dict) if ref not in urls]
    assert missing == []
    return [entry["resource"]["resourceType"] for entry in bundle_dict["entry"]]


def test_a_full_record_is_a_valid_bundle_with_every_kind(signed, actor):
    from bravely.planning import services as planning

    planning.create_goal(actor, signed.client,
                         statement=signed.client.value_statements.first(),
                         what="Lunch with a friend", times=1, per="week",
                         by_when=signed.session_date)
    kinds = check(fhir.bundle(signed.client))
    for kind in ("Patient", "Practitioner", "Consent", "Goal", "CarePlan", "Observation",
                 "DocumentReference"):
        assert kind in kinds, kind
    assert kinds.count("Observation") == 3


def test_goals_are_expressed_by_the_person_and_name_the_value(signed, actor):
    from bravely.planning import services as planning

    planning.create_goal(actor, signed.client,
                         statement=signed.client.value_statements.first(),
                         what="Lunch with a friend", times=1, per="week",
                         by_when=signed.session_date)
    bundle = fhir.bundle(signed.client)
    patient = next(e["fullUrl"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "Patient")
    goal = next(e["resource"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "Goal")
    assert goal["expressedBy"]["reference"] == patient
    assert "Be there for my friends" in goal["note"][0]["text"]


def test_drafts_are_not_documents(draft):
    kinds = check(fhir.bundle(draft.client))
    assert "DocumentReference" not in kinds


def test_an_empty_record_is_a_valid_bundle(client_record):
    kinds = check(fhir.bundle(client_record))
    assert kinds[0] == "Patient"


def test_the_clients_copy_is_valid_too(signed):
    check(fhir.bundle(signed.client, audience=export.CLIENT))
