"""Planning with the client: values, safety parameters, plans and rungs, pace, homework and
rationales. The same selectors (scoping, 404 outside scope) and services (validation, history,
audit) as the pages; service ValidationErrors become 422 with the field in `loc`."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StringConstraints

from bravely.accounts.selectors import get_admin_membership
from bravely.api.schemas import Id, Input
from bravely.audit.services import Actor, record
from bravely.clients.selectors import get_client
from bravely.planning import selectors, services
from bravely.planning.models import (
    ChangeRecord,
    CrisisResource,
    ExposurePlan,
    HomeworkAssignment,
    ValueDomain,
    ValueStatement,
)
from bravely.planning.text import clinical_text

router = Router()

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Approach = Literal["inhibitory_learning", "habituation"]
PlanStatus = Literal["draft", "active", "paused", "completed", "archived"]
RungStatus = Literal["planned", "active", "mastered", "paused", "skipped"]
Per = Literal["day", "week", "month"]
Distress = Annotated[int, Field(ge=0, le=100, description="On the client's distress scale "
                                                          "(0-100 or 0-10); checked against it.")]
REGION = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"


def _actor(request):
    return Actor.from_request(request, via="api")


def _viewed(request, obj, client, **details):
    record(_actor(request), "view", obj, client=client, details=details or None)


# --- schemas ------------------------------------------------------------------------------------


class ChangeOut(Schema):
    id: int
    object_type: str
    object_id: int
    action: str
    before: dict | None
    after: dict | None
    note: str
    changed_by_id: int
    changed_at: datetime


class RatingIn(Schema):
    domain_id: int
    importance: int = Field(ge=1, le=10)
    consistency: int = Field(ge=1, le=10)


class AssessmentIn(Input):
    assessed_on: date | None = None
    source: Literal["session", "portal"] = "session"
    note: str = Field("", max_length=2000)
    ratings: list[RatingIn] = Field(min_length=1, max_length=50)


class RatingOut(Schema):
    domain_id: int
    domain_name: str
    importance: int
    consistency: int
    product: int
    gap: int
    candidate: bool


class StatementOut(Schema):
    id: int
    assessment_id: int
    domain_id: int
    domain_name: str
    text: str
    rank: int
    archived: bool
    version: int


class AssessmentOut(Schema):
    id: int
    assessed_on: date
    source: str
    note: str
    formula: dict
    formula_text: str
    ratings: list[RatingOut]
    composite: float | None
    candidate_domain_ids: list[int]
    statements: list[StatementOut]
    created_by_id: int
    created_at: datetime


class DomainChangeOut(Schema):
    domain_id: int
    importance_change: int | None
    consistency_change: int | None
    gap_change: int | None


class ValuesOut(Schema):
    assessments: list[AssessmentOut]
    changes_since_previous: list[DomainChangeOut]
    composite_change: float | None


class StatementIn(Input):
    domain_id: int
    text: str = Field(min_length=1, max_length=500)
    rank: int = Field(ge=1, le=99)


class StatementPatch(Input):
    version: int = Field(description="The statement's version you read; a stale one is "
                                     "refused.")
    domain_id: int | None = None
    text: str | None = Field(None, min_length=1, max_length=500)
    rank: int | None = Field(None, ge=1, le=99)
    archived: bool | None = None


class GoalIn(Input):
    statement_id: int
    what: str = Field(min_length=1, max_length=300)
    times: int = Field(ge=1, le=100)
    per: Per = "week"
    by_when: date


class GoalPatch(Input):
    version: int = Field(description="The goal's version you read; a stale one is refused.")
    statement_id: int | None = None
    what: str | None = Field(None, min_length=1, max_length=300)
    times: int | None = Field(None, ge=1, le=100)
    per: Per | None = None
    by_when: date | None = None
    status: Literal["active", "achieved", "dropped"] | None = None
    note: str = Field("", max_length=500)


class GoalOut(Schema):
    id: int
    statement_id: int
    what: str
    times: int
    per: str
    by_when: date
    status: str
    version: int
    history: list[ChangeOut]


class SkillIn(Input):
    kind: Literal["breathing", "grounding", "reappraisal", "custom"]
    description: str = Field("", max_length=300)
    allowed_during_exposure: bool = True


class ContactIn(Input):
    name: str = Field(min_length=1, max_length=150)
    relationship: str = Field("", max_length=150)
    contact: str = Field(min_length=1, max_length=150)


class SafetyIn(Input):
    distress_ceiling: Distress
    coping_level: Distress | None = None
    exit_strategies: list[Line] = Field(min_length=1, max_length=30)
    escalation_plan: str = Field("", max_length=3000)
    setback_plan: str = Field("", max_length=3000)
    coping_skills: list[SkillIn] = Field(default_factory=list, max_length=20)
    support_contacts: list[ContactIn] = Field(default_factory=list, max_length=20)
    change_note: str = Field("", max_length=500)
    based_on: int | None = Field(None, ge=0, description="The version you read (0 if none); a "
                                                         "stale one is refused.")


class AckOut(Schema):
    id: int
    method: str
    note: str
    recorded_by_id: int
    acknowledged_at: datetime


class SafetyOut(Schema):
    id: int
    version: int
    distress_scale: str
    distress_ceiling: int
    coping_level: int | None
    exit_strategies: list[str]
    escalation_plan: str
    setback_plan: str
    coping_skills: list[dict]
    support_contacts: list[dict]
    crisis_resources: list[dict]
    change_note: str
    recorded_by_id: int
    recorded_at: datetime
    acknowledgements: list[AckOut]

    @staticmethod
    def resolve_acknowledgements(obj):
        return list(obj.acknowledgements.all())


class CrisisOut(Schema):
    id: int
    region: str
    name: str
    contact: str
    url: str
    notes: str
    needs_verification: bool
    position: int
    is_active: bool


class HoldOut(Schema):
    id: int
    code: str
    needs: str
    message: str
    cleared: bool
    clearances: list[dict]

    @staticmethod
    def resolve_message(obj):
        return clinical_text(obj.message, obj.params)

    @staticmethod
    def resolve_cleared(obj):
        return bool(obj.clearances.all())

    @staticmethod
    def resolve_clearances(obj):
        return [{"id": c.pk, "rationale": c.rationale, "cleared_by_id": c.cleared_by_id,
                 "cleared_at": c.cleared_at.isoformat()} for c in obj.clearances.all()]


class SafetyOverview(Schema):
    current: SafetyOut | None
    versions: list[SafetyOut]
    crisis_resources: list[CrisisOut]
    on_hold: bool
    open_holds: list[HoldOut]


class AckIn(Input):
    method: Literal["session"] = "session"  # only the client, in the portal, records "portal"
    note: str = Field("", max_length=500)


class ReadinessIn(Input):
    imminent_suicide_risk: StrictBool
    recent_self_harm_or_suicidal_behaviour: StrictBool
    intoxication_or_unmanaged_substance_use: StrictBool
    psychosis: StrictBool
    dissociation: StrictBool
    interoceptive_planned: StrictBool
    seizures: StrictBool
    cardiac: StrictBool
    respiratory: StrictBool
    neck_or_back: StrictBool
    pregnancy: StrictBool
    note: str = Field("", max_length=2000)


class FlagOut(Schema):
    code: str
    message: str
    holds: bool


class ScreenOut(Schema):
    id: int
    answers: dict
    note: str
    screened_by_id: int
    screened_at: datetime
    flags: list[FlagOut]
    holds: list[HoldOut]

    @staticmethod
    def resolve_flags(obj):
        return [{"code": f.code, "message": clinical_text(f.message, f.params), "holds": f.holds}
                for f in selectors.screen_flags(obj)]

    @staticmethod
    def resolve_holds(obj):
        return list(obj.holds.all())


class ClearanceIn(Input):
    rationale: str = Field(min_length=10, max_length=3000)


class PlanIn(Input):
    title: str = Field(min_length=1, max_length=150)
    description: str = Field("", max_length=3000)
    approach: Approach = "inhibitory_learning"
    status: PlanStatus = "draft"


# In the PATCH bodies below, a text field typed `str` with a None default may be left out but not
# sent as null: the record has no null for it (send "" to empty it).


class PlanPatch(Input):
    version: int = Field(description="The plan's version you read; a stale one is refused.")
    title: str | None = Field(None, min_length=1, max_length=150)
    description: str = Field(None, max_length=3000)
    approach: Approach | None = None
    status: PlanStatus | None = None


class RungIn(Input):
    behaviour: str = Field(min_length=1, max_length=300)
    context_where: str = Field("", max_length=200)
    context_when: str = Field("", max_length=200)
    context_with: str = Field("", max_length=200)
    values: list[Id] = Field(default_factory=list, max_length=20,
                             description="Ids of the client's value statements.")
    valued_outcome: str = Field("", max_length=1000)
    predicted_distress: Distress
    feared_outcome: str = Field("", max_length=1000)
    feared_likelihood: int | None = Field(None, ge=0, le=100)
    safety_behaviours: str = Field("", max_length=1000)
    own_ceiling: Distress | None = None
    rationale: str = Field("", max_length=3000)
    status: RungStatus = "planned"
    revision: int | None = Field(None, description="The ladder revision you read.")
    decline_id: int | None = Field(None, description="A declined rung this one replaces.")


class RungPatch(Input):
    version: int = Field(description="The rung's version you read; a stale one is refused.")
    behaviour: str | None = Field(None, min_length=1, max_length=300)
    context_where: str = Field(None, max_length=200)
    context_when: str = Field(None, max_length=200)
    context_with: str = Field(None, max_length=200)
    values: list[Id] | None = Field(None, max_length=20)
    valued_outcome: str = Field(None, max_length=1000)
    predicted_distress: Distress | None = None
    feared_outcome: str = Field(None, max_length=1000)
    feared_likelihood: int | None = Field(None, ge=0, le=100)
    safety_behaviours: str = Field(None, max_length=1000)
    own_ceiling: Distress | None = None
    rationale: str = Field(None, max_length=3000)
    status: RungStatus | None = None


class DeclineOut(Schema):
    id: int
    rung_id: int
    reason: str
    declined_on: date
    open: bool
    alternative_id: int | None
    alternative_note: str

    @staticmethod
    def resolve_open(obj):
        return obj.is_open


class RungOut(Schema):
    id: int
    position: int
    behaviour: str
    context_where: str
    context_when: str
    context_with: str
    values: list[int]
    valued_outcome: str
    predicted_distress: int
    feared_outcome: str
    feared_likelihood: int | None
    safety_behaviours: str
    own_ceiling: int | None
    rationale: str
    status: str
    version: int
    declines: list[DeclineOut]

    @staticmethod
    def resolve_values(obj):
        return [v.pk for v in obj.values.all()]

    @staticmethod
    def resolve_declines(obj):
        return list(obj.declines.all())


class WarningOut(Schema):
    code: str
    rung_id: int | None
    severity: str
    message: str
    acknowledged: bool
    acknowledged_by_id: int | None
    note: str


class PaceOptionIn(Input):
    key: str = Field(min_length=1, max_length=16)
    label: str = Field("", max_length=60)
    sessions_per_week: int = Field(ge=0, le=7)
    practices_per_week: int = Field(ge=1, le=21)
    rungs_per_week: float = Field(gt=0, le=7)


class PaceIn(Input):
    options: list[PaceOptionIn] = Field(min_length=2, max_length=6)
    chosen: str = Field(min_length=1, max_length=16)
    reasons: str = Field(min_length=1, max_length=2000)
    decided_on: date | None = None


class PaceOut(Schema):
    id: int
    options: list[dict]
    chosen: str
    reasons: str
    decided_on: date
    recorded_by_id: int
    recorded_at: datetime


class PaceOverview(Schema):
    decisions: list[PaceOut]
    default_options: list[dict]


class PlanOut(Schema):
    id: int
    title: str
    description: str
    approach: str
    status: str
    version: int
    ladder_revision: int
    created_at: datetime
    updated_at: datetime


class PlanDetail(PlanOut):
    on_hold: bool
    rungs: list[RungOut]
    warnings: list[WarningOut]
    pace: PaceOut | None


class OrderIn(Schema):
    rung_ids: list[int] = Field(min_length=1, max_length=200)
    revision: int = Field(description="The ladder revision you read; a stale one is refused.")


class MoveIn(Schema):
    direction: Literal["up", "down"]
    revision: int = Field(description="The ladder revision you read; a stale one is refused.")


class WarningAckIn(Input):
    code: str = Field(min_length=1, max_length=40)
    rung_id: int | None = None
    note: str = Field("", max_length=500)


class WarningAckOut(Schema):
    id: int
    code: str
    rung_key: str
    note: str
    acknowledged_by_id: int
    acknowledged_at: datetime


class DeclineIn(Input):
    reason: str = Field("", max_length=2000)
    declined_on: date | None = None


class ResolveIn(Input):
    alternative_note: str = Field(min_length=1, max_length=500)


class AssignmentIn(Input):
    rung_id: int
    frequency_per_week: int | None = Field(None, ge=1, le=21, description="Defaults to the "
                                           "chosen pace's practices per week.")
    starts_on: date
    ends_on: date
    contexts_to_vary: str = Field("", max_length=2000)
    instructions: str = Field(min_length=1, max_length=4000)
    coping_plan: str = Field("", max_length=4000, description="Empty: drafted from the safety "
                                                              "parameters in force.")
    agreed_with_client: bool


class RationaleOut(Schema):
    id: int
    text: str
    corrects_id: int | None
    correction_reason: str
    signed_by_id: int
    signed_at: datetime


class AssignmentOut(Schema):
    id: int
    plan_id: int
    rung_id: int
    frequency_per_week: int
    starts_on: date
    ends_on: date
    contexts_to_vary: str
    instructions: str
    coping_plan: str
    safety_version: int
    pace_id: int | None
    agreed_with_client: bool
    status: str
    cancel_reason: str
    created_by_id: int
    created_at: datetime
    rationales: list[RationaleOut]

    @staticmethod
    def resolve_safety_version(obj):
        return obj.safety.version

    @staticmethod
    def resolve_rationales(obj):
        return sorted(obj.rationales.all(), key=lambda r: (r.signed_at, r.pk), reverse=True)


class AssignmentDetail(AssignmentOut):
    draft_rationale: str


class RationaleIn(Input):
    text: str = Field(min_length=20, max_length=6000)
    corrects_id: int | None = None
    correction_reason: str = Field("", max_length=500)


class CancelIn(Input):
    reason: str = Field(min_length=1, max_length=500)


class DomainOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool


class DomainIn(Input):
    name: str = Field(min_length=1, max_length=80)
    position: int = Field(0, ge=0, le=1000)
    is_active: bool = True


class DomainPatch(Input):
    name: str | None = Field(None, min_length=1, max_length=80)
    position: int | None = Field(None, ge=0, le=1000)
    is_active: bool | None = None


class CrisisIn(Input):
    region: str = Field(pattern=REGION)
    name: str = Field(min_length=1, max_length=120)
    contact: str = Field(min_length=1, max_length=200)
    url: str = Field("", max_length=200)
    notes: str = Field("", max_length=300)
    needs_verification: bool = False
    position: int = Field(0, ge=0, le=1000)
    is_active: bool = True


class CrisisPatch(Input):
    region: str | None = Field(None, pattern=REGION)
    name: str | None = Field(None, min_length=1, max_length=120)
    contact: str | None = Field(None, min_length=1, max_length=200)
    url: str = Field(None, max_length=200)
    notes: str = Field(None, max_length=300)
    needs_verification: bool | None = None
    position: int | None = Field(None, ge=0, le=1000)
    is_active: bool | None = None


class SettingsIO(Schema):
    product_composite: bool = True
    gap_count: int = Field(3, ge=0, le=20)
    min_gap: int = Field(3, ge=0, le=9)
    min_importance: int = Field(6, ge=0, le=10)
    max_step_percent: int = Field(20, ge=1, le=100)
    usual_start_low: int = Field(30, ge=0, le=100)
    usual_start_high: int = Field(40, ge=0, le=100)
    start_tolerance_percent: int = Field(20, ge=0, le=100)
    min_rungs: int = Field(8, ge=1, le=100)
    max_rungs: int = Field(15, ge=1, le=100)


# --- builders -----------------------------------------------------------------------------------


def _statement_out(s):
    return {"id": s.pk, "assessment_id": s.assessment_id, "domain_id": s.domain_id,
            "domain_name": s.domain.name, "text": s.text, "rank": s.rank,
            "archived": s.archived_at is not None, "version": s.version}


def _assessment_out(a):
    rows, result, _names = selectors.scored_rows(a)
    message, params = selectors.formula_of(a).describe()
    return {
        "id": a.pk, "assessed_on": a.assessed_on, "source": a.source, "note": a.note,
        "formula": a.formula, "formula_text": clinical_text(message, params),
        "ratings": [{"domain_id": r.domain_id, "domain_name": r.domain_name,
                     "importance": s.importance, "consistency": s.consistency,
                     "product": s.product, "gap": s.gap, "candidate": candidate}
                    for r, s, candidate in rows],
        "composite": result.composite,
        "candidate_domain_ids": [int(k) for k in result.candidate_domains],
        "statements": [_statement_out(s) for s in a.statements.all()],
        "created_by_id": a.created_by_id, "created_at": a.created_at,
    }


def _goal_out(goal, history=None):
    return {"id": goal.pk, "statement_id": goal.statement_id, "what": goal.what,
            "times": goal.times, "per": goal.per, "by_when": goal.by_when,
            "status": goal.status, "version": goal.version,
            "history": list(selectors.history_of(goal)) if history is None else history}


def _plan_detail(client, plan):
    plan = ExposurePlan.objects.get(pk=plan.pk)
    plan.client = client
    rungs = selectors.ladder(plan)
    warnings = selectors.ladder_warnings(plan, rungs)
    return {
        **{f: getattr(plan, f) for f in ("id", "title", "description", "approach", "status",
                                         "version", "ladder_revision", "created_at",
                                         "updated_at")},
        "on_hold": bool(services.open_holds(client)),
        "rungs": rungs,
        "warnings": [{"code": w.code, "rung_id": int(w.rung_key) if w.rung_key and
                      w.rung_key.isdigit() else None, "severity": w.severity,
                      "message": clinical_text(w.message, w.params),
                      "acknowledged": ack is not None,
                      "acknowledged_by_id": ack.acknowledged_by_id if ack else None,
                      "note": ack.note if ack else ""} for w, ack in warnings],
        "pace": selectors.current_pace(plan),
    }


def _values(client, ids, field="values"):
    """The client's value statements with these ids; any other id is a field error."""
    ids = list(dict.fromkeys(ids))
    found = list(ValueStatement.objects.filter(pk__in=ids))
    if len(found) != len(ids) or any(v.client_id != client.pk for v in found):
        raise ValidationError({field: _("Link values from this client's own value statements.")})
    return found


