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

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from bravely.clinical.scales import (
    ClinicalInputError,
    DistressScale,
    _,
    from_percent,
    points_from_percent,
    validate_distress,
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
    PAUSE_AND_REFRAME = "pause_and_reframe"
    STEP_BACK = "step_back"
    SPLIT_RUNG = "split_rung"
    REASSESS_HIERARCHY = "reassess_hierarchy"
    REVISIT_VALUES = "revisit_values"
    CHECK_AVOIDANCE = "check_avoidance"
    ADVANCE = "advance"
    ADD_VARIABILITY = "add_variability"


PRIORITY = {kind: rank for rank, kind in enumerate(Kind)}  # crisis first, safety before progress

AVOIDANCE_SIGNALS = {
    "missed_practice": _("less practice than agreed"),
    "repeated_early_exits": _("practices ended early more than once"),
    "rising_safety_behaviours": _("more safety behaviours in each practice"),
    "paused_rungs": _("rungs put off"),
}


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


@dataclass(frozen=True)
class RungInput:
    id: Key
    position: int
    status: str  # RungStatus value
    predicted_distress: int
    own_ceiling: int | None = None
    safety_behaviours: tuple[str, ...] = ()  # to drop; informs the reason, not a rule


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


@dataclass(frozen=True)
class CheckInInput:
    id: Key
    at: datetime
    risk: bool = False
    tolerable_distress: int | None = None  # validated; not used by the current rules


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


def explain(rec: Recommendation) -> str:
    """The reason formatted with its params, untranslated (for logs and tests)."""
    params = {
        k: "; ".join(map(str, v)) if isinstance(v, tuple) else v for k, v in rec.params.items()
    }
    return rec.reason.format(**params)


# --- validation ---------------------------------------------------------------------------

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
    for c in check_ins:
        if c.tolerable_distress is not None:
            validate_distress(scale, c.tolerable_distress, f"check_ins[{c.id}].tolerable_distress")
        _same_clock(c.at, now, f"check_ins[{c.id}].at")
    return scale


# --- rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    policy: PacingPolicy
    plan: PlanInput
    scale: DistressScale
    rungs: tuple[RungInput, ...]  # by position
    assignments: tuple[AssignmentInput, ...]
    logs: tuple[LogInput, ...]  # by time, then id
    check_ins: tuple[CheckInInput, ...]
    now: datetime
    by_rung: dict[Key, tuple[LogInput, ...]] = field(default_factory=dict)

    def points(self, pct: float) -> float:
        """A 0-100 distance on the client's scale."""
        return points_from_percent(self.scale, pct)


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 2)


def _ids(items) -> tuple[Key, ...]:
    return tuple(item.id for item in items)


def _rec(kind: Kind, rung: RungInput | None, reason: str, params: dict, rule: str,
         logs=(), check_ins=(), thresholds: dict | None = None) -> Recommendation:
    evidence = Evidence(_ids(logs), _ids(check_ins), rule, thresholds or {})
    return Recommendation(kind, rung.id if rung else None, reason, params, evidence,
                          PRIORITY[kind], kind is Kind.CRISIS_FOLLOW_UP)


def _crisis(ctx: _Context) -> list[Recommendation]:
    since = ctx.now - timedelta(days=ctx.policy.risk_lookback_days)
    logs = [log for log in ctx.logs if log.risk_flag and log.started_at >= since]
    check_ins = [c for c in ctx.check_ins if c.risk and c.at >= since]
    if not logs and not check_ins:
        return []
    latest = max([log.started_at for log in logs] + [c.at for c in check_ins])
    return [_rec(
        Kind.CRISIS_FOLLOW_UP, None,
        _("Risk was signalled in the last {days} days (latest on {latest}). Follow up on safety "
          "and the safety plan before any further exposure work."),
        {"days": ctx.policy.risk_lookback_days, "latest": latest.isoformat(),
         "count": len(logs) + len(check_ins)},
        "risk_signal", logs, check_ins, {"risk_lookback_days": ctx.policy.risk_lookback_days},
    )]


