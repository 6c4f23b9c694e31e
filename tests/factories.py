"""One place that builds test data: practices, members, clients, values, safety parameters, plans,
rungs, homework, practice logs, check-ins, API tokens and signed-in HTTP clients.

Everything is built through the apps' own services (so history and audit look like real use).
These are plain functions, not fixtures: the fixtures (tests/conftest.py for the shared cast,
tests/<area>/conftest.py for an area's own) call them, and tests import them from here, never
from another folder's conftest or test module.
"""

import json
import uuid
from datetime import timedelta
from types import SimpleNamespace

from django.test import Client as HttpClient
from django.utils import timezone

from bravely.accounts.models import Membership, Practice, User
from bravely.accounts.services import create_api_token
from bravely.audit.services import Actor
from bravely.clients import services as client_services
from bravely.planning import services as planning
from bravely.planning.models import CrisisResource, ValueDomain
from bravely.practice.services import submit_check_in, submit_log

PASSWORD = "correct horse battery staple"

# A readiness screen with nothing ticked: the client is ready for exposure work.
READY = dict.fromkeys(planning.READINESS_FIELDS, False)

# A practice in which the feared outcome did not happen, its likelihood fell from 80 % to 30 %
# and no safety behaviour was used: the expectancy was violated.
VIOLATED = {"likelihood_after": 30, "feared_outcome_happened": "no",
            "safety_behaviours_used": []}


# Practices, people, access


def make_practice(name="Riverside", *, seed_consent=True, require_clinician_2fa=False):
    practice = Practice.objects.create(name=name, require_clinician_2fa=require_clinician_2fa)
    if seed_consent:
        client_services.seed_consent_items(practice)
    return practice


def make_member(email, practice, role, supervisor=None, name=""):
    user = User.objects.create_user(email, PASSWORD, full_name=name or email.split("@")[0].title())
    Membership.objects.create(user=user, practice=practice, role=role, supervisor=supervisor)
    return user


def token(user, name="tests") -> str:
    """A new personal API token for user; returns the raw bearer token."""
    return create_api_token(Actor(user), name)[1]


def signed_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


class ApiClient:
    """A JSON client for a user's API token: api.get(path), api.post(path, body), ..."""

    def __init__(self, user):
        self.token = token(user)
        self.http = HttpClient()

    def call(self, method, path, body=None):
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


# Clients and their plans


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
    planning.seed_value_domains(practice)
    return {d.name: d for d in ValueDomain.objects.filter(practice=practice)}


def make_assessment(actor, client, ratings=None, **kwargs):
    found = domains(client.practice)
    ratings = ratings or {"Work": (9, 3), "Friendships": (8, 4), "Family": (6, 6)}
    return planning.create_assessment(
        actor, client, ratings=[(found[n], i, c) for n, (i, c) in ratings.items()], **kwargs)


def make_statement(actor, client, assessment=None, text="Sharing my ideas at work",
                   domain="Work", rank=1):
    assessment = assessment or make_assessment(actor, client)
    return planning.add_statement(actor, client, assessment,
                                  domain=domains(client.practice)[domain], text=text, rank=rank)


