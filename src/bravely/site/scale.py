"""A group practice at scale, for benchmarks: `bravely seed-scale` (all fictional).

One practice with N clinicians (a supervisor for every eight, one admin), M clients each, and W
weeks of history per client: consent, a values assessment with statements and a valued goal,
safety parameters, a readiness screen, an exposure plan with a ladder of 8-12 rungs (history of
which rung became active when), the agreed pace, homework with signed rationales, practice logs,
"I need to stop" presses, weekly check-ins with value ratings (a few with a risk answer, and
their alerts), a PHQ-9 or GAD-7 every four weeks (responses, scores, "not on track"), a signed
session note every two weeks (addenda, co-signatures), and for clients in maintenance the
maintenance phase, relapse-prevention plan, boosters, schedule and everyday exposures; at the
end, recommendations made by the real refresh (`pacing.services.refresh`).

Fast: the big tables are built as tuples and written by `core.bulk.write_rows` (COPY on
PostgreSQL), a chunk of clients per transaction; every row is built the way the services would
store it (the same copies: scale, ceiling, feared outcome and its likelihood on each log; the
crisis resources on each safety version; scores by `clinical.measures`; note hashes by
`records.models.content_hash`). The audit trail gets an event for each record a service would
audit, appended in bulk to the practice's chain with `audit.services.record_many`, so `bravely
audit verify` passes afterwards; versioned records are version 1.
"""

import json
import random
import sys
import time as clock
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from bravely.accounts.models import Membership, Practice, Role, User
from bravely.audit.models import AuditEvent
from bravely.audit.services import Actor, record_many
from bravely.clients.models import Client, ConsentItem, ConsentRecord
from bravely.clients.services import seed_consent_items
from bravely.clinical import maintenance as maintenance_rules
from bravely.clinical import measures as measure_rules
from bravely.core.bulk import (
    adapt_date,
    adapt_datetime,
    fast_load,
    insert_objects,
    next_id,
    reset_sequences,
    write_rows,
)
from bravely.maintenance.models import (
    Booster,
    BoosterOffer,
    LifestyleExposure,
    MaintenanceItem,
    MaintenancePhase,
    RelapsePlan,
    RelapsePlanAcknowledgement,
)
from bravely.maintenance.selectors import LAPSE_NOTE, SAFETY_NOTE
from bravely.maintenance.selectors import SKILLS as MAINTENANCE_SKILLS
from bravely.measures import selectors as measure_selectors
from bravely.measures import services as measure_services
from bravely.measures.models import Administration, OffTrack, Response, Schedule
from bravely.pacing import services as pacing_services
from bravely.planning.models import (
    ChangeRecord,
    DomainRating,
    ExposurePlan,
    HomeworkAssignment,
    PaceDecision,
    Rationale,
    ReadinessScreen,
    Rung,
    SafetyParameters,
    ValuedGoal,
    ValueDomain,
    ValuesAssessment,
    ValueStatement,
)
from bravely.planning.selectors.pace import default_pace_options
from bravely.planning.selectors.readiness import READINESS_FIELDS
from bravely.planning.services.config import seed_value_domains
from bravely.portal.models import ClientAccount
from bravely.practice.models import CheckIn, CheckInSettings, PracticeLog, RiskAlert, StopEvent
from bravely.records.models import CoSignature, NoteAddendum, SessionNote, content_hash
from bravely.site.demo.measures import LICENCE, demo_questionnaire

PASSWORD = "bravely-scale-2026"
DOMAIN = "scale.example"
CHUNK = 25  # clients per transaction
MEASURE_WEEKS = 4  # a PHQ-9 or GAD-7 every four weeks
NOTE_DAYS = 14  # a session (and its note) every two weeks

FIRST = ["Alex", "Sam", "Jordan", "Priya", "Tom", "Aisha", "Leo", "Grace", "Maya", "Noah",
         "Zara", "Omar", "Lena", "Kai", "Ines", "Ravi", "Mina", "Theo", "Nadia", "Felix",
         "Hana", "Luca", "Sofia", "Ezra", "Amara", "Jonas", "Yara", "Milo", "Elif", "Arjun"]
LAST = ["Reyes", "Nair", "Becker", "Karimi", "Martins", "O'Neill", "Chen", "Patel", "Alvarez",
        "Okafor", "Novak", "Silva", "Haddad", "Larsen", "Kowalski", "Mendes", "Sato", "Brown",
        "Ibrahim", "Fischer", "Rossi", "Dubois", "Kim", "Walsh", "Costa", "Moreau"]
CONCERNS = [
    ("Social anxiety: avoids speaking in meetings and meeting new people.",
     "Speaking up and meeting people", "They will think I'm stupid", "Rehearsing what to say"),
    ("Contamination fears (OCD) limiting time with family.",
     "Contamination fears at home", "Someone will get ill because of me", "Washing twice"),
    ("Panic attacks on public transport.", "Travelling by bus and train",
     "I will have a heart attack", "Sitting by the door"),
    ("Fear of driving on motorways.", "Driving on the motorway", "I will crash",
     "Driving in the slow lane only"),
    ("Fear of dogs.", "Being near dogs", "The dog will bite me", "Crossing the street"),
    ("Health anxiety: checking and reassurance seeking.", "Checking less",
     "I will miss a serious illness", "Asking for reassurance"),
]
PLACES = ["Home", "Office", "Park", "Shop", "Station", "Café", "Meeting room", "Street"]
WHEN = ["Morning", "Lunch", "Afternoon", "Evening", "Weekend"]
WITH = ["Alone", "A friend", "Colleagues", "Family", "Strangers"]
STEPS = ["Look at pictures of it for five minutes", "Watch a video of it", "Stand near it",
         "Stay near it for ten minutes", "Do it with a friend nearby", "Do it alone briefly",
         "Do it alone for twenty minutes", "Do it at a busy time", "Do it twice in a day",
         "Do it without the safety behaviour", "Do it in a new place", "Do it and stay after"]
SKILLS = [{"kind": "breathing", "description": "Slow breathing, 4 in and 6 out",
           "allowed_during_exposure": True},
          {"kind": "grounding", "description": "5-4-3-2-1: name what I see, hear and feel",
           "allowed_during_exposure": True},
          {"kind": "reappraisal", "description": "What is the evidence?",
           "allowed_during_exposure": False}]
CRISIS = [{"region": "US", "name": "988 Suicide & Crisis Lifeline", "contact": "Call or text 988",
           "url": "https://988lifeline.org/", "notes": "Example entry: verify before relying "
           "on it.", "needs_verification": True}]
MAINTENANCE_CONTEXTS = ["Rush hour", "A new place", "With someone new", "When tired"]
LIFESTYLE = ["Said yes to something I used to avoid", "Went the quicker way, not the safe one",
             "Stayed when I wanted to leave", "Did it without checking first"]