def _missed_practice(ctx: _Context) -> tuple[list[LogInput], dict] | None:
    """Logs counted and details when practice done < ratio x assigned over the period."""
    p, today = ctx.policy, ctx.now.date()
    first = today - timedelta(days=p.missed_practice_days - 1)
    expected: dict[Key, float] = defaultdict(float)
    spans: dict[Key, list[tuple[date, date]]] = defaultdict(list)
    for a in ctx.assignments:
        start, end = max(a.starts, first), min(a.ends, today)
        if start <= end:
            expected[a.rung_id] += a.per_week * ((end - start).days + 1) / 7
            spans[a.rung_id].append((start, end))
    assigned = sum(expected.values())
    if assigned < p.min_expected_practices or assigned == 0:
        return None
    counted, done = [], 0.0
    for rung_id, due in expected.items():
        hits = [log for log in ctx.by_rung.get(rung_id, ())
                if any(s <= log.started_at.date() <= e for s, e in spans[rung_id])]
        counted += hits
        done += min(len(hits), due)  # extra practice on one rung does not hide another
    if done >= p.missed_practice_ratio * assigned:
        return None
    return counted, {"done": _num(done), "assigned": _num(assigned)}


def _avoidance(ctx: _Context) -> list[Recommendation]:
    p, fired, ids, params = ctx.policy, [], set(), {}
    missed = _missed_practice(ctx)
    if missed:
        fired.append("missed_practice")
        ids.update(_ids(missed[0]))
        params.update(missed[1])
    exits = [log for log in ctx.logs[-p.early_exit_window:] if log.stopped_early]
    if len(exits) >= p.repeated_early_exits:
        fired.append("repeated_early_exits")
        ids.update(_ids(exits))
        params["early_exits"] = len(exits)
    recent = ctx.logs[-p.safety_behaviour_window:]
    counts = [len(set(log.safety_behaviours_used)) for log in recent]
    if len(recent) == p.safety_behaviour_window and all(a < b for a, b in pairwise(counts)):
        fired.append("rising_safety_behaviours")
        ids.update(_ids(recent))
        params["safety_behaviour_counts"] = tuple(counts)
    paused = [r for r in ctx.rungs if r.status == RungStatus.PAUSED]
    if paused and ctx.logs:  # before any practice, a paused rung is not read as avoidance
        fired.append("paused_rungs")
        params["paused_positions"] = tuple(r.position for r in paused)
    if not fired:
        return []
    thresholds = {
        "missed_practice_ratio": p.missed_practice_ratio,
        "missed_practice_days": p.missed_practice_days,
        "repeated_early_exits": p.repeated_early_exits,
        "early_exit_window": p.early_exit_window,
        "safety_behaviour_window": p.safety_behaviour_window,
    }
    return [_rec(
        Kind.REVISIT_VALUES, None,
        _("There are signs of avoidance: {signals}. Revisit how this work links to what the "
          "client values, and agree the pace again together."),
        {"signals": tuple(AVOIDANCE_SIGNALS[s] for s in fired), **params},
        "+".join(fired), [log for log in ctx.logs if log.id in ids], (), thresholds,
    )]


def _neighbour(ctx: _Context, rung: RungInput, up: bool) -> RungInput | None:
    if up:
        above = [r for r in ctx.rungs
                 if r.position > rung.position and r.status == RungStatus.PLANNED]
        return above[0] if above else None
    below = [r for r in ctx.rungs if r.position < rung.position
             and r.status not in (RungStatus.SKIPPED, RungStatus.PAUSED)]
    return below[-1] if below else None


