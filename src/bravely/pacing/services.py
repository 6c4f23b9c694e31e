"""Writes for pacing: refreshing the engine's recommendations, and the clinician's decisions.

`refresh_recommendations(client)` runs `clinical.pacing.recommend` over the stored plans, rungs,
homework, logs and check-ins and keeps the result (practice.services calls it once a log or
check-in has committed; `bravely pacing refresh` runs `refresh_many` over the clients due, from
cron). The engine never changes a plan: only an accepted decision does, through the planning
services, so the plan's history is kept.

Concurrency. One refresh is one short transaction (a savepoint inside a caller's) that locks the
client's own row first, then its recommendations, and the audit chain's tail last: the order
every writer of a client follows (see `clients.services.lock_client`); the practice row is never
locked. A batch locks its clients' rows in one statement, by id, before anything else; no other
writer holds two clients' rows, so the two orders cannot make a cycle. A transient database
error (a deadlock, a lock timeout, SQLite's "database is locked") is retried a bounded number of
times with a growing pause. A refresh that still fails is never silent: it is logged, and the
client's `PacingState` is marked, so the pages and the needs-attention queue say the
recommendations may be out of date and the next scheduled run takes the client up again. A
failure inside a caller's transaction is rolled back to its savepoint only.
"""

import dataclasses
import hashlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import DateTimeField, F, Max, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.models import Client
from bravely.clients.services import lock_client
from bravely.clinical import pacing as engine
from bravely.clinical.scales import ClinicalInputError, DistressScale, from_percent, to_percent
from bravely.pacing.changes import inputs_changed, practice_inputs_changed  # noqa: F401
from bravely.pacing.models import POLICY_FIELDS, Kind, PacingSettings, PacingState, Recommendation
from bravely.planning.models import ChangeRecord, ExposurePlan, HomeworkAssignment, Rung
from bravely.planning.models.pace import PaceDecision
from bravely.planning.models.safety import SafetyParameters
from bravely.planning.selectors.pace import current_pace
from bravely.planning.selectors.safety import current_safety
from bravely.planning.services.ladder import add_rung, set_order, update_rung
from bravely.planning.text import clinical_error
from bravely.practice.models import CheckIn, PracticeLog, StopEvent

logger = logging.getLogger(__name__)

Status = Recommendation.Status


class _System:
    """The actor of automatic refreshes in the audit log (no user account)."""

    pk = None
    email = "bravely-pacing"
    is_authenticated = False

    def __str__(self):
        return self.email


SYSTEM = Actor(user=_System(), via="system")

NOTE_LIMIT = 3000
APPLIES = {Kind.ADVANCE, Kind.STEP_BACK, Kind.SPLIT_RUNG}  # kinds that change the ladder

# Retrying a refresh that met a transient database error (deadlock, lock timeout, "database is
# locked"). On its own (the scheduled run, the "Bring up to date" button): 4 attempts, pausing
# 0.2, 0.4 and 0.8 s. Inside a caller's transaction (a log, a check-in, a decision), which holds
# its locks while it waits: 2 attempts, pausing 0.05 s; the scheduled run catches up after that.
REFRESH_ATTEMPTS = 4
INLINE_ATTEMPTS = 2
BACKOFF_SECONDS = 0.2
INLINE_BACKOFF_SECONDS = 0.05


# --- settings -----------------------------------------------------------------------------------


def practice_settings(practice) -> PacingSettings:
    """The practice's thresholds, or the engine's defaults (unsaved) while none were saved."""
    found = PacingSettings.objects.filter(practice=practice, plan__isnull=True).first()
    return found or PacingSettings(practice=practice)


def plan_settings(plan: ExposurePlan) -> PacingSettings | None:
    """The plan's own thresholds, unless it was set back to follow the practice's."""
    return PacingSettings.objects.filter(plan=plan, follows_practice=False).first()


def policy_for(plan: ExposurePlan | None, practice, cache: dict | None = None):
    """The plan's own thresholds if it has some, else the practice's, else the defaults.
    practice: the Practice or its id; with a cache, one query for every plan of the practice."""
    cache = cache if cache is not None else {}
    if "practice" not in cache:
        practice_id = getattr(practice, "pk", practice)
        found = list(PacingSettings.objects.filter(practice_id=practice_id).filter(
            Q(plan__isnull=True) | Q(follows_practice=False)))
        own = next((s for s in found if s.plan_id is None), None)
        cache["practice"] = (own or PacingSettings(practice_id=practice_id)).policy()
        cache["plans"] = {s.plan_id: s for s in found if s.plan_id is not None}
    own = cache["plans"].get(plan.pk) if plan is not None else None
    return own.policy() if own is not None else cache["practice"]


def _setting_values(settings: PacingSettings) -> dict:
    return {f: getattr(settings, f) for f in POLICY_FIELDS}


@transaction.atomic
def save_settings(actor: Actor, practice, data: dict, *, plan: ExposurePlan | None = None
                  ) -> PacingSettings:
    """Save the practice's thresholds (plan=None) or one plan's own thresholds."""
    if plan is not None and plan.client.practice_id != practice.pk:
        raise ValidationError({"plan": _("Choose a plan of this practice.")})
    if plan is not None:
        lock_client(plan.client_id)  # the lock order: the client first (this refreshes it)
    if plan is None:
        settings = (PacingSettings.objects.select_for_update()
                    .filter(practice=practice, plan__isnull=True).first()
                    or PacingSettings(practice=practice))
    else:
        settings = (PacingSettings.objects.select_for_update().filter(plan=plan).first()
                    or PacingSettings(practice=practice, plan=plan))
        if settings.pk is None or settings.follows_practice:
            for field, value in _setting_values(practice_settings(practice)).items():
                setattr(settings, field, value)
    creating = settings.pk is None
    before = _setting_values(settings)
    resumed = settings.follows_practice
    settings.follows_practice = False
    for field in POLICY_FIELDS:
        if field in data and data[field] is not None:
            setattr(settings, field, data[field])
    settings.updated_by = actor.user if getattr(actor.user, "pk", None) else None
    settings.full_clean(exclude=["practice", "plan", "updated_by"], validate_unique=False,
                        validate_constraints=False)
    try:
        settings.policy()
    except ClinicalInputError as error:
        raise clinical_error(error, error.field,
                             settings._meta.get_field(error.field).verbose_name) from None
    settings.save()
    after = _setting_values(settings)
    changed = {f: [before[f], after[f]] for f in POLICY_FIELDS if before[f] != after[f]}
    client = plan.client if plan is not None else None
    details = {"plan": getattr(plan, "pk", None), "changed": changed}
    if resumed:
        details["own_thresholds_again"] = True
    record(actor, "create" if creating else "update", settings, client=client,
           practice_id=practice.pk, details=details)
    if plan is not None:
        refresh_recommendations(plan.client)
    elif changed:
        practice_inputs_changed(practice.pk)
    return settings


@transaction.atomic
def follow_practice_settings(actor: Actor, plan: ExposurePlan) -> PacingSettings | None:
    """Set a plan's own thresholds aside so it uses the practice's again. Nothing is deleted:
    the plan's values stay on record, and saving the plan's thresholds again starts from the
    practice's current ones."""
    lock_client(plan.client_id)  # the lock order: the client first (this refreshes it)
    own = PacingSettings.objects.select_for_update().filter(
        plan=plan, follows_practice=False).first()
    if own is None:
        return None
    own.follows_practice = True
    own.updated_by = actor.user if getattr(actor.user, "pk", None) else None
    own.save(update_fields=["follows_practice", "updated_by", "updated_at"])
    record(actor, "update", own, client=plan.client, practice_id=plan.client.practice_id,
           details={"plan": plan.pk, "follows_practice": True})
    refresh_recommendations(plan.client)
    return own


