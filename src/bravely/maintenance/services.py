"""Writes for maintenance. Each runs in one transaction, validates (a ValidationError naming the
field: nothing is half-saved) and leaves an audit entry. Maintenance practice of a rung is stored
through `practice.services.submit_log`, so consent, the ceiling copy, risk and the pacing refresh
apply exactly as during active treatment."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.models import Client
from bravely.clients.services import lock_client
from bravely.clinical import maintenance as rules
from bravely.clinical.scales import ClinicalInputError
from bravely.maintenance import selectors
from bravely.maintenance.models import (
    Booster,
    BoosterOffer,
    LifestyleExposure,
    MaintenanceItem,
    MaintenancePhase,
    MaintenanceSettings,
    RelapsePlan,
    RelapsePlanAcknowledgement,
    ReminderPreference,
    SupportGuidance,
)
from bravely.planning.selectors.safety import current_safety
from bravely.planning.text import clinical_error
from bravely.practice import risk
from bravely.practice import services as practice_services

LIST_LIMIT = 30


def _rule_error(error: ClinicalInputError) -> ValidationError:
    return clinical_error(error)


def _text(value, field, label, limit, *, required=False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("Please fill in “%(label)s”.") % {"label": label}})
    if len(text) > limit:
        raise ValidationError({field: _("“%(label)s” can have at most %(limit)s characters.")
                               % {"label": label, "limit": limit}})
    return text


def _pairs(rows, field, label, keys, *, need_both=False) -> list[dict]:
    """A list of two-part entries: empty rows dropped, each part at most 500 characters."""
    cleaned = []
    for row in rows or []:
        entry = {k: str((row or {}).get(k) or "").strip() for k in keys}
        if not any(entry.values()):
            continue
        if any(len(v) > 500 for v in entry.values()):
            raise ValidationError({field: _("Keep each part of “%(label)s” to 500 characters.")
                                   % {"label": label}})
        if need_both and not all(entry.values()):
            raise ValidationError({field: _("Each entry of “%(label)s” needs both parts.") % {
                "label": label}})
        cleaned.append(entry)
    if len(cleaned) > LIST_LIMIT:
        raise ValidationError({field: _("Keep “%(label)s” to %(n)s entries or fewer.") % {
            "label": label, "n": LIST_LIMIT}})
    return cleaned


# --- the phase and its boosters -----------------------------------------------------------------


@transaction.atomic
def start_phase(actor: Actor, client: Client, started_on=None) -> MaintenancePhase:
    """Start (or resume) the maintenance phase: the boosters are scheduled from the end of
    active treatment (today unless given)."""
    phase = selectors.phase_of(client)
    if phase is not None:
        return phase
    phase = MaintenancePhase.objects.create(client=client, started_by=actor.user,
                                            started_on=started_on or _client_today(client))
    _schedule_boosters(phase)
    record(actor, "create", phase, client=client,
           details={"boosters": list(selectors.weeks_for(phase))})
    return phase


def _client_today(client):
    from zoneinfo import ZoneInfo

    return timezone.localtime(timezone.now(), ZoneInfo(client.time_zone)).date()


def _schedule_boosters(phase: MaintenancePhase) -> list[Booster]:
    try:
        dates = rules.booster_dates(phase.started_on, selectors.weeks_for(phase))
    except ClinicalInputError as error:
        raise _rule_error(error) from None
    done = Booster.objects.filter(client=phase.client)
    number = max([b.number for b in done] or [0])
    Booster.objects.filter(client=phase.client, done_at__isnull=True,
                           cancelled_at__isnull=True).update(cancelled_at=timezone.now())
    done_dates = {b.due_on for b in done if b.done_at is not None}
    created = []
    for due in dates:
        if due in done_dates:
            continue
        number += 1
        created.append(Booster.objects.create(client=phase.client, number=number, due_on=due))
    return created


@transaction.atomic
def update_phase(actor: Actor, phase: MaintenancePhase, *, booster_weeks, started_on,
                 responded_not_remitted: bool) -> MaintenancePhase:
    """Change this client's booster schedule. Weeks must be increasing and unique; a booster
    not yet done cannot be put in the past."""
    lock_client(phase.client_id)
    weeks = None
    if booster_weeks:
        try:
            weeks = list(rules.validate_weeks(booster_weeks))
        except ClinicalInputError as error:
            raise _rule_error(error) from None
    if started_on is None or started_on > _client_today(phase.client):
        raise ValidationError({"started_on": _("Enter the day active treatment ended; it cannot "
                                               "be in the future.")})
    before = {"booster_weeks": phase.booster_weeks, "started_on": phase.started_on.isoformat(),
              "responded_not_remitted": phase.responded_not_remitted}
    phase.booster_weeks, phase.started_on = weeks, started_on
    phase.responded_not_remitted = responded_not_remitted
    today = _client_today(phase.client)
    done_dates = set(Booster.objects.filter(client=phase.client, done_at__isnull=False)
                     .values_list("due_on", flat=True))
    past = [d for d in rules.booster_dates(started_on, selectors.weeks_for(phase))
            if d < today and d not in done_dates]
    if past:
        raise ValidationError({"booster_weeks": _(
            "A booster would fall in the past (%(date)s). Choose weeks that fall after today, "
            "or record that booster first.") % {"date": past[0].isoformat()}})
    phase.save()
    _schedule_boosters(phase)
    record(actor, "update", phase, client=phase.client, details={"changed": {
        "before": before, "after": {"booster_weeks": weeks, "started_on": started_on.isoformat(),
                                    "responded_not_remitted": responded_not_remitted}}})
    return phase


@transaction.atomic
def update_practice_settings(actor: Actor, practice, booster_weeks) -> MaintenanceSettings:
    try:
        weeks = list(rules.validate_weeks(booster_weeks))
    except ClinicalInputError as error:
        raise _rule_error(error) from None
    found, _created = MaintenanceSettings.objects.get_or_create(practice=practice)
    before = found.booster_weeks
    found.booster_weeks = weeks
    found.save()
    record(actor, "update", found, practice_id=practice.pk,
           details={"changed": {"booster_weeks": [before, weeks]}})
    return found


# --- the relapse-prevention plan ----------------------------------------------------------------


@transaction.atomic
def save_plan(actor: Actor, client: Client, data: dict, *, based_on: int | None) -> RelapsePlan:
    """A new version of the plan. `based_on` is the version the form showed (None for the first):
    a stale save is refused rather than overwriting someone else's change."""
    lock_client(client.pk)
    latest = selectors.current_plan(client)
    if (latest.version if latest else None) != based_on:
        raise ValidationError({"version": _("Someone changed this plan since you opened it. "
                                            "Open it again to see their version.")})
    values = _pairs(data.get("values_reinforced"), "values_reinforced",
                    _("What each achievement reinforced"), ("achievement", "values"))
    if not values:
        mastered = selectors.mastered_rungs(client).exists()
        raise ValidationError({"values_reinforced": _(
            "Name at least one achievement and the values it reinforced.") if mastered else _(
            "No rung of the ladder is marked mastered yet, so there is nothing to draw from. "
            "Mark the rungs the client has mastered on the ladder, or write an achievement and "
            "its values here in your own words.")})
    plan = RelapsePlan(
        client=client, version=(latest.version + 1) if latest else 1,
        values_reinforced=values,
        life_vision=_text(data.get("life_vision"), "life_vision",
                          _("How this supports the life I want"), 3000),
        warning_signs=_pairs(data.get("warning_signs"), "warning_signs",
                             _("Early warning signs"), ("sign", "action"), need_both=True),
        lapse_note=_text(data.get("lapse_note"), "lapse_note", _("A lapse and a relapse"),
                         2000, required=True),
        contacts=_pairs(data.get("contacts"), "contacts", _("Who to contact"), ("name", "how")),
        skills=_pairs(data.get("skills"), "skills", _("Skills and when to use them"),
                      ("skill", "when")),
        safety=current_safety(client),
        safety_note=_text(data.get("safety_note"), "safety_note",
                          _("How my safety parameters carry on"), 2000),
        change_note=_text(data.get("change_note"), "change_note", _("What changed and why"),
                          500),
        recorded_by=actor.user,
    )
    if not plan.warning_signs:
        raise ValidationError({"warning_signs": _(
            "Name at least one early warning sign of sliding back into avoidance, and what to "
            "do about it.")})
    plan.full_clean()
    plan.save()
    record(actor, "create", plan, client=client, details={"version": plan.version})
    return plan