def _over_limit(ctx: _Context, rung: RungInput, logs) -> list[Recommendation]:
    """Latest log at or over the ceiling, or ended early: pause, split, maybe step back.

    The ceiling is the level at which a practice is stopped (the safety parameters), so reaching
    it counts, as it does on the client's stop screen."""
    p = ctx.policy
    ceiling = rung.own_ceiling if rung.own_ceiling is not None else ctx.plan.ceiling

    def over(log: LogInput) -> bool:
        return log.stopped_early or (ceiling is not None and log.peak >= ceiling)

    latest = logs[-1]
    if not over(latest):
        return []
    above = ceiling is not None and latest.peak >= ceiling
    reason = {  # one whole sentence per case, so each is one message to translate
        (True, False): _("In the latest practice on this rung distress peaked at {peak}, at or "
                         "above the ceiling of {ceiling}. Pause, reframe the feared prediction "
                         "with the client, and agree the pace again before the next practice."),
        (False, True): _("The latest practice on this rung ended early. Pause, reframe the "
                         "feared prediction with the client, and agree the pace again before "
                         "the next practice."),
        (True, True): _("The latest practice on this rung ended early, and distress peaked at "
                        "{peak}, at or above the ceiling of {ceiling}. Pause, reframe the feared "
                        "prediction with the client, and agree the pace again before the next "
                        "practice."),
    }[above, latest.stopped_early]
    params = {"peak": latest.peak, "ceiling": ceiling, "position": rung.position}
    limits = {"ceiling": ceiling} if ceiling is not None else {}
    recs = [
        _rec(Kind.PAUSE_AND_REFRAME, rung,
             reason, params, "over_ceiling_or_early_exit", [latest], (), limits),
        _rec(Kind.SPLIT_RUNG, rung,
             _("Consider adding an intermediate rung below rung {position}, so that the next "
               "step stays within what the client can stay with."),
             params, "over_ceiling_or_early_exit", [latest], (), limits),
    ]
    hits = [log for log in logs[-p.step_back_window:] if over(log)]
    if len(hits) >= p.step_back_count:
        lower = _neighbour(ctx, rung, up=False)
        recs.append(_rec(
            Kind.STEP_BACK, rung,
            _("In {count} of the last {window} practices on this rung distress reached the "
              "ceiling or the practice ended early. Consider stepping back to an easier rung "
              "for now."),
            {"count": len(hits), "window": len(logs[-p.step_back_window:]),
             "to_rung_id": lower.id if lower else None,
             "to_position": lower.position if lower else None},
            "repeated_over_ceiling_or_early_exit", hits, (),
            {**limits, "step_back_count": p.step_back_count,
             "step_back_window": p.step_back_window},
        ))
    return recs


def _over_prediction(ctx: _Context, rung: RungInput, logs) -> list[Recommendation]:
    p, points = ctx.policy, ctx.points(ctx.policy.over_prediction_points)
    hits = [log for log in logs[-p.over_prediction_window:]
            if log.peak - rung.predicted_distress >= points]
    if len(hits) < p.over_prediction_count:
        return []
    return [_rec(
        Kind.REASSESS_HIERARCHY, rung,
        _("Peak distress was at least {points} points above the predicted {predicted} in "
          "{count} of the last {window} practices on this rung. Re-rate this rung and its "
          "neighbours with the client."),
        {"points": _num(points), "predicted": rung.predicted_distress, "count": len(hits),
         "window": len(logs[-p.over_prediction_window:])},
        "over_prediction", hits, (),
        {"over_prediction_points": p.over_prediction_points, "scaled_points": _num(points),
         "over_prediction_count": p.over_prediction_count,
         "over_prediction_window": p.over_prediction_window},
    )]


def _too_easy(ctx: _Context, rung: RungInput, logs) -> list[Recommendation]:
    p, limit = ctx.policy, from_percent(ctx.scale, ctx.policy.too_easy_peak_points)
    if len(logs) > p.too_easy_max_logs or any(log.peak >= limit for log in logs):
        return []
    return [_rec(
        Kind.CHECK_AVOIDANCE, rung,
        _("Peak distress stayed below {limit} in every practice on this new rung ({count} so "
          "far). Before moving up, check for subtle avoidance and safety behaviours."),
        {"limit": _num(limit), "count": len(logs), "safety_behaviours": rung.safety_behaviours},
        "too_easy", logs, (),
        {"too_easy_peak_points": p.too_easy_peak_points, "scaled_limit": _num(limit),
         "too_easy_max_logs": p.too_easy_max_logs},
    )]