def make_safety(actor, client, ceiling=None, coping=None, **extra):
    top = client.scale_max
    return planning.create_safety_version(actor, client, {
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
    return planning.create_plan(actor, client, {"title": "Speaking up", "approach":
                                                "inhibitory_learning", **data})


def rung_data(predicted=30, **extra):
    return {"behaviour": f"Practice at {predicted}", "predicted_distress": predicted,
            "feared_outcome": "They will laugh", "feared_likelihood": 60,
            "valued_outcome": "My ideas count", **extra}


def make_rungs(actor, plan, values, predictions=(30, 40, 50)):
    return [planning.add_rung(actor, plan, rung_data(p, behaviour=f"Rung at {p}"), values)
            for p in predictions]


def make_assignment(actor, rung, **extra):
    today = timezone.localdate()
    return planning.assign_homework(actor, rung, {
        "frequency_per_week": 3, "starts_on": today, "ends_on": today + timedelta(days=6),
        "contexts_to_vary": "Different meetings", "instructions": "Ask one question.",
        "coping_plan": "", "agreed_with_client": True, **extra})


def make_planned(actor, client, practice):
    """The scenario most practice and pacing tests start from: a US crisis line, one value, safety
    parameters (ceiling 70, coping 50 on 0-100) the client acknowledged, an active
    inhibitory-learning plan of three rungs (35, 50, 60) linked to that value, and homework on the
    first rung, running since three days ago. Returns a namespace: client, statement, safety, plan,
    rungs, assignment."""
    CrisisResource.objects.create(practice=practice, region="US", name="Example US crisis line",
                                  contact="Call 000-000", needs_verification=True)
    planning.seed_value_domains(practice)
    domain = practice.value_domains.first()
    assessment = planning.create_assessment(actor, client, ratings=[(domain, 9, 3)])
    statement = planning.add_statement(actor, client, assessment, domain=domain,
                                       text="Be there for my friends", rank=1)
    safety = planning.create_safety_version(actor, client, {
        "distress_ceiling": 70, "coping_level": 50,
        "exit_strategies": ["Step outside and breathe"],
        "coping_skills": [{"kind": "breathing", "description": "Slow breathing",
                           "allowed_during_exposure": True},
                          {"kind": "grounding", "description": "Counting objects",
                           "allowed_during_exposure": False}],
        "support_contacts": [{"name": "Sam", "relationship": "friend", "contact": "555 0100"}],
    })
    planning.acknowledge_safety(actor, safety, note="Read through together.")
    plan = planning.create_plan(actor, client, {
        "title": "Social anxiety", "approach": "inhibitory_learning", "status": "active"})
    rungs = [
        planning.add_rung(actor, plan, {
            "behaviour": behaviour, "predicted_distress": distress,
            "feared_outcome": "They will laugh at me", "feared_likelihood": 80,
            "safety_behaviours": "Looking at my phone\nRehearsing sentences"}, [statement])
        for behaviour, distress in [("Say hello to a colleague", 35),
                                    ("Ask a question in a meeting", 50),
                                    ("Join a lunch table", 60)]
    ]
    today = timezone.localdate()
    assignment = planning.assign_homework(actor, rungs[0], {
        "frequency_per_week": 3, "starts_on": today - timedelta(days=3),
        "ends_on": today + timedelta(days=11), "instructions": "Say hello and stay",
        "agreed_with_client": True})
    for rung in rungs:
        rung.refresh_from_db()
    return SimpleNamespace(client=client, statement=statement, safety=safety, plan=plan,
                           rungs=rungs, assignment=assignment)


# Practice between sessions


def make_log(actor, client, rung, *, peak=40, before=30, after=20, hours_ago=1, **fields):
    """A practice log entered in session, through submit_log; returns (log, created)."""
    data = {"started_at": timezone.now() - timedelta(hours=hours_ago),
            "duration_minutes": 15, "distress_before": before, "distress_peak": peak,
            "distress_after": after, **fields}
    if peak < before or peak < after:
        data["peak_confirmed"] = True
    return submit_log(actor, client, rung, data, idempotency_key=uuid.uuid4().hex,
                      source="session")


def make_check_in(actor, client, risk=False, **fields):
    return submit_check_in(actor, client, {"risk": risk, **fields},
                           idempotency_key=uuid.uuid4().hex, source="session")[0]


def log_form(**overrides):
    """The portal's log form, filled in as a client would (strings, as posted)."""
    data = {
        "idempotency_key": "key-1",
        "started_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "20", "distress_before": "40", "distress_peak": "60",
        "distress_after": "30", "likelihood_after": "30", "feared_outcome_happened": "no",
        "what_happened": "They said hello back", "surprise": "7",
        "safety_behaviours_used": ["Looking at my phone"], "coping_used": ["Slow breathing"],
        "learned": "People were friendly", "value_reflection": "I connected with someone",
    }
    data.update(overrides)
    return data


def kinds(recs):
    return [r.kind for r in recs]


# Outcome measures


def phq9_answers(*values):
    """PHQ-9 answers by item number: phq9_answers(1, 2, ...) or nine values."""
    return {f"phq9-{n}": v for n, v in enumerate(values, 1)}


def score_measure(actor, client, instrument, values, *, completed_on=None):
    """A measure entered from the paper form and submitted (values in item order)."""
    from bravely.measures import services

    answers = dict(zip(instrument.rules.item_ids, values, strict=True))
    return services.enter_from_paper(actor, client, instrument, answers,
                                     completed_on=completed_on)


def fictional_wording(instrument, *, prefix="Demo question") -> dict:
    """A FHIR R4 Questionnaire for the instrument with made-up wording (never a real one's)."""
    from bravely.measures.fhir import to_questionnaire

    wording = {item.id: {"text": f"{prefix} {n}",
                         "options": {str(o.score): f"Answer worth {o.score}"
                                     for o in item.options}}
               for n, item in enumerate(instrument.rules.items, 1)}
    return to_questionnaire(instrument.rules, wording, title=f"Fictional {instrument.code}")
# Maintenance


def make_maintenance(actor, planned):
    """`planned` after active treatment: every rung mastered (one log with a value reflection on
    the top rung), then the status set to maintenance through clients.services, which starts the
    maintenance phase (boosters at 2, 4, 8, 12 weeks). Returns `planned` with .phase added."""
    from bravely.maintenance.selectors import phase_of
    from bravely.planning.models import Rung

    make_log(actor, planned.client, planned.rungs[2], peak=45,
             value_reflection="I sat with my team and joined in")
    for rung in planned.rungs:
        fresh = Rung.objects.get(pk=rung.pk)
        planning.update_rung(actor, fresh, {"status": "mastered"}, version=fresh.version)
    client_services.update_client(actor, planned.client, {"status": "maintenance"})
    planned.client.refresh_from_db()
    planned.phase = phase_of(planned.client)
    return planned


def plan_data(**overrides):
    """A relapse-prevention plan as the service takes it."""
    return {
        "values_reinforced": [{"achievement": "Join a lunch table",
                               "values": "Be there for my friends"}],
        "life_vision": "Being a colleague people can count on",
        "warning_signs": [{"sign": "Skipping lunch with the team",
                           "action": "Join them the next day"}],
        "lapse_note": "A slip is not a fall.",
        "contacts": [{"name": "Sam", "how": "friend, 555 0100"}],
        "skills": [{"skill": "Problem-solving", "when": "When a task feels too big"}],
        "safety_note": "My ceiling still applies.", **overrides}


def add_logs(planned, count):
    """count more practices on the planned client's first log's rung, one every five hours going
    back, bulk-created like the first (for query counts at two sizes)."""
    from django.forms.models import model_to_dict

    from bravely.practice.models import PracticeLog

    template = PracticeLog.objects.filter(client=planned.client).first()
    fields = model_to_dict(template, exclude=["id", "idempotency_key", "started_at"])
    fields = {f"{k}_id" if k in ("client", "plan", "rung", "assignment", "entered_by") else k: v
              for k, v in fields.items()}
    start = PracticeLog.objects.filter(client=planned.client).count()
    now = timezone.now()
    PracticeLog.objects.bulk_create(
        PracticeLog(**{**fields, "idempotency_key": f"bulk-{i}",
                       "started_at": now - timedelta(hours=5 * i), "distress_peak": 40 + i % 30})
        for i in range(start, start + count))
