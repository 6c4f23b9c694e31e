"""Tampered input never gets a 500: ids that are not ids ("abc", "²", twenty digits), NUL
characters, on every page route (taken from the access matrices, so a new route is swept too)
and in every form's choice fields. The cause is fixed once: core.params (ids and text from a
request), core.middleware.BadInputMiddleware (NUL characters, BadParameter: 400 naming the field)
and core.forms (bounded choice fields, used by every form: checked below).

Runs on SQLite and PostgreSQL alike (DATABASE_URL).
"""

import importlib
import inspect
import pathlib
import re
from datetime import timedelta

import pytest
from django import forms
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from bravely.accounts.models import User
from bravely.accounts.services import create_api_token, invite
from bravely.audit.services import Actor
from bravely.core import forms as core_forms
from bravely.core.params import BadParameter, id_param, int_param, parse_id, text_param
from bravely.pacing.models import Recommendation
from bravely.planning import services as planning
from bravely.portal.models import SupportPerson
from bravely.practice.models import RiskAlert
from bravely.practice.services import submit_check_in, submit_log
from tests.access import resolve_kwargs
from tests.factories import PASSWORD, READY, make_client, make_log

TESTS = pathlib.Path(__file__).parent
TWENTY_DIGITS = "9" * 20
TAMPERED = {"superscript": "²", "twenty_digits": TWENTY_DIGITS, "letters": "abc",
            "nul": "a\x00b"}
# Query and form parameters some view reads itself (beyond the fields its forms render).
EXTRA_NAMES = ["decline", "client", "action", "actor", "status", "q", "page", "all", "archived",
               "statement", "next", "assignment", "support", "direction", "revision", "note",
               "idempotency_key"]


# ---------------------------------------------------------------- the shared helpers themselves

@pytest.mark.parametrize("raw, expected", [
    ("1", 1), (" 42 ", 42), (str(2**63 - 1), 2**63 - 1), (7, 7),
    ("0", None), ("-1", None), ("²", None), ("٣", None), ("abc", None), ("1.0", None),
    (str(2**63), None), (TWENTY_DIGITS, None), ("", None), (None, None), (True, None),
    (["1"], None), ("1\x00", None),
])
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_id_param_names_the_field():
    assert id_param({}, "support") is None
    assert id_param({"support": ""}, "support") is None
    assert id_param({"support": "12"}, "support") == 12
    for bad in ("abc", "²", TWENTY_DIGITS, "0"):
        with pytest.raises(BadParameter) as error:
            id_param({"support": bad}, "support")
        assert error.value.field == "support"
    with pytest.raises(BadParameter):
        id_param({}, "support", required=True)


def test_int_and_text_params():
    assert int_param({"n": "-3"}, "n", minimum=-5) == -3
    for bad in ("²", TWENTY_DIGITS, "1e3", "99"):
        with pytest.raises(BadParameter):
            int_param({"n": bad}, "n", maximum=10)
    assert text_param({"note": "  hi  "}, "note", max_length=1) == "h"
    with pytest.raises(BadParameter):
        text_param({"note": "a\x00"}, "note", max_length=10)


# ---------------------------------------------------------------- every form: bounded fields

def _form_classes():
    import bravely

    root = pathlib.Path(bravely.__file__).parent
    for path in sorted(root.rglob("forms*.py")) + sorted(root.rglob("forms/*.py")):
        module = importlib.import_module(
            "bravely." + ".".join(path.relative_to(root).with_suffix("").parts))
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_form_uses_the_bounded_choice_fields():
    classes = list(_form_classes())
    assert len(classes) > 20
    wrong = []
    for cls in classes:
        if issubclass(cls, forms.ModelForm) and not issubclass(cls, core_forms.ModelForm):
            wrong.append(f"{cls.__module__}.{cls.__name__} is not a core.forms.ModelForm")
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.ModelMultipleChoiceField):
                if not isinstance(field, core_forms.ModelMultipleChoiceField):
                    wrong.append(f"{cls.__name__}.{name}")
            elif isinstance(field, forms.ModelChoiceField):
                if not isinstance(field, core_forms.ModelChoiceField):
                    wrong.append(f"{cls.__name__}.{name}")
            elif (isinstance(field, forms.IntegerField) and field.max_value is None
                  and not isinstance(field, forms.FloatField)):
                wrong.append(f"{cls.__name__}.{name}: an IntegerField without max_value")
    assert wrong == []


# ---------------------------------------------------------------- the cases in issue 14

