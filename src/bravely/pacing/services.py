"""Writes for pacing: refreshing the engine's recommendations, and the clinician's decisions.

`refresh_recommendations(client)` runs `clinical.pacing.recommend` over the stored plans, rungs,
homework, logs and check-ins and keeps the result (practice.services calls it after every log and
check-in; `bravely pacing refresh` calls it from cron). The engine never changes a plan: only an
accepted decision does, through the planning services, so the plan's history is kept.

Concurrency. One refresh is one short transaction (a savepoint inside a log's or check-in's) that
locks the client's own row first, then its recommendations, and the audit chain's tail last: the
order every writer of a client follows (see `clients.services.lock_client`); the practice row is
never locked. A transient database error (a deadlock, a lock timeout, SQLite's "database is
locked") is retried a bounded number of times with a growing pause. A refresh that still fails is
never silent: it is logged, and the client's `PacingState` is marked, so the pages and the
needs-attention queue say the recommendations may be out of date and the next scheduled run
takes the client up again. A failure inside a log's transaction is rolled back to its savepoint
only: the log is kept.
"""

import dataclasses
import hashlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta
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
from bravely.pacing.models import POLICY_FIELDS, Kind, PacingSettings, PacingState, Recommendation
from bravely.planning.models import ChangeRecord, ExposurePlan, HomeworkAssignment, Rung
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
    """The plan's own thresholds if it has some, else the practice's, else the defaults."""
    cache = cache if cache is not None else {}
    if "practice" not in cache:
        cache["practice"] = practice_settings(practice).policy()
        cache["plans"] = {s.plan_id: s for s in PacingSettings.objects.filter(
            practice=practice, plan__isnull=False, follows_practice=False)}
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
    events = list(StopEvent.objects.filter(client=client, assignment_id__in=assignment_ids)
                  .values_list("assignment_id", "at"))
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


def plan_inputs(client: Client, plan: ExposurePlan, safety, check_ins, scale: DistressScale,
                now=None):
    """(PlanInput, rungs, assignments, logs, check-ins) for one plan, as the engine takes them.

    A rung's own ceiling counts only where it is lower than the ceiling in force, as for the
    client (practice.services stores min(rung, safety) with each log). The agreed pace is the
    latest pace decision's chosen option; a rung's start is when its history last made it
    active; each log carries its stop reason and the "I need to stop" presses linked to it.
    """
    now = client_now(client, now or timezone.now())
    ceiling, coping = _ceiling(safety, scale)
    pace = current_pace(plan)
    option = pace.chosen_option if pace is not None else {}
    plan_input = engine.PlanInput(
        approach=plan.approach, scale_max=scale.max, ceiling=ceiling, coping_level=coping,
        rungs_per_week=option.get("rungs_per_week") or None,
        pace_label=str(option.get("label") or getattr(pace, "chosen", "") or ""))
    since = _active_since(plan, now)
    rungs = []
    for rung in plan.rungs.all():
        own = rung.own_ceiling
        if own is not None and ceiling is not None:
            own = min(own, ceiling)
        rungs.append(engine.RungInput(
            id=rung.pk, position=rung.position, status=rung.status,
            predicted_distress=rung.predicted_distress, own_ceiling=own,
            safety_behaviours=_lines(rung.safety_behaviours), name=rung.behaviour,
            active_since=since.get(rung.pk)))
    assignments = [
        engine.AssignmentInput(id=a.pk, rung_id=a.rung_id, per_week=a.frequency_per_week,
                               starts=a.starts_on, ends=a.ends_on)
        for a in HomeworkAssignment.objects.filter(plan=plan).exclude(
            status=HomeworkAssignment.Status.CANCELLED).order_by("id")
    ]
    stored = list(PracticeLog.objects.filter(client=client, rung__plan=plan).order_by("id"))
    stops = _stops_by_log(client, stored)
    logs = [_log_input(log, scale, stops.get(log.pk, 0)) for log in stored]
    return plan_input, rungs, assignments, logs, check_ins


def _crisis_run(client: Client, policy, scale: DistressScale, check_ins, now):
    """The crisis rule over every risk signal of the client, whatever plan a log belongs to.

    Risk concerns the client, not one plan, so this runs once per client (also when no plan is
    active) and its recommendation has no plan.
    """
    since = now - timedelta(days=policy.risk_lookback_days)
    logs = [_log_input(log, scale) for log in PracticeLog.objects.filter(
        client=client, risk_flag=True, started_at__gte=since).order_by("id")]
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


