"""The JSON export of one client's record: its schema (committed, validated with jsonschema),
what the client's own copy leaves out, a round trip into empty tables, constant queries."""

import json
import pathlib

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bravely.audit.services import Actor
from bravely.records import export, services
from tests.records.conftest import log

SCHEMA = (pathlib.Path(export.__file__).parent / "schema" / "client-record.schema.json")


def validate(data):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(json.loads(json.dumps(data)), schema,
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_the_committed_schema_matches_the_models():
    assert json.loads(SCHEMA.read_text()) == json.loads(json.dumps(export.record_schema())), (
        "run scripts/export_schema.py")
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA.read_text()))


@pytest.fixture
def full(signed, actor, ruth):
    services.add_addendum(actor, signed, "Also: slept better.")
    services.cosign(Actor(ruth), signed, "Fine.")
    services.create_note(actor, signed.client, {"data": "unsigned thoughts"})
    return signed.client


def test_the_care_team_export_validates_and_holds_everything(full):
    data = export.client_record(full)
    validate(data)
    sections = data["sections"]
    assert len(sections["practice_logs"]) == 3
    assert len(sections["session_notes"]) == 2
    assert len(sections["note_addenda"]) == 1 and len(sections["cosignatures"]) == 1
    assert sections["consents"] and sections["safety_parameters"] and sections["rungs"]
    assert sections["audit_events"]
    assert all(rung["values"] for rung in sections["rungs"])
    assert any("email" in person for person in data["people"])


def test_the_clients_copy_leaves_out_the_audit_trail_drafts_and_plumbing(full):
    data = export.client_record(full, audience=export.CLIENT)
    validate(data)
    assert "audit_events" not in data["sections"]
    assert [n["data"] for n in data["sections"]["session_notes"]] == ["Practised three times."]
    assert all("email" not in person for person in data["people"])
    for rec in data["sections"]["recommendations"]:
        assert "fingerprint" not in rec and "evidence" not in rec


def test_a_client_with_no_data_exports_cleanly(client_record):
    data = export.client_record(client_record)
    validate(data)
    assert data["sections"]["practice_logs"] == [] and data["client"]["id"] == client_record.pk


def test_the_export_takes_the_same_queries_for_few_and_many_logs(logged, actor):
    with CaptureQueriesContext(connection) as few:
        export.client_record(logged.client)
    log(actor, logged, 40, days_ago=3, peak=60)
    with CaptureQueriesContext(connection) as many:
        export.client_record(logged.client)
    assert len(few) == len(many)


def _reload(data):
    """The test helper that imports an export into empty tables: every section's table is
    emptied behind the ORM's back (foreign keys are checked at commit, which never comes in a
    test), then each row is inserted as exported, in the sections' order."""
    with connection.cursor() as cursor:
        for name, model, _lookup in reversed(export.SECTIONS):
            for field in export.m2m_fields(model):
                cursor.execute(f"DELETE FROM {field.remote_field.through._meta.db_table}")
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
            assert model._base_manager.count() == 0, name
    for name, model, _lookup in export.SECTIONS:
        m2m = {f.name: f for f in export.m2m_fields(model)}
        rows = data["sections"][name]
        objs = [model(**{k: v for k, v in r.items() if k not in m2m}) for r in rows]
        stamped = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        for f in stamped:  # keep the exported time, not the time of the import
            f.auto_now = False
        try:
            model._base_manager.bulk_create(objs)
        finally:
            for f in stamped:
                f.auto_now = True
        for field_name, field in m2m.items():
            through = field.remote_field.through
            source = field.m2m_field_name() + "_id"
            target = field.m2m_reverse_field_name() + "_id"
            through.objects.bulk_create([through(**{source: r["id"], target: v})
                                         for r in rows for v in r[field_name]])


def test_an_export_reimported_into_empty_tables_compares_equal_table_by_table(full):
    before = export.client_record(full)
    _reload(json.loads(json.dumps(before)))
    after = export.client_record(full, now=None)
    for name in before["sections"]:
        assert after["sections"][name] == before["sections"][name], name
    assert after["client"] == before["client"] and after["people"] == before["people"]