def _rung(rung_id):
    from bravely.planning.models import Rung

    return Rung.objects.prefetch_related("values", "declines").get(pk=rung_id)


def _assignment(pk):
    return (HomeworkAssignment.objects.select_related("safety", "rung")
            .prefetch_related("rationales").get(pk=pk))


# --- values -------------------------------------------------------------------------------------


@router.get("/clients/{int:client_id}/values", response=ValuesOut,
            summary="Values assessments, newest first, with derived figures")
def list_values(request, client_id: int):
    client = get_client(request.user, client_id)
    assessments = list(selectors.assessments(client)[:12])
    _viewed(request, client, client, values=[a.pk for a in assessments])
    changes, composite_change = [], None
    if len(assessments) >= 2:
        compared = selectors.comparison(assessments[:2])
        change = compared["change"]
        changes = [{"domain_id": int(c.domain), "importance_change": c.importance_change,
                    "consistency_change": c.consistency_change, "gap_change": c.gap_change}
                   for c in change.domains]
        composite_change = change.composite_change
    return {"assessments": [_assessment_out(a) for a in assessments],
            "changes_since_previous": changes, "composite_change": composite_change}


@router.post("/clients/{int:client_id}/values", response={201: AssessmentOut},
             summary="Record a values assessment (ratings 1-10)")