@transaction.atomic
def acknowledge_plan(actor: Actor, plan: RelapsePlan, *, method: str, note: str = ""
                     ) -> RelapsePlanAcknowledgement:
    latest = selectors.current_plan(plan.client)
    if latest is None or latest.pk != plan.pk:
        raise ValidationError({"plan": _("This plan has a newer version; read that one first.")})
    if method == RelapsePlanAcknowledgement.Method.PORTAL and selectors.acknowledged_in_portal(
            latest):
        raise ValidationError({"plan": _("You have already agreed to this version.")})
    ack = RelapsePlanAcknowledgement.objects.create(
        plan=plan, method=method, note=_text(note, "note", _("Note"), 500),
        recorded_by=actor.user)
    record(actor, "create", ack, client=plan.client, details={"version": plan.version,
                                                              "method": method})
    return ack


# --- maintenance practice -----------------------------------------------------------------------


@transaction.atomic
def build_schedule(actor: Actor, client: Client, *, per_week: int, weeks: int, contexts=(),
                   start=None, tolerable: int | None = None, seed: int | None = None
                   ) -> list[MaintenanceItem]:
    """Plan maintenance practice from the upper part of the mastered ladder, in varied order and
    contexts. Planned practices not yet done from `start` on are replaced (kept, cancelled)."""
    lock_client(client.pk)
    start = start or _client_today(client)
    if tolerable is not None:
        if not 0 <= tolerable <= client.scale_max:
            raise ValidationError({"tolerable": _("Use a whole number from 0 to %(max)s.") % {
                "max": client.scale_max}})
    rungs = selectors.maintenance_rung_choices(client, tolerable)
    contexts = [c.strip()[:200] for c in contexts if c.strip()][:LIST_LIMIT]
    try:
        planned = rules.schedule([r.pk for r in rungs], start, per_week=per_week, weeks=weeks,
                                 contexts=contexts, seed=client.pk if seed is None else seed)
    except ClinicalInputError as error:
        raise _rule_error(error) from None
    now = timezone.now()
    MaintenanceItem.objects.filter(client=client, log__isnull=True, cancelled_at__isnull=True,
                                   planned_on__gte=start).update(cancelled_at=now)
    by_id = {r.pk: r for r in rungs}
    created = MaintenanceItem.objects.bulk_create(
        MaintenanceItem(client=client, rung=by_id[rung_id], planned_on=day, context=context,
                        created_by=actor.user) for day, rung_id, context in planned)
    record(actor, "create", client=client, object_type="maintenanceitem",
           details={"planned": len(created), "per_week": per_week, "weeks": weeks,
                    "rungs": sorted(by_id)})
    return created