def _new(client, plan, rec: engine.Recommendation, now) -> Recommendation:
    evidence = rec.evidence
    return Recommendation(
        client=client, plan=plan, rung_id=rec.rung_id, kind=rec.kind.value, reason=rec.reason,
        params=_jsonable(rec.params),
        evidence={"log_ids": list(evidence.log_ids), "check_in_ids": list(evidence.check_in_ids),
                  "rule": evidence.rule, "thresholds": _jsonable(evidence.thresholds)},
        rule=evidence.rule[:120], priority=rec.priority,
        requires_note_to_dismiss=rec.requires_note_to_dismiss, role=rec.role.value,
        fingerprint=fingerprint(client.pk, rec.kind.value, getattr(plan, "pk", None),
                                rec.rung_id, evidence.rule, evidence.log_ids,
                                evidence.check_in_ids),
        created_at=now,
    )


def _created(rec: Recommendation):
    rec.save()
    record(SYSTEM, "create", rec, client=rec.client, details={
        "kind": rec.kind, "plan": rec.plan_id, "rung": rec.rung_id, "rule": rec.rule,
        "log_ids": rec.evidence["log_ids"], "check_in_ids": rec.evidence["check_in_ids"]})


def _refresh(client_id: int, now) -> tuple[list[Recommendation], list[str]]:
    """(the client's open recommendations, what was skipped: data the engine refuses)."""
    # Only the client's row is locked (no join: the practice row, shared by every client of the
    # practice, stays free), then its recommendations; record() takes the audit tail last.
    client = lock_client(client_id)
    now = client_now(client, now)
    scale = DistressScale(client.distress_scale)
    safety = current_safety(client)
    cache: dict = {}
    practice_policy = policy_for(None, client.practice, cache)
    plans = list(ExposurePlan.objects.filter(client=client, status=ExposurePlan.Status.ACTIVE)
                 .prefetch_related("rungs").order_by("id"))
    longest = max([practice_policy.risk_lookback_days]
                  + [policy_for(p, client.practice, cache).risk_lookback_days for p in plans])
    check_ins = [_check_in_input(c, scale) for c in CheckIn.objects.filter(
        client=client, at__gte=now - timedelta(days=longest)).order_by("id")]

    produced: list[tuple[ExposurePlan | None, engine.Recommendation]] = []
    failed: set[int] = set()
    skipped: list[str] = []
    try:
        # the longest look-back of the practice and the plans, so no plan sees a risk signal
        # that the client-level follow-up would miss
        crisis_policy = dataclasses.replace(practice_policy, risk_lookback_days=longest)
        produced += [(None, r) for r in _crisis_run(client, crisis_policy, scale, check_ins,
                                                    now)]
    except ClinicalInputError as error:
        logger.warning("pacing: crisis rule skipped for client %s: %s", client.pk, error)
        skipped.append(f"crisis rule skipped: {error}")
    for plan in plans:
        try:
            inputs = plan_inputs(client, plan, safety, check_ins, scale, now)
            recs = engine.recommend(policy_for(plan, client.practice, cache), *inputs, now)
        except ClinicalInputError as error:
            logger.warning("pacing: plan %s of client %s skipped: %s", plan.pk, client.pk, error)
            failed.add(plan.pk)
            skipped.append(f"plan {plan.pk} skipped: {error}")
            continue
        produced += [(plan, r) for r in recs if r.kind != engine.Kind.CRISIS_FOLLOW_UP]

    existing = list(Recommendation.objects.select_for_update().filter(client=client)
                    .exclude(status=Status.SUPERSEDED))
    open_by_fp = {r.fingerprint: r for r in existing if r.status == Status.OPEN}
    decided = {r.fingerprint for r in existing if r.status != Status.OPEN}
    covered_logs = {i for r in existing if r.kind == Kind.CRISIS_FOLLOW_UP
                    for i in r.evidence.get("log_ids", [])}
    covered_check_ins = {i for r in existing if r.kind == Kind.CRISIS_FOLLOW_UP
                         for i in r.evidence.get("check_in_ids", [])}
    current = set()
    by_fp = {r.fingerprint: r for r in existing if r.status != Status.OPEN}
    rows = []  # (engine recommendation, its stored row: open, new, or already decided)
    for plan, engine_rec in produced:
        rec = _new(client, plan, engine_rec, now)
        current.add(rec.fingerprint)
        if rec.fingerprint in open_by_fp or rec.fingerprint in decided:
            rows.append((plan, engine_rec, open_by_fp.get(rec.fingerprint)
                         or by_fp.get(rec.fingerprint)))
            continue
        if rec.is_crisis:
            # Each risk signal is followed up once: a new crisis follow-up only for a signal no
            # earlier one (open or decided) covered.
            ids = set(engine_rec.evidence.log_ids), set(engine_rec.evidence.check_in_ids)
            if ids[0] <= covered_logs and ids[1] <= covered_check_ins:
                continue
        _created(rec)
        open_by_fp[rec.fingerprint] = rec
        rows.append((plan, engine_rec, rec))
    _link_alternatives(rows)
    for rec in list(open_by_fp.values()):
        if (rec.fingerprint in current or rec.is_crisis or rec.plan_id in failed):
            continue  # a crisis follow-up is never superseded; it waits for a decision
        rec.status, rec.superseded_at = Status.SUPERSEDED, now
        rec.save(update_fields=["status", "superseded_at"])
        record(SYSTEM, "update", rec, client=client,
               details={"status": Status.SUPERSEDED, "kind": rec.kind})
    if skipped:  # stored data the engine refuses: visible until someone corrects it
        _record_failure(client.pk, "; ".join(skipped), refreshed=True)
    else:
        _mark_refreshed(client.pk)
    return list(open_recommendations(client)), skipped


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