def create_values(request, client_id: int, payload: AssessmentIn):
    client = get_client(request.user, client_id, write=True)
    services.seed_value_domains(client.practice)
    domains = {d.pk: d for d in ValueDomain.objects.filter(practice=client.practice,
                                                           is_active=True)}
    ratings = []
    for rating in payload.ratings:
        if rating.domain_id not in domains:
            raise ValidationError({"ratings": _("Choose life domains of this practice (unknown "
                                                "domain %(id)s).") % {"id": rating.domain_id}})
        ratings.append((domains[rating.domain_id], rating.importance, rating.consistency))
    assessment = services.create_assessment(_actor(request), client, ratings=ratings,
                                            assessed_on=payload.assessed_on,
                                            source=payload.source, note=payload.note)
    return Status(201, _assessment_out(selectors.assessments(client).get(pk=assessment.pk)))


@router.get("/clients/{int:client_id}/values/{int:assessment_id}", response=AssessmentOut,
            summary="One values assessment")
def read_values(request, client_id: int, assessment_id: int):
    client, assessment = selectors.get_assessment(request.user, client_id, assessment_id)
    _viewed(request, assessment, client)
    return _assessment_out(selectors.assessments(client).get(pk=assessment.pk))


@router.post("/clients/{int:client_id}/values/{int:assessment_id}/statements",
             response={201: StatementOut}, summary="Add a value statement in the client's words")
