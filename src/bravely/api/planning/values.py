"""Values assessments, value statements and valued goals."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Status

from bravely.api.planning.common import Router, actor, viewed
from bravely.api.planning.schemas.values import (
    AssessmentIn,
    AssessmentOut,
    GoalIn,
    GoalOut,
    GoalPatch,
    StatementIn,
    StatementOut,
    StatementPatch,
    ValuesOut,
)
from bravely.clients.selectors import get_client
from bravely.planning.models import ChangeRecord, ValueDomain, ValueStatement
from bravely.planning.selectors import history as history_selectors
from bravely.planning.selectors import values as values_selectors
from bravely.planning.services import config as config_services
from bravely.planning.services import values as values_services
from bravely.planning.text import clinical_text

router = Router()


def _statement_out(s):
    return {"id": s.pk, "assessment_id": s.assessment_id, "domain_id": s.domain_id,
            "domain_name": s.domain.name, "text": s.text, "rank": s.rank,
            "archived": s.archived_at is not None, "version": s.version}


def _assessment_out(a):
    rows, result, _names = values_selectors.scored_rows(a)
    message, params = values_selectors.formula_of(a).describe()
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
            "history": list(history_selectors.history_of(goal)) if history is None else history}


def _client_statement(client, statement_id):
    """The client's value statement with this id. The services name the field `statement`; the
    API has always answered `statement_id`, so the check stays here."""
    statement = ValueStatement.objects.filter(pk=statement_id, client=client).first()
    if statement is None:
        raise ValidationError({"statement_id": _("Choose one of this client's value "
                                                 "statements.")})
    return statement


@router.get("/clients/{int:client_id}/values", response=ValuesOut,
            summary="Values assessments, newest first, with derived figures")
def list_values(request, client_id: int):
    client = get_client(request.user, client_id)
    assessments = list(values_selectors.assessments(client)[:12])
    viewed(request, client, client, values=[a.pk for a in assessments])
    changes, composite_change = [], None
    if len(assessments) >= 2:
        compared = values_selectors.comparison(assessments[:2])
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
    config_services.seed_value_domains(client.practice)
    # Ids become domains here: the service checks the domains it is given, not unknown ids.
    domains = {d.pk: d for d in ValueDomain.objects.filter(practice=client.practice,
                                                           is_active=True)}
    ratings = []
    for rating in payload.ratings:
        if rating.domain_id not in domains:
            raise ValidationError({"ratings": _("Choose life domains of this practice (unknown "
                                                "domain %(id)s).") % {"id": rating.domain_id}})
        ratings.append((domains[rating.domain_id], rating.importance, rating.consistency))
    assessment = values_services.create_assessment(actor(request), client, ratings=ratings,
                                            assessed_on=payload.assessed_on,
                                            source=payload.source, note=payload.note)
    return Status(201, _assessment_out(values_selectors.assessments(client).get(pk=assessment.pk)))


@router.get("/clients/{int:client_id}/values/{int:assessment_id}", response=AssessmentOut,
            summary="One values assessment")
def read_values(request, client_id: int, assessment_id: int):
    client, assessment = values_selectors.get_assessment(request.user, client_id, assessment_id)
    viewed(request, assessment, client)
    return _assessment_out(values_selectors.assessments(client).get(pk=assessment.pk))


@router.post("/clients/{int:client_id}/values/{int:assessment_id}/statements",
             response={201: StatementOut}, summary="Add a value statement in the client's words")
def create_statement(request, client_id: int, assessment_id: int, payload: StatementIn):
    client, assessment = values_selectors.get_assessment(request.user, client_id, assessment_id,
                                                  write=True)
    # The service refuses a missing domain or one of another practice (field `domain`).
    domain = ValueDomain.objects.filter(pk=payload.domain_id).first()
    statement = values_services.add_statement(actor(request), client, assessment, domain=domain,
                                       text=payload.text, rank=payload.rank)
    return Status(201, _statement_out(statement))


@router.patch("/clients/{int:client_id}/statements/{int:statement_id}", response=StatementOut,
              summary="Change or archive a value statement")
def update_statement(request, client_id: int, statement_id: int, payload: StatementPatch):
    _client, statement = values_selectors.get_statement(request.user, client_id, statement_id,
                                                 write=True)
    data = payload.dict(exclude_unset=True, exclude={"version"})
    if "domain_id" in data:
        data["domain"] = ValueDomain.objects.filter(pk=data.pop("domain_id")).first()
    statement = values_services.update_statement(actor(request), statement, data,
                                          version=payload.version)
    return _statement_out(ValueStatement.objects.select_related("domain").get(pk=statement.pk))


@router.get("/clients/{int:client_id}/goals", response=list[GoalOut], summary="Valued goals")
def list_goals(request, client_id: int):
    client = get_client(request.user, client_id)
    goals = list(values_selectors.goals(client))
    viewed(request, client, client, goals=[g.pk for g in goals])
    history = {}
    for change in ChangeRecord.objects.filter(object_type="valuedgoal",
                                              object_id__in=[g.pk for g in goals]):
        history.setdefault(change.object_id, []).append(change)
    return [_goal_out(g, history.get(g.pk, [])) for g in goals]


@router.post("/clients/{int:client_id}/goals", response={201: GoalOut},
             summary="Add a valued goal (what, how often, by when)")
def create_goal(request, client_id: int, payload: GoalIn):
    client = get_client(request.user, client_id, write=True)
    statement = _client_statement(client, payload.statement_id)
    goal = values_services.create_goal(actor(request), client, statement=statement,
                                what=payload.what, times=payload.times, per=payload.per,
                                by_when=payload.by_when)
    return Status(201, _goal_out(goal))


@router.patch("/clients/{int:client_id}/goals/{int:goal_id}", response=GoalOut,
              summary="Revise a valued goal (history kept)")
def revise_goal(request, client_id: int, goal_id: int, payload: GoalPatch):
    client, goal = values_selectors.get_goal(request.user, client_id, goal_id, write=True)
    data = payload.dict(exclude_unset=True, exclude={"version", "note"})
    if "statement_id" in data:
        data["statement"] = _client_statement(client, data.pop("statement_id"))
    goal = values_services.revise_goal(actor(request), goal, data, version=payload.version,
                                note=payload.note)
    return _goal_out(goal)
