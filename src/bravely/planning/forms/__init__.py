"""Planning forms, one module per area; the names are re-exported here for callers outside
planning."""

from bravely.planning.forms._common import DATE, DistressMixin
from bravely.planning.forms.config import CrisisResourceForm, PlanningSettingsForm, ValueDomainForm
from bravely.planning.forms.homework import AssignmentForm, CancelForm, RationaleForm
from bravely.planning.forms.ladder import (
    DeclineForm,
    PlanForm,
    ResolveDeclineForm,
    RungForm,
    WarningAckForm,
)
from bravely.planning.forms.pace import PaceForm
from bravely.planning.forms.readiness import READINESS_LABELS, YES_NO, ClearanceForm, ReadinessForm
from bravely.planning.forms.safety import (
    AcknowledgeSafetyForm,
    CopingSkillForm,
    CopingSkillFormSet,
    SafetyForm,
    SupportContactForm,
    SupportContactFormSet,
)
from bravely.planning.forms.values import AssessmentForm, GoalForm, StatementForm

__all__ = [
    "AcknowledgeSafetyForm",
    "AssessmentForm",
    "AssignmentForm",
    "CancelForm",
    "ClearanceForm",
    "CopingSkillForm",
    "CopingSkillFormSet",
    "CrisisResourceForm",
    "DATE",
    "DeclineForm",
    "DistressMixin",
    "GoalForm",
    "PaceForm",
    "PlanForm",
    "PlanningSettingsForm",
    "READINESS_LABELS",
    "RationaleForm",
    "ReadinessForm",
    "ResolveDeclineForm",
    "RungForm",
    "SafetyForm",
    "StatementForm",
    "SupportContactForm",
    "SupportContactFormSet",
    "ValueDomainForm",
    "WarningAckForm",
    "YES_NO",
]