def create_statement(request, client_id: int, assessment_id: int, payload: StatementIn):
    client, assessment = selectors.get_assessment(request.user, client_id, assessment_id,
                                                  write=True)
    domain = ValueDomain.objects.filter(pk=payload.domain_id, practice=client.practice).first()
    statement = services.add_statement(_actor(request), client, assessment, domain=domain,
                                       text=payload.text, rank=payload.rank)
    return Status(201, _statement_out(statement))


@router.patch("/clients/{int:client_id}/statements/{int:statement_id}", response=StatementOut,
              summary="Change or archive a value statement")
def update_statement(request, client_id: int, statement_id: int, payload: StatementPatch):
    client, statement = selectors.get_statement(request.user, client_id, statement_id,
                                                write=True)
    data = payload.dict(exclude_unset=True, exclude={"version"})
    if "domain_id" in data:
        data["domain"] = ValueDomain.objects.filter(pk=data.pop("domain_id"),
                                                    practice=client.practice).first()
    statement = services.update_statement(_actor(request), statement, data,
                                          version=payload.version)
    return _statement_out(ValueStatement.objects.select_related("domain").get(pk=statement.pk))


@router.get("/clients/{int:client_id}/goals", response=list[GoalOut], summary="Valued goals")
def list_goals(request, client_id: int):
    client = get_client(request.user, client_id)
    goals = list(selectors.goals(client))
    _viewed(request, client, client, goals=[g.pk for g in goals])
    history = {}
    for change in ChangeRecord.objects.filter(object_type="valuedgoal",
                                              object_id__in=[g.pk for g in goals]):
        history.setdefault(change.object_id, []).append(change)
    return [_goal_out(g, history.get(g.pk, [])) for g in goals]


