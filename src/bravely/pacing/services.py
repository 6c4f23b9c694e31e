"""Writes for pacing: refreshing the engine's recommendations, and the clinician's decisions.

`refresh_recommendations(client)` runs `clinical.pacing.recommend` over the stored plans, rungs,
homework, logs and check-ins and keeps the result (practice.services calls it after every log and
check-in; `bravely pacing refresh` calls it from cron). The engine never changes a plan: only an
accepted decision does, through the planning services, so the plan's history is kept.
"""

import dataclasses
import hashlib
import logging
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.models import Client
from bravely.clinical import pacing as engine
from bravely.clinical.scales import ClinicalInputError, DistressScale, from_percent, to_percent
from bravely.pacing.models import POLICY_FIELDS, Kind, PacingSettings, Recommendation
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


def _refresh(client: Client, now) -> list[Recommendation]:
    client = Client.objects.select_for_update().select_related("practice").get(pk=client.pk)
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
    try:
        # the longest look-back of the practice and the plans, so no plan sees a risk signal
        # that the client-level follow-up would miss
        crisis_policy = dataclasses.replace(practice_policy, risk_lookback_days=longest)
        produced += [(None, r) for r in _crisis_run(client, crisis_policy, scale, check_ins,
                                                    now)]
    except ClinicalInputError as error:
        logger.warning("pacing: crisis rule skipped for client %s: %s", client.pk, error)
    for plan in plans:
        try:
            inputs = plan_inputs(client, plan, safety, check_ins, scale, now)
            recs = engine.recommend(policy_for(plan, client.practice, cache), *inputs, now)
        except ClinicalInputError as error:
            logger.warning("pacing: plan %s of client %s skipped: %s", plan.pk, client.pk, error)
            failed.add(plan.pk)
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
    return list(open_recommendations(client))


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


def refresh_recommendations(client: Client, *, now=None, raise_errors: bool = False
                            ) -> list[Recommendation]:
    """Run the engine for the client's active plans and keep what it says; returns the client's
    open recommendations, crisis follow-up first.

    Deterministic and idempotent: an open recommendation with the same fingerprint is kept, one
    already decided is not raised again, new ones are created (one "create" audit event each),
    open ones the engine no longer makes are marked superseded. A crisis follow-up is never
    superseded or closed here. Bad stored data (ClinicalInputError) skips that plan. Any other
    failure is logged and rolled back on its own (unless raise_errors), so that a practice log
    or check-in being saved around this call is never lost because of pacing.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _refresh(client, now)
    except Exception:
        if raise_errors:
            raise
        logger.exception("pacing: refreshing recommendations of client %s failed", client.pk)
        return []


def refreshable_clients():
    """Clients the scheduled refresh looks at: not archived, and active or in maintenance or
    with an active plan."""
    from django.db.models import Q

    return (Client.objects.filter(archived_at__isnull=True)
            .filter(Q(status__in=[Client.Status.ACTIVE, Client.Status.MAINTENANCE])
                    | Q(exposure_plans__status=ExposurePlan.Status.ACTIVE))
            .distinct().order_by("id"))


# --- decisions ----------------------------------------------------------------------------------


def _lock(rec: Recommendation) -> Recommendation:
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
