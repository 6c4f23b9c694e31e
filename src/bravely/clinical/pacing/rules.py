"""The rules: each reads the context and returns recommendations with their evidence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise

from bravely.clinical.pacing.types import (
    AVOIDANCE_SIGNALS,
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
    RungInput,
    RungStatus,
)
from bravely.clinical.pacing.validation import (
    _validate,
)
from bravely.clinical.scales import (
    DistressScale,
    _,
    from_percent,
    points_from_percent,
)


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