@router.post("/clients/{int:client_id}/goals", response={201: GoalOut},
             summary="Add a valued goal (what, how often, by when)")
def create_goal(request, client_id: int, payload: GoalIn):
    client = get_client(request.user, client_id, write=True)
    statement = ValueStatement.objects.filter(pk=payload.statement_id, client=client).first()
    if statement is None:
        raise ValidationError({"statement_id": _("Choose one of this client's value "
                                                 "statements.")})
    goal = services.create_goal(_actor(request), client, statement=statement,
                                what=payload.what, times=payload.times, per=payload.per,
                                by_when=payload.by_when)
    return Status(201, _goal_out(goal))


@router.patch("/clients/{int:client_id}/goals/{int:goal_id}", response=GoalOut,
              summary="Revise a valued goal (history kept)")
def revise_goal(request, client_id: int, goal_id: int, payload: GoalPatch):
    client, goal = selectors.get_goal(request.user, client_id, goal_id, write=True)
    data = payload.dict(exclude_unset=True, exclude={"version", "note"})
    if "statement_id" in data:
        data["statement"] = ValueStatement.objects.filter(pk=data.pop("statement_id"),
                                                          client=client).first()
        if data["statement"] is None:
            raise ValidationError({"statement_id": _("Choose one of this client's value "
                                                     "statements.")})
    goal = services.revise_goal(_actor(request), goal, data, version=payload.version,
                                note=payload.note)
    return _goal_out(goal)