@pytest.fixture(name="objects")
def every_record(planned, actor, alice, dana, practice, jordan):
    """Every object the access matrices' routes name (their `objects` fixtures, combined); also
    the records tests/api/test_fuzz.py sends its requests about."""
    client = planned.client
    statement = client.value_statements.first()
    goal = planning.create_goal(actor, client, statement=statement, what="Speak up", times=1,
                                per="week", by_when=timezone.localdate() + timedelta(days=20))
    rung, rung2, declined = planned.rungs[:3]
    decline = planning.decline_rung(actor, declined, reason="Too big a step")
    client2 = make_client(practice, alice, name="Second Client")
    screen = planning.record_readiness(actor, client2, {**READY, "interoceptive_planned": True,
                                                        "cardiac": True})
    crisis = planning.save_crisis_resource(actor, practice, None, {
        "region": "US", "name": "988 Lifeline", "contact": "988", "needs_verification": True})
    log, _ = submit_log(actor, client, rung, {
        "started_at": timezone.now(), "duration_minutes": 15, "distress_before": 30,
        "distress_peak": 50, "distress_after": 20}, idempotency_key="a", source="session")
    submit_check_in(actor, client, {"risk": True}, idempotency_key="b")
    make_log(actor, client, rung, peak=85, hours_ago=2)  # over the ceiling: a recommendation
    sam = User.objects.create_user("sam@example.org", PASSWORD)
    support = SupportPerson.objects.create(
        client=client, user=sam, name="Sam", relationship="friend", email="sam@example.org",
        shares=["ladder", "values", "progress"], consent_note="Agreed", recorded_by=alice)
    invitation, _raw = invite(Actor(dana), practice, "new@example.org", "clinician")
    from bravely.planning.models import ValueDomain

    return {
        "client": client, "client2": client2, "assessment": statement.assessment,
        "statement": statement, "goal": goal, "safety": planned.safety, "plan": planned.plan,
        "rung": rung, "rung2": rung2, "decline": decline, "assignment": planned.assignment,
        "hold": screen.holds.get(), "domain": ValueDomain.objects.filter(practice=practice)
        .first(), "crisis": crisis, "rec": Recommendation.objects.filter(client=client).first(),
        "log": log, "alert": RiskAlert.objects.get(), "support": support,
        "alice_membership": alice.membership, "invitation": invitation,
        "consent_item": practice.consent_items.first(),
        "alice_token": create_api_token(Actor(alice), "laptop")[0],
        "users": {"alice": alice, "dana": dana, "jordan": jordan, "sam": sam},
    }