def _mark_refreshed(client_id: int) -> None:
    """Called inside the refresh's transaction, with the client's row locked."""
    now = timezone.now()
    if not PacingState.objects.filter(client_id=client_id).update(
            refreshed_at=now, failed_at=None, failures=0, failure=""):
        PacingState.objects.create(client_id=client_id, refreshed_at=now)


def _record_failure(client_id: int, reason: str, *, refreshed: bool = False) -> None:
    """failed_at keeps the first failure since the last success; refreshed: the refresh itself
    went through but skipped part of the client's data."""
    now = timezone.now()
    changes = {"failed_at": Coalesce(F("failed_at"), Value(now, output_field=DateTimeField())),
               "failures": F("failures") + 1, "failure": reason[:500]}
    if refreshed:
        changes["refreshed_at"] = now
    if PacingState.objects.filter(client_id=client_id).update(**changes):
        return
    try:
        with transaction.atomic():
            PacingState.objects.create(client_id=client_id, failed_at=now, failures=1,
                                       failure=reason[:500],
                                       refreshed_at=now if refreshed else None)
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
            on_retry: Callable | None = None) -> RefreshOutcome:
    """Bring one client's recommendations up to date (client: a Client or its id), retrying a
    transient database error; see `refresh_recommendations` for what a refresh does.

    A failure after the retries is logged and, with mark, recorded on the client's PacingState
    (shown as "may be out of date"; the next scheduled run retries it). Inside a caller's
    transaction the refresh is a savepoint, so its failure never undoes the caller's writes.
    """
    client_id = getattr(client, "pk", client)
    try:
        (recs, skipped), retries = _retrying(lambda: _refresh(client_id, now or timezone.now()),
                                  label=f"refreshing client {client_id}", attempts=attempts,
                                  on_retry=on_retry)
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


def refresh_recommendations(client: Client, *, now=None, raise_errors: bool = False
                            ) -> list[Recommendation]:
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
    error is raised instead, and nothing is marked.
    """
    outcome = refresh(client, now=now, mark=not raise_errors)
    if not outcome.ok:
        if raise_errors:
            raise outcome.exception
        return []
    return outcome.recommendations


def refreshable_clients():
    """Clients the scheduled refresh looks at: not archived, and active or in maintenance or
    with an active plan; and every client whose last refresh failed."""
    active = Q(archived_at__isnull=True) & (
        Q(status__in=[Client.Status.ACTIVE, Client.Status.MAINTENANCE])
        | Q(exposure_plans__status=ExposurePlan.Status.ACTIVE))
    return (Client.objects.filter(active | Q(pacing_state__failed_at__isnull=False))
            .distinct().order_by("id"))


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