# --- safety -------------------------------------------------------------------------------------


@router.get("/clients/{int:client_id}/safety", response=SafetyOverview,
            summary="Safety parameters (all versions), crisis resources and readiness holds")
def read_safety(request, client_id: int):
    client = get_client(request.user, client_id)
    versions = list(selectors.safety_versions(client))
    _viewed(request, versions[0] if versions else client, client, page="safety")
    holds = services.open_holds(client)
    return {"current": versions[0] if versions else None, "versions": versions,
            "crisis_resources": services.crisis_resources_for(client),
            "on_hold": bool(holds), "open_holds": holds}


@router.post("/clients/{int:client_id}/safety", response={201: SafetyOut},
             summary="Record a new version of the safety parameters")
def create_safety(request, client_id: int, payload: SafetyIn):
    client = get_client(request.user, client_id, write=True)
    data = payload.dict()
    parameters = services.create_safety_version(_actor(request), client, data)
    return Status(201, selectors.safety_versions(client).get(pk=parameters.pk))


@router.post("/clients/{int:client_id}/safety/{int:version_id}/acknowledgements",
             response={201: AckOut}, summary="Record the client's acknowledgement of a version")
def acknowledge_safety(request, client_id: int, version_id: int, payload: AckIn):
    _client, parameters = selectors.get_safety_version(request.user, client_id, version_id,
                                                       write=True)
    ack = services.acknowledge_safety(_actor(request), parameters, method=payload.method,
                                      note=payload.note)
    return Status(201, ack)


@router.get("/clients/{int:client_id}/readiness", response=list[ScreenOut],
            summary="Readiness screens with their flags, holds and clearances")
def list_readiness(request, client_id: int):
    client = get_client(request.user, client_id)
    screens = list(selectors.readiness_screens(client))
    _viewed(request, client, client, readiness=[s.pk for s in screens])
    return screens


@router.post("/clients/{int:client_id}/readiness", response={201: ScreenOut},
             summary="Record a readiness screen; a yes puts exposure on hold")
def create_readiness(request, client_id: int, payload: ReadinessIn):
    client = get_client(request.user, client_id, write=True)
    answers = payload.dict(exclude={"note"})
    screen = services.record_readiness(_actor(request), client, answers, note=payload.note)
    return Status(201, selectors.readiness_screens(client).get(pk=screen.pk))


@router.post("/clients/{int:client_id}/readiness/holds/{int:hold_id}/clearance",
             response={201: HoldOut}, summary="Clear a readiness hold, with a rationale")
def clear_hold(request, client_id: int, hold_id: int, payload: ClearanceIn):
    _client, hold = selectors.get_hold(request.user, client_id, hold_id, write=True)
    services.clear_hold(_actor(request), hold, payload.rationale)
    return Status(201, type(hold).objects.prefetch_related("clearances").get(pk=hold.pk))


# --- plans and rungs ----------------------------------------------------------------------------


@router.get("/clients/{int:client_id}/plans", response=list[PlanOut], summary="Exposure plans")
def list_plans(request, client_id: int):
    client = get_client(request.user, client_id)
    plans = list(selectors.plans(client))
    _viewed(request, client, client, plans=[p.pk for p in plans])
    return plans


@router.post("/clients/{int:client_id}/plans", response={201: PlanDetail},
             summary="Create an exposure plan")
def create_plan(request, client_id: int, payload: PlanIn):
    client = get_client(request.user, client_id, write=True)
    plan = services.create_plan(_actor(request), client, payload.dict())
    return Status(201, _plan_detail(client, plan))


@router.get("/clients/{int:client_id}/plans/{int:plan_id}", response=PlanDetail,
            summary="A plan with its ladder, ladder checks and pace")
def read_plan(request, client_id: int, plan_id: int):
    client, plan = selectors.get_plan(request.user, client_id, plan_id)
    _viewed(request, plan, client)
    return _plan_detail(client, plan)


@router.patch("/clients/{int:client_id}/plans/{int:plan_id}", response=PlanDetail,
              summary="Change a plan (send the version you read)")
def update_plan(request, client_id: int, plan_id: int, payload: PlanPatch):
    client, plan = selectors.get_plan(request.user, client_id, plan_id, write=True)
    services.update_plan(_actor(request), plan, payload.dict(exclude_unset=True,
                                                             exclude={"version"}),
                         version=payload.version)
    return _plan_detail(client, plan)


@router.get("/clients/{int:client_id}/plans/{int:plan_id}/history", response=list[ChangeOut],
            summary="Every change to the plan and its rungs")
def plan_history(request, client_id: int, plan_id: int):
    client, plan = selectors.get_plan(request.user, client_id, plan_id)
    _viewed(request, plan, client, page="history")
    return list(selectors.plan_history(plan)[:500])


@router.post("/clients/{int:client_id}/plans/{int:plan_id}/rungs", response={201: RungOut},
             summary="Add a rung at the top of the ladder")
