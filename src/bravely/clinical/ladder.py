"""Checks on an exposure ladder (hierarchy), shown to clinicians as warnings they can acknowledge.

Nothing here blocks a plan: every check is advice with its reason, and the clinician decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bravely.clinical.scales import (
    ClinicalInputError,
    DistressScale,
    _,
    from_percent,
    points_from_percent,
    validate_distress,
)

NO_VALUE = "no_value"
STEP_TOO_LARGE = "step_too_large"
ABOVE_CEILING = "above_ceiling"
FIRST_RUNG_HIGH = "first_rung_high"
TOO_FEW_RUNGS = "too_few_rungs"
TOO_MANY_RUNGS = "too_many_rungs"
NOT_GRADED = "not_graded"

SKIPPED = "skipped"


@dataclass(frozen=True)
class LadderPolicy:
    """Thresholds on a 0-100 basis, converted to the client's scale (shared/clinical-facts.md).

    - ``max_step_percent``: largest gap between neighbouring rungs. Default 20 from
      architecture.md; the only source found (low quality) says about 10-15, hence configurable.
    - ``usual_start_low``/``usual_start_high``: first exposures usually start around SUDS 30-40
      (PE for PTSD: about 40 - Foa, Hembree & Rothbaum 2007).
    - ``start_tolerance_percent``: how far above ``usual_start_high`` the first rung may be
      predicted before it is flagged.
    - ``min_rungs``/``max_rungs``: hierarchies typically have 8-15 rungs.
    """

    max_step_percent: float = 20
    usual_start_low: float = 30
    usual_start_high: float = 40
    start_tolerance_percent: float = 20
    min_rungs: int = 8
    max_rungs: int = 15

    def __post_init__(self) -> None:
        if self.max_step_percent <= 0:
            raise ClinicalInputError("max_step_percent", _("{field} must be more than 0."))
        if self.usual_start_low > self.usual_start_high:
            raise ClinicalInputError(
                "usual_start_low", _("{field} must not be above usual_start_high.")
            )
        if self.min_rungs > self.max_rungs:
            raise ClinicalInputError("min_rungs", _("{field} must not be above max_rungs."))


@dataclass(frozen=True)
class RungSpec:
    key: str  # stable id (e.g. the primary key), so acknowledgements survive reordering
    position: int
    predicted_distress: int
    value_keys: tuple[str, ...]
    own_ceiling: int | None = None
    status: str = "planned"

    def __post_init__(self) -> None:
        object.__setattr__(self, "value_keys", tuple(self.value_keys))


@dataclass(frozen=True)
class LadderWarning:
    code: str
    rung_key: str | None  # None for warnings about the whole ladder
    message: str  # translatable template; format with params after translating
    params: dict[str, object] = field(default_factory=dict)
    severity: str = "warning"  # "warning" or "info"


def _num(x: float) -> int | float:
    """Show 20.0 as 20 and 1.5 as 1.5 in messages."""
    return int(x) if float(x).is_integer() else round(x, 1)


def _validate(rungs: list[RungSpec], scale: DistressScale, ceiling: int | None) -> None:
    if ceiling is not None:
        validate_distress(scale, ceiling, "ceiling")
    keys: set[str] = set()
    positions: set[int] = set()
    for rung in rungs:
        if isinstance(rung.position, bool) or not isinstance(rung.position, int):
            raise ClinicalInputError(
                "position", _("{field} must be a whole number, not {value!r}."),
                value=rung.position,
            )
        validate_distress(scale, rung.predicted_distress, "predicted_distress")
        if rung.own_ceiling is not None:
            validate_distress(scale, rung.own_ceiling, "own_ceiling")
        if rung.key in keys:
            raise ClinicalInputError("key", _("Two rungs share the key {key}."), key=rung.key)
        if rung.position in positions:
            raise ClinicalInputError(
                "position", _("Two rungs share position {position}."), position=rung.position
            )
        keys.add(rung.key)
        positions.add(rung.position)


def check_ladder(
    rungs: Iterable[RungSpec],
    scale: DistressScale,
    ceiling: int | None = None,
    policy: LadderPolicy | None = None,
) -> list[LadderWarning]:
    """Warnings for a ladder, ladder-level first, then by rung position, then by code.

    ``ceiling`` is the client's distress ceiling on ``scale``; None while no safety parameters
    exist. Skipped rungs are only checked for a linked value.
    """
    policy = policy or LadderPolicy()
    ordered = list(rungs)
    _validate(ordered, scale, ceiling)
    ordered.sort(key=lambda r: r.position)
    active = [r for r in ordered if r.status != SKIPPED]
    max_step = points_from_percent(scale, policy.max_step_percent)
    start_limit = from_percent(scale, policy.usual_start_high + policy.start_tolerance_percent)
    warnings: list[LadderWarning] = []

    def add(code: str, rung: RungSpec | None, message: str, severity: str = "warning", **params):
        key = rung.key if rung else None
        warnings.append(LadderWarning(code, key, message, params, severity))

    for rung in ordered:
        if not rung.value_keys:
            add(NO_VALUE, rung, _("Rung {position} has no linked value."), position=rung.position)

    for rung in active:
        limits = [c for c in (ceiling, rung.own_ceiling) if c is not None]
        if limits and rung.predicted_distress > min(limits):
            add(
                ABOVE_CEILING, rung,
                _("Rung {position} is predicted at {predicted}, above the distress ceiling of "
                  "{ceiling}."),
                position=rung.position, predicted=rung.predicted_distress, ceiling=min(limits),
            )

    for before, rung in zip(active, active[1:], strict=False):
        difference = rung.predicted_distress - before.predicted_distress
        if abs(difference) > max_step:
            add(
                STEP_TOO_LARGE, rung,
                _("Rung {position} is {difference} points from rung {previous_position}; "
                  "neighbouring rungs are best at most {max_step} apart."),
                position=rung.position, previous_position=before.position,
                difference=abs(difference), max_step=_num(max_step),
            )
        if difference < 0:
            add(
                NOT_GRADED, rung,
                _("Rung {position} is predicted lower than rung {previous_position} "
                  "({predicted} after {previous_predicted}); a ladder usually climbs."),
                severity="info",
                position=rung.position, previous_position=before.position,
                predicted=rung.predicted_distress, previous_predicted=before.predicted_distress,
            )

    if active and active[0].predicted_distress > start_limit:
        first = active[0]
        add(
            FIRST_RUNG_HIGH, first,
            _("The first rung is predicted at {predicted}; first exposures usually start "
              "around {usual_low} to {usual_high}."),
            position=first.position, predicted=first.predicted_distress,
            usual_low=_num(from_percent(scale, policy.usual_start_low)),
            usual_high=_num(from_percent(scale, policy.usual_start_high)),
        )

    count = len(active)
    if count < policy.min_rungs:
        add(
            TOO_FEW_RUNGS, None,
            _("The ladder has {count} rungs; ladders usually have {min_rungs} to {max_rungs}, "
              "so that each step is small."),
            count=count, min_rungs=policy.min_rungs, max_rungs=policy.max_rungs,
        )
    elif count > policy.max_rungs:
        add(
            TOO_MANY_RUNGS, None,
            _("The ladder has {count} rungs; ladders usually have {min_rungs} to {max_rungs}. "
              "Consider merging rungs or starting a second ladder."),
            count=count, min_rungs=policy.min_rungs, max_rungs=policy.max_rungs,
        )

    position = {r.key: r.position for r in ordered}
    warnings.sort(
        key=lambda w: (0, 0, w.code) if w.rung_key is None else (1, position[w.rung_key], w.code)
    )
    return warnings
