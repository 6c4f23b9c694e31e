"""A group practice at scale, for benchmarks: `bravely seed-scale` (all fictional).

One practice with N clinicians (a supervisor for every eight, one admin), M clients each, and W
weeks of history per client: consent, a values assessment with statements, safety parameters,
a readiness screen, an active exposure plan with a ladder of 8-12 rungs (history of which rung
became active when), the agreed pace, homework with signed rationales, practice logs, "I need to
stop" presses, weekly check-ins (a few with a risk answer, and their alerts) and, at the end,
recommendations made by the real refresh (`pacing.services.refresh`).

Fast: rows are written with bulk inserts, a chunk of clients per transaction; every row is built
the way the services would store it (the same copies: scale, ceiling, feared outcome and its
likelihood on each log; the crisis resources on each safety version). The audit trail gets an
event for each record a service would audit, appended in bulk to the practice's chain with
`audit.services.record_many`, so `bravely audit verify` passes afterwards; versioned records
are version 1.
"""

import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from bravely.accounts.models import Membership, Practice, Role, User
from bravely.audit.models import AuditEvent
from bravely.audit.services import record_many
from bravely.clients.models import Client, ConsentItem, ConsentRecord
from bravely.clients.services import seed_consent_items
from bravely.core.bulk import insert_rows, reset_sequences
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
    ValueDomain,
    ValuesAssessment,
    ValueStatement,
)
from bravely.planning.selectors.pace import default_pace_options
from bravely.planning.selectors.readiness import READINESS_FIELDS
from bravely.planning.services.config import seed_value_domains
from bravely.portal.models import ClientAccount
from bravely.practice.models import CheckIn, CheckInSettings, PracticeLog, RiskAlert, StopEvent

PASSWORD = "bravely-scale-2026"
DOMAIN = "scale.example"
CHUNK = 25  # clients per transaction

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


@dataclass
class Progress:
    """A progress bar on stderr: clients done, logs written, rate and time left."""

    total: int
    label: str = "clients"
    out: object = field(default=sys.stderr)
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    logs: int = 0
    quiet: bool = False
    shown: float = 0.0

    def step(self, n: int = 1, logs: int = 0) -> None:
        self.done += n
        self.logs += logs
        if self.quiet or (time.monotonic() - self.shown < 0.5 and self.done < self.total):
            return
        self.shown = time.monotonic()
        elapsed = max(time.monotonic() - self.started, 1e-6)
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
    return users[0], [m.user for m in sups], [m.user for m in clin]


