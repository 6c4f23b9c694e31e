"""Reads of practice configuration: value domains, crisis resources, planning settings and the
scoring formula and ladder policy they give."""

from bravely.clients.models import Client
from bravely.clinical.ladder import LadderPolicy
from bravely.clinical.values import ScoringFormula
from bravely.planning.models.config import CrisisResource, PlanningSettings, ValueDomain


def domains(practice, *, active_only=True):
    found = ValueDomain.objects.filter(practice=practice)
    return found.filter(is_active=True) if active_only else found


def crisis_resources(practice):
    return CrisisResource.objects.filter(practice=practice)


def planning_settings(practice) -> PlanningSettings:
    """The practice's settings, or the defaults (unsaved) while none were saved."""
    found = PlanningSettings.objects.filter(practice=practice).first()
    return found or PlanningSettings(practice=practice)


def scoring_formula(settings: PlanningSettings) -> ScoringFormula:
    return ScoringFormula(product_composite=settings.product_composite,
                          gap_count=settings.gap_count, min_gap=settings.min_gap,
                          min_importance=settings.min_importance)


def ladder_policy(settings: PlanningSettings) -> LadderPolicy:
    return LadderPolicy(
        max_step_percent=settings.max_step_percent, usual_start_low=settings.usual_start_low,
        usual_start_high=settings.usual_start_high,
        start_tolerance_percent=settings.start_tolerance_percent,
        min_rungs=settings.min_rungs, max_rungs=settings.max_rungs,
    )


def crisis_resources_for(client: Client):
    """The practice's active crisis resources for the client's region (country entries apply to
    the country's regions too)."""
    resources = CrisisResource.objects.filter(practice_id=client.practice_id, is_active=True)
    return [r for r in resources if r.applies_to(client.region)]
