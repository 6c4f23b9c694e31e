"""Reads of values: assessments and their scores, value statements and valued goals."""

from django.db.models import Prefetch

from bravely.clinical.values import DomainRating as Rating
from bravely.clinical.values import ScoringFormula, compare_assessments, score_assessment
from bravely.planning.models.values import ValuedGoal, ValuesAssessment, ValueStatement
from bravely.planning.selectors._common import _scoped


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