def create_practice(name: str, clinicians: int, *, prefix: str = "") -> Seeded:
    password_hash = make_password(PASSWORD)
    with transaction.atomic():
        practice = Practice.objects.create(name=name, require_clinician_2fa=False,
                                           default_region="US")
        seed_consent_items(practice)
        seed_value_domains(practice)
        CheckInSettings.objects.create(practice=practice)
        admin, sups, clin = _staff(practice, clinicians, password_hash, prefix)
        record_many([_event(datetime.now(UTC), admin, practice.pk, None, "create", "practice",
                            practice.pk, via="system", staff=len(clin) + len(sups) + 1)])
    return Seeded(practice, clin, sups, admin)


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
            clients.append(c)
        Client.objects.bulk_create(clients)
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
        DomainRating.objects.bulk_create(ratings)
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
            status="active" if c.status in ("active", "maintenance") else "completed",
            created_by=c._clinician, created_at=c._start) for c in treated])
        rungs, plan_rungs = [], {}
        for c, p in zip(treated, plans, strict=True):
            top = 10 if c.distress_scale == "thermometer10" else 100
            n = rng.randint(8, 12)
            span = max(1, self.weeks // n + 1)  # weeks per rung
            active = min(n - 1, self.weeks // span)
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
        Rung.objects.bulk_create(rungs)
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
                begins = c._start + timedelta(weeks=i * p._span)
                ends = begins + timedelta(weeks=p._span) - timedelta(days=1)
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
                        changed_by=c._clinician, changed_at=begins + timedelta(weeks=p._span)))
        HomeworkAssignment.objects.bulk_create(assignments)
        ChangeRecord.objects.bulk_create(changes)
        Rationale.objects.bulk_create([Rationale(
            assignment=a, text="Practising this step, agreed with the client, serves what "
            "they value.", signed_by=a.created_by, signed_at=a.created_at) for a in assignments])
        for a in assignments:
            self.ev(a.created_at, a.created_by, a.client_id, "create", "homeworkassignment",
                    a.pk, rung=a.rung_id)
        # practice logs, stop presses (plain inserts: the bulk of the data) ---------------------
        logs, stops = [], []
        seq: dict[int, int] = {}
        for a in assignments:
            c, r = a.client, a.rung
            top = 10 if c.distress_scale == "thermometer10" else 100
            days = max(1, (a._ends - a._begins).days + 1)
            count = max(0, round(self.lpw * days / 7 * rng.uniform(0.6, 1.2)))
            user = getattr(c, "_user", None)
            likelihood = r.feared_likelihood
            ceiling = safeties[c.pk].distress_ceiling
            behaviour = CONCERNS[c._concern][3]
            for k in range(count):
                at = a._begins + timedelta(days=rng.uniform(0, days - 0.2),
                                           hours=rng.randint(7, 20))
                if at > now - timedelta(minutes=90):
                    continue
                learn = k / max(1, count - 1)
                peak = max(0, min(top, round(r.predicted_distress * (1.1 - 0.4 * learn)
                                             + rng.gauss(0, top * 0.08))))
                pre = max(0, min(peak, round(peak * rng.uniform(0.4, 0.8))))
                post = max(0, min(peak, round(peak * rng.uniform(0.2, 0.6))))
                early = rng.random() < 0.05
                after = max(0, round(likelihood * (1 - 0.7 * learn) - rng.uniform(0, 20)))
                seq[c.pk] = seq.get(c.pk, 0) + 1
                logs.append({
                    "client_id": c.pk, "plan_id": a.plan_id, "rung_id": r.pk,
                    "assignment_id": a.pk, "entered_by_id": (user or c._clinician).pk,
                    "source": "portal" if user else "session",
                    "idempotency_key": f"seed-{c.pk}-{seq[c.pk]}", "started_at": at,
                    "duration_minutes": rng.randint(10, 60), "scale": c.distress_scale,
                    "distress_before": pre, "distress_peak": peak, "distress_after": post,
                    "ceiling": ceiling, "feared_outcome": r.feared_outcome,
                    "likelihood_before": likelihood, "likelihood_after": min(100, after),
                    "feared_outcome_happened": "no" if rng.random() < 0.85 else "partly",
                    "what_happened": "It went better than I expected.",
                    "surprise": rng.randint(0, 10),
                    "safety_behaviours_used": [behaviour] if rng.random() < 0.2 else [],
                    "stopped_early": early,
                    "stopped_early_reason": "It got too much; I stepped away." if early else "",
                    "coping_used": ["Slow breathing"] if rng.random() < 0.5 else [],
                    "body_sensations": "", "emotions": "Nervous, then calmer",
                    "catastrophic_prediction": "", "balanced_appraisal": "",
                    "learned": "I can stay with it.",
                    "value_reflection": "A step towards what matters.",
                    "risk_flag": rng.random() < 0.001, "created_at": at + timedelta(minutes=70),
                    "_user": user or c._clinician, "_client": c})
                if early:
                    stops.append(StopEvent(client=c, user=user or c._clinician, assignment=a,
                                           at=at + timedelta(minutes=5)))
        insert_rows(PracticeLog, logs)
        StopEvent.objects.bulk_create(stops, batch_size=1000)
        alerts = []
        for log in logs:
            self.ev(log["created_at"], log["_user"], log["client_id"], "create", "practicelog",
                    log["id"], rung=log["rung_id"], peak=log["distress_peak"],
                    over_ceiling=log["distress_peak"] >= log["ceiling"],
                    stopped_early=log["stopped_early"])
            if log["risk_flag"]:
                alerts.append(RiskAlert(client=log["_client"], source="log", log_id=log["id"],
                                        raised_at=log["created_at"]))
        # check-ins --------------------------------------------------------------------------------
        check_ins = []
        question = ("Since your last check-in, have you had thoughts of harming yourself?")
        for c in treated:
            top = 10 if c.distress_scale == "thermometer10" else 100
            user = getattr(c, "_user", None) or c._clinician
            at = c._start + timedelta(days=6)
            k = 0
            while at < now:
                k += 1
                check_ins.append({
                    "client_id": c.pk, "entered_by_id": user.pk, "source": "portal",
                    "idempotency_key": f"seed-{k}", "at": at, "scale": c.distress_scale,
                    "tolerable_distress": round(top * rng.choice([0.7, 0.8, 0.9])),
                    "risk_question": question, "risk": rng.random() < 0.004,
                    "value_ratings": [], "note": "", "_user": user, "_client": c})
                at += timedelta(days=7, hours=rng.randint(-12, 12))
        insert_rows(CheckIn, check_ins)
        for ci in check_ins:
            self.ev(ci["at"], ci["_user"], ci["client_id"], "create", "checkin", ci["id"],
                    risk=ci["risk"])
            if ci["risk"]:
                alerts.append(RiskAlert(client=ci["_client"], source="check_in",
                                        check_in_id=ci["id"], raised_at=ci["at"]))
        for al in alerts:  # older alerts were closed with a note
            if al.raised_at < now - timedelta(days=21):
                al.closed_at = al.raised_at + timedelta(days=1)
                al.closed_by = al.client._clinician
                al.note = "Called the client; safety plan reviewed, no immediate risk."
        RiskAlert.objects.bulk_create(alerts)
        for al in alerts:
            self.ev(al.raised_at, None, al.client_id, "create", "riskalert", al.pk,
                    via="system", source=al.source)
        # the events in time order within the chunk, then appended to the practice's chain
        self.events.sort(key=lambda e: e["at"])
        record_many(self.events)
        return [c.pk for c in treated if c.status in ("active", "maintenance")], len(logs), \
            len(check_ins), len(self.events)


