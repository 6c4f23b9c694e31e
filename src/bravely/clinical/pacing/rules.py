"""The rules: each reads the context and returns recommendations with their evidence."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import pairwise

from bravely.clinical.pacing.types import (
    AVOIDANCE_SIGNALS,
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
    medical_terms,
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

    def day(self, moment: datetime) -> date:
        """The calendar day of a moment in the time zone of ``now`` (the client's own)."""
        if moment.utcoffset() is not None and self.now.tzinfo is not None:
            moment = moment.astimezone(self.now.tzinfo)
        return moment.date()

    @property
    def today(self) -> date:
        return self.now.date()


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
        {"days": ctx.policy.risk_lookback_days,
         "latest": (latest.astimezone(ctx.now.tzinfo) if latest.utcoffset() is not None
                    and ctx.now.tzinfo is not None else latest).isoformat(),
         "count": len(logs) + len(check_ins)},
        "risk_signal", logs, check_ins, {"risk_lookback_days": ctx.policy.risk_lookback_days},
    )]


def _missed_practice(ctx: _Context) -> tuple[list[LogInput], dict] | None:
    """Logs counted and details when practice done < ratio x assigned over the period."""
    p, today = ctx.policy, ctx.today
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
                if any(s <= ctx.day(log.started_at) <= e for s, e in spans[rung_id])]
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


def _ceiling(ctx: _Context, rung: RungInput) -> int | None:
    return rung.own_ceiling if rung.own_ceiling is not None else ctx.plan.ceiling


def _inconsistent(log: LogInput) -> bool:
    """Ratings that do not add up: a peak below the distress before, or after above the peak."""
    return log.peak < log.pre or log.post > log.peak


def _over_limit(ctx: _Context, rung: RungInput, logs) -> list[Recommendation]:
    """Latest log at or over the ceiling, or ended early: pause, split, maybe step back.

    The ceiling is the level at which a practice is stopped (the safety parameters), so reaching
    it counts, as it does on the client's stop screen."""
    p = ctx.policy
    ceiling = _ceiling(ctx, rung)

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
    params = {"peak": latest.peak, "ceiling": ceiling, "position": rung.position,
              "name": rung.name}
    limits = {"ceiling": ceiling} if ceiling is not None else {}
    recs = [
        _rec(Kind.PAUSE_AND_REFRAME, rung,
             reason, params, "over_ceiling_or_early_exit", [latest], (), limits),
        _rec(Kind.SPLIT_RUNG, rung,
             _("Consider adding an intermediate rung below rung {position}, “{name}”, so that "
               "the next step stays within what the client can stay with."),
             params, "over_ceiling_or_early_exit", [latest], (), limits),
    ]
    window = logs[-p.step_back_window:]
    hits = [log for log in window if over(log)]
    if len(hits) >= p.step_back_count:
        lower = _neighbour(ctx, rung, up=False)
        every = len(hits) == len(window)
        if lower is None:
            reason = (_("In each of the last {count} practices on this rung distress reached "
                        "the ceiling or the practice ended early. Consider stepping back to an "
                        "easier step for now.") if every else
                      _("In {count} of the last {window} practices on this rung distress "
                        "reached the ceiling or the practice ended early. Consider stepping "
                        "back to an easier step for now."))
        else:
            reason = (_("In each of the last {count} practices on this rung distress reached "
                        "the ceiling or the practice ended early. Consider stepping back to "
                        "rung {to_position}, “{to_name}”, for now.") if every else
                      _("In {count} of the last {window} practices on this rung distress "
                        "reached the ceiling or the practice ended early. Consider stepping "
                        "back to rung {to_position}, “{to_name}”, for now."))
        recs.append(_rec(
            Kind.STEP_BACK, rung, reason,
            {"count": len(hits), "window": len(window),
             "to_rung_id": lower.id if lower else None,
             "to_position": lower.position if lower else None,
             "to_name": lower.name if lower else ""},
            "repeated_over_ceiling_or_early_exit", hits, (),
            {**limits, "step_back_count": p.step_back_count,
             "step_back_window": p.step_back_window},
        ))
    return recs


