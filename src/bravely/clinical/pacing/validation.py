"""The engine refuses inputs it cannot reason about, naming the field."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bravely.clinical.pacing.types import (
    Approach,
    RungStatus,
)
from bravely.clinical.scales import (
    ClinicalInputError,
    DistressScale,
    _,
    validate_distress,
)

_SCALES = {100: DistressScale.SUDS100, 10: DistressScale.THERMOMETER10}


def _choice(enum: type[StrEnum], value: object, name: str) -> None:
    if value not in [m.value for m in enum]:
        raise ClinicalInputError(
            name, _("{field} must be one of {choices}, not {value!r}."),
            choices=", ".join(m.value for m in enum), value=value,
        )


def _percent(value: object, name: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ClinicalInputError(
            name, _("{field} must be a whole number from 0 to 100, not {value!r}."), value=value
        )


def _unique(items: tuple, what: str) -> None:
    seen: set = set()
    for item in items:
        if item.id in seen:
            raise ClinicalInputError(f"{what}.id", _("{field} {id} appears twice."), id=item.id)
        seen.add(item.id)


def _same_clock(moment: datetime, now: datetime, name: str) -> None:
    if (moment.utcoffset() is None) != (now.utcoffset() is None):
        raise ClinicalInputError(
            name, _("{field} and now must both have a time zone, or both not.")
        )


def _validate(plan, rungs, assignments, logs, check_ins, now) -> DistressScale:
    _choice(Approach, plan.approach, "approach")
    scale = _SCALES.get(plan.scale_max)
    if scale is None or isinstance(plan.scale_max, bool):
        raise ClinicalInputError(
            "scale_max", _("{field} must be 10 or 100, not {value!r}."), value=plan.scale_max
        )
    pace = plan.rungs_per_week
    if pace is not None and (isinstance(pace, bool) or not isinstance(pace, int | float)
                             or not 0 < pace <= 7):
        raise ClinicalInputError(
            "rungs_per_week", _("{field} must be more than 0 and at most 7, not {value!r}."),
            value=pace)
    for name in ("ceiling", "coping_level"):
        if getattr(plan, name) is not None:
            validate_distress(scale, getattr(plan, name), name)
    for what, items in (("rungs", rungs), ("assignments", assignments), ("logs", logs),
                        ("check_ins", check_ins)):
        _unique(items, what)
    rung_ids = {r.id for r in rungs}
    for r in rungs:
        _choice(RungStatus, r.status, f"rungs[{r.id}].status")
        validate_distress(scale, r.predicted_distress, f"rungs[{r.id}].predicted_distress")
        if r.own_ceiling is not None:
            validate_distress(scale, r.own_ceiling, f"rungs[{r.id}].own_ceiling")
    for a in assignments:
        if a.rung_id not in rung_ids:
            raise ClinicalInputError(f"assignments[{a.id}].rung_id", _("{field} is not a rung."))
        if isinstance(a.per_week, bool) or not isinstance(a.per_week, int) or a.per_week < 0:
            raise ClinicalInputError(
                f"assignments[{a.id}].per_week", _("{field} must be a whole number of at least 0.")
            )
        if a.ends < a.starts:
            raise ClinicalInputError(f"assignments[{a.id}].ends", _("{field} is before starts."))
    for log in logs:
        name = f"logs[{log.id}]"
        if log.rung_id not in rung_ids:
            raise ClinicalInputError(f"{name}.rung_id", _("{field} is not a rung."))
        for part in ("pre", "peak", "post"):
            validate_distress(scale, getattr(log, part), f"{name}.{part}")
        _percent(log.likelihood_before, f"{name}.likelihood_before")
        _percent(log.likelihood_after, f"{name}.likelihood_after")
        _same_clock(log.started_at, now, f"{name}.started_at")
        if (isinstance(log.stop_presses, bool) or not isinstance(log.stop_presses, int)
                or log.stop_presses < 0):
            raise ClinicalInputError(f"{name}.stop_presses",
                                     _("{field} must be a whole number of at least 0."))
    for c in check_ins:
        if c.tolerable_distress is not None:
            validate_distress(scale, c.tolerable_distress, f"check_ins[{c.id}].tolerable_distress")
        _same_clock(c.at, now, f"check_ins[{c.id}].at")
    return scale