def create_rung(request, client_id: int, plan_id: int, payload: RungIn):
    client, plan = selectors.get_plan(request.user, client_id, plan_id, write=True)
    values = _values(client, payload.values)
    decline = None
    if payload.decline_id is not None:
        _c, decline = selectors.get_decline(request.user, client_id, payload.decline_id,
                                            write=True)
    data = payload.dict(exclude={"values", "revision", "decline_id"})
    rung = services.add_rung(_actor(request), plan, data, values, revision=payload.revision,
                             decline=decline)
    return Status(201, _rung(rung.pk))


@router.patch("/clients/{int:client_id}/rungs/{int:rung_id}", response=RungOut,
              summary="Change a rung (send the version you read)")
def update_rung(request, client_id: int, rung_id: int, payload: RungPatch):
    client, rung = selectors.get_rung(request.user, client_id, rung_id, write=True)
    data = payload.dict(exclude_unset=True, exclude={"version", "values"})
    values = _values(client, payload.values) if payload.values is not None else None
    services.update_rung(_actor(request), rung, data, values, version=payload.version)
    return _rung(rung.pk)


@router.put("/clients/{int:client_id}/plans/{int:plan_id}/order", response=PlanDetail,
            summary="Reorder the ladder (send the ladder revision you read)")
def order_rungs(request, client_id: int, plan_id: int, payload: OrderIn):
    client, plan = selectors.get_plan(request.user, client_id, plan_id, write=True)
    services.set_order(_actor(request), plan, payload.rung_ids, revision=payload.revision)
    return _plan_detail(client, plan)


@router.post("/clients/{int:client_id}/rungs/{int:rung_id}/move", response=PlanDetail,
             summary="Move one rung up or down (send the ladder revision you read)")
def move_rung(request, client_id: int, rung_id: int, payload: MoveIn):
    client, rung = selectors.get_rung(request.user, client_id, rung_id, write=True)
    services.move_rung(_actor(request), rung.plan, rung.pk, payload.direction,
                       revision=payload.revision)
    return _plan_detail(client, rung.plan)


@router.post("/clients/{int:client_id}/plans/{int:plan_id}/acknowledgements",
             response={201: WarningAckOut}, summary="Acknowledge a ladder check's warning")
def acknowledge_warning(request, client_id: int, plan_id: int, payload: WarningAckIn):
    client, plan = selectors.get_plan(request.user, client_id, plan_id, write=True)
    plan.client = client
    ack = services.acknowledge_warning(
        _actor(request), plan, code=payload.code,
        rung_key=str(payload.rung_id) if payload.rung_id is not None else None,
        note=payload.note)
    return Status(201, ack)


@router.post("/clients/{int:client_id}/rungs/{int:rung_id}/declines", response={201: DeclineOut},
             summary="Record that the client declined a rung (no penalty)")
def decline_rung(request, client_id: int, rung_id: int, payload: DeclineIn):
    _client, rung = selectors.get_rung(request.user, client_id, rung_id, write=True)
    decline = services.decline_rung(_actor(request), rung, reason=payload.reason,
                                    declined_on=payload.declined_on)
    return Status(201, decline)


@router.post("/clients/{int:client_id}/declines/{int:decline_id}/resolve", response=DeclineOut,
             summary="Record the alternative offered after a decline")
def resolve_decline(request, client_id: int, decline_id: int, payload: ResolveIn):
    _client, decline = selectors.get_decline(request.user, client_id, decline_id, write=True)
    return services.resolve_decline(_actor(request), decline, note=payload.alternative_note)


# --- pace ---------------------------------------------------------------------------------------


@router.get("/clients/{int:client_id}/plans/{int:plan_id}/pace", response=PaceOverview,
            summary="Pace decisions, newest first, and the default options")
def list_pace(request, client_id: int, plan_id: int):
    client, plan = selectors.get_plan(request.user, client_id, plan_id)
    _viewed(request, plan, client, page="pace")
    return {"decisions": list(selectors.pace_decisions(plan)),
            "default_options": services.default_pace_options()}


@router.post("/clients/{int:client_id}/plans/{int:plan_id}/pace", response={201: PaceOut},
             summary="Record the pace the client chose among the options offered")
def create_pace(request, client_id: int, plan_id: int, payload: PaceIn):
    _client, plan = selectors.get_plan(request.user, client_id, plan_id, write=True)
    decision = services.record_pace(_actor(request), plan,
                                    options=[o.dict() for o in payload.options],
                                    chosen=payload.chosen, reasons=payload.reasons,
                                    decided_on=payload.decided_on)
    return Status(201, decision)


# --- homework -----------------------------------------------------------------------------------


@router.get("/clients/{int:client_id}/assignments", response=list[AssignmentOut],
            summary="Homework assignments, newest first")
def list_assignments(request, client_id: int):
    client = get_client(request.user, client_id)
    items = list(selectors.assignments(client)[:200])
    _viewed(request, client, client, assignments=[a.pk for a in items])
    return items