def _over_prediction(ctx: _Context, rung: RungInput, logs) -> list[Recommendation]:
    p, points = ctx.policy, ctx.points(ctx.policy.over_prediction_points)
    window = logs[-p.over_prediction_window:]
    hits = [log for log in window if log.peak - rung.predicted_distress >= points]
    if len(hits) < p.over_prediction_count:
        return []
    reason = (
        _("Peak distress was at least {points} points above the predicted {predicted} in each "
          "of the last {count} practices on this rung. Re-rate this rung and its neighbours "
          "with the client.") if len(hits) == len(window) else
        _("Peak distress was at least {points} points above the predicted {predicted} in "
          "{count} of the last {window} practices on this rung. Re-rate this rung and its "
          "neighbours with the client."))
    return [_rec(
        Kind.REASSESS_HIERARCHY, rung, reason,
        {"points": _num(points), "predicted": rung.predicted_distress, "count": len(hits),
         "window": len(window)},
        "over_prediction", hits, (),
        {"over_prediction_points": p.over_prediction_points, "scaled_points": _num(points),
         "over_prediction_count": p.over_prediction_count,
         "over_prediction_window": p.over_prediction_window},
    )]


def _too_easy(ctx: _Context, rung: RungInput, logs) -> list[Recommendation]:
    """Read on consistent ratings only: a peak below the distress before is not a low peak."""
    p, limit = ctx.policy, from_percent(ctx.scale, ctx.policy.too_easy_peak_points)
    logs = [log for log in logs if not _inconsistent(log)]
    if not logs or len(logs) > p.too_easy_max_logs or any(log.peak >= limit for log in logs):
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


def _medical(ctx: _Context, rung: RungInput, logs) -> list[Recommendation]:
    """The latest practice's stop reason may be medical: check before the next exposure."""
    latest = logs[-1]
    terms = medical_terms(latest.stop_reason)
    if not terms:
        return []
    return [_rec(
        Kind.MEDICAL_CHECK, rung,
        _("The client's reason for stopping the latest practice on this rung mentions "
          "{terms}, which may be medical. Check with the client, and with a doctor where "
          "needed, before the next exposure."),
        {"terms": terms, "stop_reason": latest.stop_reason[:300]},
        "medical_stop_reason", [latest], (), {},
    )]


def _ratings(ctx: _Context, rung: RungInput, logs) -> list[Recommendation]:
    """Ratings that do not add up are flagged, not read as progress."""
    window = logs[-ctx.policy.over_prediction_window:]
    odd = [log for log in window if _inconsistent(log)]
    if not odd:
        return []
    reason = (
        _("In the latest practice on this rung the ratings do not add up (the peak is below "
          "the distress before, or the distress after is above the peak). Check them with the "
          "client; this practice is not read as progress.") if len(odd) == 1 else
        _("In {count} of the latest practices on this rung the ratings do not add up (the "
          "peak is below the distress before, or the distress after is above the peak). Check "
          "them with the client; these practices are not read as progress."))
    if len(odd) == 1 and odd[0] is not window[-1]:
        reason = _("In one of the latest practices on this rung the ratings do not add up (the "
                   "peak is below the distress before, or the distress after is above the "
                   "peak). Check them with the client; that practice is not read as progress.")
    return [_rec(
        Kind.CHECK_RATINGS, rung, reason, {"count": len(odd)}, "inconsistent_ratings", odd, (),
        {"over_prediction_window": ctx.policy.over_prediction_window},
    )]


def _not_yet(ctx: _Context, rung: RungInput, logs, crisis: bool) -> tuple[str, ...]:
    """The signals that hold back advance on this rung, in NOT_YET_SIGNALS order.

    Read over the practices an advance would rest on (the latest ``consecutive_for_advance``)."""
    recent = logs[-ctx.policy.consecutive_for_advance:]
    ceiling = _ceiling(ctx, rung)
    points = ctx.points(ctx.policy.over_prediction_points)
    found = {
        "risk": crisis,
        "medical": any(medical_terms(log.stop_reason) for log in recent),
        "over_ceiling": ceiling is not None and any(log.peak >= ceiling for log in recent),
        "early_exit": any(log.stopped_early for log in recent),
        "stop_pressed": any(log.stop_presses for log in recent),
        "safety_behaviours": any(log.safety_behaviours_used for log in recent),
        "over_prediction": any(log.peak - rung.predicted_distress >= points for log in recent),
        "inconsistent_ratings": any(_inconsistent(log) for log in recent),
    }
    return tuple(name for name in NOT_YET_SIGNALS if found[name])