# --- from stored data to the engine's inputs ----------------------------------------------------


def _convert(value, source: str, scale: DistressScale):
    """A distress value recorded on another scale, moved onto the client's current one."""
    if value is None or not source or source == scale.value:
        return value
    try:
        other = DistressScale(source)
    except ValueError:
        return value
    return round(from_percent(scale, to_percent(other, value)))


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


HAPPENED = {"no": False, "partly": True, "yes": True}


def client_now(client: Client, now):
    """``now`` in the client's own time zone, so the engine counts days as the client lives
    them (the practice's, settings.TIME_ZONE, when the stored one is unknown)."""
    try:
        zone = ZoneInfo(client.time_zone or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return now.astimezone(zone)


STOP_SLACK = timedelta(minutes=60)  # an "I need to stop" press this soon after a practice's end


def _stops_by_log(client: Client, logs) -> dict[int, int]:
    """The "I need to stop" presses linked to each log: same homework, pressed between the start
    of the practice and an hour after its end (one query for all the logs)."""
    assignment_ids = {log.assignment_id for log in logs if log.assignment_id}
    if not assignment_ids:
        return {}
    earliest = min(log.started_at for log in logs)
    events = list(StopEvent.objects.filter(client=client, assignment_id__in=assignment_ids,
                                           at__gte=earliest)
                  .values_list("assignment_id", "at"))
    return _stop_counts(events, logs)


def _stop_counts(events, logs) -> dict[int, int]:
    counts: dict[int, int] = {}
    for log in logs:
        end = log.started_at + timedelta(minutes=log.duration_minutes) + STOP_SLACK
        n = sum(1 for a, at in events if a == log.assignment_id and log.started_at <= at <= end)
        if n:
            counts[log.pk] = n
    return counts


def _log_input(log: PracticeLog, scale: DistressScale, stops: int = 0) -> engine.LogInput:
    return engine.LogInput(
        id=log.pk, rung_id=log.rung_id, started_at=log.started_at,
        pre=_convert(log.distress_before, log.scale, scale),
        peak=_convert(log.distress_peak, log.scale, scale),
        post=_convert(log.distress_after, log.scale, scale),
        likelihood_before=log.likelihood_before, likelihood_after=log.likelihood_after,
        feared_outcome_happened=HAPPENED.get(log.feared_outcome_happened),
        safety_behaviours_used=tuple(str(b) for b in log.safety_behaviours_used or ()),
        stopped_early=log.stopped_early, risk_flag=log.risk_flag,
        stop_reason=log.stopped_early_reason or "", stop_presses=stops,
    )


def _check_in_input(check_in: CheckIn, scale: DistressScale) -> engine.CheckInInput:
    return engine.CheckInInput(
        id=check_in.pk, at=check_in.at, risk=check_in.risk,
        tolerable_distress=_convert(check_in.tolerable_distress, check_in.scale, scale))


def _ceiling(safety, scale: DistressScale):
    if safety is None:
        return None, None
    return (_convert(safety.distress_ceiling, safety.distress_scale, scale),
            _convert(safety.coping_level, safety.distress_scale, scale))


def _active_since(plan: ExposurePlan, client_time) -> dict:
    """The day each rung of the plan last became active (its history), in the client's time."""
    found = (ChangeRecord.objects.filter(plan=plan, object_type="rung", after__status="active")
             .values("object_id").annotate(at=Max("changed_at")))
    return {row["object_id"]: row["at"].astimezone(client_time.tzinfo).date() for row in found}


LOG_COLUMNS = ("id", "rung_id", "assignment_id", "started_at", "duration_minutes", "scale",
               "distress_before", "distress_peak", "distress_after", "likelihood_before",
               "likelihood_after", "feared_outcome_happened", "safety_behaviours_used",
               "stopped_early", "stopped_early_reason", "risk_flag")  # what the engine reads


def _latest_at(logs, n: int):
    """When the n-th latest of these logs started (None if there are fewer than n)."""
    found = list(logs.order_by("-started_at", "-id").values_list("started_at", flat=True)
                 [n - 1:n])
    return found[0] if found else None


def _plan_logs(client, plan, rungs, policy, scale, now):
    """The plan's logs the engine's rules read, not its whole history; the same
    recommendations as with every log (the engine is unchanged):

    - plan-wide: the latest max(early-exit, safety-behaviour window) logs, and every log of the
      missed-practice window and of the risk look-back (a day's slack for the time zone);
    - per active rung: its latest max(step-back, over-prediction, advance + 1, too-easy + 1)
      logs, and its first log when the rung's start is not on record (the agreed pace counts
      from it); while a rung could still count as new (too few consistent ratings among those),
      all its logs.

    Each part is the newest end of the history ("started at or after" the boundary log, so
    ties are kept), so the engine's windows over the latest logs see exactly what they would.
    """
    logs = PracticeLog.objects.filter(client=client, rung__plan=plan).only(*LOG_COLUMNS)
    windows = max(policy.early_exit_window, policy.safety_behaviour_window)
    since = now - timedelta(days=max(policy.missed_practice_days,
                                     policy.risk_lookback_days) + 1)
    boundary = _latest_at(logs, windows)
    wanted = Q() if boundary is None else Q(started_at__gte=min(boundary, since))
    per_rung = max(policy.step_back_window, policy.over_prediction_window,
                   policy.consecutive_for_advance + 1, policy.too_easy_max_logs + 1)
    active = [r for r in rungs if r.status == Rung.Status.ACTIVE]
    cut = {}
    for rung in active:
        cut[rung.pk] = _latest_at(logs.filter(rung_id=rung.pk), per_rung)
        if boundary is not None:
            wanted |= (Q(rung_id=rung.pk) if cut[rung.pk] is None else
                       Q(rung_id=rung.pk, started_at__gte=cut[rung.pk]))
    stored = {log.pk: log for log in logs.filter(wanted)}
    if boundary is not None:
        since_when = {r.pk: r.active_since for r in rungs}
        older = [r for r in active if cut[r.pk] is not None]
        fresh = [r.pk for r in older if _may_be_new(stored.values(), r.pk, policy, scale)]
        first = [r.pk for r in older if r.pk not in fresh and since_when.get(r.pk) is None]
        if fresh:
            stored.update((log.pk, log) for log in logs.filter(rung_id__in=fresh))
        if first:
            for rung_id in first:
                head = logs.filter(rung_id=rung_id).order_by("started_at", "id").first()
                if head is not None:
                    stored.setdefault(head.pk, head)
    return sorted(stored.values(), key=lambda log: log.pk)


def _may_be_new(logs, rung_id, policy, scale) -> bool:
    """Whether the too-easy rule might read this rung as new: at most too_easy_max_logs of
    the fetched logs have consistent ratings (the engine's own test, on the client's scale)."""
    consistent = 0
    for log in logs:
        if log.rung_id != rung_id:
            continue
        pre = _convert(log.distress_before, log.scale, scale)
        peak = _convert(log.distress_peak, log.scale, scale)
        post = _convert(log.distress_after, log.scale, scale)
        if not (peak < pre or post > peak):
            consistent += 1
    return consistent <= policy.too_easy_max_logs


def plan_inputs(client: Client, plan: ExposurePlan, safety, check_ins, scale: DistressScale,
                now=None, policy=None):
    """(PlanInput, rungs, assignments, logs, check-ins) for one plan, as the engine takes them.

    A rung's own ceiling counts only where it is lower than the ceiling in force, as for the
    client (practice.services stores min(rung, safety) with each log). The agreed pace is the
    latest pace decision's chosen option; a rung's start is when its history last made it
    active; each log carries its stop reason and the "I need to stop" presses linked to it.
    With the policy, only the logs its rules read (`_plan_logs`); without, every log.
    """
    now = client_now(client, now or timezone.now())
    plan_input, rungs, stored_rungs = _plan_and_rungs(
        plan, safety, scale, current_pace(plan), _active_since(plan, now), list(plan.rungs.all()))
    assignments = [
        engine.AssignmentInput(id=a.pk, rung_id=a.rung_id, per_week=a.frequency_per_week,
                               starts=a.starts_on, ends=a.ends_on)
        for a in HomeworkAssignment.objects.filter(plan=plan).exclude(
            status=HomeworkAssignment.Status.CANCELLED).order_by("id")
    ]
    if policy is None:
        stored = list(PracticeLog.objects.filter(client=client, rung__plan=plan)
                      .only(*LOG_COLUMNS).order_by("id"))
    else:
        for rung, rung_input in zip(stored_rungs, rungs, strict=True):
            rung.active_since = rung_input.active_since
        stored = _plan_logs(client, plan, stored_rungs, policy, scale, now)
    stops = _stops_by_log(client, stored)
    logs = [_log_input(log, scale, stops.get(log.pk, 0)) for log in stored]
    return plan_input, rungs, assignments, logs, check_ins


def _plan_and_rungs(plan, safety, scale, pace, since: dict, stored_rungs: list):
    ceiling, coping = _ceiling(safety, scale)
    option = pace.chosen_option if pace is not None else {}
    plan_input = engine.PlanInput(
        approach=plan.approach, scale_max=scale.max, ceiling=ceiling, coping_level=coping,
        rungs_per_week=option.get("rungs_per_week") or None,
        pace_label=str(option.get("label") or getattr(pace, "chosen", "") or ""))
    rungs = []
    for rung in stored_rungs:
        own = rung.own_ceiling
        if own is not None and ceiling is not None:
            own = min(own, ceiling)
        rungs.append(engine.RungInput(
            id=rung.pk, position=rung.position, status=rung.status,
            predicted_distress=rung.predicted_distress, own_ceiling=own,
            safety_behaviours=_lines(rung.safety_behaviours), name=rung.behaviour,
            active_since=since.get(rung.pk)))
    return plan_input, rungs, stored_rungs


def _crisis_run(client: Client, policy, scale: DistressScale, check_ins, now, stored_logs):
    """The crisis rule over every risk signal of the client, whatever plan a log belongs to.

    Risk concerns the client, not one plan, so this runs once per client (also when no plan is
    active) and its recommendation has no plan.
    """
    logs = [_log_input(log, scale) for log in stored_logs]
    rungs = [engine.RungInput(id=rung_id, position=0, status=engine.RungStatus.PLANNED,
                              predicted_distress=scale.min)
             for rung_id in sorted({log.rung_id for log in logs})]
    plan = engine.PlanInput(approach=engine.Approach.INHIBITORY_LEARNING, scale_max=scale.max)
    recs = engine.recommend(policy, plan, rungs, (), logs, check_ins, now)
    return [r for r in recs if r.kind == engine.Kind.CRISIS_FOLLOW_UP]


# --- storing what the engine says ---------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def fingerprint(client_id, kind, plan_id, rung_id, rule, log_ids, check_in_ids) -> str:
    """Kind + client + plan + rung + rule + sorted evidence ids. The rule is part of it so that
    a revisit-values recommendation whose signals changed is a new one."""
    text = "|".join([
        str(kind), f"client:{client_id}", f"plan:{plan_id or '-'}", f"rung:{rung_id or '-'}",
        f"rule:{rule}", "logs:" + ",".join(str(i) for i in sorted(log_ids)),
        "check_ins:" + ",".join(str(i) for i in sorted(check_in_ids)),
    ])
    return hashlib.sha256(text.encode()).hexdigest()


def substance_fingerprint(client_id, kind, plan_id, rung_id, rule) -> str:
    """Kind + client + plan + rung + rule: what a recommendation other than a crisis follow-up
    is about. Its evidence is left out, so that a new practice that leaves the recommendation
    the same in substance keeps its row (and an open one stays unique per substance)."""
    text = "|".join([str(kind), f"client:{client_id}", f"plan:{plan_id or '-'}",
                     f"rung:{rung_id or '-'}", f"rule:{rule}"])
    return hashlib.sha256(text.encode()).hexdigest()


def _substance(rec: Recommendation) -> tuple:
    """Read from the row's fields (not its fingerprint), so rows stored before
    `substance_fingerprint` are matched too."""
    return (rec.kind, rec.plan_id, rec.rung_id, (rec.evidence or {}).get("rule", rec.rule))


def _evidence_ids(evidence: dict) -> tuple:
    evidence = evidence or {}
    return (tuple(sorted(evidence.get("log_ids", []))),
            tuple(sorted(evidence.get("check_in_ids", []))))


SHOWN = ("reason", "params", "priority", "requires_note_to_dismiss")  # what the clinician reads


def _update_in_place(row: Recommendation, new: Recommendation, client) -> None:
    """Bring an open recommendation's evidence and text up to date (one UPDATE, none when
    nothing changed). A change of what the clinician reads (reason, parameters) is audited;
    a new log cited as evidence is not (the log's own creation is)."""
    changed = [f for f in (*SHOWN, "evidence", "fingerprint", "rule")
               if getattr(row, f) != getattr(new, f)]
    if not changed:
        return
    for f in changed:
        setattr(row, f, getattr(new, f))
    row.save(update_fields=changed)
    shown = [f for f in changed if f in SHOWN]
    if shown:
        record(SYSTEM, "update", row, client=client, details={
            "kind": row.kind, "changed": shown, "log_ids": row.evidence["log_ids"],
            "check_in_ids": row.evidence["check_in_ids"]})


def _new(client, plan, rec: engine.Recommendation, now) -> Recommendation:
    evidence = rec.evidence
    return Recommendation(
        client=client, plan=plan, rung_id=rec.rung_id, kind=rec.kind.value, reason=rec.reason,
        params=_jsonable(rec.params),
        evidence={"log_ids": list(evidence.log_ids), "check_in_ids": list(evidence.check_in_ids),
                  "rule": evidence.rule, "thresholds": _jsonable(evidence.thresholds)},
        rule=evidence.rule[:120], priority=rec.priority,
        requires_note_to_dismiss=rec.requires_note_to_dismiss, role=rec.role.value,
        fingerprint=(fingerprint(client.pk, rec.kind.value, getattr(plan, "pk", None),
                                 rec.rung_id, evidence.rule, evidence.log_ids,
                                 evidence.check_in_ids)
                     if rec.kind is engine.Kind.CRISIS_FOLLOW_UP else
                     substance_fingerprint(client.pk, rec.kind.value, getattr(plan, "pk", None),
                                           rec.rung_id, evidence.rule)),
        created_at=now,
    )


def _created(rec: Recommendation):
    rec.save()
    record(SYSTEM, "create", rec, client=rec.client, details={
        "kind": rec.kind, "plan": rec.plan_id, "rung": rec.rung_id, "rule": rec.rule,
        "log_ids": rec.evidence["log_ids"], "check_in_ids": rec.evidence["check_in_ids"]})


@dataclasses.dataclass
class _Inputs:
    """What one client's refresh reads: the per-client path and the batch fill it alike."""

    client: Client
    safety: object
    cache: dict  # policy_for's cache of the client's practice
    plans: list
    check_ins: list  # stored CheckIn rows of the longest look-back, by id
    risk_logs: list  # stored risk-flagged logs of the longest look-back, by id
    plan_inputs: Callable  # (plan, policy, engine check-ins, scale, now) -> the engine's inputs


def _longest(client, cache, plans) -> int:
    practice_policy = policy_for(None, client.practice_id, cache)
    return max([practice_policy.risk_lookback_days]
               + [policy_for(p, client.practice_id, cache).risk_lookback_days for p in plans])


def _client_inputs(client: Client, now) -> _Inputs:
    """The per-client reads (a log or check-in being stored, a decision, one client's refresh)."""
    safety = current_safety(client)
    cache: dict = {}
    policy_for(None, client.practice_id, cache)
    plans = list(ExposurePlan.objects.filter(client=client, status=ExposurePlan.Status.ACTIVE)
                 .prefetch_related("rungs").order_by("id"))
    since = now - timedelta(days=_longest(client, cache, plans))
    check_ins = list(CheckIn.objects.filter(client=client, at__gte=since).order_by("id"))

    def risk_logs():
        return list(PracticeLog.objects.filter(client=client, risk_flag=True, started_at__gte=since)
                    .only(*LOG_COLUMNS).order_by("id"))

    def inputs(plan, policy, engine_check_ins, scale, now):
        return plan_inputs(client, plan, safety, engine_check_ins, scale, now, policy)

    return _Inputs(client, safety, cache, plans, check_ins, _Lazy(risk_logs), inputs)


class _Lazy:
    """A list read only when the crisis rule needs it (so an error reading it is the rule's)."""

    def __init__(self, read):
        self.read = read

    def get(self):
        return self.read() if callable(self.read) else self.read


def _run_engine(data: _Inputs, now):
    """(what the engine produced as (plan, recommendation), failed plan ids, skipped, due_at)."""
    client = data.client
    scale = DistressScale(client.distress_scale)
    practice_policy = policy_for(None, client.practice_id, data.cache)
    longest = _longest(client, data.cache, data.plans)
    since = now - timedelta(days=longest)
    stored_check_ins = [c for c in data.check_ins if c.at >= since]
    check_ins = [_check_in_input(c, scale) for c in stored_check_ins]
    produced: list[tuple[ExposurePlan | None, engine.Recommendation]] = []
    failed: set[int] = set()
    skipped: list[str] = []
    risk_moments = [c.at for c in stored_check_ins]
    try:
        # the longest look-back of the practice and the plans, so no plan sees a risk signal
        # that the client-level follow-up would miss
        crisis_policy = dataclasses.replace(practice_policy, risk_lookback_days=longest)
        risk_logs = [log for log in data.risk_logs.get() if log.started_at >= since]
        risk_moments += [log.started_at for log in risk_logs]
        produced += [(None, r) for r in _crisis_run(client, crisis_policy, scale, check_ins,
                                                    now, risk_logs)]
    except ClinicalInputError as error:
        logger.warning("pacing: crisis rule skipped for client %s: %s", client.pk, error)
        skipped.append(f"crisis rule skipped: {error}")
    lookbacks = {longest, practice_policy.risk_lookback_days}
    for plan in data.plans:
        try:
            policy = policy_for(plan, client.practice_id, data.cache)
            lookbacks.add(policy.risk_lookback_days)
            inputs = data.plan_inputs(plan, policy, check_ins, scale, now)
            recs = engine.recommend(policy, *inputs, now)
        except ClinicalInputError as error:
            logger.warning("pacing: plan %s of client %s skipped: %s", plan.pk, client.pk, error)
            failed.add(plan.pk)
            skipped.append(f"plan {plan.pk} skipped: {error}")
            continue
        produced += [(plan, r) for r in recs if r.kind != engine.Kind.CRISIS_FOLLOW_UP]
    return produced, failed, skipped, next_due(now, lookbacks, risk_moments)


def next_due(now, lookbacks, moments):
    """The earliest moment the engine's answer could change with no new data: the client's next
    local midnight (its rules count days: missed practice, the agreed pace, homework dates), or
    sooner when a check-in or risk signal leaves one of the look-backs. now: in the client's
    zone."""
    midnight = datetime.combine(now.date() + timedelta(days=1), dtime.min, tzinfo=now.tzinfo)
    leaving = [at + timedelta(days=d) for at in moments for d in lookbacks]
    return min([midnight, *(t for t in leaving if t > now)])


def _refresh(client_id: int, now, results: bool = True
             ) -> tuple[list[Recommendation], list[str]]:
    """(the client's open recommendations, what was skipped: data the engine refuses)."""
    started = timezone.now()
    # Only the client's row is locked (no join: the practice row, shared by every client of the
    # practice, stays free), then its recommendations; record() takes the audit tail last.
    client = lock_client(client_id)
    now = client_now(client, now)
    produced, failed, skipped, due = _run_engine(_client_inputs(client, now), now)
    existing = list(Recommendation.objects.select_for_update().filter(client=client)
                    .exclude(status=Status.SUPERSEDED))
    _store(client, produced, failed, existing, now)
    if skipped:  # stored data the engine refuses: visible until someone corrects it
        _record_failure(client.pk, "; ".join(skipped), refreshed=True, at=started, due=due)
    else:
        _mark_refreshed(client.pk, at=started, due=due)
    return (list(open_recommendations(client)) if results else []), skipped


def _store(client, produced, failed, existing, now) -> None:
    """Keep what the engine said: rows kept, updated in place, created or superseded."""
    # A crisis follow-up is identified by its evidence (each risk signal is followed up once);
    # any other recommendation by its substance (kind, plan, rung, rule): while it stays open
    # its row is kept and its evidence, reason and parameters follow the latest practice, so a
    # new log does not replace it with another row. One already decided is not raised again
    # for the same evidence, as before.
    open_crisis = {r.fingerprint: r for r in existing if r.status == Status.OPEN and r.is_crisis}
    open_by_key: dict = {}
    for r in existing:
        if r.status == Status.OPEN and not r.is_crisis:
            open_by_key.setdefault(_substance(r), r)
    decided = {(_substance(r), _evidence_ids(r.evidence)): r for r in existing
               if r.status != Status.OPEN and not r.is_crisis}
    decided_crisis = {r.fingerprint: r for r in existing
                      if r.status != Status.OPEN and r.is_crisis}
    covered_logs = {i for r in existing if r.kind == Kind.CRISIS_FOLLOW_UP
                    for i in r.evidence.get("log_ids", [])}
    covered_check_ins = {i for r in existing if r.kind == Kind.CRISIS_FOLLOW_UP
                         for i in r.evidence.get("check_in_ids", [])}
    current: set[int] = set()  # open rows the engine still makes
    rows = []  # (engine recommendation, its stored row: open, new, or already decided)
    for plan, engine_rec in produced:
        rec = _new(client, plan, engine_rec, now)
        if rec.is_crisis:
            found = open_crisis.get(rec.fingerprint) or decided_crisis.get(rec.fingerprint)
            if found is not None:
                rows.append((plan, engine_rec, found))
                current.add(found.pk)
                continue
            # Each risk signal is followed up once: a new crisis follow-up only for a signal no
            # earlier one (open or decided) covered.
            ids = set(engine_rec.evidence.log_ids), set(engine_rec.evidence.check_in_ids)
            if ids[0] <= covered_logs and ids[1] <= covered_check_ins:
                continue
            _created(rec)
            open_crisis[rec.fingerprint] = rec
            rows.append((plan, engine_rec, rec))
            continue
        key = _substance(rec)
        kept = open_by_key.get(key)
        if kept is not None and kept.pk not in current:
            _update_in_place(kept, rec, client)
            current.add(kept.pk)
            rows.append((plan, engine_rec, kept))
            continue
        before = decided.get((key, _evidence_ids(rec.evidence)))
        if before is not None:
            rows.append((plan, engine_rec, before))
            continue
        if kept is not None:  # the same substance twice in one run: tell them apart
            rec.fingerprint = fingerprint(client.pk, rec.kind, rec.plan_id, rec.rung_id,
                                          rec.evidence["rule"], rec.evidence["log_ids"],
                                          rec.evidence["check_in_ids"])
        _created(rec)
        current.add(rec.pk)
        rows.append((plan, engine_rec, rec))
    _link_alternatives(rows)
    for rec in existing:  # a crisis follow-up is never superseded; it waits for a decision
        if rec.status != Status.OPEN or rec.is_crisis or rec.pk in current \
                or rec.plan_id in failed:
            continue
        rec.status, rec.superseded_at = Status.SUPERSEDED, now
        rec.save(update_fields=["status", "superseded_at"])
        record(SYSTEM, "update", rec, client=client,
               details={"status": Status.SUPERSEDED, "kind": rec.kind})




def _link_alternatives(rows) -> None:
    """Store each open recommendation's place in its rung's group as the engine gave it: its
    role, and for an alternative the primary it is folded under. A kept recommendation whose
    place changed is updated (its decision, if any, is untouched: decided rows are not)."""
    primaries = {(getattr(plan, "pk", None), r.rung_id, r.kind.value): row
                 for plan, r, row in rows if r.role is engine.Role.PRIMARY and row is not None}
    for plan, engine_rec, row in rows:
        if row is None or row.status != Status.OPEN:
            continue
        head = None
        if engine_rec.alternative_of is not None:
            head = primaries.get((getattr(plan, "pk", None), engine_rec.rung_id,
                                  engine_rec.alternative_of.value))
        role, head_id = engine_rec.role.value, getattr(head, "pk", None)
        if (row.role, row.alternative_of_id) != (role, head_id):
            row.role, row.alternative_of_id = role, head_id
            row.save(update_fields=["role", "alternative_of"])


def open_recommendations(client):
    return (Recommendation.objects.filter(client=client, status=Status.OPEN)
            .select_related("plan", "rung").order_by("priority", "created_at", "id"))


# --- refreshing: retries, and failures made visible ---------------------------------------------


@dataclasses.dataclass
class RefreshOutcome:
    """What became of one client's refresh. `retries`: attempts after the first that a transient
    database error took; `marked`: a failure is recorded on the client's PacingState;
    `skipped`: the refresh went through, but without a plan (or the crisis rule) whose stored
    data the engine refuses; the client is marked as out of date until that is corrected."""

    client_id: int
    ok: bool
    recommendations: list = dataclasses.field(default_factory=list)
    skipped: list = dataclasses.field(default_factory=list)
    retries: int = 0
    error: str = ""
    exception: BaseException | None = None
    marked: bool = False


class _GaveUp(Exception):
    def __init__(self, error: BaseException, tries: int):
        super().__init__(str(error))
        self.error, self.tries = error, tries


def _describe(error: BaseException) -> str:
    """One line for people: the error's class and the first line of its message."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}"[:500] if text else type(error).__name__


def _retrying(work: Callable, *, label: str, attempts: int | None = None,
              on_retry: Callable | None = None):
    """work() in its own transaction (a savepoint inside a caller's), retried on a transient
    database error with a growing pause. Returns (result, retries); raises _GaveUp."""
    inline = connection.in_atomic_block
    attempts = max(1, attempts or (INLINE_ATTEMPTS if inline else REFRESH_ATTEMPTS))
    pause = INLINE_BACKOFF_SECONDS if inline else BACKOFF_SECONDS
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return work(), attempt - 1
        except OperationalError as error:  # deadlock, lock timeout, "database is locked"
            if attempt == attempts:
                raise _GaveUp(error, attempt) from error
            logger.warning("pacing: %s met a transient database error (attempt %s of %s), "
                           "retrying: %s", label, attempt, attempts, _describe(error))
            if on_retry is not None:
                on_retry(attempt, attempts, error)
            if not inline:
                connection.close_if_unusable_or_obsolete()
            time.sleep(pause * 2 ** (attempt - 1))
        except Exception as error:  # not transient: the same data fails the same way again
            raise _GaveUp(error, attempt) from error
    raise AssertionError("unreachable")  # pragma: no cover


def _mark_refreshed(client_id: int, *, at=None, due=None) -> None:
    """Called inside the refresh's transaction, with the client's row locked. at: when the
    refresh began (a change made after it is taken up by the next run)."""
    at = at or timezone.now()
    if not PacingState.objects.filter(client_id=client_id).update(
            refreshed_at=at, due_at=due, failed_at=None, failures=0, failure=""):
        PacingState.objects.create(client_id=client_id, refreshed_at=at, due_at=due)


def _record_failure(client_id: int, reason: str, *, refreshed: bool = False, at=None,
                    due=None) -> None:
    """failed_at keeps the first failure since the last success; refreshed: the refresh itself
    went through (begun at `at`) but skipped part of the client's data."""
    now = at or timezone.now()
    changes = {"failed_at": Coalesce(F("failed_at"), Value(now, output_field=DateTimeField())),
               "failures": F("failures") + 1, "failure": reason[:500]}
    if refreshed:
        changes.update(refreshed_at=now, due_at=due)
    if PacingState.objects.filter(client_id=client_id).update(**changes):
        return
    try:
        with transaction.atomic():
            PacingState.objects.create(client_id=client_id, failed_at=now, failures=1,
                                       failure=reason[:500],
                                       refreshed_at=now if refreshed else None,
                                       due_at=due if refreshed else None)
    except IntegrityError:  # created meanwhile by another refresh
        PacingState.objects.filter(client_id=client_id).update(**changes)


def mark_failed(client_id: int, reason: str, *, attempts: int | None = None) -> bool:
    """Record that the client's recommendations could not be brought up to date (retried like a
    refresh). Returns whether the mark was written; if not, the caller must report it."""
    try:
        _retrying(lambda: _record_failure(client_id, reason), attempts=attempts,
                  label=f"marking client {client_id} as out of date")
    except _GaveUp as gave_up:
        logger.error("pacing: client %s could not even be marked as out of date: %s",
                     client_id, _describe(gave_up.error))
        return False
    return True


def refresh(client, *, now=None, attempts: int | None = None, mark: bool = True,
            on_retry: Callable | None = None, results: bool = True) -> RefreshOutcome:
    """Bring one client's recommendations up to date (client: a Client or its id), retrying a
    transient database error; see `refresh_recommendations` for what a refresh does.

    A failure after the retries is logged and, with mark, recorded on the client's PacingState
    (shown as "may be out of date"; the next scheduled run retries it). Inside a caller's
    transaction the refresh is a savepoint, so its failure never undoes the caller's writes.
    """
    client_id = getattr(client, "pk", client)
    try:
        (recs, skipped), retries = _retrying(
            lambda: _refresh(client_id, now or timezone.now(), results),
            label=f"refreshing client {client_id}", attempts=attempts, on_retry=on_retry)
    except _GaveUp as gave_up:
        reason = _describe(gave_up.error)
        outcome = RefreshOutcome(client_id, False, retries=gave_up.tries - 1, error=reason,
                                 exception=gave_up.error)
        if mark:
            logger.error("pacing: refreshing recommendations of client %s failed after %s "
                         "attempt(s); marked as out of date: %s", client_id, gave_up.tries,
                         reason, exc_info=gave_up.error)
            outcome.marked = mark_failed(client_id, reason, attempts=attempts)
        return outcome
    return RefreshOutcome(client_id, True, recs, skipped=skipped, retries=retries,
                          marked=bool(skipped))


def refresh_recommendations(client: Client, *, now=None, raise_errors: bool = False,
                            results: bool = True) -> list[Recommendation]:
    """Run the engine for the client's active plans and keep what it says; returns the client's
    open recommendations, crisis follow-up first.

    Deterministic and idempotent: an open recommendation with the same fingerprint is kept, one
    already decided is not raised again, new ones are created (one "create" audit event each),
    open ones the engine no longer makes are marked superseded. A crisis follow-up is never
    superseded or closed here. Bad stored data (ClinicalInputError) skips that plan (its open
    recommendations are kept) and marks the client as out of date until it is corrected.

    Any other failure (after retrying a transient one, see `refresh`) is rolled back on its own,
    so that a practice log or check-in being saved around this call is never lost because of
    pacing; it is logged and the client marked as out of date (returns []). With raise_errors the
    error is raised instead, and nothing is marked. results=False: the caller does not need the
    open recommendations (a log being stored), so they are not read back ([] is returned).
    """
    outcome = refresh(client, now=now, mark=not raise_errors, results=results)
    if not outcome.ok:
        if raise_errors:
            raise outcome.exception
        return []
    return outcome.recommendations


# --- what the scheduled run may skip ---------------------------------------------------------


def needs_refresh(client_id) -> bool:
    """Whether the client's recommendations may be behind its data (one query)."""
    state = PacingState.objects.filter(client_id=client_id).first()
    return (state is None or state.refreshed_at is None or state.failed_at is not None
            or (state.changed_at is not None and state.changed_at > state.refreshed_at))


def refreshable_clients():
    """Clients the scheduled refresh looks at: not archived, and active or in maintenance or
    with an active plan; and every client whose last refresh failed."""
    active = Q(archived_at__isnull=True) & (
        Q(status__in=[Client.Status.ACTIVE, Client.Status.MAINTENANCE])
        | Q(exposure_plans__status=ExposurePlan.Status.ACTIVE))
    return (Client.objects.filter(active | Q(pacing_state__failed_at__isnull=False))
            .distinct().order_by("id"))


def clients_due(now=None):
    """The refreshable clients whose recommendations could differ from the stored ones: never
    refreshed, failed, changed since their last refresh, or past their due_at."""
    state = "pacing_state__"
    return refreshable_clients().filter(
        Q(pacing_state__isnull=True) | Q(**{f"{state}refreshed_at__isnull": True})
        | Q(**{f"{state}failed_at__isnull": False}) | Q(**{f"{state}due_at__isnull": True})
        | Q(**{f"{state}due_at__lte": now or timezone.now()})
        | Q(**{f"{state}changed_at__gt": F(f"{state}refreshed_at")}))


# --- a batch of clients at once (the scheduled run) -------------------------------------------

BATCH_SIZE = 100  # clients per transaction: short enough that a log waits at most ~1 s for it


class _LogRow:
    """A stored log's columns the engine reads (the batch reads tuples, not model instances)."""

    __slots__ = (*LOG_COLUMNS, "client_id")

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)

    @property
    def pk(self):
        return self.id


class _Light:
    """What chooses the logs a plan's rules read (`_select_logs`)."""

    __slots__ = ("id", "client_id", "rung_id", "started_at", "scale", "distress_before",
                 "distress_peak", "distress_after")

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


def _select_logs(logs, rungs, policy, scale, now):
    """`_plan_logs` over a plan's logs already in memory: exactly the logs it would read."""
    newest = sorted(logs, key=lambda log: (log.started_at, log.id), reverse=True)
    windows = max(policy.early_exit_window, policy.safety_behaviour_window)
    if len(newest) < windows:
        return sorted(logs, key=lambda log: log.id)
    boundary = newest[windows - 1].started_at
    since = now - timedelta(days=max(policy.missed_practice_days,
                                     policy.risk_lookback_days) + 1)
    low = min(boundary, since)
    stored = {log.id: log for log in newest if log.started_at >= low}
    per_rung = max(policy.step_back_window, policy.over_prediction_window,
                   policy.consecutive_for_advance + 1, policy.too_easy_max_logs + 1)
    by_rung: dict[int, list] = {}
    for log in newest:
        by_rung.setdefault(log.rung_id, []).append(log)
    active = [r for r in rungs if r.status == Rung.Status.ACTIVE]
    cut = {}
    for rung in active:
        mine = by_rung.get(rung.id, [])
        cut[rung.id] = mine[per_rung - 1].started_at if len(mine) >= per_rung else None
        stored.update((log.id, log) for log in mine
                      if cut[rung.id] is None or log.started_at >= cut[rung.id])
    older = [r for r in active if cut[r.id] is not None]
    fresh = [r.id for r in older if _may_be_new(stored.values(), r.id, policy, scale)]
    for rung_id in fresh:
        stored.update((log.id, log) for log in by_rung[rung_id])
    for rung in older:
        if rung.id not in fresh and rung.active_since is None:
            head = min(by_rung[rung.id], key=lambda log: (log.started_at, log.id))
            stored.setdefault(head.id, head)
    return sorted(stored.values(), key=lambda log: log.id)


def _group(rows, key) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


def _batch_inputs(clients: list[Client], now) -> dict[int, _Inputs]:
    """The inputs of every client of the batch, one query per table (not per client)."""
    ids = [c.pk for c in clients]
    safety: dict = {}
    for row in (SafetyParameters.objects.filter(client_id__in=ids)
                .only("client_id", "version", "distress_ceiling", "coping_level",
                      "distress_scale").order_by("client_id", "-version")):
        safety.setdefault(row.client_id, row)
    practices = {c.practice_id for c in clients}
    found = _group(PacingSettings.objects.filter(practice_id__in=practices).filter(
        Q(plan__isnull=True) | Q(follows_practice=False)), lambda s: s.practice_id)
    caches = {}
    for practice_id in practices:
        rows = found.get(practice_id, [])
        own = next((s for s in rows if s.plan_id is None), None)
        caches[practice_id] = {
            "practice": (own or PacingSettings(practice_id=practice_id)).policy(),
            "plans": {s.plan_id: s for s in rows if s.plan_id is not None}}
    plans = list(ExposurePlan.objects.filter(client_id__in=ids, status=ExposurePlan.Status.ACTIVE)
                 .only("id", "client_id", "approach", "status").order_by("id"))
    plan_ids = [p.pk for p in plans]
    plans_of = _group(plans, lambda p: p.client_id)
    rungs = _group(Rung.objects.filter(plan_id__in=plan_ids).only(
        "id", "plan_id", "position", "status", "predicted_distress", "own_ceiling",
        "safety_behaviours", "behaviour"), lambda r: r.plan_id)
    longest = {c.pk: _longest(c, caches[c.practice_id], plans_of.get(c.pk, [])) for c in clients}
    since = now - timedelta(days=max(longest.values()))
    check_ins = _group(CheckIn.objects.filter(client_id__in=ids, at__gte=since)
                       .only("id", "client_id", "at", "risk", "tolerable_distress", "scale")
                       .order_by("id"), lambda c: c.client_id)
    risk_logs = _group(PracticeLog.objects.filter(client_id__in=ids, risk_flag=True,
                                                  started_at__gte=since)
                       .only(*LOG_COLUMNS, "client_id").order_by("id"), lambda log: log.client_id)
    paces: dict = {}
    for pace in PaceDecision.objects.filter(plan_id__in=plan_ids).only(
            "id", "plan_id", "decided_on", "chosen", "options").order_by(
            "plan_id", "-decided_on", "-id"):
        paces.setdefault(pace.plan_id, pace)
    became_active: dict = {}
    for row in (ChangeRecord.objects.filter(plan_id__in=plan_ids, object_type="rung",
                                            after__status="active")
                .values("plan_id", "object_id").annotate(at=Max("changed_at"))):
        became_active.setdefault(row["plan_id"], {})[row["object_id"]] = row["at"]
    assignments = _group(HomeworkAssignment.objects.filter(plan_id__in=plan_ids).exclude(
        status=HomeworkAssignment.Status.CANCELLED).only(
        "id", "plan_id", "rung_id", "frequency_per_week", "starts_on", "ends_on")
        .order_by("id"), lambda a: a.plan_id)
    plan_of_rung = {r.pk: r.plan_id for rows in rungs.values() for r in rows}
    # Two reads of the logs: the few columns that choose which logs the rules read, for every
    # log of the batch's active plans; then every column the engine reads, for those only.
    history = _group((_Light(*values) for values in PracticeLog.objects.filter(
        client_id__in=ids, rung__plan_id__in=plan_ids).values_list(*_Light.__slots__)),
        lambda log: (log.client_id, plan_of_rung[log.rung_id]))
    chosen: dict = {}
    for client in clients:
        local, scale = client_now(client, now), DistressScale(client.distress_scale)
        for plan in plans_of.get(client.pk, []):
            try:
                policy = policy_for(plan, client.practice_id, caches[client.practice_id])
            except ClinicalInputError:
                continue  # the engine run skips the plan and says why
            since_when = {object_id: at.astimezone(local.tzinfo).date()
                          for object_id, at in became_active.get(plan.pk, {}).items()}
            plan_input, rung_inputs, _ = _plan_and_rungs(
                plan, safety.get(client.pk), scale, paces.get(plan.pk), since_when,
                rungs.get(plan.pk, []))
            chosen[plan.pk] = (plan_input, rung_inputs, [log.id for log in _select_logs(
                history.get((client.pk, plan.pk), []), rung_inputs, policy, scale, local)])
    wanted_ids = [i for _p, _r, log_ids in chosen.values() for i in log_ids]
    logs = {}
    for start in range(0, len(wanted_ids), 5000):
        logs.update((row[0], _LogRow(*row)) for row in PracticeLog.objects.filter(
            id__in=wanted_ids[start:start + 5000]).values_list(*LOG_COLUMNS, "client_id"))
    earliest = min((log.started_at for log in logs.values()), default=None)
    stops = {} if earliest is None else _group(
        StopEvent.objects.filter(client_id__in=ids, assignment_id__isnull=False,
                                 at__gte=earliest).values_list("client_id", "assignment_id", "at"),
        lambda row: row[0])

    def builder(client):
        def inputs(plan, policy, engine_check_ins, scale, now):
            plan_input, rung_inputs, log_ids = chosen[plan.pk]
            homework = [engine.AssignmentInput(id=a.pk, rung_id=a.rung_id,
                                               per_week=a.frequency_per_week, starts=a.starts_on,
                                               ends=a.ends_on)
                        for a in assignments.get(plan.pk, [])]
            stored = [logs[i] for i in log_ids]
            wanted = {log.assignment_id for log in stored if log.assignment_id}
            counts = _stop_counts([(a, at) for _c, a, at in stops.get(client.pk, ())
                                   if a in wanted], stored)
            return (plan_input, rung_inputs, homework,
                    [_log_input(log, scale, counts.get(log.id, 0)) for log in stored],
                    engine_check_ins)
        return inputs

    return {c.pk: _Inputs(c, safety.get(c.pk), caches[c.practice_id], plans_of.get(c.pk, []),
                          check_ins.get(c.pk, []), _Lazy(risk_logs.get(c.pk, [])), builder(c))
            for c in clients}


def _refresh_batch(ids: list[int], now) -> dict[int, list[str]]:
    """One transaction for the batch: the clients' rows locked (by id, the lock order), their
    inputs read, the engine run per client, only what changed written. Returns what was
    skipped per client (data the engine refuses)."""
    started = timezone.now()
    clients = list(Client.objects.select_for_update(no_key=True).filter(pk__in=ids)
                   .order_by("pk"))
    inputs = _batch_inputs(clients, now)
    existing = _group(Recommendation.objects.select_for_update().filter(client_id__in=ids)
                      .exclude(status=Status.SUPERSEDED), lambda r: r.client_id)
    stated = set(PacingState.objects.filter(client_id__in=ids).values_list("client_id",
                                                                            flat=True))
    skipped_by: dict[int, list[str]] = {}
    by_due: dict = {}  # one UPDATE per distinct due_at (clients of a time zone share midnight)
    for client in clients:
        local = client_now(client, now)
        produced, failed, skipped, due = _run_engine(inputs[client.pk], local)
        _store(client, produced, failed, existing.get(client.pk, []), local)
        if skipped:
            skipped_by[client.pk] = skipped
            _record_failure(client.pk, "; ".join(skipped), refreshed=True, at=started, due=due)
        else:
            by_due.setdefault(due, []).append(client.pk)
    for due, done in by_due.items():
        PacingState.objects.filter(client_id__in=[i for i in done if i in stated]).update(
            refreshed_at=started, due_at=due, failed_at=None, failures=0, failure="")
    PacingState.objects.bulk_create(
        [PacingState(client_id=i, refreshed_at=started, due_at=due)
         for due, done in by_due.items() for i in done if i not in stated], batch_size=500)
    return skipped_by


def refresh_many(client_ids, *, now=None, attempts: int | None = None,
                 on_retry: Callable | None = None,
                 on_fallback: Callable | None = None) -> list[RefreshOutcome]:
    """Refresh a batch of clients in one short transaction (`_refresh_batch`): the same
    recommendations as `refresh` one client at a time, with a query per table instead of
    about 18 per client. A batch that still fails after retrying a transient error is rolled
    back and done again one client at a time, so that each failing client is retried, reported
    and marked on its own, and the others are still refreshed."""
    ids = sorted({getattr(c, "pk", c) for c in client_ids})
    if not ids:
        return []
    def told(who):
        return None if on_retry is None else (
            lambda attempt, of, error: on_retry(attempt, of, error, who))

    batch = f"client {ids[0]}" if len(ids) == 1 else f"clients {ids[0]}-{ids[-1]}"
    try:
        skipped, retries = _retrying(lambda: _refresh_batch(ids, now or timezone.now()),
                                     label=f"refreshing {batch}", attempts=attempts,
                                     on_retry=told(batch))
    except _GaveUp as gave_up:
        logger.warning("pacing: refreshing %s failed (%s); refreshing them one at a time", batch,
                       _describe(gave_up.error))
        if on_fallback is not None:
            on_fallback(ids, gave_up.error)
        return [refresh(i, now=now, attempts=attempts, results=False,
                        on_retry=told(f"client {i}")) for i in ids]
    return [RefreshOutcome(i, True, skipped=skipped.get(i, []), retries=retries,
                           marked=bool(skipped.get(i))) for i in ids]


def refresh_due(*, now=None, batch_size: int = BATCH_SIZE) -> list[RefreshOutcome]:
    """Every client due (`clients_due`), a batch at a time: `bravely worker`'s pass with
    BRAVELY_PACING_REFRESH=worker, where a busy client's logs since the last pass cost one
    refresh."""
    ids = list(clients_due(now).values_list("id", flat=True))
    outcomes = []
    for start in range(0, len(ids), batch_size):
        outcomes += refresh_many(ids[start:start + batch_size], now=now)
    return outcomes


# --- decisions ----------------------------------------------------------------------------------


def _lock(rec: Recommendation) -> Recommendation:
    lock_client(rec.client_id)  # the lock order: the client first, then its recommendation
    return Recommendation.objects.select_for_update(of=("self",)).select_related(
        "client", "plan", "rung").get(pk=rec.pk)


def _clean_note(rec: Recommendation, note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise ValidationError({"note": _("Keep the note to %(n)s characters or fewer.") % {
            "n": NOTE_LIMIT}})
    if required and not note:
        raise ValidationError({"note": _(
            "A crisis follow-up cannot be closed without a note: write what was done about the "
            "risk (or why nothing is needed).")})
    return note


def _check_open(rec: Recommendation) -> None:
    if rec.status != Status.OPEN:
        raise ValidationError({"status": _(
            "This recommendation was already decided or is no longer suggested (%(status)s).") % {
            "status": rec.get_status_display().lower()}})


def _rung_changed(message_rung: Rung) -> ValidationError:
    return ValidationError({"rung": _(
        "“%(rung)s” is %(status)s now, so this change no longer fits the ladder; refresh the "
        "recommendations.") % {"rung": message_rung.behaviour,
                               "status": message_rung.get_status_display().lower()}})


def _set_status(actor, rung: Rung, status: str) -> Rung:
    rung = Rung.objects.get(pk=rung.pk)
    return update_rung(actor, rung, {"status": status}, version=rung.version)


def _ladder(plan: ExposurePlan) -> list[Rung]:
    return list(Rung.objects.filter(plan=plan).order_by("position", "id"))


def _active_rung(rec: Recommendation) -> Rung:
    rung = Rung.objects.get(pk=rec.rung_id)
    if rung.status != Rung.Status.ACTIVE:
        raise _rung_changed(rung)
    return rung


def _advance(actor, rec: Recommendation, options: dict) -> dict:
    rung = _active_rung(rec)
    ladder = _ladder(rec.plan)
    planned = [r for r in ladder if r.position > rung.position and r.status == Rung.Status.PLANNED]
    wanted = options.get("to_rung_id") or rec.params.get("to_rung_id")
    target = next((r for r in planned if r.pk == wanted), planned[0] if planned else None)
    if options.get("to_rung_id") and (target is None or target.pk != options["to_rung_id"]):
        raise ValidationError({"to_rung_id": _("Choose a planned rung above this one.")})
    _set_status(actor, rung, Rung.Status.MASTERED)
    if target is not None:
        _set_status(actor, target, Rung.Status.ACTIVE)
    return {"action": "advance", "mastered_rung_id": rung.pk, "mastered_rung": rung.behaviour,
            "activated_rung_id": getattr(target, "pk", None),
            "activated_rung": getattr(target, "behaviour", None)}


def _step_back(actor, rec: Recommendation, options: dict) -> dict:
    rung = _active_rung(rec)
    ladder = _ladder(rec.plan)
    lower = [r for r in ladder if r.position < rung.position
             and r.status in (Rung.Status.MASTERED, Rung.Status.PLANNED)]
    wanted = options.get("to_rung_id") or rec.params.get("to_rung_id")
    target = next((r for r in lower if r.pk == wanted), lower[-1] if lower else None)
    if options.get("to_rung_id") and (target is None or target.pk != options["to_rung_id"]):
        raise ValidationError({"to_rung_id": _("Choose a mastered or planned rung below this "
                                               "one.")})
    # Back to planned, not paused: a step back is the clinician's decision, and the engine reads
    # paused rungs as avoidance.
    _set_status(actor, rung, Rung.Status.PLANNED)
    if target is not None:
        _set_status(actor, target, Rung.Status.ACTIVE)
    return {"action": "step_back", "returned_rung_id": rung.pk, "returned_rung": rung.behaviour,
            "activated_rung_id": getattr(target, "pk", None),
            "activated_rung": getattr(target, "behaviour", None)}


RUNG_COPY = ("context_where", "context_when", "context_with", "valued_outcome", "feared_outcome",
             "feared_likelihood", "safety_behaviours", "own_ceiling")


def _split(actor, rec: Recommendation, options: dict) -> dict:
    rung = Rung.objects.get(pk=rec.rung_id)
    if rung.status not in (Rung.Status.ACTIVE, Rung.Status.PAUSED, Rung.Status.PLANNED):
        raise _rung_changed(rung)
    ladder = _ladder(rec.plan)
    below = [r for r in ladder if r.position < rung.position and r.status != Rung.Status.SKIPPED]
    scale = DistressScale(rec.client.distress_scale)
    low = below[-1].predicted_distress if below else scale.min
    behaviour = (options.get("behaviour") or "").strip() or (
        _("Intermediate step towards: %(behaviour)s") % {"behaviour": rung.behaviour})[:300]
    data = {f: getattr(rung, f) for f in RUNG_COPY}
    data.update(behaviour=behaviour, predicted_distress=round((low + rung.predicted_distress) / 2),
                status=Rung.Status.PLANNED,
                rationale=_("Added when a recommendation to split “%(rung)s” was accepted; "
                            "edit it with the client.") % {"rung": rung.behaviour})
    new = add_rung(actor, rec.plan, data, values=list(rung.values.all()))
    order = [r.pk for r in _ladder(rec.plan) if r.pk != new.pk]
    order.insert(order.index(rung.pk), new.pk)
    plan = ExposurePlan.objects.get(pk=rec.plan_id)
    set_order(actor, plan, order, revision=plan.ladder_revision)
    new.refresh_from_db()
    return {"action": "split_rung", "created_rung_id": new.pk, "created_rung": new.behaviour,
            "position": new.position, "predicted_distress": new.predicted_distress,
            "before_rung_id": rung.pk, "before_rung": rung.behaviour}


APPLY = {Kind.ADVANCE: _advance, Kind.STEP_BACK: _step_back, Kind.SPLIT_RUNG: _split}


def _decided(actor, rec: Recommendation, status: str, note: str, applied: dict):
    rec.status, rec.decided_by, rec.decided_at = status, actor.user, timezone.now()
    rec.decision_note, rec.applied = note, applied
    rec.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "applied"])
    record(actor, "decide", rec, client=rec.client, details={
        "decision": status, "kind": rec.kind, "applied": applied, "with_note": bool(note)})


