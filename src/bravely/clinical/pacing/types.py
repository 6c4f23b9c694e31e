"""What the pacing engine reads and returns: kinds, thresholds, inputs and recommendations."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum

from bravely.clinical.scales import (
    ClinicalInputError,
    _,
)

Key = int | str  # primary keys as the Django layer has them


class Approach(StrEnum):
    INHIBITORY_LEARNING = "inhibitory_learning"
    HABITUATION = "habituation"


class RungStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    MASTERED = "mastered"
    PAUSED = "paused"
    SKIPPED = "skipped"


class Kind(StrEnum):
    CRISIS_FOLLOW_UP = "crisis_follow_up"
    MEDICAL_CHECK = "medical_check"
    PAUSE_AND_REFRAME = "pause_and_reframe"
    STEP_BACK = "step_back"
    SPLIT_RUNG = "split_rung"
    REVIEW_SAFETY = "review_safety"
    REASSESS_HIERARCHY = "reassess_hierarchy"
    CHECK_RATINGS = "check_ratings"
    REVISIT_VALUES = "revisit_values"
    CHECK_AVOIDANCE = "check_avoidance"
    ADVANCE = "advance"
    ADD_VARIABILITY = "add_variability"
    KEEP_PRACTISING = "keep_practising"


PRIORITY = {kind: rank for rank, kind in enumerate(Kind)}  # crisis first, safety before progress


class Role(StrEnum):
    """Per rung, one primary recommendation; the others are alternatives folded under it."""

    PRIMARY = "primary"
    ALTERNATIVE = "alternative"

AVOIDANCE_SIGNALS = {
    "missed_practice": _("less practice than agreed"),
    "repeated_early_exits": _("practices ended early more than once"),
    "rising_safety_behaviours": _("more safety behaviours in each practice"),
    "paused_rungs": _("rungs put off"),
}

NOT_YET_SIGNALS = {  # what holds back "advance" whatever the approach; each completes
    # "advance is held back because ..."
    "risk": _("a risk signal needs follow-up first"),
    "medical": _("a reason for stopping may be medical"),
    "over_ceiling": _("distress reached the ceiling"),
    "early_exit": _("a practice ended early"),
    "stop_pressed": _("the client pressed “I need to stop”"),
    "safety_behaviours": _("safety behaviours were used"),
    "over_prediction": _("distress was well above the prediction"),
    "inconsistent_ratings": _("some ratings do not add up"),
}

MEDICAL_TERMS = (  # a stop reason naming one of these may be medical (English; Bravely default)
    "chest", "heart", "palpitation", "dizz", "faint", "pass out", "passed out", "black out",
    "blacked out", "blackout", "short of breath", "breathe", "breathing", "seizure", "numb",
    "vomit", "threw up", "throw up", "collapse", "unconscious", "asthma", "pregnan",
)


def medical_terms(text: str) -> tuple[str, ...]:
    """The words of a free-text stop reason that name one of MEDICAL_TERMS, as the client
    wrote them (whole words, in the order of the list, each once; case-insensitive)."""
    text = (text or "").replace(chr(8217), chr(39))
    lowered, found = text.lower(), []
    for term in MEDICAL_TERMS:
        at = lowered.find(term)
        if at < 0:
            continue
        start, end = at, at + len(term)
        while start > 0 and (lowered[start - 1].isalnum() or lowered[start - 1] == "'"):
            start -= 1
        while end < len(lowered) and lowered[end].isalnum():
            end += 1
        word = text[start:end]
        if word.lower() not in (w.lower() for w in found):
            found.append(word)
    return tuple(found)


@dataclass(frozen=True)
class PacingPolicy:
    """Thresholds, each configurable per plan. Distress points are on a 0-100 basis."""

    risk_lookback_days: int = 14
    """Risk signals this recent prompt crisis follow-up. architecture.md (risk -> crisis
    follow-up); clinical-facts.md "Safety and contraindications". Window: Bravely default,
    configurable."""
    over_prediction_points: float = 20
    """Peak this far above the rung's predicted distress counts as beyond what was anticipated.
    architecture.md; clinical-facts.md "The approach" step 8 (reassess the hierarchy)."""
    over_prediction_count: int = 2
    """How many of the last ``over_prediction_window`` logs must exceed it. architecture.md."""
    over_prediction_window: int = 3
    """architecture.md ("2 of the last 3")."""
    step_back_count: int = 2
    """Over-ceiling or early-exit logs among the last ``step_back_window`` that suggest stepping
    back. clinical-facts.md "Inhibitory learning versus habituation" (step back when the client
    cannot stay in the exposure); count: Bravely default, configurable."""
    step_back_window: int = 3
    """Bravely default, configurable."""
    missed_practice_ratio: float = 0.5
    """Practice done below this share of what was assigned is an avoidance flag. architecture.md;
    clinical-facts.md "The approach" step 8 (avoidance -> revisit the value mapping)."""
    missed_practice_days: int = 14
    """The period over which practice is counted. architecture.md."""
    min_expected_practices: float = 1
    """Missed practice is only judged once at least this many practices were due. Bravely
    default, configurable."""
    repeated_early_exits: int = 2
    """Early exits among the last ``early_exit_window`` logs that flag avoidance. architecture.md
    ("repeated early exits"); count: Bravely default, configurable."""
    early_exit_window: int = 3
    """Bravely default, configurable."""
    safety_behaviour_window: int = 3
    """Safety behaviours counted over this many latest logs; a strict rise flags avoidance.
    architecture.md ("rising safety behaviours"); window: Bravely default, configurable."""
    likelihood_drop_points: float = 30
    """Inhibitory learning: the feared outcome's likelihood (0-100 %) must fall this much for the
    expectancy to count as violated. architecture.md; clinical-facts.md (Craske et al. 2014,
    expectancy violation)."""
    consecutive_for_advance: int = 2
    """Consecutive logs meeting the advance criterion. architecture.md."""
    habituation_drop_ratio: float = 0.5
    """Habituation: post distress at most this share of the peak. clinical-facts.md (Foa & Kozak
    1986: within-session habituation, commonly a 50 % drop from peak)."""
    too_easy_peak_points: float = 20
    """Peaks below this on a new rung suggest subtle avoidance. architecture.md; clinical-facts.md
    ("when a rung is too easy, first check for subtle avoidance and safety behaviours")."""
    too_easy_max_logs: int = 2
    """A rung counts as new while it has at most this many logs. Bravely default, configurable."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value, whole = getattr(self, f.name), f.type == "int"
            kinds = int if whole else int | float
            if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
                raise ClinicalInputError(
                    f.name, _("{field} must be a number of at least 0, not {value!r}.")
                    if not whole else _("{field} must be a whole number of at least 0, not "
                                        "{value!r}."),
                    value=value,
                )
        for name in ("missed_practice_ratio", "habituation_drop_ratio"):
            if getattr(self, name) > 1:
                raise ClinicalInputError(name, _("{field} must be between 0 and 1."))
        for count, window in (
            ("over_prediction_count", "over_prediction_window"),
            ("step_back_count", "step_back_window"),
            ("repeated_early_exits", "early_exit_window"),
        ):
            if not 1 <= getattr(self, count) <= getattr(self, window):
                raise ClinicalInputError(
                    count, _("{field} must be between 1 and {window} ({value})."),
                    window=window, value=getattr(self, window),
                )
        minimum = {"risk_lookback_days": 1, "missed_practice_days": 1,
                   "consecutive_for_advance": 1, "safety_behaviour_window": 2}
        for name, least in minimum.items():
            if getattr(self, name) < least:
                raise ClinicalInputError(name, _("{field} must be at least {least}."),
                                         least=least)


