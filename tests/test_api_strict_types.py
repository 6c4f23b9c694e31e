"""The API takes JSON of the declared type only (api/schemas.py, Input): a body that is not an
object, a number sent as false or text, a date sent as a number are 422 naming the problem, never
converted. And a PATCH field the schema does not mark nullable is refused as null by the schema
itself, as the OpenAPI document says."""

import json

import pytest
from django.test import Client as HttpClient
from ninja.params.models import BodyModel

from bravely.api import api
from bravely.api.schemas import Input
from bravely.planning.models import ExposurePlan, RungDecline
from tests.factories import token


def _call(user, method, path, body):
    return HttpClient().generic(method, "/api/v1" + path, data=json.dumps(body),
                                content_type="application/json",
                                headers={"Authorization": f"Bearer {token(user)}"})


def _loc(response):
    assert response.status_code == 422, (response.status_code, response.content[:300])
    return [tuple(error["loc"]) for error in response.json()["detail"]]


def _body_models():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    if issubclass(model, BodyModel):
                        for field in model.model_fields.values():
                            yield operation, field.annotation


def test_every_request_body_is_a_strict_input():
    bodies = list(_body_models())
    assert len(bodies) > 30
    loose = [f"{op.view_func.__module__}.{op.view_func.__name__}: {model}"
             for op, model in bodies if not (isinstance(model, type) and issubclass(model, Input))]
    assert loose == []
    assert Input.model_config["strict"] is True


@pytest.mark.parametrize("body", [None, 5, "x", [], True, [{"reason": "x"}]])
def test_a_decline_body_that_is_not_an_object(planned, alice, body):
    c, r = planned.client.pk, planned.rungs[0].pk
    response = _call(alice, "POST", f"/clients/{c}/rungs/{r}/declines", body)
    assert _loc(response) == [("body", "payload")]
    assert not RungDecline.objects.exists()


def test_a_plan_body_that_is_text(planned, alice):
    before = ExposurePlan.objects.count()
    response = _call(alice, "POST", f"/clients/{planned.client.pk}/plans", "AAA")
    assert _loc(response) == [("body", "payload")]
    assert ExposurePlan.objects.count() == before


@pytest.mark.parametrize("value", [0, 1700000000, True, ["2020-01-01"]])
def test_a_date_of_birth_that_is_not_text(client_record, alice, value):
    response = _call(alice, "PATCH", f"/clients/{client_record.pk}", {"date_of_birth": value})
    assert _loc(response) == [("body", "payload", "date_of_birth")]
    client_record.refresh_from_db()
    assert client_record.date_of_birth is None


def test_a_date_of_birth_as_iso_text_and_null(client_record, alice):
    path = f"/clients/{client_record.pk}"
    assert _call(alice, "PATCH", path, {"date_of_birth": "1990-05-17"}).status_code == 200
    client_record.refresh_from_db()
    assert str(client_record.date_of_birth) == "1990-05-17"
    assert _call(alice, "PATCH", path, {"date_of_birth": None}).status_code == 200
    client_record.refresh_from_db()
    assert client_record.date_of_birth is None


@pytest.mark.parametrize("value", [False, True, "40", 40.5])
def test_an_own_ceiling_that_is_not_an_integer(planned, alice, value):
    rung = planned.rungs[0]
    response = _call(alice, "PATCH", f"/clients/{planned.client.pk}/rungs/{rung.pk}",
                     {"version": rung.version, "own_ceiling": value})
    assert _loc(response) == [("body", "payload", "own_ceiling")]
    rung.refresh_from_db()
    assert rung.own_ceiling is None


@pytest.mark.parametrize("field, value", [
    ("risk", "yes"), ("risk", 1), ("tolerable_distress", "5"), ("tolerable_distress", False),
    ("value_ratings", [5]), ("note", 5),
])
def test_check_in_fields_of_the_wrong_type(planned, alice, field, value):
    body = {"risk": False, field: value}
    response = _call(alice, "POST", f"/clients/{planned.client.pk}/check-ins", body)
    assert ("body", "payload", field) in [loc[:3] for loc in _loc(response)]


def test_settings_body_is_strict(dana, alice):
    response = _call(dana, "PUT", "/planning-settings", {"product_composite": "yes"})
    assert _loc(response) == [("body", "payload", "product_composite")]


@pytest.mark.parametrize("field", ["status", "display_name", "region", "care_team",
                                   "primary_clinician_id", "distress_scale", "locale"])
def test_client_patch_null_is_refused_by_the_schema_that_says_so(client_record, alice, field):
    response = _call(alice, "PATCH", f"/clients/{client_record.pk}", {field: None})
    assert _loc(response) == [("body", "payload", field)]
    schema = api.get_openapi_schema()["components"]["schemas"]["ClientPatch"]["properties"]
    assert "anyOf" not in schema[field] and schema[field].get("type") != "null", schema[field]
    assert {"type": "null"} in schema["date_of_birth"]["anyOf"]


@pytest.mark.parametrize("path, field", [
    ("plan", "title"), ("plan", "approach"), ("plan", "status"),
    ("rung", "behaviour"), ("rung", "predicted_distress"), ("rung", "status"),
    ("rung", "values"),
])
def test_plan_and_rung_patch_null(planned, alice, path, field):
    obj = planned.plan if path == "plan" else planned.rungs[0]
    url = (f"/clients/{planned.client.pk}/plans/{obj.pk}" if path == "plan"
           else f"/clients/{planned.client.pk}/rungs/{obj.pk}")
    response = _call(alice, "PATCH", url, {"version": obj.version, field: None})
    assert _loc(response) == [("body", "payload", field)]


NULLABLE = {("ClientPatch", "date_of_birth"), ("RungPatch", "feared_likelihood"),
            ("RungPatch", "own_ceiling")}


def test_only_fields_that_can_be_cleared_are_nullable_in_a_patch_body():
    """A PATCH field may be sent as null only where the record can hold no value (clearing
    it); for every other field null is refused by the schema, as the document says."""
    schemas = api.get_openapi_schema()["components"]["schemas"]
    nullable = {(name, field) for name, schema in schemas.items()
                if name.endswith(("Patch", "Update"))
                for field, prop in schema.get("properties", {}).items()
                if {"type": "null"} in prop.get("anyOf", [])}
    assert nullable == NULLABLE


@pytest.mark.parametrize("field", ["session_date", "period_start", "data", "assessment", "plan"])
def test_a_note_update_with_null_is_422_naming_the_field(client_record, alice, actor, field):
    from bravely.records import services as notes

    note = notes.create_note(actor, client_record, {"data": "d"})
    response = _call(alice, "PUT", f"/clients/{client_record.pk}/notes/{note.pk}",
                     {"version": note.version, field: None})
    assert _loc(response) == [("body", "payload", field)]
    note.refresh_from_db()
    assert (note.version, note.data) == (1, "d")