def _advance(ctx: _Context, rung: RungInput, logs) -> list[Recommendation]:
    p, n = ctx.policy, ctx.policy.consecutive_for_advance
    recent = logs[-n:]
    if len(recent) < n or any(log.stopped_early for log in recent):
        return []
    nxt = _neighbour(ctx, rung, up=True)
    move = {"to_rung_id": nxt.id if nxt else None, "to_position": nxt.position if nxt else None,
            "count": n}
    if ctx.plan.approach == Approach.INHIBITORY_LEARNING:
        drop = p.likelihood_drop_points
        if not all(log.feared_outcome_happened is False and not log.safety_behaviours_used
                   and log.likelihood_before is not None and log.likelihood_after is not None
                   and log.likelihood_before - log.likelihood_after >= drop for log in recent):
            return []
        thresholds = {"likelihood_drop_points": drop, "consecutive_for_advance": n}
        reason = (
            _("In the last {count} practices on this rung the feared outcome did not happen, its "
              "likelihood fell by at least {drop} points, and no safety behaviours were used. "
              "Consider moving to rung {to_position}.") if nxt else
            _("In the last {count} practices on this rung the feared outcome did not happen, its "
              "likelihood fell by at least {drop} points, and no safety behaviours were used. "
              "This is the highest planned rung: consider marking it mastered and planning "
              "maintenance."))
        return [
            _rec(Kind.ADVANCE, rung, reason,
                 {**move, "drop": _num(drop)}, "expectancy_violated", recent, (), thresholds),
            _rec(Kind.ADD_VARIABILITY, rung,
                 _("The expectancy was violated consistently. Vary the context (place, time, "
                   "people, order) when repeating this learning, so that it holds in more "
                   "situations."),
                 {}, "expectancy_violated", recent, (), thresholds),
        ]
    ratio = p.habituation_drop_ratio
    peaks = [log.peak for log in recent]
    before = logs[-n - 1] if len(logs) > n else None
    falling = n >= 2 and all(a > b for a, b in pairwise(peaks))
    if not falling and before is not None and all(peak < before.peak for peak in peaks):
        falling, recent = True, (before, *recent)
    if not falling or not all(log.post <= ratio * log.peak for log in logs[-n:]):
        return []
    reason = (
        _("In the last {count} practices on this rung distress fell to {percent} % of the peak "
          "or less, and the peaks are falling. Consider moving to rung {to_position}.") if nxt else
        _("In the last {count} practices on this rung distress fell to {percent} % of the peak "
          "or less, and the peaks are falling. This is the highest planned rung: consider "
          "marking it mastered and planning maintenance."))
    return [_rec(
        Kind.ADVANCE, rung, reason,
        {**move, "percent": _num(ratio * 100)}, "distress_fell", recent, (),
        {"habituation_drop_ratio": ratio, "consecutive_for_advance": n},
    )]


def _rung_rules(ctx: _Context, rung: RungInput, crisis: bool) -> list[Recommendation]:
    logs = ctx.by_rung.get(rung.id, ())
    if not logs:
        return []
    held = _over_limit(ctx, rung, logs)
    easy = _too_easy(ctx, rung, logs)
    recs = [*held, *_over_prediction(ctx, rung, logs), *easy]
    if not (crisis or held or easy):
        recs += _advance(ctx, rung, logs)
    return recs


def recommend(
    policy: PacingPolicy,
    plan: PlanInput,
    rungs: tuple[RungInput, ...] | list[RungInput],
    assignments: tuple[AssignmentInput, ...] | list[AssignmentInput],
    logs: tuple[LogInput, ...] | list[LogInput],
    check_ins: tuple[CheckInInput, ...] | list[CheckInInput],
    now: datetime,
) -> list[Recommendation]:
    """Recommendations for a plan, crisis follow-up first, then by kind, rung position, kind.

    Raises ClinicalInputError (a ValueError naming the field) for values off the scale,
    likelihoods outside 0-100, unknown rungs, duplicate ids or mixed naive/aware datetimes.
    """
    rungs, assignments = tuple(rungs), tuple(assignments)
    logs, check_ins = tuple(logs), tuple(check_ins)
    scale = _validate(plan, rungs, assignments, logs, check_ins, now)
    ordered_logs = tuple(sorted(logs, key=lambda log: (log.started_at, log.id)))
    by_rung: dict[Key, list[LogInput]] = defaultdict(list)
    for log in ordered_logs:
        by_rung[log.rung_id].append(log)
    ctx = _Context(
        policy, plan, scale,
        tuple(sorted(rungs, key=lambda r: (r.position, str(r.id)))),
        tuple(sorted(assignments, key=lambda a: (a.starts, str(a.id)))),
        ordered_logs,
        tuple(sorted(check_ins, key=lambda c: (c.at, c.id))),
        now,
        {k: tuple(v) for k, v in by_rung.items()},
    )
    crisis = _crisis(ctx)
    recs = [*crisis, *_avoidance(ctx)]
    for rung in ctx.rungs:
        if rung.status == RungStatus.ACTIVE:
            recs += _rung_rules(ctx, rung, bool(crisis))
    position = {r.id: r.position for r in ctx.rungs}
    recs.sort(key=lambda r: (r.priority, position.get(r.rung_id, -1), r.kind.value,
                             str(r.rung_id)))
    seen: set[tuple[Kind, Key | None]] = set()
    unique = []
    for rec in recs:
        if (rec.kind, rec.rung_id) not in seen:
            seen.add((rec.kind, rec.rung_id))
            unique.append(rec)
    return unique