def _criterion(ctx: _Context, logs) -> tuple[int, tuple[LogInput, ...], dict, str]:
    """How many of the latest practices in a row meet the plan's criterion for moving on.

    Returns (met, the logs it rests on, thresholds, rule). Safety behaviours and early exits
    are not part of it: they are "not yet" signals, read the same way for both approaches.
    Practices whose ratings do not add up are never read as progress."""
    p, n = ctx.policy, ctx.policy.consecutive_for_advance
    if ctx.plan.approach == Approach.INHIBITORY_LEARNING:
        drop = p.likelihood_drop_points

        def good(log: LogInput) -> bool:
            return (log.feared_outcome_happened is False and not _inconsistent(log)
                    and log.likelihood_before is not None and log.likelihood_after is not None
                    and log.likelihood_before - log.likelihood_after >= drop)

        streak = 0
        for log in reversed(logs):
            if not good(log) or streak == n:
                break
            streak += 1
        rests = tuple(logs[len(logs) - streak:]) if streak else ()
        return streak, rests, {"likelihood_drop_points": drop, "consecutive_for_advance": n}, \
            "expectancy_violated"
    ratio = p.habituation_drop_ratio
    thresholds = {"habituation_drop_ratio": ratio, "consecutive_for_advance": n}
    streak = 0
    for log in reversed(logs):
        if streak == n or _inconsistent(log) or log.post > ratio * log.peak:
            break
        streak += 1
    if streak < n:
        return streak, tuple(logs[len(logs) - streak:]) if streak else (), thresholds, \
            "distress_fell"
    recent = tuple(logs[-n:])
    peaks = [log.peak for log in recent]
    before = logs[-n - 1] if len(logs) > n else None
    if n >= 2 and all(a > b for a, b in pairwise(peaks)):
        return n, recent, thresholds, "distress_fell"
    if before is not None and not _inconsistent(before) and all(pk < before.peak for pk in peaks):
        return n, (before, *recent), thresholds, "distress_fell"
    return n - 1, recent[1:], thresholds, "distress_fell"  # the peaks are not falling yet


def _move(ctx: _Context, rung: RungInput) -> dict:
    nxt = _neighbour(ctx, rung, up=True)
    return {"to_rung_id": nxt.id if nxt else None, "to_position": nxt.position if nxt else None,
            "to_name": nxt.name if nxt else "", "count": ctx.policy.consecutive_for_advance}


def _pace_until(ctx: _Context, rung: RungInput, logs) -> date | None:
    """The day the agreed pace allows the next rung: one rung per 7 / rungs_per_week days
    (rounded up), counted from the day this rung became active (or its first practice), in the
    client's time zone. None when there is no agreed pace or it is already reached."""
    pace = ctx.plan.rungs_per_week
    if not pace:
        return None
    since = rung.active_since or ctx.day(logs[0].started_at)
    until = since + timedelta(days=math.ceil(7 / pace))
    return until if ctx.today < until else None


def _advance_reason(ctx: _Context, top: bool, ahead: bool) -> str:
    if ctx.plan.approach == Approach.INHIBITORY_LEARNING:
        if ahead:
            return _("In each of the last {count} practices on this rung the feared outcome did "
                     "not happen and its likelihood fell by at least {drop} points. If the "
                     "client wants to move on before {until}, agree the pace again and move to "
                     "rung {to_position}, “{to_name}”.")
        return (_("In each of the last {count} practices on this rung the feared outcome did "
                  "not happen, its likelihood fell by at least {drop} points, and no safety "
                  "behaviours were used. This is the highest planned rung: consider marking "
                  "it mastered and planning maintenance.") if top else
                _("In each of the last {count} practices on this rung the feared outcome did "
                  "not happen, its likelihood fell by at least {drop} points, and no safety "
                  "behaviours were used. Consider moving to rung {to_position}, “{to_name}”."))
    if ahead:
        return _("In each of the last {count} practices on this rung distress fell to {percent} "
                 "% of the peak or less, and the peaks are falling. If the client wants to move "
                 "on before {until}, agree the pace again and move to rung {to_position}, "
                 "“{to_name}”.")
    return (_("In each of the last {count} practices on this rung distress fell to {percent} % "
              "of the peak or less, and the peaks are falling. This is the highest planned "
              "rung: consider marking it mastered and planning maintenance.") if top else
            _("In each of the last {count} practices on this rung distress fell to {percent} % "
              "of the peak or less, and the peaks are falling. Consider moving to rung "
              "{to_position}, “{to_name}”."))