@dataclass(frozen=True)
class PlanInput:
    approach: str  # Approach value
    scale_max: int  # 100 (SUDS) or 10 (thermometer)
    ceiling: int | None = None  # distress ceiling from the safety parameters
    coping_level: int | None = None  # validated; not used by the current rules
    rungs_per_week: float | None = None  # the agreed pace (planning PaceDecision), if any
    pace_label: str = ""  # the chosen option's name, for the reason


@dataclass(frozen=True)
class RungInput:
    id: Key
    position: int
    status: str  # RungStatus value
    predicted_distress: int
    own_ceiling: int | None = None
    safety_behaviours: tuple[str, ...] = ()  # to drop; informs the reason, not a rule
    name: str = ""  # the observable behaviour, to name the rung in reasons
    active_since: date | None = None  # the day it became active, in the client's time zone


@dataclass(frozen=True)
class AssignmentInput:
    id: Key
    rung_id: Key
    per_week: int
    starts: date
    ends: date  # inclusive


@dataclass(frozen=True)
class LogInput:
    id: Key
    rung_id: Key
    started_at: datetime
    pre: int
    peak: int
    post: int
    likelihood_before: int | None = None  # 0-100 %
    likelihood_after: int | None = None
    feared_outcome_happened: bool | None = None
    safety_behaviours_used: tuple[str, ...] = ()
    stopped_early: bool = False
    risk_flag: bool = False
    stop_reason: str = ""  # why the client stopped, in their words
    stop_presses: int = 0  # "I need to stop" presses during this practice


@dataclass(frozen=True)
class CheckInInput:
    id: Key
    at: datetime
    risk: bool = False
    tolerable_distress: int | None = None  # what the client says they can tolerate now


@dataclass(frozen=True)
class Evidence:
    log_ids: tuple[Key, ...]  # in time order
    check_in_ids: tuple[Key, ...]
    rule: str  # which rule fired; for revisit_values, the sub-rules joined by "+"
    thresholds: dict[str, float]  # policy values, plus their value on the client's scale


@dataclass(frozen=True)
class Recommendation:
    kind: Kind
    rung_id: Key | None  # None for the whole plan
    reason: str  # translatable template; translate, then format with params
    params: dict[str, object]
    evidence: Evidence
    priority: int  # lower first
    requires_note_to_dismiss: bool = False
    role: Role = Role.PRIMARY
    alternative_of: Kind | None = None  # the primary of the same rung, for an alternative


def explain(rec: Recommendation) -> str:
    """The reason formatted with its params, untranslated (for logs and tests)."""
    params = {
        k: "; ".join(map(str, v)) if isinstance(v, tuple) else v for k, v in rec.params.items()
    }
    return rec.reason.format(**params)
