"""Writes for values: assessments, value statements and valued goals."""

import dataclasses
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.models import Client
from bravely.clinical.scales import ClinicalInputError
from bravely.clinical.values import DomainRating as Rating
from bravely.clinical.values import validate_rating
from bravely.planning.models.config import ValueDomain
from bravely.planning.models.values import (
    DomainRating,
    ValuedGoal,
    ValuesAssessment,
    ValueStatement,
)
from bravely.planning.selectors.config import planning_settings, scoring_formula
from bravely.planning.services._common import (
    _full_clean,
    _history,
    _json,
    _now,
    _touch,
    stale_message,
)
from bravely.planning.text import clinical_error


def _check_rating(domain: ValueDomain, importance, consistency):
    try:
        validate_rating(Rating(domain.name, importance, consistency))
    except ClinicalInputError as error:
        field = f"{error.field}_{domain.pk}" if error.field in ("importance",
                                                                 "consistency") else "ratings"
        label = _("Importance") if error.field == "importance" else _("Consistency")
        raise clinical_error(error, field, label) from None


@transaction.atomic
def create_assessment(actor: Actor, client: Client, *, ratings, assessed_on=None,
                      source=ValuesAssessment.Source.SESSION, note="") -> ValuesAssessment:
    """ratings: iterable of (ValueDomain, importance, consistency); unrated domains are left out."""
    ratings = list(ratings)
    if not ratings:
        raise ValidationError({"ratings": _("Rate at least one life domain.")})
    seen = set()
    for domain, importance, consistency in ratings:
        if domain.practice_id != client.practice_id:
            raise ValidationError({"ratings": _("Choose life domains of this practice.")})
        if domain.pk in seen:
            raise ValidationError({"ratings": _("%(domain)s is rated more than once.") % {
                "domain": domain.name}})
        seen.add(domain.pk)
        _check_rating(domain, importance, consistency)
    if assessed_on and assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    formula = scoring_formula(planning_settings(client.practice))
    assessment = ValuesAssessment(
        client=client, assessed_on=assessed_on or timezone.localdate(), source=source,
        note=note, formula=dataclasses.asdict(formula), created_by=actor.user,
    )
    _full_clean(assessment)
    assessment.save()
    DomainRating.objects.bulk_create(
        DomainRating(assessment=assessment, domain=domain, domain_name=domain.name,
                     position=domain.position, importance=importance, consistency=consistency)
        for domain, importance, consistency in ratings
    )
    _touch(client)
    record(actor, "create", assessment, client=client, details={
        "ratings": {d.name: [i, c] for d, i, c in ratings}})
    return assessment


STATEMENT_FIELDS = ("text", "rank", "domain_id")


def _statement_state(statement):
    return {"text": statement.text, "rank": statement.rank, "domain_id": statement.domain_id,
            "archived": statement.archived_at is not None}


@transaction.atomic
def add_statement(actor: Actor, client: Client, assessment: ValuesAssessment, *, domain,
                  text: str, rank: int) -> ValueStatement:
    if assessment.client_id != client.pk:
        raise ValidationError({"assessment": _("Choose an assessment of this client.")})
    if domain is None or domain.practice_id != client.practice_id:
        raise ValidationError({"domain": _("Choose a life domain of this practice.")})
    statement = ValueStatement(client=client, assessment=assessment, domain=domain,
                               text=(text or "").strip(), rank=rank, created_by=actor.user)
    _full_clean(statement)
    statement.save()
    _history(actor, client, statement, "create", None, _statement_state(statement))
    _touch(client)
    record(actor, "create", statement, client=client, details=_statement_state(statement))
    return statement


@transaction.atomic
def update_statement(actor: Actor, statement: ValueStatement, data: dict, *, version: int
                     ) -> ValueStatement:
    statement = ValueStatement.objects.select_for_update().get(pk=statement.pk)
    if version != statement.version:
        raise ValidationError({"version": stale_message()})
    before = _statement_state(statement)
    if "domain" in data:
        domain = data["domain"]
        if domain is None or domain.practice_id != statement.client.practice_id:
            raise ValidationError({"domain": _("Choose a life domain of this practice.")})
        statement.domain = domain
    if "text" in data:
        statement.text = (data["text"] or "").strip()
    if "rank" in data:
        statement.rank = data["rank"]
    if data.get("archived") is True and statement.archived_at is None:
        statement.archived_at = _now()
    elif data.get("archived") is False:
        statement.archived_at = None
    _full_clean(statement)
    statement.version += 1
    statement.save()
    after = _statement_state(statement)
    _history(actor, statement.client, statement, "update", before, after)
    record(actor, "update", statement, client=statement.client,
           details={"before": before, "after": after})
    return statement


GOAL_FIELDS = ("statement_id", "what", "times", "per", "by_when", "status")
GOAL_HORIZON = timedelta(days=5 * 366)


def _goal_state(goal):
    return {f: _json(getattr(goal, f)) for f in GOAL_FIELDS}


def _check_goal(goal: ValuedGoal, client: Client, *, new_date: bool):
    if goal.statement is None or goal.statement.client_id != client.pk:
        raise ValidationError({"statement": _("Choose one of this client's value statements.")})
    if new_date and goal.by_when and goal.by_when < timezone.localdate():
        raise ValidationError({"by_when": _("A goal's date cannot be in the past.")})
    if new_date and goal.by_when and goal.by_when > timezone.localdate() + GOAL_HORIZON:
        raise ValidationError({"by_when": _("Choose a date within the next five years, so the "
                                            "goal stays specific.")})


@transaction.atomic
def create_goal(actor: Actor, client: Client, *, statement, what, times, per, by_when):
    goal = ValuedGoal(client=client, statement=statement, what=(what or "").strip(),
                      times=times, per=per, by_when=by_when, created_by=actor.user)
    _full_clean(goal, exclude=["statement"])
    _check_goal(goal, client, new_date=True)
    goal.save()
    _history(actor, client, goal, "create", None, _goal_state(goal))
    _touch(client)
    record(actor, "create", goal, client=client, details=_goal_state(goal))
    return goal


@transaction.atomic
def revise_goal(actor: Actor, goal: ValuedGoal, data: dict, *, version: int, note="") -> ValuedGoal:
    goal = ValuedGoal.objects.select_for_update().select_related("client").get(pk=goal.pk)
    if version != goal.version:
        raise ValidationError({"version": stale_message()})
    before = _goal_state(goal)
    for field in ("statement", "what", "times", "per", "by_when", "status"):
        if field in data:
            setattr(goal, field, data[field])
    goal.what = (goal.what or "").strip()
    _full_clean(goal, exclude=["statement"])
    _check_goal(goal, goal.client, new_date=goal.by_when != date.fromisoformat(before["by_when"]))
    after = _goal_state(goal)
    if after == before:
        return goal
    goal.version += 1
    goal.save()
    _history(actor, goal.client, goal, "update", before, after, note=note)
    _touch(goal.client)
    record(actor, "update", goal, client=goal.client, details={"before": before, "after": after})
    return goal
