"""The pacing engine: reads a plan, its rungs, assignments, logs and check-ins, and recommends.

A pure, deterministic function. Every recommendation names its evidence (which logs and check-ins,
which rule, which thresholds) and carries a translatable reason template with its ``params``. The
engine never changes a plan: the clinician accepts or dismisses each recommendation, and the Django
layer records that decision. Sources: shared/architecture.md ("Pacing engine") and
shared/clinical-facts.md ("Inhibitory learning versus habituation", "Safety and contraindications").

Distress values are on the plan's scale (0-100 SUDS or the 0-10 thermometer); thresholds are set
on a 0-100 basis and converted. Logs and check-ins are read in time order (ties by id), so the
order they are given in does not matter.
"""

from bravely.clinical.pacing.rules import recommend
from bravely.clinical.pacing.types import (
    AVOIDANCE_SIGNALS,
    MEDICAL_TERMS,
    NOT_YET_SIGNALS,
    PRIORITY,
    Approach,
    AssignmentInput,
    CheckInInput,
    Evidence,
    Key,
    Kind,
    LogInput,
    PacingPolicy,
    PlanInput,
    Recommendation,
    Role,
    RungInput,
    RungStatus,
    explain,
    medical_terms,
)

__all__ = [
    "AVOIDANCE_SIGNALS",
    "Approach",
    "AssignmentInput",
    "CheckInInput",
    "Evidence",
    "Key",
    "MEDICAL_TERMS",
    "NOT_YET_SIGNALS",
    "Kind",
    "LogInput",
    "PRIORITY",
    "PacingPolicy",
    "PlanInput",
    "Recommendation",
    "Role",
    "RungInput",
    "RungStatus",
    "explain",
    "medical_terms",
    "recommend",
]