def _set_aside_siblings(actor, chosen: Recommendation) -> None:
    """Accepting one step for a rung answers its group: the primary and the alternatives the
    clinician did not choose are closed with a note naming the choice, so the page never shows
    an open step that contradicts the decision. The same evidence does not bring them back."""
    head = chosen.alternative_of_id or chosen.pk
    siblings = (Recommendation.objects.select_for_update()
                .filter(client=chosen.client, status=Status.OPEN)
                .filter(Q(pk=head) | Q(alternative_of_id=head))
                .exclude(pk=chosen.pk).exclude(kind=Kind.CRISIS_FOLLOW_UP).order_by("pk"))
    note = _("Not chosen: “%(kind)s” was accepted for this rung.") % {
        "kind": chosen.get_kind_display()}
    for sibling in siblings:
        _decided(actor, sibling, Status.DISMISSED, note, {"set_aside_for": chosen.pk})


@transaction.atomic
def accept(actor: Actor, rec: Recommendation, note: str = "", *, apply: bool = True,
           options: dict | None = None) -> Recommendation:
    """Accept a recommendation. With apply, advance / step back / split change the ladder through
    the planning services (history kept); other kinds record the decision only, and the
    clinician acts in the planning pages. A crisis follow-up needs a note."""
    rec = _lock(rec)
    _check_open(rec)
    note = _clean_note(rec, note, required=rec.requires_note_to_dismiss)
    applied = {}
    if apply and rec.kind in APPLY:
        if rec.plan is None or rec.rung_id is None:
            raise ValidationError({"status": _("This recommendation has no rung to change.")})
        applied = APPLY[Kind(rec.kind)](actor, rec, options or {})
        ChangeRecord.objects.create(
            client=rec.client, plan=rec.plan, object_type="exposureplan",
            object_id=rec.plan_id, action="recommendation", before=None,
            after={"recommendation": rec.pk, "kind": rec.kind, **applied},
            note=(note or _("Accepted: %(kind)s") % {"kind": rec.get_kind_display()})[:500],
            changed_by=actor.user)
    _decided(actor, rec, Status.ACCEPTED, note, applied)
    _set_aside_siblings(actor, rec)
    if applied:
        refresh_recommendations(rec.client)
    return rec


@transaction.atomic
def dismiss(actor: Actor, rec: Recommendation, note: str = "") -> Recommendation:
    """Dismiss a recommendation; a crisis follow-up cannot be dismissed without a note."""
    rec = _lock(rec)
    _check_open(rec)
    note = _clean_note(rec, note, required=rec.requires_note_to_dismiss)
    _decided(actor, rec, Status.DISMISSED, note, {})
    return rec
