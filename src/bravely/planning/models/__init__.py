"""Planning with the client: values, safety parameters, the exposure ladder, pace and homework.

Clinical rules (scoring, ladder checks, the readiness gate) live in `bravely.clinical`; these models
only store what people entered and decided. Versioned records (safety parameters, readiness screens,
clearances, pace decisions, signed rationales) refuse `save()` on an existing row: a change is a new
row with who and when. Plans, rungs and goals are edited in place and every change is kept in
`ChangeRecord` (before and after as JSON).

One module per area; every model is imported here, so Django finds them all and
`from bravely.planning.models import X` works for each.
"""

from bravely.core.models import Immutable, ImmutableError
from bravely.planning.models.config import CrisisResource, PlanningSettings, ValueDomain
from bravely.planning.models.history import ChangeRecord
from bravely.planning.models.homework import HomeworkAssignment, Rationale
from bravely.planning.models.ladder import (
    PERCENT,
    ExposurePlan,
    LadderAcknowledgement,
    Rung,
    RungDecline,
)
from bravely.planning.models.pace import PaceDecision
from bravely.planning.models.readiness import Clearance, ReadinessHold, ReadinessScreen
from bravely.planning.models.safety import CopingKind, SafetyAcknowledgement, SafetyParameters
from bravely.planning.models.values import (
    RATING,
    DomainRating,
    ValuedGoal,
    ValuesAssessment,
    ValueStatement,
)

__all__ = [
    "ChangeRecord",
    "Clearance",
    "CopingKind",
    "CrisisResource",
    "DomainRating",
    "ExposurePlan",
    "HomeworkAssignment",
    "Immutable",
    "ImmutableError",
    "LadderAcknowledgement",
    "PERCENT",
    "PaceDecision",
    "PlanningSettings",
    "RATING",
    "Rationale",
    "ReadinessHold",
    "ReadinessScreen",
    "Rung",
    "RungDecline",
    "SafetyAcknowledgement",
    "SafetyParameters",
    "ValueDomain",
    "ValueStatement",
    "ValuedGoal",
    "ValuesAssessment",
]