@transaction.atomic
def update_item(actor: Actor, item: MaintenanceItem, *, planned_on, context: str,
                cancel: bool = False) -> MaintenanceItem:
    if item.is_done:
        raise ValidationError({"planned_on": _("This practice is done; its log is kept as it "
                                               "is.")})
    before = {"planned_on": item.planned_on.isoformat(), "context": item.context}
    if cancel:
        item.cancelled_at = timezone.now()
    else:
        if planned_on is None:
            raise ValidationError({"planned_on": _("Enter the day this practice is planned "
                                                   "for.")})
        item.planned_on = planned_on
        item.context = _text(context, "context", _("Context to vary"), 200)
    item.save()
    record(actor, "update", item, client=item.client, details={"changed": {
        "before": before, "after": {"planned_on": item.planned_on.isoformat(),
                                    "context": item.context, "cancelled": cancel}}})
    return item


def log_item(actor: Actor, item: MaintenanceItem, data: dict, *, idempotency_key: str,
             source: str = "portal"):
    """Store a planned maintenance practice through the practice log service (the pacing
    engine's rules, the ceiling and risk apply), then mark the item done."""
    # Not inside a transaction of ours: a refused log that answered yes to risk raises its
    # alert in submit_log, and rolling back around it would drop that alert.
    if item.is_done and item.log.idempotency_key != (idempotency_key or "").strip()[:64]:
        with risk.reaches_care_team(actor, item.client, risk.LOG, data.get("risk_flag"),
                                    in_session=source == "session"):
            raise ValidationError({"item": _("This practice is logged already; log another "
                                             "one as an everyday exposure.")})
    log, created = practice_services.submit_log(
        actor, item.client, item.rung, data, idempotency_key=idempotency_key, source=source)
    with transaction.atomic():
        fresh = MaintenanceItem.objects.select_for_update().get(pk=item.pk)
        if fresh.log_id is None and not hasattr(log, "maintenance_item"):
            fresh.log = log
            fresh.save(update_fields=["log"])
            record(actor, "update", fresh, client=item.client, details={"log": log.pk})
    return log, created