def _as(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _refused(response, field: str):
    body = response.content.decode()
    assert response.status_code == 400, (response.status_code, body[:300])
    assert f"“{field}”" in body, body[:500]


def test_stop_with_an_assignment_that_is_not_an_id(objects, portal):
    for bad in ("abc", "²", TWENTY_DIGITS):
        _refused(portal.post(reverse("portal_stop"), {"assignment": bad}), "assignment")
    assert portal.post(reverse("portal_stop"), {"assignment": ""}).status_code == 302


def test_sharing_with_a_support_that_is_not_an_id(objects, portal):
    for bad in ("abc", "²", TWENTY_DIGITS):
        _refused(portal.post(reverse("portal_sharing"), {"support": bad}), "support")
    assert portal.post(reverse("portal_sharing"), {"support": "0"}).status_code == 400
    assert portal.post(reverse("portal_sharing"), {"support": "999999"}).status_code == 404


def test_audit_log_filtered_by_a_client_that_is_not_an_id(objects, dana):
    http = _as(dana)
    for bad in ("²", TWENTY_DIGITS, "abc"):
        _refused(http.get(reverse("audit_log"), {"client": bad}), "client")
    page = http.get(reverse("audit_log"), {"client": objects["client"].pk})
    assert page.status_code == 200


def test_moving_a_rung_with_a_revision_that_is_not_a_number(objects, alice):
    url = reverse("rung_move", args=[objects["client"].pk, objects["rung"].pk])
    for bad in ("²", TWENTY_DIGITS):
        _refused(_as(alice).post(url, {"direction": "down", "revision": bad}), "revision")


def test_new_rung_replacing_a_decline_that_is_not_an_id(objects, alice):
    url = reverse("rung_new", args=[objects["client"].pk, objects["plan"].pk])
    for bad in ("²", TWENTY_DIGITS, "abc"):
        _refused(_as(alice).get(url, {"decline": bad}), "decline")
    assert _as(alice).get(url, {"decline": objects["decline"].pk}).status_code == 200


@pytest.mark.parametrize("route, field", [
    ("client_new", "primary_clinician"), ("client_new", "care_team"),
    ("client_edit", "primary_clinician"), ("client_edit", "care_team"),
    ("consent_new", "items"), ("rung_edit", "values"), ("rung_new", "values"),
])
def test_twenty_digit_ids_in_choice_fields_are_not_a_valid_choice(objects, alice, route, field):
    kwargs = {"route": route}
    args = {"client_new": [], "client_edit": [objects["client"].pk],
            "consent_new": [objects["client"].pk],
            "rung_edit": [objects["client"].pk, objects["rung"].pk],
            "rung_new": [objects["client"].pk, objects["plan"].pk]}[kwargs["route"]]
    response = _as(alice).post(reverse(route, args=args), {field: TWENTY_DIGITS})
    assert response.status_code == 200  # the form, shown again with the field's error
    errors = response.context["form"].errors
    assert field in errors, errors


def test_journal_value_with_a_twenty_digit_id(objects, portal):
    response = portal.post(reverse("portal_journal"), {"text": "Noted", "value": TWENTY_DIGITS})
    assert response.status_code == 200
    assert "value" in response.context["form"].errors


def test_nul_in_the_safety_note_and_the_draft(objects, portal):
    _refused(portal.post(reverse("portal_safety"), {"note": "I agree\x00"}), "note")
    _refused(portal.post(reverse("portal_log_draft"), {
        "idempotency_key": "k1", "distress_peak": "4\x000"}), "distress_peak")
    _refused(portal.post(reverse("portal_log_draft"), {"idempotency_key": "k\x00"}),
             "idempotency_key")


def test_nul_in_a_parameter_name_is_refused(objects, alice):
    response = _as(alice).get(reverse("caseload") + "?a%00b=1")
    assert response.status_code == 400


def test_the_api_answers_nul_in_a_query_in_its_own_shape(objects, alice):
    from tests.factories import token

    response = HttpClient().get("/api/v1/clients", {"status": "a\x00"},
                                headers={"Authorization": f"Bearer {token(alice)}"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]


# ---------------------------------------------------------------- every route, swept

def _matrix_routes():
    """(name, method, kwargs, who) for each page route: the first person who may open it."""
    seen = {}
    for path in sorted(TESTS.rglob("test_access*.py")):
        module = importlib.import_module(
            ".".join(path.relative_to(TESTS.parent).with_suffix("").parts))
        for name, method, kwargs, expected in getattr(module, "ROUTES", []):
            allowed = [who for who, status in expected.items()
                       if who != "anon" and status in (200, 302, 400)]
            preferred = [who for who in ("alice", "dana", "jordan", "sam") if who in allowed]
            if preferred and (name, method) not in seen:
                seen[(name, method)] = (name, method, kwargs, preferred[0])
    return sorted(seen.values())


ROUTES = _matrix_routes()
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _names(html: str) -> list[str]:
    return sorted({name for name in FIELD.findall(html) if name != "csrfmiddlewaretoken"}
                  | set(EXTRA_NAMES))


def test_the_sweep_covers_the_routes():
    names = {name for name, *_ in ROUTES}
    assert {"portal_stop", "portal_sharing", "audit_log", "rung_move", "rung_new",
            "client_new", "consent_new", "portal_safety", "portal_log_draft"} <= names
    assert len(names) > 60


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r[1]} {r[0]}" for r in ROUTES])
def test_no_route_answers_tampered_input_with_a_500(route, objects):
    name, _method, kwargs, who = route
    unknown = [v for v in kwargs.values() if isinstance(v, str) and v not in objects]
    if unknown:
        pytest.skip(f"{name}: the sweep's records have no {unknown} (its own matrix checks it)")
    url = reverse(name, kwargs=resolve_kwargs(kwargs, objects))
    http = _as(objects["users"][who])
    page = http.get(url)
    assert page.status_code < 500
    html = (page.content.decode() if page.status_code == 200 and not page.streaming
            and page.get("Content-Type", "").startswith("text/html") else "")
    names = _names(html)
    failures = []
    for label, value in TAMPERED.items():
        data = dict.fromkeys(names, value)
        for method in ("get", "post"):
            response = getattr(http, method)(url, data)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {label}: {response.status_code}")
            elif label == "nul" and response.status_code != 400:
                failures.append(f"{method.upper()} nul: {response.status_code}, not 400")
    # one field at a time for the choice fields, so that no other field's error hides one
    for field in set(re.findall(r'<(?:select|input type="(?:checkbox|radio)")[^>]*name="([^"]+)"',
                                html)):
        for value in (TWENTY_DIGITS, "²"):
            response = http.post(url, {field: value})
            if response.status_code >= 500:
                failures.append(f"POST {field}={value}: {response.status_code}")
    assert failures == [], f"{name} ({url}): {failures}"