def _held(signals: tuple[str, ...]) -> dict:
    """Params saying why advance is held back: the phrases, and the signals' names."""
    return {"held_back": tuple(NOT_YET_SIGNALS[s] for s in signals), "not_yet": signals}


def _progress(ctx: _Context, rung: RungInput, logs, signals: tuple[str, ...], held: bool
              ) -> list[Recommendation]:
    """Advance, paced waiting, advance held back, or keep practising: always one answer."""
    p = ctx.policy
    met, rests, thresholds, rule = _criterion(ctx, logs)
    move = {**_move(ctx, rung), "drop": _num(p.likelihood_drop_points),
            "percent": _num(p.habituation_drop_ratio * 100)}
    top = move["to_rung_id"] is None
    il = ctx.plan.approach == Approach.INHIBITORY_LEARNING
    if met >= p.consecutive_for_advance and (signals or held):
        if not signals:
            return []  # held by another rule of the rung (too easy): that one says why
        reason = (_("The practices on this rung meet the criterion for moving on (this is the "
                    "highest planned rung), but advance is held back because {held_back}. "
                    "Keep practising this rung until that is addressed.") if top else
                  _("The practices on this rung meet the criterion for moving on to rung "
                    "{to_position}, “{to_name}”, but advance is held back because {held_back}. "
                    "Keep practising this rung until that is addressed."))
        return [_rec(Kind.KEEP_PRACTISING, rung, reason, {**move, **_held(signals)},
                     f"{rule}+held_back", rests, (), thresholds)]
    if met >= p.consecutive_for_advance:
        until = None if top else _pace_until(ctx, rung, logs)
        recs = []
        if until is not None:
            params = {**move, "until": until.isoformat(), "pace": ctx.plan.pace_label}
            recs.append(_rec(
                Kind.KEEP_PRACTISING, rung,
                _("Ready for rung {to_position}, “{to_name}”; the agreed pace suggests waiting "
                  "until {until}. Keep practising this rung until then, or agree a faster pace "
                  "with the client."),
                params, f"{rule}+pace", rests, (), {**thresholds, "rungs_per_week":
                                                   ctx.plan.rungs_per_week}))
            recs.append(_rec(Kind.ADVANCE, rung, _advance_reason(ctx, top, True), params,
                             f"{rule}+ahead_of_pace", rests, (), thresholds))
        else:
            recs.append(_rec(Kind.ADVANCE, rung, _advance_reason(ctx, top, False), move, rule,
                             rests, (), thresholds))
        if il:
            recs.append(_rec(
                Kind.ADD_VARIABILITY, rung,
                _("The expectancy was violated consistently. Vary the context (place, time, "
                  "people, order) when repeating this learning, so that it holds in more "
                  "situations."),
                {}, rule, rests, (), thresholds))
        return recs
    if held:
        return []  # another rule of the rung says what to do
    if met:
        reason = (_("Keep practising this rung: {met} of the {needed} practices in a row that "
                    "moving on asks for met the criterion (the feared outcome did not happen and "
                    "its likelihood fell by at least {drop} points).") if il else
                  _("Keep practising this rung: {met} of the {needed} practices in a row that "
                    "moving on asks for met the criterion (distress fell to {percent} % of the "
                    "peak or less, with falling peaks)."))
    else:
        reason = (_("Keep practising this rung: moving on asks for {needed} practices in a row "
                    "in which the feared outcome did not happen and its likelihood fell by at "
                    "least {drop} points, and the latest practice did not meet that yet.") if il
                  else
                  _("Keep practising this rung: moving on asks for {needed} practices in a row "
                    "in which distress fell to {percent} % of the peak or less, with falling "
                    "peaks, and the latest practice did not meet that yet."))
    params = {"met": met, "needed": p.consecutive_for_advance, "drop": move["drop"],
              "percent": move["percent"]}
    if signals:
        params.update(_held(signals))
    return [_rec(Kind.KEEP_PRACTISING, rung, reason, params, f"{rule}+not_met",
                 logs[-p.consecutive_for_advance:], (), thresholds)]