@transaction.atomic
def log_lifestyle(actor: Actor, client: Client, data: dict, *, idempotency_key: str
                  ) -> tuple[LifestyleExposure, bool]:
    key = (idempotency_key or "").strip()[:64]
    if not key:
        raise ValidationError({"idempotency_key": _("A submission key is required.")})
    lock_client(client.pk)
    existing = LifestyleExposure.objects.filter(client=client, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    practice_services.require_consent(client)
    what = _text(data.get("what"), "what", _("What you faced"), 300, required=True)
    peak = data.get("distress_peak")
    if peak is not None and (not isinstance(peak, int) or not 0 <= peak <= client.scale_max):
        raise ValidationError({"distress_peak": _("Use a whole number from 0 to %(max)s.") % {
            "max": client.scale_max}})
    value = data.get("value")
    if value is not None and value.client_id != client.pk:
        raise ValidationError({"value": _("Choose one of your own values.")})
    on = data.get("on") or _client_today(client)
    if on > _client_today(client):
        raise ValidationError({"on": _("The day cannot be in the future.")})
    entry = LifestyleExposure(client=client, what=what, value=value, distress_peak=peak,
                              scale=client.distress_scale, on=on, idempotency_key=key,
                              entered_by=actor.user)
    entry.full_clean()
    entry.save()
    record(actor, "create", entry, client=client, details={"peak": peak})
    client.last_activity_at = timezone.now()
    client.save(update_fields=["last_activity_at"])
    return entry, True


# --- booster check-ins and offers ---------------------------------------------------------------


def record_booster(actor: Actor, booster: Booster, *, rung_ratings: dict, value_ratings: dict,
                   warning_signs=(), note: str = "", risk_answer=False) -> Booster:
    """Re-rate the ladder's top rungs (client's scale) and the values (0-10), and note warning
    signs. Rising re-ratings, a warning sign or reliable deterioration on a measure open an
    'offer a booster session' item for the care team. A yes to the risk question goes through
    the one risk path (`bravely.practice.risk`): an alert even when the check-in is refused."""
    with risk.reaches_care_team(actor, booster.client, risk.BOOSTER, risk_answer,
                                in_session=actor.via != "portal"):
        return _record_booster(actor, booster, rung_ratings=rung_ratings,
                               value_ratings=value_ratings, warning_signs=warning_signs,
                               note=note, risk_answer=risk.said_yes(risk_answer))


@transaction.atomic
def _record_booster(actor, booster, *, rung_ratings, value_ratings, warning_signs, note,
                    risk_answer) -> Booster:
    client = lock_client(booster.client_id)
    booster = Booster.objects.select_for_update().get(pk=booster.pk)
    if booster.is_done:
        raise ValidationError({"booster": _("This booster check-in is already recorded.")})
    practice_services.require_consent(client)
    top = {r.pk: r for r in selectors.top_rungs(client)}
    earlier = selectors.earlier_ratings(client)
    rungs = []
    for rung_id, rating in rung_ratings.items():
        rung = top.get(rung_id)
        if rung is None:
            raise ValidationError({"rung_ratings": _("Re-rate only the rungs shown.")})
        if not isinstance(rating, int) or not 0 <= rating <= client.scale_max:
            raise ValidationError({"rung_ratings": _(
                "Rate each rung with a whole number from 0 to %(max)s.") % {
                "max": client.scale_max}})
        rungs.append({"rung_id": rung_id, "behaviour": rung.behaviour,
                      "earlier": earlier.get(rung_id), "rating": rating})
    statements = {s.pk: s for s in client.value_statements.filter(archived_at__isnull=True)}
    values = []
    for statement_id, rating in value_ratings.items():
        statement = statements.get(statement_id)
        if statement is None:
            raise ValidationError({"value_ratings": _("Rate only your own values.")})
        if not isinstance(rating, int) or not 0 <= rating <= 10:
            raise ValidationError({"value_ratings": _("Rate each value from 0 to 10.")})
        values.append({"statement_id": statement_id, "text": statement.text, "rating": rating})
    signs = [str(s).strip()[:500] for s in warning_signs if str(s).strip()][:LIST_LIMIT]
    booster.rung_ratings, booster.value_ratings, booster.warning_signs = rungs, values, signs
    booster.note = _text(note, "note", _("Anything else"), 2000)
    booster.rising = rules.rising({r["rung_id"]: r["earlier"] for r in rungs
                                   if r["earlier"] is not None},
                                  {r["rung_id"]: r["rating"] for r in rungs},
                                  scale_max=client.scale_max)
    booster.done_at, booster.entered_by = timezone.now(), actor.user
    booster.risk = risk_answer
    if risk_answer:
        booster.risk_alert = risk.raise_booster_alert(
            actor, client, in_session=actor.via != "portal", details={"booster": booster.pk})
    booster.save()
    record(actor, "update", booster, client=client, details={
        "done": True, "rising": booster.rising, "warning_signs": len(signs),
        "risk": risk_answer})
    reasons = (["rising"] if booster.rising else []) + (["warning_sign"] if signs else []) + (
        ["deterioration"] if selectors.reliable_deterioration(client) else [])
    if reasons:
        offer = BoosterOffer.objects.create(client=client, booster=booster, reasons=reasons)
        record(actor, "create", offer, client=client, details={"reasons": reasons})
    client.last_activity_at = timezone.now()
    client.save(update_fields=["last_activity_at"])
    return booster


@transaction.atomic
def decide_offer(actor: Actor, offer: BoosterOffer, *, status: str, note: str = ""
                 ) -> BoosterOffer:
    offer = BoosterOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != BoosterOffer.Status.OPEN:
        raise ValidationError({"status": _("This was decided already.")})
    if status not in (BoosterOffer.Status.OFFERED, BoosterOffer.Status.DISMISSED):
        raise ValidationError({"status": _("Choose whether a booster session was offered.")})
    note = _text(note, "note", _("Note"), 2000)
    if status == BoosterOffer.Status.DISMISSED and not note:
        raise ValidationError({"note": _("Say briefly why no booster session is needed.")})
    offer.status, offer.note = status, note
    offer.decided_by, offer.decided_at = actor.user, timezone.now()
    offer.save()
    record(actor, "decide", offer, client=offer.client, details={"status": status})
    return offer


# --- supports and reminders ---------------------------------------------------------------------


@transaction.atomic
def save_guidance(actor: Actor, support, *, helps: str, avoid: str, consent_note: str
                  ) -> SupportGuidance:
    if not support.is_active:
        raise ValidationError({"helps": _("Sharing with this person has stopped; nothing new "
                                          "can be written for them.")})
    latest = selectors.guidance_for(support)
    guidance = SupportGuidance(
        support=support, version=(latest.version + 1) if latest else 1,
        helps=_text(helps, "helps", _("What helps"), 3000, required=True),
        avoid=_text(avoid, "avoid", _("What not to do"), 3000, required=True),
        consent_note=_text(consent_note, "consent_note", _("How the client agreed to this"),
                           500, required=True),
        written_by=actor.user)
    guidance.save()
    record(actor, "create", guidance, client=support.client,
           details={"support": support.pk, "version": guidance.version})
    return guidance


@transaction.atomic
def set_reminders(actor: Actor, client: Client, *, enabled: bool, quiet_from: int,
                  quiet_until: int) -> ReminderPreference:
    for field, value in (("quiet_from", quiet_from), ("quiet_until", quiet_until)):
        if not isinstance(value, int) or not 0 <= value <= 23:
            raise ValidationError({field: _("Choose an hour from 0 to 23.")})
    pref, _created = ReminderPreference.objects.get_or_create(client=client)
    before = {"enabled": pref.enabled, "quiet_from": pref.quiet_from,
              "quiet_until": pref.quiet_until}
    pref.enabled, pref.quiet_from, pref.quiet_until = enabled, quiet_from, quiet_until
    if enabled:
        pref.unsubscribed_at = None
    pref.save()
    record(actor, "update", pref, client=client, details={"changed": {
        "before": before, "after": {"enabled": enabled, "quiet_from": quiet_from,
                                    "quiet_until": quiet_until}}})
    return pref


@transaction.atomic
def unsubscribe(client: Client) -> ReminderPreference:
    """From the link in a reminder, without signing in (the signed token is checked by the
    caller)."""
    pref, _created = ReminderPreference.objects.get_or_create(client=client)
    if pref.enabled:
        pref.enabled, pref.unsubscribed_at = False, timezone.now()
        pref.save()
        from bravely.maintenance.reminders import SYSTEM

        record(SYSTEM, "update", pref, client=client, details={"unsubscribed": True})
    return pref
