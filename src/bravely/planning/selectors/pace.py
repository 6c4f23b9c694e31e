"""Reads of pace: the default options to offer and the decisions made."""

from django.utils.translation import gettext as _

from bravely.planning.models.pace import PaceDecision


def default_pace_options():
    """Starting points the clinician can change before offering them."""
    return [
        {"key": "gradual", "label": _("Gradual"), "sessions_per_week": 1,
         "practices_per_week": 3, "rungs_per_week": 0.5},
        {"key": "steady", "label": _("Steady"), "sessions_per_week": 1,
         "practices_per_week": 5, "rungs_per_week": 1},
        {"key": "intensive", "label": _("Intensive"), "sessions_per_week": 3,
         "practices_per_week": 7, "rungs_per_week": 2},
    ]


def current_pace(plan) -> PaceDecision | None:
    return plan.pace_decisions.select_related("recorded_by").order_by("-decided_on", "-id").first()


def pace_decisions(plan):
    return plan.pace_decisions.select_related("recorded_by").order_by("-decided_on", "-id")