@router.post("/clients/{int:client_id}/assignments", response={201: AssignmentDetail},
             summary="Assign homework for a rung, agreed with the client")
def create_assignment(request, client_id: int, payload: AssignmentIn):
    client, rung = selectors.get_rung(request.user, client_id, payload.rung_id, write=True)
    data = payload.dict(exclude={"rung_id"})
    if data["frequency_per_week"] is None:
        pace = selectors.current_pace(rung.plan)
        data["frequency_per_week"] = pace.chosen_option.get("practices_per_week") if pace else 3
    assignment = services.assign_homework(_actor(request), rung, data)
    found = _assignment(assignment.pk)
    found.draft_rationale = services.draft_rationale(found)
    return Status(201, found)


@router.get("/clients/{int:client_id}/assignments/{int:assignment_id}",
            response=AssignmentDetail, summary="One assignment with its rationale entries and "
                                               "a fresh draft")
def read_assignment(request, client_id: int, assignment_id: int):
    client, assignment = selectors.get_assignment(request.user, client_id, assignment_id)
    _viewed(request, assignment, client)
    found = _assignment(assignment.pk)
    found.draft_rationale = services.draft_rationale(found)
    return found


@router.post("/clients/{int:client_id}/assignments/{int:assignment_id}/rationales",
             response={201: RationaleOut},
             summary="Sign the rationale (or a correction of the latest signed one)")
def sign_rationale(request, client_id: int, assignment_id: int, payload: RationaleIn):
    _client, assignment = selectors.get_assignment(request.user, client_id, assignment_id,
                                                   write=True)
    corrects = None
    if payload.corrects_id is not None:
        corrects = assignment.rationales.filter(pk=payload.corrects_id).first()
        if corrects is None:
            raise ValidationError({"corrects_id": _("Correct a rationale of this assignment.")})
    rationale = services.sign_rationale(_actor(request), assignment, payload.text,
                                        corrects=corrects,
                                        correction_reason=payload.correction_reason)
    return Status(201, rationale)


@router.post("/clients/{int:client_id}/assignments/{int:assignment_id}/cancel",
             response=AssignmentOut, summary="Cancel an assignment (it stays in the record)")
def cancel_assignment(request, client_id: int, assignment_id: int, payload: CancelIn):
    _client, assignment = selectors.get_assignment(request.user, client_id, assignment_id,
                                                   write=True)
    services.cancel_assignment(_actor(request), assignment, payload.reason)
    return _assignment(assignment.pk)


# --- practice configuration ---------------------------------------------------------------------


@router.get("/value-domains", response=list[DomainOut], summary="The practice's life domains")
def list_domains(request):
    membership = request.user.membership
    services.seed_value_domains(membership.practice)
    return list(selectors.domains(membership.practice, active_only=False))


@router.post("/value-domains", response={201: DomainOut}, summary="Add a life domain (admin)")
def create_domain(request, payload: DomainIn):
    membership = get_admin_membership(request.user)
    domain = services.save_value_domain(_actor(request), membership.practice, None,
                                        payload.dict())
    return Status(201, domain)


@router.patch("/value-domains/{int:domain_id}", response=DomainOut,
              summary="Rename, reorder or retire a life domain (admin)")
def update_domain(request, domain_id: int, payload: DomainPatch):
    membership = get_admin_membership(request.user)
    domain = get_object_or_404(ValueDomain, pk=domain_id, practice_id=membership.practice_id)
    return services.save_value_domain(_actor(request), membership.practice, domain,
                                      payload.dict(exclude_unset=True))


@router.get("/crisis-resources", response=list[CrisisOut],
            summary="The practice's crisis resources by region")
def list_crisis(request):
    return list(selectors.crisis_resources(request.user.membership.practice_id))


@router.post("/crisis-resources", response={201: CrisisOut},
             summary="Add a crisis resource (admin)")
def create_crisis(request, payload: CrisisIn):
    membership = get_admin_membership(request.user)
    resource = services.save_crisis_resource(_actor(request), membership.practice, None,
                                             payload.dict())
    return Status(201, resource)


@router.patch("/crisis-resources/{int:resource_id}", response=CrisisOut,
              summary="Change a crisis resource (admin)")
def update_crisis(request, resource_id: int, payload: CrisisPatch):
    membership = get_admin_membership(request.user)
    resource = get_object_or_404(CrisisResource, pk=resource_id,
                                 practice_id=membership.practice_id)
    return services.save_crisis_resource(_actor(request), membership.practice, resource,
                                         payload.dict(exclude_unset=True))


@router.get("/planning-settings", response=SettingsIO,
            summary="Values scoring and ladder check settings")
def read_settings(request):
    return services.planning_settings(request.user.membership.practice)


@router.put("/planning-settings", response=SettingsIO,
            summary="Change values scoring and ladder check settings (admin)")
def update_settings(request, payload: SettingsIO):
    membership = get_admin_membership(request.user)
    return services.update_planning_settings(_actor(request), membership.practice,
                                             payload.dict())
