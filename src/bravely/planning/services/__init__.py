"""Writes for planning. Each runs in one transaction, validates (a ValidationError naming the
field), keeps history where the record is edited in place, and leaves an audit entry.

The clinical rules come from `bravely.clinical`; this package only maps stored data onto them. One
module per area; the names callers used before the split (including reads that now live in
`planning.selectors`) are re-exported here.
"""

from bravely.planning.selectors.config import (
    crisis_resources_for,
    ladder_policy,
    planning_settings,
    scoring_formula,
)
from bravely.planning.selectors.homework import coping_plan_text, draft_rationale
from bravely.planning.selectors.pace import default_pace_options
from bravely.planning.selectors.readiness import READINESS_FIELDS, evaluate_screen, open_holds
from bravely.planning.selectors.safety import COPING_KINDS, scale_of, skill_label
from bravely.planning.services._common import stale_ladder_message, stale_message
from bravely.planning.services.config import (
    CRISIS_FIELDS,
    SETTINGS_FIELDS,
    save_crisis_resource,
    save_value_domain,
    seed_value_domains,
    update_planning_settings,
)
from bravely.planning.services.homework import (
    ASSIGNMENT_FIELDS,
    assign_homework,
    cancel_assignment,
    sign_rationale,
)
from bravely.planning.services.ladder import (
    PLAN_FIELDS,
    RUNG_FIELDS,
    acknowledge_warning,
    add_rung,
    create_plan,
    decline_rung,
    move_rung,
    resolve_decline,
    set_order,
    update_plan,
    update_rung,
)
from bravely.planning.services.pace import record_pace
from bravely.planning.services.readiness import clear_hold, record_readiness
from bravely.planning.services.safety import (
    SAFETY_CONTENT,
    acknowledge_safety,
    check_distress,
    create_safety_version,
)
from bravely.planning.services.values import (
    GOAL_FIELDS,
    GOAL_HORIZON,
    STATEMENT_FIELDS,
    add_statement,
    create_assessment,
    create_goal,
    revise_goal,
    update_statement,
)

__all__ = [
    "ASSIGNMENT_FIELDS",
    "COPING_KINDS",
    "CRISIS_FIELDS",
    "GOAL_FIELDS",
    "GOAL_HORIZON",
    "PLAN_FIELDS",
    "READINESS_FIELDS",
    "RUNG_FIELDS",
    "SAFETY_CONTENT",
    "SETTINGS_FIELDS",
    "STATEMENT_FIELDS",
    "acknowledge_safety",
    "acknowledge_warning",
    "add_rung",
    "add_statement",
    "assign_homework",
    "cancel_assignment",
    "check_distress",
    "clear_hold",
    "coping_plan_text",
    "create_assessment",
    "create_goal",
    "create_plan",
    "create_safety_version",
    "crisis_resources_for",
    "decline_rung",
    "default_pace_options",
    "draft_rationale",
    "evaluate_screen",
    "ladder_policy",
    "move_rung",
    "open_holds",
    "planning_settings",
    "record_pace",
    "record_readiness",
    "resolve_decline",
    "revise_goal",
    "save_crisis_resource",
    "save_value_domain",
    "scale_of",
    "scoring_formula",
    "seed_value_domains",
    "set_order",
    "sign_rationale",
    "skill_label",
    "stale_ladder_message",
    "stale_message",
    "update_plan",
    "update_planning_settings",
    "update_rung",
    "update_statement",
]
