"""Planning fixtures, built through the services (so history and audit look like real use)."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from bravely.accounts.services import create_api_token
from bravely.audit.services import Actor
from bravely.clients import services as client_services
from bravely.planning import services
from bravely.planning.models import ValueDomain

READY = dict.fromkeys(services.READINESS_FIELDS, False)


@pytest.fixture
def web(alice):
    http = HttpClient()
    http.force_login(alice)
    return http


@pytest.fixture
def api(alice):
    """A JSON client for alice's API token: api.get(path), api.post(path, body), ..."""
    return ApiClient(alice)


class ApiClient:
    def __init__(self, user):
        self.token = create_api_token(Actor(user), "tests")[1]
        self.http = HttpClient()

    def call(self, method, path, body=None):
        import json

        return self.http.generic(method, "/api/v1" + path, data=json.dumps(body or {}),
                                 content_type="application/json",
                                 headers={"Authorization": f"Bearer {self.token}"})

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None):
        return self.call("POST", path, body)

    def patch(self, path, body=None):
        return self.call("PATCH", path, body)

    def put(self, path, body=None):
        return self.call("PUT", path, body)


def make_client(practice, clinician, name="Sam Client", scale="suds100", consent=True,
                region="US"):
    actor = Actor(clinician, "127.0.0.1")
    client = client_services.create_client(actor, practice, {
        "display_name": name, "primary_clinician": clinician, "status": "active",
        "region": region, "distress_scale": scale})
    if consent:
        client_services.record_consent(actor, client, decision="given",
                                       items=practice.consent_items.all())
    return client


def domains(practice):
    services.seed_value_domains(practice)
    return {d.name: d for d in ValueDomain.objects.filter(practice=practice)}


def make_assessment(actor, client, ratings=None, **kwargs):
    found = domains(client.practice)
    ratings = ratings or {"Work": (9, 3), "Friendships": (8, 4), "Family": (6, 6)}
    return services.create_assessment(
        actor, client, ratings=[(found[n], i, c) for n, (i, c) in ratings.items()], **kwargs)


def make_statement(actor, client, assessment=None, text="Sharing my ideas at work",
                   domain="Work", rank=1):
    assessment = assessment or make_assessment(actor, client)
    return services.add_statement(actor, client, assessment,
                                  domain=domains(client.practice)[domain], text=text, rank=rank)


def make_safety(actor, client, ceiling=None, coping=None, **extra):
    top = client.scale_max
    return services.create_safety_version(actor, client, {
        "distress_ceiling": ceiling if ceiling is not None else top * 8 // 10,
        "coping_level": coping if coping is not None else top * 6 // 10,
        "exit_strategies": ["Step outside", "Call my sister"],
        "coping_skills": [
            {"kind": "breathing", "description": "", "allowed_during_exposure": True},
            {"kind": "reappraisal", "description": "Check the evidence",
             "allowed_during_exposure": False}],
        "support_contacts": [{"name": "Ana", "relationship": "sister", "contact": "555-0101"}],
        **extra,
    })


def make_plan(actor, client, **data):
    return services.create_plan(actor, client, {"title": "Speaking up", "approach":
                                                "inhibitory_learning", **data})


def rung_data(predicted=30, **extra):
    return {"behaviour": f"Practice at {predicted}", "predicted_distress": predicted,
            "feared_outcome": "They will laugh", "feared_likelihood": 60,
            "valued_outcome": "My ideas count", **extra}


def make_rungs(actor, plan, values, predictions=(30, 40, 50)):
    return [services.add_rung(actor, plan, rung_data(p, behaviour=f"Rung at {p}"), values)
            for p in predictions]


def make_assignment(actor, rung, **extra):
    today = timezone.localdate()
    return services.assign_homework(actor, rung, {
        "frequency_per_week": 3, "starts_on": today, "ends_on": today + timedelta(days=6),
        "contexts_to_vary": "Different meetings", "instructions": "Ask one question.",
        "coping_plan": "", "agreed_with_client": True, **extra})


@pytest.fixture
def statement(actor, client_record):
    return make_statement(actor, client_record)


@pytest.fixture
def safety(actor, client_record):
    return make_safety(actor, client_record)


@pytest.fixture
def plan(actor, client_record):
    return make_plan(actor, client_record)


@pytest.fixture
def ladder(actor, plan, statement, safety):
    """A plan with three rungs (30, 40, 50) linked to a value, safety parameters in force."""
    return make_rungs(actor, plan, [statement])
