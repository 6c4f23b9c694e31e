"""The readiness gate before exposure starts.

Comorbidity is a flag, not an automatic exclusion (van Minnen et al. 2012, Eur J Psychotraumatol
3:18805): a positive answer puts the plan on hold until a clinician records a clearance; nothing
here ever excludes a client. Criteria after the DBT Prolonged Exposure readiness gate (Harned);
medical clearance for interoceptive exposure from secondary sources (shared/clinical-facts.md,
"Safety and contraindications").
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from bravely.clinical.scales import ClinicalInputError, _

CLINICIAN_CLEARANCE = "clinician_clearance"
MEDICAL_CLEARANCE = "medical_clearance"


@dataclass(frozen=True, kw_only=True)
class ReadinessScreen:
    """Screen answers. All are required: an unanswered question is not a "no"."""

    imminent_suicide_risk: bool
    recent_self_harm_or_suicidal_behaviour: bool  # within the past 2 months
    intoxication_or_unmanaged_substance_use: bool
    psychosis: bool
    dissociation: bool
    interoceptive_planned: bool
    seizures: bool
    cardiac: bool
    respiratory: bool
    neck_or_back: bool
    pregnancy: bool

    def __post_init__(self) -> None:
        for f in fields(self):
            if not isinstance(getattr(self, f.name), bool):
                raise ClinicalInputError(f.name, _("{field} must be answered yes or no."))


@dataclass(frozen=True)
class ReadinessFlag:
    code: str  # the screen field's name; also the code a clearance is recorded under
    message: str  # translatable template; format with params after translating
    params: dict[str, object]
    needs: str | None  # CLINICIAN_CLEARANCE, MEDICAL_CLEARANCE, or None when it does not hold

    @property
    def holds(self) -> bool:
        return self.needs is not None


@dataclass(frozen=True)
class ReadinessResult:
    on_hold: bool  # hold until cleared; never an exclusion
    flags: tuple[ReadinessFlag, ...]  # in screen field order


_CLINICAL = {
    "imminent_suicide_risk": _(
        "Imminent suicide risk was reported. Follow the safety plan and crisis procedures now; "
        "exposure waits until a clinician records a clearance."
    ),
    "recent_self_harm_or_suicidal_behaviour": _(
        "Self-harm or suicidal behaviour in the past {months} months. Exposure waits until a "
        "clinician records a clearance."
    ),
    "intoxication_or_unmanaged_substance_use": _(
        "Intoxication or unmanaged substance use. Exposure waits until a clinician records a "
        "clearance."
    ),
    "psychosis": _(
        "Psychotic symptoms. Exposure can go ahead with monitoring once a clinician records a "
        "clearance."
    ),
    "dissociation": _(
        "Dissociation. Exposure can go ahead with monitoring once a clinician records a "
        "clearance."
    ),
}
# Per condition: (message when interoceptive exposure is planned, note when it is not).
_MEDICAL = {
    "seizures": (
        _("Seizures: interoceptive exposure waits until medical clearance is recorded."),
        _("Seizures noted: get medical clearance before planning interoceptive exposure."),
    ),
    "cardiac": (
        _("Heart condition: interoceptive exposure waits until medical clearance is recorded."),
        _("Heart condition noted: get medical clearance before planning interoceptive exposure."),
    ),
    "respiratory": (
        _("Respiratory condition: interoceptive exposure waits until medical clearance is "
          "recorded."),
        _("Respiratory condition noted: get medical clearance before planning interoceptive "
          "exposure."),
    ),
    "neck_or_back": (
        _("Neck or back problems: interoceptive exposure waits until medical clearance is "
          "recorded."),
        _("Neck or back problems noted: get medical clearance before planning interoceptive "
          "exposure."),
    ),
    "pregnancy": (
        _("Pregnancy: interoceptive exposure waits until medical clearance is recorded."),
        _("Pregnancy noted: get medical clearance before planning interoceptive exposure."),
    ),
}


def evaluate_readiness(screen: ReadinessScreen) -> ReadinessResult:
    """Flags for every positive answer.

    Medical conditions matter for interoceptive exposure only: when none is planned they are
    still reported (needs None) but do not put the plan on hold.
    """
    flags = []
    for code, message in _CLINICAL.items():
        if getattr(screen, code):
            params = {"months": 2} if code == "recent_self_harm_or_suicidal_behaviour" else {}
            flags.append(ReadinessFlag(code, message, params, CLINICIAN_CLEARANCE))
    for code, (hold, note) in _MEDICAL.items():
        if getattr(screen, code):
            if screen.interoceptive_planned:
                flags.append(ReadinessFlag(code, hold, {}, MEDICAL_CLEARANCE))
            else:
                flags.append(ReadinessFlag(code, note, {}, None))
    return ReadinessResult(any(f.holds for f in flags), tuple(flags))


def clearance_resolves(result: ReadinessResult, cleared_codes: set[str]) -> bool:
    """True when every flag that holds the plan has a recorded clearance."""
    return all(f.code in cleared_codes for f in result.flags if f.holds)
