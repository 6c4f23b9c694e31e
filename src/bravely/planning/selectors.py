"""Reads for planning, always scoped through `clients.selectors.get_client` (404 outside scope).

Each getter takes the requesting user and the client's id from the URL, so an object of another
client (or another practice) is a 404 even when its own id is valid.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from bravely.clients.selectors import get_client
from bravely.clinical.ladder import LadderWarning, RungSpec, check_ladder
from bravely.clinical.scales import ClinicalInputError, _
from bravely.clinical.values import DomainRating as Rating
from bravely.clinical.values import ScoringFormula, compare_assessments, score_assessment
from bravely.planning import services
from bravely.planning.models import (
    ChangeRecord,
    CrisisResource,
    ExposurePlan,
    HomeworkAssignment,
    LadderAcknowledgement,
    PaceDecision,
    Rationale,
    ReadinessHold,
    ReadinessScreen,
    Rung,
    RungDecline,
    SafetyAcknowledgement,
    SafetyParameters,
    ValuedGoal,
    ValueDomain,
    ValuesAssessment,
    ValueStatement,
)

SCALE_MISMATCH = "scale_mismatch"


def _scoped(user, client_pk, queryset, pk, *, write=False, client_field="client"):
    client = get_client(user, client_pk, write=write)
    obj = get_object_or_404(queryset.filter(**{client_field: client}), pk=pk)
    return client, obj


# --- practice configuration ---------------------------------------------------------------------


def domains(practice, *, active_only=True):
    found = ValueDomain.objects.filter(practice=practice)
    return found.filter(is_active=True) if active_only else found


def crisis_resources(practice):
    return CrisisResource.objects.filter(practice=practice)


# --- values -------------------------------------------------------------------------------------


def assessments(client):
    return (ValuesAssessment.objects.filter(client=client)
            .select_related("created_by")
            .prefetch_related("ratings",
                              Prefetch("statements",
                                       ValueStatement.objects.select_related("domain")
                                       .filter(archived_at__isnull=True))))


def get_assessment(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, assessments_all(), pk, write=write)


def assessments_all():
    return ValuesAssessment.objects.select_related("created_by")


def formula_of(assessment) -> ScoringFormula:
    return ScoringFormula(**assessment.formula) if assessment.formula else ScoringFormula()


def score(assessment, ratings=None):
    """The clinical score of one assessment; domain keys are the rating's domain id."""
    ratings = list(assessment.ratings.all()) if ratings is None else ratings
    return score_assessment(
        [Rating(str(r.domain_id), r.importance, r.consistency) for r in ratings],
        formula_of(assessment))


def scored_rows(assessment):
    """Rows for a table: (rating, DomainScore, is_candidate), plus the score itself."""
    ratings = list(assessment.ratings.all())
    result = score(assessment, ratings)
    by_key = {d.domain: d for d in result.domains}
    candidates = set(result.candidate_domains)
    rows = [(r, by_key[str(r.domain_id)], str(r.domain_id) in candidates) for r in ratings]
    names = {str(r.domain_id): r.domain_name for r in ratings}
    return rows, result, [names[k] for k in result.candidate_domains]


def comparison(assessment_list):
    """Side-by-side rows for assessments oldest first: one row per domain, one cell per
    assessment, and the change between the last two (`clinical.values.compare_assessments`)."""
    ordered = sorted(assessment_list, key=lambda a: (a.assessed_on, a.pk))
    scores = [score(a) for a in ordered]
    names, order = {}, []
    for a in ordered:
        for r in a.ratings.all():
            key = str(r.domain_id)
            names[key] = r.domain_name
            if key not in order:
                order.append(key)
    change = compare_assessments(scores[-2], scores[-1]) if len(scores) >= 2 else None
    changes = {c.domain: c for c in change.domains} if change else {}
    rows = []
    for key in order:
        cells = [next((d for d in s.domains if d.domain == key), None) for s in scores]
        rows.append({"name": names[key], "cells": cells, "change": changes.get(key)})
    return {"assessments": ordered, "scores": scores, "rows": rows, "change": change}


def statements(client):
    """The client's current value statements, from every assessment, for linking."""
    return (ValueStatement.objects.filter(client=client, archived_at__isnull=True)
            .select_related("domain", "assessment").order_by("rank", "id"))


def get_statement(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, ValueStatement.objects.select_related("domain", "assessment"),
                   pk, write=write)


def goals(client):
    return ValuedGoal.objects.filter(client=client).select_related("statement__domain")


def get_goal(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, goals_all(), pk, write=write)


def goals_all():
    return ValuedGoal.objects.select_related("statement__domain", "client")


def history_of(obj):
    return (ChangeRecord.objects.filter(object_type=obj._meta.model_name, object_id=obj.pk)
            .select_related("changed_by"))


# --- safety -------------------------------------------------------------------------------------