NOTE_DATA = [
    "Reviewed the week's practice logs together: practised most days, peaks under the "
    "ceiling, one early stop discussed.",
    "Client reported practising in two new contexts; the feared outcome did not happen.",
    "Fewer practices this fortnight (a busy week at work); the ones done were complete.",
]
NOTE_ASSESSMENT = [
    "Expectancy of the feared outcome is falling across practices; no risk indicators.",
    "Distress peaks are coming down on the current rung; engagement good, linked to values.",
    "Some avoidance returning under stress; no risk indicators, check-in answers no.",
]
NOTE_PLAN = [
    "Keep practising the current rung three times a week, varying place and time.",
    "Review moving to the next rung next session if peaks stay below the ceiling.",
    "Smaller step this week; drop the safety behaviour on one practice.",
]
# the big tables' columns, in the order their tuples are built (core.bulk.write_rows)
LOG_COLUMNS = [
    "id", "client_id", "plan_id", "rung_id", "assignment_id", "entered_by_id", "source",
    "idempotency_key", "started_at", "duration_minutes", "scale", "distress_before",
    "distress_peak", "distress_after", "ceiling", "feared_outcome", "likelihood_before",
    "likelihood_after", "feared_outcome_happened", "what_happened", "surprise",
    "safety_behaviours_used", "stopped_early", "stopped_early_reason", "coping_used",
    "body_sensations", "emotions", "catastrophic_prediction", "balanced_appraisal", "learned",
    "value_reflection", "risk_flag", "created_at"]
CHECK_IN_COLUMNS = ["id", "client_id", "entered_by_id", "source", "idempotency_key", "at",
                    "scale", "tolerable_distress", "risk_question", "risk", "value_ratings",
                    "note"]
ADMINISTRATION_COLUMNS = [
    "id", "client_id", "instrument_id", "schedule_id", "due_on", "status", "source",
    "started_at", "submitted_at", "submitted_by_id", "completed_on", "total", "subscales",
    "severity", "prorated", "scoring_version"]
RESPONSE_COLUMNS = ["id", "administration_id", "item_id", "value", "answered_at",
                    "answered_by_id"]
NOTE_COLUMNS = ["id", "client_id", "author_id", "session_date", "period_start", "data",
                "assessment", "plan", "version", "created_at", "updated_at", "signed_at",
                "signed_by_id", "signed_hash"]
_json = json.dumps  # a JSONField's stored text (core.bulk.json_text)
EMPTY_LIST, EMPTY_DICT, COPING = _json([]), _json({}), _json(["Slow breathing"])


def _answers(definition, total: int, rng) -> dict[str, int]:
    """Item answers that add up to `total`, spread over the items; risk items (PHQ-9 item 9)
    stay at 0, so the seed raises no measure alerts."""
    items = [i for i in definition.items if i.risk_from is None and not i.reverse]
    values = {i.id: 0 for i in definition.items}
    left = min(total, sum(i.max_score for i in items))
    order = items[:]
    while left > 0:
        rng.shuffle(order)
        for item in order:
            if left and values[item.id] < item.max_score:
                values[item.id] += 1
                left -= 1
    for item in definition.items:
        if item.reverse:
            values[item.id] = item.max_score  # scores as its minimum
    return values


@dataclass
class Progress:
    """A progress bar on stderr: clients done, logs written, rate and time left."""

    total: int
    label: str = "clients"
    out: object = field(default=sys.stderr)
    started: float = field(default_factory=clock.monotonic)
    done: int = 0
    logs: int = 0
    quiet: bool = False
    shown: float = 0.0

    def step(self, n: int = 1, logs: int = 0) -> None:
        self.done += n
        self.logs += logs
        if self.quiet or (clock.monotonic() - self.shown < 0.5 and self.done < self.total):
            return
        self.shown = clock.monotonic()
        elapsed = max(clock.monotonic() - self.started, 1e-6)
        share = self.done / self.total if self.total else 1
        eta = elapsed / share - elapsed if share else 0
        bar = "#" * int(30 * share)
        extra = f" logs {self.logs:,} ({self.logs / elapsed:,.0f}/s)" if self.logs else ""
        self.out.write(f"\r{self.label:<10} [{bar:<30}] {self.done:,}/{self.total:,}{extra} "
                       f"{elapsed:,.0f}s, about {eta:,.0f}s left   ")
        if self.done >= self.total:
            self.out.write("\n")
        self.out.flush()


@dataclass
class Seeded:
    practice: Practice
    clinicians: list
    supervisors: list
    admin: User
    clients: int = 0
    logs: int = 0
    check_ins: int = 0
    events: int = 0
    refreshed: int = 0
    seconds: dict = field(default_factory=dict)
    supervisor_of: dict = field(default_factory=dict)  # clinician id -> supervisor (User)
    instruments: list = field(default_factory=list)  # [GAD-7, PHQ-9]


def _event(at, user, practice_id, client_id, action, obj_type, obj_id, via="web", **details):
    """An audit event as `audit.services.record_many` takes it; user None: the system."""
    return {"at": at, "actor_id": getattr(user, "pk", None),
            "actor_label": user.email if user else "bravely-pacing",
            "practice_id": practice_id, "client_id": client_id, "action": action,
            "object_type": obj_type, "object_id": str(obj_id), "ip_address": None, "via": via,
            "details": details}


