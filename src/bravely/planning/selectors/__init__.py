"""Reads for planning, always scoped through `clients.selectors.get_client` (404 outside scope).

Each getter takes the requesting user and the client's id from the URL, so an object of another
client (or another practice) is a 404 even when its own id is valid. One module per area; the
names are re-exported here for callers outside planning. Selectors never import a service.
"""

from bravely.planning.selectors.config import (
    crisis_resources,
    crisis_resources_for,
    domains,
    ladder_policy,
    planning_settings,
    scoring_formula,
)
from bravely.planning.selectors.history import history_of, plan_history
from bravely.planning.selectors.homework import (
    assignments,
    coping_plan_text,
    draft_rationale,
    get_assignment,
    rationales,
)
from bravely.planning.selectors.ladder import (
    SCALE_MISMATCH,
    fingerprint,
    get_decline,
    get_plan,
    get_rung,
    ladder_rungs,
    ladder_warnings,
    open_declines,
    plans,
)
from bravely.planning.selectors.pace import current_pace, default_pace_options, pace_decisions
from bravely.planning.selectors.readiness import (
    READINESS_FIELDS,
    evaluate_screen,
    get_hold,
    open_holds,
    readiness_screens,
    screen_flags,
)
from bravely.planning.selectors.safety import (
    COPING_KINDS,
    current_safety,
    get_safety_version,
    safety_versions,
    safety_versions_all,
    scale_of,
    skill_label,
)
from bravely.planning.selectors.values import (
    assessments,
    assessments_all,
    comparison,
    formula_of,
    get_assessment,
    get_goal,
    get_statement,
    goals,
    goals_all,
    score,
    scored_rows,
    statements,
)

__all__ = [
    "COPING_KINDS",
    "READINESS_FIELDS",
    "SCALE_MISMATCH",
    "assessments",
    "assessments_all",
    "assignments",
    "comparison",
    "coping_plan_text",
    "crisis_resources",
    "crisis_resources_for",
    "current_pace",
    "current_safety",
    "default_pace_options",
    "domains",
    "draft_rationale",
    "evaluate_screen",
    "fingerprint",
    "formula_of",
    "get_assessment",
    "get_assignment",
    "get_decline",
    "get_goal",
    "get_hold",
    "get_plan",
    "get_rung",
    "get_safety_version",
    "get_statement",
    "goals",
    "goals_all",
    "history_of",
    "ladder_rungs",
    "ladder_policy",
    "ladder_warnings",
    "open_declines",
    "open_holds",
    "pace_decisions",
    "plan_history",
    "planning_settings",
    "plans",
    "rationales",
    "readiness_screens",
    "safety_versions",
    "safety_versions_all",
    "scale_of",
    "score",
    "scored_rows",
    "scoring_formula",
    "screen_flags",
    "skill_label",
    "statements",
]