def current_safety(client) -> SafetyParameters | None:
    return (SafetyParameters.objects.filter(client=client).select_related("recorded_by")
            .order_by("-version").first())


def safety_versions(client):
    return (SafetyParameters.objects.filter(client=client).select_related("recorded_by")
            .prefetch_related(Prefetch("acknowledgements",
                                       SafetyAcknowledgement.objects.select_related(
                                           "recorded_by"))))


def get_safety_version(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, safety_versions_all(), pk, write=write)


def safety_versions_all():
    return SafetyParameters.objects.select_related("recorded_by")


def readiness_screens(client):
    return (ReadinessScreen.objects.filter(client=client).select_related("screened_by")
            .prefetch_related(Prefetch("holds", ReadinessHold.objects.prefetch_related(
                "clearances__cleared_by"))))


def get_hold(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, ReadinessHold.objects.select_related("screen", "client"), pk,
                   write=write)


def screen_flags(screen):
    """All flags of a screen (holding or noted), from `clinical.readiness`."""
    return services.evaluate_screen(screen).flags


# --- plans and the ladder -----------------------------------------------------------------------


def plans(client):
    return ExposurePlan.objects.filter(client=client).select_related("created_by")


def get_plan(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, ExposurePlan.objects.select_related("created_by"), pk,
                   write=write)


def ladder(plan):
    """The plan's rungs in order, with everything the ladder page shows, in a fixed number of
    queries."""
    return list(
        Rung.objects.filter(plan=plan).order_by("position", "id")
        .prefetch_related(
            Prefetch("values", ValueStatement.objects.select_related("domain")),
            Prefetch("declines", RungDecline.objects.select_related("recorded_by",
                                                                    "alternative")),
            Prefetch("assignments", HomeworkAssignment.objects.order_by("-starts_on", "-id")
                     .prefetch_related(Prefetch("rationales",
                                                Rationale.objects.order_by("-signed_at",
                                                                           "-id")))),
        )
    )


def get_rung(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, Rung.objects.select_related("plan"), pk, write=write,
                   client_field="plan__client")


def get_decline(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, RungDecline.objects.select_related("rung__plan"), pk,
                   write=write, client_field="rung__plan__client")


def _rung_specs(rungs):
    return [RungSpec(key=str(r.pk), position=r.position, predicted_distress=r.predicted_distress,
                     value_keys=tuple(str(v.pk) for v in r.values.all()),
                     own_ceiling=r.own_ceiling, status=r.status) for r in rungs]


def ladder_warnings(plan, rungs=None, safety=None, settings=None, *, safety_known=False):
    """[(LadderWarning, LadderAcknowledgement or None)] from `clinical.ladder.check_ladder`."""
    client = plan.client
    rungs = ladder(plan) if rungs is None else rungs
    if not safety_known:
        safety = current_safety(client)
    settings = settings or services.planning_settings(client.practice)
    ceiling = None
    if safety is not None and safety.distress_scale == client.distress_scale:
        ceiling = safety.distress_ceiling
    try:
        warnings = check_ladder(_rung_specs(rungs), services.scale_of(client), ceiling,
                                services.ladder_policy(settings))
    except ClinicalInputError:
        warnings = [LadderWarning(
            SCALE_MISMATCH, None,
            _("Some rungs or the ceiling are not on the client's current distress scale; "
              "re-rate them on the {scale} scale."),
            {"scale": services.scale_of(client).label})]
    acks = list(LadderAcknowledgement.objects.filter(plan=plan).select_related(
        "acknowledged_by"))
    result = []
    for warning in warnings:
        fingerprint = services._fingerprint(warning.params)
        ack = next((a for a in acks if a.code == warning.code
                    and a.rung_key == (warning.rung_key or "") and a.params == fingerprint), None)
        result.append((warning, ack))
    return result


def current_pace(plan) -> PaceDecision | None:
    return plan.pace_decisions.select_related("recorded_by").order_by("-decided_on", "-id").first()


def pace_decisions(plan):
    return plan.pace_decisions.select_related("recorded_by").order_by("-decided_on", "-id")


def plan_history(plan):
    return ChangeRecord.objects.filter(plan=plan).select_related("changed_by")


def open_declines(plan):
    return (RungDecline.objects.filter(rung__plan=plan, resolved_at__isnull=True)
            .select_related("rung"))


# --- homework -----------------------------------------------------------------------------------


def assignments(client):
    return (HomeworkAssignment.objects.filter(client=client)
            .select_related("rung", "plan", "safety", "pace", "created_by")
            .prefetch_related("rationales"))


def get_assignment(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, HomeworkAssignment.objects.select_related(
        "rung__plan", "plan", "safety", "pace", "created_by", "client"), pk, write=write)


def rationales(assignment):
    return assignment.rationales.select_related("signed_by", "corrects").order_by(
        "-signed_at", "-id")