def _rung_rules(ctx: _Context, rung: RungInput, crisis: bool) -> list[Recommendation]:
    """One primary and its alternatives for an active rung with practice logged."""
    logs = ctx.by_rung.get(rung.id, ())
    if not logs:
        return []
    signals = _not_yet(ctx, rung, logs, crisis)
    others = [*_medical(ctx, rung, logs), *_over_limit(ctx, rung, logs),
              *_over_prediction(ctx, rung, logs), *_ratings(ctx, rung, logs),
              *_too_easy(ctx, rung, logs)]
    progress = _progress(ctx, rung, logs, signals, held=bool(others))
    if others:
        others.sort(key=lambda r: r.priority)
        recs = [*others, *progress]
    else:
        recs = progress  # keep practising (paced) first, when the pace asks to wait
    met_held = any("held_back" in r.params for r in progress)
    if met_held:  # every recommendation of the rung says why advance is held back
        recs = [r if "held_back" in r.params else
                replace(r, params={**r.params, **_held(signals)}) for r in recs]
    first, rest = recs[0], recs[1:]
    return [replace(first, role=Role.PRIMARY, alternative_of=None),
            *(replace(r, role=Role.ALTERNATIVE, alternative_of=first.kind) for r in rest)]


def _tolerable(ctx: _Context) -> list[Recommendation]:
    """The ceiling is above what the client said, in the latest check-in giving it, they can
    tolerate: review the safety parameters with them."""
    ceiling = ctx.plan.ceiling
    said = [c for c in ctx.check_ins if c.tolerable_distress is not None]
    if ceiling is None or not said:
        return []
    latest = said[-1]
    if latest.tolerable_distress >= ceiling:
        return []
    moment = (latest.at.astimezone(ctx.now.tzinfo) if latest.at.utcoffset() is not None
              and ctx.now.tzinfo is not None else latest.at)
    return [_rec(
        Kind.REVIEW_SAFETY, None,
        _("In the latest check-in ({when}) the client said they can tolerate distress up to "
          "{tolerable}, below the ceiling of {ceiling} in the safety parameters. Review the "
          "safety parameters with the client before the next exposure."),
        {"when": moment.isoformat(), "tolerable": latest.tolerable_distress,
         "ceiling": ceiling},
        "tolerable_below_ceiling", (), [latest], {"ceiling": ceiling},
    )]


def recommend(
    policy: PacingPolicy,
    plan: PlanInput,
    rungs: tuple[RungInput, ...] | list[RungInput],
    assignments: tuple[AssignmentInput, ...] | list[AssignmentInput],
    logs: tuple[LogInput, ...] | list[LogInput],
    check_ins: tuple[CheckInInput, ...] | list[CheckInInput],
    now: datetime,
) -> list[Recommendation]:
    """Recommendations for a plan: crisis follow-up first and on its own, plan-wide ones each on
    their own, and per active rung with practice one primary with its alternatives after it.
    Groups go by their primary's priority, then rung position.

    Days (missed practice, the agreed pace) are counted in the time zone of ``now``: pass it in
    the client's own. Raises ClinicalInputError (a ValueError naming the field) for values off
    the scale, likelihoods outside 0-100, unknown rungs, duplicate ids or mixed naive/aware
    datetimes.
    """
    rungs, assignments = tuple(rungs), tuple(assignments)
    logs, check_ins = tuple(logs), tuple(check_ins)
    scale = _validate(plan, rungs, assignments, logs, check_ins, now)
    ordered_logs = tuple(sorted(logs, key=lambda log: (log.started_at, str(log.id))))
    by_rung: dict[Key, list[LogInput]] = defaultdict(list)
    for log in ordered_logs:
        by_rung[log.rung_id].append(log)
    ctx = _Context(
        policy, plan, scale,
        tuple(sorted(rungs, key=lambda r: (r.position, str(r.id)))),
        tuple(sorted(assignments, key=lambda a: (a.starts, str(a.id)))),
        ordered_logs,
        tuple(sorted(check_ins, key=lambda c: (c.at, str(c.id)))),
        now,
        {k: tuple(v) for k, v in by_rung.items()},
    )
    crisis = _crisis(ctx)
    groups: list[list[Recommendation]] = [[r] for r in (*_tolerable(ctx), *_avoidance(ctx))]
    for rung in ctx.rungs:
        if rung.status == RungStatus.ACTIVE:
            group = _rung_rules(ctx, rung, bool(crisis))
            if group:
                groups.append(group)
    position = {r.id: r.position for r in ctx.rungs}
    groups.sort(key=lambda g: (g[0].priority, g[0].rung_id is not None,
                               position.get(g[0].rung_id, -1), str(g[0].rung_id)))
    return [*crisis, *(rec for group in groups for rec in group)]