def _staff(practice, clinicians: int, password_hash: str, prefix: str):
    """Users and memberships: an admin, one supervisor per eight clinicians, the clinicians."""
    per_supervisor = 8
    n_sup = max(1, -(-clinicians // per_supervisor))
    people = [("admin", Role.ADMIN, "Practice Admin")]
    people += [(f"supervisor{i + 1}", Role.SUPERVISOR, f"Dr Supervisor {i + 1}")
               for i in range(n_sup)]
    people += [(f"clinician{i + 1}", Role.CLINICIAN, f"Dr {FIRST[i % 30]} {LAST[i % 26]}")
               for i in range(clinicians)]
    users = User.objects.bulk_create([
        User(email=f"{prefix}{login}@{DOMAIN}", full_name=name, password=password_hash)
        for login, _role, name in people])
    memberships = Membership.objects.bulk_create([
        Membership(user=u, practice=practice, role=role)
        for u, (_login, role, _name) in zip(users, people, strict=True)])
    sups = memberships[1:1 + n_sup]
    clin = memberships[1 + n_sup:]
    for i, m in enumerate(clin):
        m.supervisor = sups[i // per_supervisor]
    Membership.objects.bulk_update(clin, ["supervisor"])
    return (users[0], [m.user for m in sups], [m.user for m in clin],
            {m.user.pk: m.supervisor.user for m in clin})


def create_practice(name: str, clinicians: int, *, prefix: str = "") -> Seeded:
    password_hash = make_password(PASSWORD)
    with transaction.atomic():
        practice = Practice.objects.create(name=name, require_clinician_2fa=False,
                                           default_region="US")
        seed_consent_items(practice)
        seed_value_domains(practice)
        CheckInSettings.objects.create(practice=practice)
        admin, sups, clin, supervisor_of = _staff(practice, clinicians, password_hash, prefix)
        record_many([_event(datetime.now(UTC), admin, practice.pk, None, "create", "practice",
                            practice.pk, via="system", staff=len(clin) + len(sups) + 1)])
        # the measures' (fictional, demo) wording, imported through the service
        instruments = {i.code: i for i in measure_services.ensure_builtins()}
        actor = Actor(admin, None, via="system")
        for code in ("GAD-7", "PHQ-9"):
            if measure_selectors.wording_for(practice, instruments[code]) is None:
                measure_services.import_wording(actor, practice, instruments[code],
                                                demo_questionnaire(instruments[code]),
                                                licence_note=LICENCE)
    return Seeded(practice, clin, sups, admin, supervisor_of=supervisor_of,
                  instruments=[instruments["GAD-7"], instruments["PHQ-9"]])


class _Chunk:
    """The rows of a chunk of clients, built in memory, then bulk-inserted model by model."""

    def __init__(self, seeded: Seeded, rng: random.Random, now: datetime, weeks: int,
                 logs_per_week: float, password_hash: str, portal_share: float, prefix: str):
        self.s, self.rng, self.now, self.weeks = seeded, rng, now, weeks
        self.lpw, self.password_hash, self.portal_share = logs_per_week, password_hash, portal_share
        self.prefix = prefix
        self.events: list[dict] = []
        self.practice = seeded.practice
        self.domains = list(ValueDomain.objects.filter(practice=self.practice))
        items = list(ConsentItem.objects.filter(practice=self.practice))
        self.benefits = [i.text for i in items if i.kind == "benefit"]
        self.risks = [i.text for i in items if i.kind == "risk"]
        self.instruments = seeded.instruments

    def ev(self, at, user, client_id, action, obj_type, obj_id, via="web", **details):
        self.events.append(_event(at, user, self.practice.pk, client_id, action, obj_type,
                                  obj_id, via, **details))

    def build(self, specs):  # noqa: C901 - one pass per model, in dependency order
        rng, now = self.rng, self.now
        # clients ---------------------------------------------------------------------------
        clients = []
        for n, clinician, status in specs:
            scale = "thermometer10" if rng.random() < 0.1 else "suds100"
            start = now - timedelta(weeks=self.weeks, days=rng.randint(0, 10))
            concern = rng.randrange(len(CONCERNS))
            c = Client(practice=self.practice, display_name=f"{rng.choice(FIRST)} "
                       f"{rng.choice(LAST)} {n}", date_of_birth=date(rng.randint(1950, 2008),
                                                                     rng.randint(1, 12), 15),
                       pronouns=rng.choice(["she/her", "he/him", "they/them", ""]),
                       presenting_concerns=CONCERNS[concern][0], status=status,
                       primary_clinician=clinician, distress_scale=scale, region="US",
                       time_zone="America/New_York" if n % 3 else "UTC", created_at=start,
                       last_activity_at=now - timedelta(hours=rng.randint(1, 200)),
                       archived_at=now - timedelta(days=3) if status == "discharged" else None,
                       archived_by=clinician if status == "discharged" else None)
            c._concern, c._start, c._clinician = concern, start, clinician
            c._seq = 0
            c._ended = None  # the end of active treatment, for maintenance and discharge
            if status == "maintenance":
                c._ended = now - timedelta(days=min(7 * rng.randint(3, 16),
                                                    (now - start).days // 3))
            elif status == "discharged":
                c._ended = now - timedelta(days=3)
            clients.append(c)
        Client.objects.bulk_create(clients)
        self.by_id = {c.pk: c for c in clients}
        CareTeam = Client.care_team.through
        team = []
        for c in clients:
            team.append(CareTeam(client_id=c.pk, user_id=c._clinician.pk))
            if rng.random() < 0.15:
                other = rng.choice(self.s.clinicians)
                if other.pk != c._clinician.pk:
                    team.append(CareTeam(client_id=c.pk, user_id=other.pk))
        CareTeam.objects.bulk_create(team)
        for c in clients:
            self.ev(c._start, c._clinician, c.pk, "create", "client", c.pk,
                    fields=["display_name", "status", "distress_scale"])
        # portal accounts -------------------------------------------------------------------
        portal = [c for c in clients if c.status != "intake" and rng.random() < self.portal_share]
        users = User.objects.bulk_create([
            User(email=f"{self.prefix}client{c.pk}@{DOMAIN}", full_name=c.display_name,
                 password=self.password_hash) for c in portal])
        ClientAccount.objects.bulk_create([ClientAccount(client=c, user=u, created_at=c._start)
                                           for c, u in zip(portal, users, strict=True)])
        for c, u in zip(portal, users, strict=True):
            c._user = u
        treated = [c for c in clients if c.status != "intake"]
        # consent, values, safety, readiness ------------------------------------------------
        consents = ConsentRecord.objects.bulk_create([ConsentRecord(
            client=c, version=1, decision="given", benefits_discussed=self.benefits,
            risks_discussed=self.risks, note="Discussed in the first session.",
            recorded_by=c._clinician, recorded_at=c._start) for c in treated])
        for c, k in zip(treated, consents, strict=True):
            self.ev(c._start, c._clinician, c.pk, "create", "consentrecord", k.pk,
                    decision="given", version=1)
        assessments = ValuesAssessment.objects.bulk_create([ValuesAssessment(
            client=c, assessed_on=c._start.date(), created_by=c._clinician,
            created_at=c._start, formula={"product_composite": True}) for c in clients])
        ratings, statements = [], []
        for c, a in zip(clients, assessments, strict=True):
            for i, d in enumerate(self.domains):
                ratings.append(DomainRating(assessment=a, domain=d, domain_name=d.name,
                                            position=i, importance=rng.randint(4, 10),
                                            consistency=rng.randint(1, 8)))
            for r, d in enumerate(rng.sample(self.domains, 3)):
                statements.append(ValueStatement(
                    client=c, assessment=a, domain=d, text=f"Living more fully: {d.name.lower()}",
                    rank=r + 1, created_by=c._clinician, created_at=c._start))
            self.ev(c._start, c._clinician, c.pk, "create", "valuesassessment", a.pk)
        insert_objects(DomainRating, ratings)
        ValueStatement.objects.bulk_create(statements)
        by_client_values: dict[int, list] = {}
        for st in statements:
            by_client_values.setdefault(st.client_id, []).append(st)
        safeties = {}
        rows = []
        for c in treated:
            top = 10 if c.distress_scale == "thermometer10" else 100
            rows.append(SafetyParameters(
                client=c, version=1, distress_scale=c.distress_scale,
                distress_ceiling=round(top * 0.8), coping_level=round(top * 0.6),
                exit_strategies=["Step away and breathe", "Text my therapist's line after"],
                escalation_plan="If distress stays high after stopping, call my support "
                "person; use the crisis line if needed.",
                setback_plan="Bring it to the next session; we add a smaller step.",
                coping_skills=SKILLS, support_contacts=[{"name": "Ana", "relationship":
                                                         "sister", "contact": "555-0101"}],
                crisis_resources=CRISIS, recorded_by=c._clinician, recorded_at=c._start))
        for c, sp in zip(treated, SafetyParameters.objects.bulk_create(rows), strict=True):
            safeties[c.pk] = sp
            self.ev(c._start, c._clinician, c.pk, "create", "safetyparameters", sp.pk, version=1)
        screens = ReadinessScreen.objects.bulk_create([ReadinessScreen(
            client=c, answers={f: False for f in READINESS_FIELDS}, screened_by=c._clinician,
            screened_at=c._start) for c in treated])
        for c, sc in zip(treated, screens, strict=True):
            self.ev(c._start, c._clinician, c.pk, "create", "readinessscreen", sc.pk, holds=0)
        # plans and ladders ------------------------------------------------------------------
        plans = ExposurePlan.objects.bulk_create([ExposurePlan(
            client=c, title=CONCERNS[c._concern][1], description=CONCERNS[c._concern][0],
            approach="habituation" if rng.random() < 0.25 else "inhibitory_learning",
            status="active" if c.status == "active" else "completed",
            created_by=c._clinician, created_at=c._start) for c in treated])
        rungs, plan_rungs = [], {}
        for c, p in zip(treated, plans, strict=True):
            top = 10 if c.distress_scale == "thermometer10" else 100
            n = rng.randint(8, 12)
            if c._ended is None:
                span = 7 * max(1, self.weeks // n + 1)  # days per rung
                active = min(n - 1, self.weeks * 7 // span)
            else:  # the whole ladder mastered by the end of active treatment
                span = max(1, (c._ended - c._start).days // n)
                active = n
            p._client, p._span, p._active = c, span, active
            mine = []
            for i in range(n):
                pred = round(top * min(0.95, 0.3 + 0.6 * i / (n - 1)))
                status = ("mastered" if i < active else "active" if i == active else "planned")
                if p.status == "completed":
                    status = "mastered"
                mine.append(Rung(
                    plan=p, position=i + 1, behaviour=f"{STEPS[i % len(STEPS)]} ({i + 1})",
                    context_where=rng.choice(PLACES), context_when=rng.choice(WHEN),
                    context_with=rng.choice(WITH), valued_outcome="Closer to what matters",
                    predicted_distress=pred, feared_outcome=CONCERNS[c._concern][2],
                    feared_likelihood=rng.randint(40, 90),
                    safety_behaviours=CONCERNS[c._concern][3], rationale="Agreed in session.",
                    status=status, created_by=c._clinician, created_at=c._start))
            plan_rungs[p.pk] = mine
            rungs += mine
            self.ev(c._start, c._clinician, c.pk, "create", "exposureplan", p.pk,
                    rungs=n, approach=p.approach)
        insert_objects(Rung, rungs)
        RungValues = Rung.values.through
        RungValues.objects.bulk_create([
            RungValues(rung_id=r.pk, valuestatement_id=rng.choice(
                by_client_values[r.plan.client_id]).pk) for r in rungs])
        paces = PaceDecision.objects.bulk_create([PaceDecision(
            plan=p, options=default_pace_options(), chosen=rng.choice(["gradual", "steady",
                                                                      "steady", "intensive"]),
            reasons="Fits the week.", decided_on=p._client._start.date(),
            recorded_by=p._client._clinician, recorded_at=p._client._start) for p in plans])
        # homework, history --------------------------------------------------------------------
        assignments, changes = [], []
        for p, pace in zip(plans, paces, strict=True):
            c = p._client
            safety = safeties[c.pk]
            for i, r in enumerate(plan_rungs[p.pk]):
                if r.status == "planned":
                    continue
                begins = c._start + timedelta(days=i * p._span)
                ends = begins + timedelta(days=p._span) - timedelta(days=1)
                current = r.status == "active"
                if current:
                    ends = max(ends, now + timedelta(days=14))
                a = HomeworkAssignment(
                    client=c, plan=p, rung=r, frequency_per_week=max(1, round(self.lpw)),
                    starts_on=begins.date(), ends_on=ends.date(),
                    contexts_to_vary="Different places\nDifferent times",
                    instructions="Practise, and rate distress before, at the peak and after.",
                    coping_plan="Slow breathing allowed; step away if distress reaches the "
                    "ceiling.", safety=safety, pace=pace, agreed_with_client=True,
                    status="active" if current else "completed", created_by=c._clinician,
                    created_at=begins)
                a._begins, a._ends = begins, min(ends, now)
                assignments.append(a)
                changes.append(ChangeRecord(
                    client=c, plan=p, object_type="rung", object_id=r.pk, action="update",
                    before={"status": "planned"}, after={"status": "active"},
                    changed_by=c._clinician, changed_at=begins))
                if r.status == "mastered":
                    changes.append(ChangeRecord(
                        client=c, plan=p, object_type="rung", object_id=r.pk, action="update",
                        before={"status": "active"}, after={"status": "mastered"},
                        changed_by=c._clinician, changed_at=begins + timedelta(days=p._span)))
        insert_objects(HomeworkAssignment, assignments)
        insert_objects(ChangeRecord, changes)
        insert_objects(Rationale, [Rationale(
            assignment=a, text="Practising this step, agreed with the client, serves what "
            "they value.", signed_by=a.created_by, signed_at=a.created_at) for a in assignments])
        for a in assignments:
            self.ev(a.created_at, a.created_by, a.client_id, "create", "homeworkassignment",
                    a.pk, rung=a.rung_id)
        # practice logs (tuples, the bulk of the data), stop presses, and the maintenance plan
        # whose practices are logs too
        self.maintenance = _Maintenance(self, [c for c in treated if c.status == "maintenance"],
                                        plans, plan_rungs, safeties, by_client_values)
        logs, stops = self._logs(assignments, safeties)
        logs += self.maintenance.logs(len(logs))
        alerts, first_log = self._write_logs(logs)
        insert_objects(StopEvent, stops)
        self.maintenance.write(first_log)
        # check-ins with value ratings, goals -------------------------------------------------
        n_check_ins = self._check_ins(treated, by_client_values, alerts)
        self._goals(treated, by_client_values)
        for al in alerts:  # older alerts were closed with a note
            if al.raised_at < now - timedelta(days=21):
                al.closed_at = al.raised_at + timedelta(days=1)
                al.closed_by = al.client._clinician
                al.note = "Called the client; safety plan reviewed, no immediate risk."
        RiskAlert.objects.bulk_create(alerts)
        for al in alerts:
            self.ev(al.raised_at, None, al.client_id, "create", "riskalert", al.pk,
                    via="system", source=al.source)
        # outcome measures, session notes ------------------------------------------------------
        self._measures(treated)
        self._notes(treated)
        # the events in time order within the chunk, then appended to the practice's chain
        self.events.sort(key=lambda e: e["at"])
        record_many(self.events)
        return [c.pk for c in treated if c.status in ("active", "maintenance")], len(logs), \
            n_check_ins, len(self.events)

    def _logs(self, assignments, safeties):
        """Logs as tuples in LOG_COLUMNS order (id and created_at filled in by _write_logs)."""
        rng, now = self.rng, self.now
        random_, uniform, gauss = rng.random, rng.uniform, rng.gauss
        latest = now - timedelta(minutes=90)
        logs, stops = [], []
        for a in assignments:
            c, r = a.client, a.rung
            top = 10 if c.distress_scale == "thermometer10" else 100
            days = max(1, (a._ends - a._begins).days + 1)
            count = max(0, round(self.lpw * days / 7 * uniform(0.6, 1.2)))
            user = getattr(c, "_user", None)
            by = user or c._clinician
            source = "portal" if user else "session"
            likelihood = r.feared_likelihood
            ceiling = safeties[c.pk].distress_ceiling
            behaviour = _json([CONCERNS[c._concern][3]])
            predicted, scale, feared = r.predicted_distress, c.distress_scale, r.feared_outcome
            head = (c.pk, a.plan_id, r.pk, a.pk, by.pk, source)
            for k in range(count):
                at = a._begins + timedelta(days=uniform(0, days - 0.2),
                                           hours=7 + int(random_() * 14))
                if at > latest:
                    continue
                learn = k / max(1, count - 1)
                peak = max(0, min(top, round(predicted * (1.1 - 0.4 * learn)
                                             + gauss(0, top * 0.08))))
                pre = max(0, min(peak, round(peak * uniform(0.4, 0.8))))
                post = max(0, min(peak, round(peak * uniform(0.2, 0.6))))
                early = random_() < 0.05
                after = max(0, round(likelihood * (1 - 0.7 * learn) - uniform(0, 20)))
                c._seq += 1
                logs.append((*head, f"seed-{c.pk}-{c._seq}", at, 10 + int(random_() * 51),
                             scale, pre, peak, post, ceiling, feared, likelihood,
                             min(100, after), "no" if random_() < 0.85 else "partly",
                             "It went better than I expected.", int(random_() * 11),
                             behaviour if random_() < 0.2 else EMPTY_LIST, early,
                             "It got too much; I stepped away." if early else "",
                             COPING if random_() < 0.5 else EMPTY_LIST, "",
                             "Nervous, then calmer", "", "", "I can stay with it.",
                             "A step towards what matters.", random_() < 0.001))
                if early:
                    stops.append(StopEvent(client=c, user=by, assignment=a,
                                           at=at + timedelta(minutes=5)))
        return logs, stops

    def _write_logs(self, logs) -> tuple[list, int]:
        """Insert the logs (ids in order), their audit events and the risk alerts they raise."""
        clients = self.by_id
        dt = adapt_datetime()
        first = next_id(PracticeLog)
        rows, alerts = [], []
        ev = self.events.append
        pid = self.practice.pk
        for i, log in enumerate(logs):
            log_id = first + i
            at = log[7]
            created = at + timedelta(minutes=70)
            rows.append((log_id, *log[:7], dt(at), *log[8:], dt(created)))
            c = clients[log[0]]
            by = c._user if log[5] == "portal" else c._clinician
            peak, ceiling = log[11], log[13]
            ev({"at": created, "actor_id": by.pk, "actor_label": by.email, "practice_id": pid,
                "client_id": c.pk, "action": "create", "object_type": "practicelog",
                "object_id": str(log_id), "via": "web",
                "details": {"rung": log[2], "peak": peak, "over_ceiling": peak >= ceiling,
                            "stopped_early": log[21]}})
            if log[-1]:
                alerts.append(RiskAlert(client=c, source="log", log_id=log_id,
                                        raised_at=created))
        write_rows(PracticeLog, LOG_COLUMNS, rows)
        return alerts, first

    def _check_ins(self, treated, by_client_values, alerts) -> int:
        rng, now = self.rng, self.now
        dt = adapt_datetime()
        first = next_id(CheckIn)
        rows = []
        pid = self.practice.pk
        question = "Since your last check-in, have you had thoughts of harming yourself?"
        for c in treated:
            top = 10 if c.distress_scale == "thermometer10" else 100
            user = getattr(c, "_user", None) or c._clinician
            statements = by_client_values[c.pk][:2]
            at = c._start + timedelta(days=6)
            end = now if c.status != "discharged" else c._ended
            level = [rng.randint(2, 5) for _ in statements]
            k = 0
            while at < end:
                k += 1
                risk = rng.random() < 0.004
                level = [max(0, min(10, v + rng.choice((-1, 0, 0, 1, 1)))) for v in level]
                ratings = [{"statement_id": st.pk, "text": st.text, "rating": v}
                           for st, v in zip(statements, level, strict=True)]
                check_in_id = first + len(rows)
                rows.append((check_in_id, c.pk, user.pk, "portal", f"seed-{k}", dt(at),
                             c.distress_scale, round(top * rng.choice([0.7, 0.8, 0.9])),
                             question, risk, _json(ratings), ""))
                self.events.append({
                    "at": at, "actor_id": user.pk, "actor_label": user.email,
                    "practice_id": pid, "client_id": c.pk, "action": "create",
                    "object_type": "checkin", "object_id": str(check_in_id), "via": "web",
                    "details": {"risk": risk}})
                if risk:
                    alerts.append(RiskAlert(client=c, source="check_in",
                                            check_in_id=check_in_id, raised_at=at))
                at += timedelta(days=7, hours=rng.randint(-12, 12))
        write_rows(CheckIn, CHECK_IN_COLUMNS, rows)
        return len(rows)

    def _goals(self, treated, by_client_values):
        goals = []
        for c in treated:
            statement = by_client_values[c.pk][0]
            goals.append(ValuedGoal(
                client=c, statement=statement, what=f"{CONCERNS[c._concern][1]}, for "
                f"{statement.domain.name.lower()}", times=self.rng.randint(1, 4),
                by_when=(self.now + timedelta(weeks=8)).date(),
                status="achieved" if c._ended else "active", created_by=c._clinician,
                created_at=c._start))
        ValuedGoal.objects.bulk_create(goals)
        for g in goals:
            self.ev(g.created_at, g.created_by, g.client_id, "create", "valuedgoal", g.pk)

    def _measures(self, treated):
        """A measure every four weeks from the start (PHQ-9 or GAD-7), each submitted with its
        item responses and scored by the measures rules, the next one due; "not on track" where
        the rules say so."""
        rng, now, today = self.rng, self.now, self.now.date()
        dt, day = adapt_datetime(), adapt_date()
        schedules = Schedule.objects.bulk_create([Schedule(
            client=c, instrument=self.instruments[rng.random() < 0.4],
            every_weeks=MEASURE_WEEKS, starts_on=c._start.date(), review_after_weeks=6,
            created_by=c._clinician, created_at=c._start,
            ended_at=c._ended if c.status == "discharged" else None) for c in treated])
        first = next_id(Administration)
        first_response = next_id(Response)
        rows, responses, flags = [], [], []
        for c, sch in zip(treated, schedules, strict=True):
            inst = sch.instrument
            definition = inst.rules
            user = getattr(c, "_user", None)
            by = user or c._clinician
            source = "portal" if user else "session"
            top = definition.max_total if hasattr(definition, "max_total") else 27
            baseline = round(top * rng.uniform(0.4, 0.7))
            drop = rng.choice((0.6, 0.5, 0.4, 0.3, 0.05, -0.1))
            end = c._ended.date() if c.status == "discharged" else today
            due = sch.starts_on
            count = max(1, (end - due).days // (7 * MEASURE_WEEKS) + 1)
            series, ids = [], []
            for k in range(count):
                admin_id = first + len(rows)
                completed = min(due + timedelta(days=rng.randint(0, 3)), end)
                total = round(baseline * (1 - drop * k / max(1, count - 1)) + rng.gauss(0, 1.2))
                values = _answers(definition, max(0, min(top, total)), rng)
                result = measure_rules.score(definition, values)
                band = measure_rules.severity(definition, result.total)
                at = datetime.combine(completed, time(17, 30), UTC)
                if at > now:
                    at = now - timedelta(minutes=30)
                rows.append((admin_id, c.pk, inst.pk, sch.pk, day(due), "submitted", source,
                             dt(at - timedelta(minutes=6)), dt(at), by.pk, day(completed),
                             result.total, _json(dict(result.subscales)),
                             band.label if band else "", result.prorated, inst.scoring_version))
                for item_id, value in values.items():
                    responses.append((first_response + len(responses), admin_id, item_id,
                                      value, dt(at), by.pk))
                self.ev(at, by, c.pk, "submit", "administration", admin_id,
                        instrument=inst.code, answered=list(values), source=source,
                        total=result.total)
                series.append((completed, result.total))
                ids.append(admin_id)
                if k == 0:
                    self.ev(c._start, c._clinician, c.pk, "create", "schedule", sch.pk,
                            instrument=inst.code, every_weeks=MEASURE_WEEKS,
                            starts_on=sch.starts_on.isoformat(), administration=admin_id)
                due += timedelta(weeks=MEASURE_WEEKS)
            if c.status != "discharged":  # the next one, due
                rows.append((first + len(rows), c.pk, inst.pk, sch.pk, day(due), "due", "",
                             None, None, None, None, None, EMPTY_DICT, "", False, ""))
            found = measure_rules.not_on_track(definition, series, weeks=sch.review_after_weeks)
            if found is not None:
                flags.append(OffTrack(
                    client=c, instrument=inst, administration_id=ids[-1], reason=found.reason,
                    opened_at=min(now, datetime.combine(found.latest_on, time(18), UTC)),
                    evidence={
                        "instrument": inst.code, "baseline_on": found.baseline_on.isoformat(),
                        "baseline": found.baseline, "latest_on": found.latest_on.isoformat(),
                        "latest": found.latest, "weeks": found.weeks,
                        "weeks_allowed": sch.review_after_weeks,
                        "difference": found.change.difference, "rc": found.change.rc,
                        "label": found.change.label, "administration_ids": ids}))
        write_rows(Administration, ADMINISTRATION_COLUMNS, rows)
        write_rows(Response, RESPONSE_COLUMNS, responses)
        OffTrack.objects.bulk_create(flags)
        for f in flags:
            self.ev(f.opened_at, f.client._clinician, f.client_id, "create", "offtrack",
                    f.pk, reason=f.reason)

    def _notes(self, treated):
        """A signed DAP note every two weeks of treatment (hashed as `sign_note` does), a draft
        for some latest sessions, a few addenda, and the supervisor's co-signature on some."""
        rng, now, today = self.rng, self.now, self.now.date()
        dt, day = adapt_datetime(), adapt_date()
        first = next_id(SessionNote)
        rows, addenda, cosigned = [], [], []
        for c in treated:
            author = c._clinician
            supervisor = self.s.supervisor_of.get(author.pk)
            end = c._ended.date() if c._ended else today
            session = c._start.date() + timedelta(days=7)
            since = c._start.date()
            while session <= end:
                note_id = first + len(rows)
                draft = session > today - timedelta(days=3) and rng.random() < 0.5
                texts = (NOTE_DATA[note_id % len(NOTE_DATA)],
                         NOTE_ASSESSMENT[note_id % len(NOTE_ASSESSMENT)],
                         NOTE_PLAN[note_id % len(NOTE_PLAN)])
                written = datetime.combine(session, time(16), UTC)
                if written > now:
                    written = now - timedelta(hours=1)
                signed_at = None if draft else written + timedelta(minutes=40)
                signed_hash = "" if draft else content_hash({
                    "note": note_id, "client": c.pk, "author": author.pk,
                    "session_date": session.isoformat(), "period_start": since.isoformat(),
                    "data": texts[0], "assessment": texts[1], "plan": texts[2],
                    "signed_by": author.pk, "signed_at": signed_at.isoformat()})
                rows.append((note_id, c.pk, author.pk, day(session), day(since), *texts, 1,
                             dt(written), dt(signed_at or written),
                             None if draft else dt(signed_at), None if draft else author.pk,
                             signed_hash))
                self.ev(written, author, c.pk, "create", "sessionnote", note_id)
                if not draft:
                    self.ev(signed_at, author, c.pk, "sign", "sessionnote", note_id,
                            hash=signed_hash)
                    if rng.random() < 0.03:
                        addenda.append((note_id, signed_hash, author, signed_at
                                        + timedelta(days=1), c))
                    if supervisor is not None and rng.random() < 0.15:
                        cosigned.append((note_id, signed_hash, supervisor,
                                         signed_at + timedelta(days=2), c))
                since = session + timedelta(days=1)
                session += timedelta(days=NOTE_DAYS)
        write_rows(SessionNote, NOTE_COLUMNS, rows)
        text = "Correction: one more practice at the weekend, not logged in Bravely."
        extra = [NoteAddendum(note_id=n, text=text, signed_by=by, signed_at=min(at, now),
                              signed_hash=content_hash({
                                  "note": n, "note_hash": h, "text": text, "signed_by": by.pk,
                                  "signed_at": min(at, now).isoformat()}))
                 for n, h, by, at, _c in addenda]
        NoteAddendum.objects.bulk_create(extra)
        for a, (n, _h, by, _at, c) in zip(extra, addenda, strict=True):
            self.ev(a.signed_at, by, c.pk, "sign", "noteaddendum", a.pk, note=n,
                    hash=a.signed_hash)
        signatures = [CoSignature(note_id=n, signed_by=by, comment="Reviewed in supervision.",
                                  signed_at=min(at, now), note_hash=h)
                      for n, h, by, at, _c in cosigned]
        CoSignature.objects.bulk_create(signatures)
        for sig, (n, h, by, _at, c) in zip(signatures, cosigned, strict=True):
            self.ev(sig.signed_at, by, c.pk, "sign", "cosignature", sig.pk, note=n,
                    cosign=True, hash=h)


class _Maintenance:
    """For the clients in maintenance: the phase from the end of active treatment, boosters at
    Bravely's default weeks (those done re-rated, a rise opening an offer of a booster session),
    the relapse-prevention plan (agreed in session), a weekly maintenance practice from the top
    of the mastered ladder (most done, each one a practice log) and a few everyday exposures."""

    def __init__(self, chunk, clients, plans, plan_rungs, safeties, values):
        self.k, self.clients, self.safeties, self.values = chunk, clients, safeties, values
        self.rungs = {p._client.pk: plan_rungs[p.pk] for p in plans}
        self.plan_of = {p._client.pk: p for p in plans}
        self.items: list[tuple] = []  # (client, rung, planned_on, context, log index or None)

    def logs(self, offset: int) -> list[tuple]:
        """The maintenance practices done, as log tuples (see _Chunk._logs), to be written at
        position `offset` onwards among the chunk's logs."""
        rng, now, today = self.k.rng, self.k.now, self.k.now.date()
        logs = []
        for c in self.clients:
            c._top = sorted(self.rungs[c.pk], key=lambda r: (-r.predicted_distress, r.pk))
            ids = maintenance_rules.maintenance_rungs(
                [maintenance_rules.RungForMaintenance(r.pk, r.predicted_distress, "mastered")
                 for r in c._top], tolerable=None)
            ended = c._ended.date()
            weeks = min(26, (today - ended).days // 7 + 4)
            by_id = {r.pk: r for r in c._top}
            user = getattr(c, "_user", None)
            by = user or c._clinician
            ceiling = self.safeties[c.pk].distress_ceiling
            top = 10 if c.distress_scale == "thermometer10" else 100
            for planned_on, rung_id, context in maintenance_rules.schedule(
                    ids, ended + timedelta(days=7), per_week=1, weeks=weeks,
                    contexts=MAINTENANCE_CONTEXTS, seed=c.pk):
                at = datetime.combine(planned_on, time(8 + rng.randint(0, 10)), UTC)
                index = None
                if at < now - timedelta(hours=2) and rng.random() < 0.8:
                    r = by_id[rung_id]
                    peak = max(0, min(top, round(r.predicted_distress * rng.uniform(0.3, 0.6))))
                    c._seq += 1
                    index = offset + len(logs)
                    logs.append((
                        c.pk, self.plan_of[c.pk].pk, r.pk, None, by.pk,
                        "portal" if user else "session", f"seed-{c.pk}-{c._seq}", at,
                        rng.randint(20, 50), c.distress_scale, round(peak * 0.6), peak,
                        round(peak * 0.3), ceiling, r.feared_outcome, r.feared_likelihood,
                        rng.randint(0, 15), "no", "Fine; it is getting ordinary.",
                        rng.randint(0, 4), EMPTY_LIST, False, "", EMPTY_LIST, "", "Calm", "",
                        "", "I can still do it.", "Keeping my life open.", False))
                self.items.append((c, rung_id, planned_on, context, index))
        return logs

    def write(self, first_log_id: int) -> None:  # noqa: C901 - one pass per model
        k, rng, now, today = self.k, self.k.rng, self.k.now, self.k.now.date()
        if not self.clients:
            return
        phases = MaintenancePhase.objects.bulk_create([MaintenancePhase(
            client=c, started_on=c._ended.date(), started_by=c._clinician,
            created_at=c._ended) for c in self.clients])
        weeks = list(maintenance_rules.DEFAULT_BOOSTER_WEEKS)
        for c, phase in zip(self.clients, phases, strict=True):
            k.ev(c._ended, c._clinician, c.pk, "create", "maintenancephase", phase.pk,
                 boosters=weeks)
        # the relapse-prevention plan, agreed in session --------------------------------------
        plans = RelapsePlan.objects.bulk_create([RelapsePlan(
            client=c, version=1,
            values_reinforced=[{"achievement": r.behaviour, "values": self.values[c.pk][0].text}
                               for r in c._top[:3]],
            life_vision="Doing what matters to me without planning my days around the fear.",
            warning_signs=[{"sign": f"Going back to: {CONCERNS[c._concern][3].lower()}",
                            "action": "Notice it, and do the next practice without it."},
                           {"sign": "Finding reasons to put a practice off",
                            "action": "Do a small one the same day."}],
            lapse_note=str(LAPSE_NOTE),
            contacts=[{"name": "Ana", "how": "sister 555-0101"},
                      {"name": c._clinician.full_name, "how": "my clinician"}],
            skills=[{"skill": str(s), "when": str(w)} for s, w in MAINTENANCE_SKILLS],
            safety=self.safeties[c.pk], safety_note=str(SAFETY_NOTE),
            recorded_by=c._clinician, recorded_at=c._ended) for c in self.clients])
        acks = RelapsePlanAcknowledgement.objects.bulk_create([RelapsePlanAcknowledgement(
            plan=p, method="session", note="Read together in the last active session.",
            recorded_by=p.recorded_by, acknowledged_at=p.recorded_at + timedelta(minutes=30))
            for p in plans if rng.random() < 0.7])
        for p in plans:
            k.ev(p.recorded_at, p.recorded_by, p.client_id, "create", "relapseplan", p.pk,
                 version=1)
        for a in acks:
            k.ev(a.acknowledged_at, a.recorded_by, a.plan.client_id, "create",
                 "relapseplanacknowledgement", a.pk, version=1, method="session")
        # boosters at 2, 4, 8 and 12 weeks: done ones re-rate the top rungs and the values -----
        boosters = []
        for c in self.clients:
            user = getattr(c, "_user", None) or c._clinician
            earlier = {r.pk: r.predicted_distress for r in c._top[:3]}
            worse = rng.random() < 0.15
            for number, due in enumerate(maintenance_rules.booster_dates(c._ended.date()), 1):
                b = Booster(client=c, number=number, due_on=due)
                done_at = datetime.combine(due, time(18), UTC)
                if due < today and done_at < now and rng.random() < 0.9:
                    factor = rng.uniform(1.1, 1.4) if worse and number > 1 else rng.uniform(
                        0.7, 1.0)
                    ratings = {rid: max(0, min(c.scale_max, round(v * factor)))
                               for rid, v in earlier.items()}
                    b.done_at, b.entered_by = done_at, user
                    b.rung_ratings = [{"rung_id": r.pk, "behaviour": r.behaviour,
                                       "earlier": earlier[r.pk], "rating": ratings[r.pk]}
                                      for r in c._top[:3]]
                    b.value_ratings = [{"statement_id": st.pk, "text": st.text,
                                        "rating": rng.randint(5, 9)}
                                       for st in self.values[c.pk][:2]]
                    b.rising = maintenance_rules.rising(earlier, ratings,
                                                        scale_max=c.scale_max)
                    earlier = ratings
                boosters.append(b)
        Booster.objects.bulk_create(boosters)
        offers = []
        for b in boosters:
            if b.done_at is None:
                continue
            k.ev(b.done_at, b.entered_by, b.client_id, "update", "booster", b.pk, done=True,
                 rising=b.rising, warning_signs=0, risk=False)
            if b.rising:
                offers.append(BoosterOffer(client=b.client, booster=b, reasons=["rising"],
                                           created_at=b.done_at))
        BoosterOffer.objects.bulk_create(offers)
        for o in offers:
            k.ev(o.created_at, o.booster.entered_by, o.client_id, "create", "boosteroffer", o.pk,
                 reasons=o.reasons)
        # the maintenance schedule, each practice done linked to its log -----------------------
        items = MaintenanceItem.objects.bulk_create([MaintenanceItem(
            client=c, rung_id=rung_id, planned_on=planned_on, context=context,
            log_id=None if index is None else first_log_id + index, created_by=c._clinician,
            created_at=c._ended + timedelta(hours=1))
            for c, rung_id, planned_on, context, index in self.items])
        planned: dict[int, list] = {}
        for item in items:
            planned.setdefault(item.client_id, []).append(item)
        for c in self.clients:
            mine = planned.get(c.pk, [])
            k.ev(c._ended + timedelta(hours=1), c._clinician, c.pk, "create", "maintenanceitem",
                 "", planned=len(mine), per_week=1, weeks=len(mine),
                 rungs=sorted({i.rung_id for i in mine}))
            user = getattr(c, "_user", None) or c._clinician
            for item in mine:
                if item.log_id is not None:
                    at = datetime.combine(item.planned_on, time(20), UTC)
                    k.ev(min(at, now), user, c.pk, "update", "maintenanceitem", item.pk,
                         log=item.log_id)
        # everyday exposures ------------------------------------------------------------------
        entries = []
        for c in self.clients:
            user = getattr(c, "_user", None) or c._clinician
            on = c._ended.date() + timedelta(days=rng.randint(2, 9))
            n = 0
            while on < today:
                n += 1
                entries.append(LifestyleExposure(
                    client=c, what=rng.choice(LIFESTYLE), value=self.values[c.pk][n % 2],
                    distress_peak=round(c.scale_max * rng.uniform(0.1, 0.4)),
                    scale=c.distress_scale, on=on, idempotency_key=f"seed-life-{n}",
                    entered_by=user, created_at=datetime.combine(on, time(19), UTC)))
                on += timedelta(days=rng.randint(6, 14))
        LifestyleExposure.objects.bulk_create(entries)
        for e in entries:
            k.ev(min(e.created_at, now), e.entered_by, e.client_id, "create",
                 "lifestyleexposure", e.pk, peak=e.distress_peak)


def seed(*, clinicians: int, clients_per_clinician: int, weeks: int, logs_per_week: float = 3.5,
         portal_share: float = 0.5, refresh: bool = True, seed_value: int = 1,
         name: str = "Scale Test Practice", prefix: str = "", quiet: bool = False,
         out=sys.stderr) -> Seeded:
    """Fill the database with one practice of fictional clients; see the module docstring."""
    rng = random.Random(seed_value)
    started = clock.monotonic()
    seeded = create_practice(name, clinicians, prefix=prefix)
    password_hash = User.objects.filter(pk=seeded.admin.pk).values_list("password",
                                                                        flat=True)[0]
    now = datetime.now(UTC).replace(microsecond=0)
    statuses = ["active"] * 14 + ["maintenance", "maintenance", "intake", "discharged"]
    specs = [(i + 1, clinician, rng.choice(statuses))
             for clinician in seeded.clinicians for i in range(clients_per_clinician)]
    for n, spec in enumerate(specs):
        specs[n] = (n + 1, spec[1], spec[2])
    bar = Progress(len(specs), "clients", out=out, quiet=quiet)
    to_refresh: list[int] = []
    with fast_load():
        for start in range(0, len(specs), CHUNK):
            part = specs[start:start + CHUNK]
            with transaction.atomic():
                chunk = _Chunk(seeded, rng, now, weeks, logs_per_week, password_hash,
                               portal_share, prefix)
                ids, n_logs, n_check_ins, n_events = chunk.build(part)
            to_refresh += ids
            seeded.clients += len(part)
            seeded.logs += n_logs
            seeded.check_ins += n_check_ins
            seeded.events += n_events
            bar.step(len(part), logs=n_logs)
    if connection.vendor == "postgresql":
        reset_sequences(PracticeLog, CheckIn, AuditEvent, Administration, Response, SessionNote)
        with connection.cursor() as cursor:  # fresh statistics for the planner after the load
            cursor.execute("ANALYZE")
    seeded.seconds["data"] = clock.monotonic() - started
    if refresh:
        started = clock.monotonic()
        bar = Progress(len(to_refresh), "pacing", out=out, quiet=quiet)
        for client_id in to_refresh:
            pacing_services.refresh(client_id)
            seeded.refreshed += 1
            bar.step()
        seeded.seconds["refresh"] = clock.monotonic() - started
    return seeded