def seed(*, clinicians: int, clients_per_clinician: int, weeks: int, logs_per_week: float = 3.5,
         portal_share: float = 0.5, refresh: bool = True, seed_value: int = 1,
         name: str = "Scale Test Practice", prefix: str = "", quiet: bool = False,
         out=sys.stderr) -> Seeded:
    """Fill the database with one practice of fictional clients; see the module docstring."""
    rng = random.Random(seed_value)
    started = time.monotonic()
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
    for start in range(0, len(specs), CHUNK):
        part = specs[start:start + CHUNK]
        with transaction.atomic():
            chunk = _Chunk(seeded, rng, now, weeks, logs_per_week, password_hash, portal_share,
                           prefix)
            ids, n_logs, n_check_ins, n_events = chunk.build(part)
        to_refresh += ids
        seeded.clients += len(part)
        seeded.logs += n_logs
        seeded.check_ins += n_check_ins
        seeded.events += n_events
        bar.step(len(part), logs=n_logs)
    if connection.vendor == "postgresql":
        reset_sequences(PracticeLog, CheckIn, AuditEvent)
        with connection.cursor() as cursor:  # fresh statistics for the planner after the load
            cursor.execute("ANALYZE")
    seeded.seconds["data"] = time.monotonic() - started
    if refresh:
        started = time.monotonic()
        bar = Progress(len(to_refresh), "pacing", out=out, quiet=quiet)
        for client_id in to_refresh:
            pacing_services.refresh(client_id)
            seeded.refreshed += 1
            bar.step()
        seeded.seconds["refresh"] = time.monotonic() - started
    return seeded
