"""Writes for between-session practice. Each is one transaction, audited; risk is never dropped.

Submissions carry an idempotency key: sending the same log or check-in twice (a double tap, a retry
after a lost connection) returns the first one instead of creating a second.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bravely.audit.services import Actor, record
from bravely.clients.selectors import has_exposure_consent
from bravely.clients.services import lock_client
from bravely.clinical.scales import ClinicalInputError, DistressScale, validate_distress
from bravely.pacing.changes import inputs_changed
from bravely.planning.models import ExposurePlan, Rung
from bravely.planning.selectors.safety import current_safety
from bravely.practice import risk
from bravely.practice.models import (
    CheckIn,
    CheckInSettings,
    JournalEntry,
    PracticeDraft,
    PracticeLog,
    RiskAlert,
    Source,
    StopEvent,
)
from bravely.practice.selectors import check_in_settings

LOG_FIELDS = (
    "started_at", "duration_minutes", "distress_before", "distress_peak", "distress_after",
    "likelihood_after", "feared_outcome_happened", "what_happened", "surprise",
    "safety_behaviours_used", "stopped_early", "stopped_early_reason", "coping_used",
    "body_sensations", "emotions", "catastrophic_prediction", "balanced_appraisal", "learned",
    "value_reflection", "risk_flag",
)
MAX_RATINGS = 300  # one every 5 minutes for a whole day, more than any practice needs


RELATED = ("client", "plan", "rung", "assignment", "entered_by")


def require_consent(client) -> None:
    """Exposure practice needs consent in force; a withdrawal stops new practice and check-ins."""
    if not has_exposure_consent(client):
        raise ValidationError(_(
            "Consent to exposure treatment is not in force for this client, so practice and "
            "check-ins cannot be recorded. Talk with your clinician."))




def _scale(client) -> DistressScale:
    return DistressScale(client.distress_scale)


def _distress(client, data: dict, field: str) -> None:
    try:
        validate_distress(_scale(client), data.get(field), field)
    except ClinicalInputError as error:
        raise ValidationError({field: _("Use a whole number from 0 to %(max)s.") % {
            "max": client.scale_max}}) from error


def validate_log(client, rung: Rung, data: dict, *, started_before_archiving=False) -> None:
    """Field-level checks shared by the portal, the session form and the API.

    started_before_archiving: a practise-now run that began while its plan was active (and was
    sent later, e.g. from the offline queue) is kept even if the plan was archived meanwhile,
    so that nothing the client did is dropped; the care team sees it with the archived plan."""
    if rung.plan.client_id != client.pk:
        raise ValidationError({"rung": _("Choose a rung from this client's ladder.")})
    if rung.plan.status == ExposurePlan.Status.ARCHIVED and not started_before_archiving:
        raise ValidationError({"rung": _("This rung's plan is archived; practice cannot be "
                                         "logged against it.")})
    for field in ("distress_before", "distress_peak", "distress_after"):
        _distress(client, data, field)
    duration = data.get("duration_minutes")
    if not isinstance(duration, int) or not 1 <= duration <= 1440:
        raise ValidationError({"duration_minutes": _(
            "Enter how long the practice took, from 1 minute to 1440 (a day).")})
    started = data.get("started_at")
    if started is None or started > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"started_at": _("Enter when you started; it cannot be in the "
                                               "future.")})
    try:
        started.astimezone(UTC)  # stored in UTC: before the year 1 there, it cannot be stored
    except OverflowError:
        raise ValidationError({"started_at": _("Enter when you started; this date is too far "
                                               "in the past.")}) from None
    peak = data["distress_peak"]
    if (peak < data["distress_before"] or peak < data["distress_after"]) and not data.get(
        "peak_confirmed"
    ):
        raise ValidationError({"distress_peak": _(
            "The peak is lower than the distress before or after. That can happen: tick "
            "'Yes, that is right' to keep it, or correct the numbers.")})
    if data.get("stopped_early") and not (data.get("stopped_early_reason") or "").strip():
        raise ValidationError({"stopped_early_reason": _("Say briefly why you stopped.")})


def validate_ratings(client, ratings) -> list[dict]:
    """Ratings along the way: [{"minute": int, "value": int}], minutes from 0 to 1440 in order,
    each value on the client's scale. Returns them cleaned; a bad list names the field."""
    if ratings in (None, ""):
        return []
    message = _("The ratings along the way could not be read: each needs a minute from 0 to "
                "1440, in order, and a strength from 0 to %(max)s.") % {"max": client.scale_max}
    if not isinstance(ratings, list) or len(ratings) > MAX_RATINGS:
        raise ValidationError({"ratings": message})
    clean, last = [], -1
    for item in ratings:
        if not isinstance(item, dict):
            raise ValidationError({"ratings": message})
        minute, value = item.get("minute"), item.get("value")
        if (not isinstance(minute, int) or isinstance(minute, bool) or not 0 <= minute <= 1440
                or minute < last or not isinstance(value, int) or isinstance(value, bool)
                or not 0 <= value <= client.scale_max):
            raise ValidationError({"ratings": message})
        clean.append({"minute": minute, "value": value})
        last = minute
    return clean


def _refresh_pacing(client, created: bool, *, risk_signal: bool = False) -> None:
    """Bring the client's recommendations up to date with what was just stored, after the
    log's or check-in's transaction committed, in the refresh's own short transaction (with its
    retries), so the write lock (SQLite) and the client's row lock (PostgreSQL) are held for the
    write only, yet the response already reflects the new recommendations. Inside a caller's
    transaction (a test, a service that stores more around it) the refresh is a savepoint of it
    instead. A failure never loses the log: the client is marked as out of date, and its
    PacingState.changed_at (set with the log) makes the scheduled run take it up even if this
    process dies first. A re-send of a stored log refreshes only if the first one's refresh did
    not go through. With BRAVELY_PACING_REFRESH=worker the request leaves it to `bravely
    worker` (changed_at is already set), except after a risk answer: its crisis follow-up is
    there when the response is."""
    from bravely.pacing.services import needs_refresh, refresh_recommendations

    if settings.PACING_REFRESH == "worker" and not risk_signal:
        return
    if created or needs_refresh(client.pk):
        refresh_recommendations(client, results=False)


def _inputs_changed(client) -> None:
    inputs_changed([client.pk])


ALREADY_SENT = gettext_lazy("This was already sent with different answers. To record another "
                            "one, open the form again.")


def submit_log(actor: Actor, client, rung: Rung, data: dict, *, idempotency_key: str,
               assignment=None, source: str = "portal",
               started_before_archiving: bool = False) -> tuple[PracticeLog, bool]:
    """Store one practice. Returns (log, created); the same key with the same answers returns
    the first log. A risk answer reaches the care team even when the log itself is refused."""
    with risk.reaches_care_team(actor, client, risk.LOG, data.get("risk_flag"),
                                in_session=source == Source.SESSION):
        log, created = _store_log(actor, client, rung, data, idempotency_key=idempotency_key,
                                  assignment=assignment, source=source,
                                  started_before_archiving=started_before_archiving)
    _refresh_pacing(client, created, risk_signal=bool(data.get("risk_flag")))
    return log, created


def _same_log(log: PracticeLog, rung, data: dict) -> bool:
    fields = ("distress_before", "distress_peak", "distress_after", "duration_minutes")
    return (log.rung_id == rung.pk and log.risk_flag == bool(data.get("risk_flag"))
            and log.stopped_early == bool(data.get("stopped_early"))
            and all(getattr(log, f) == data.get(f) for f in fields))


@transaction.atomic
def _store_log(actor, client, rung, data, *, idempotency_key, assignment, source,
               started_before_archiving=False):
    key = (idempotency_key or "").strip()[:64]
    if not key:
        raise ValidationError({"idempotency_key": _("A submission key is required.")})
    # The lock order (clients.services): the client's row before anything else, as a refresh
    # takes it too; a concurrent refresh or log of this client waits here.
    lock_client(client.pk)
    existing = PracticeLog.objects.filter(client=client, idempotency_key=key).first()
    if existing is not None:
        if _same_log(existing, rung, data):
            return existing, False
        raise ValidationError({"idempotency_key": str(ALREADY_SENT)})
    require_consent(client)
    started = data.get("started_at")
    if started is not None and timezone.is_naive(started):
        data = {**data, "started_at": timezone.make_aware(started)}
    validate_log(client, rung, data, started_before_archiving=started_before_archiving)
    ratings = validate_ratings(client, data.get("ratings"))
    likelihood_before = rung.feared_likelihood
    if data.get("likelihood_before") is not None:  # asked just before a practise-now run
        likelihood_before = data["likelihood_before"]
        if (not isinstance(likelihood_before, int) or isinstance(likelihood_before, bool)
                or not 0 <= likelihood_before <= 100):
            raise ValidationError({"likelihood_before": _(
                "Enter how likely it seemed, from 0 to 100 %.")})
    if assignment is not None and (assignment.client_id != client.pk
                                   or assignment.rung_id != rung.pk):
        raise ValidationError({"assignment": _("This assignment is for another rung.")})
    safety = current_safety(client)
    ceilings = [c for c in (rung.own_ceiling, getattr(safety, "distress_ceiling", None))
                if c is not None]
    behaviours = data.get("safety_behaviours_used") or []
    log = PracticeLog(
        client=client, plan=rung.plan, rung=rung, assignment=assignment, entered_by=actor.user,
        source=source, idempotency_key=key, scale=client.distress_scale,
        ceiling=min(ceilings) if ceilings else None, feared_outcome=rung.feared_outcome,
        likelihood_before=likelihood_before, ratings=ratings,
        **{f: data[f] for f in LOG_FIELDS if f in data and data[f] is not None},
    )
    log.safety_behaviours_used = [str(b)[:200] for b in behaviours][:30]
    # The related rows are the objects just checked (no query per foreign key), and the key's
    # uniqueness is the database's to refuse (IntegrityError below): field checks only.
    log.full_clean(exclude=["safety_behaviours_used", "coping_used", "ratings", *RELATED],
                   validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError:
        return PracticeLog.objects.get(client=client, idempotency_key=key), False
    record(actor, "create", log, client=client,
           details={"rung": rung.pk, "peak": log.distress_peak, "over_ceiling": log.over_ceiling,
                    "stopped_early": log.stopped_early, "ratings": len(ratings)})
    StopEvent.objects.filter(client=client, practice_key=key, log=None).update(log=log)
    if log.risk_flag:
        risk.raise_alert(actor, client, log=log)
    PracticeDraft.objects.filter(user=actor.user, key=key).delete()
    client.last_activity_at = timezone.now()
    client.save(update_fields=["last_activity_at"])
    _inputs_changed(client)
    return log, True


@transaction.atomic
def record_stop(actor: Actor, client, assignment=None, reason: str = "button",
                practice_key: str = "") -> StopEvent:
    """The client stopped. Inside a practise-now run the stop belongs to that run (its key), and
    pressing it again (a double tap, a retry from the offline queue) returns the first stop."""
    practice_key = (practice_key or "").strip()[:64]
    if assignment is not None and assignment.client_id != client.pk:
        raise ValidationError({"assignment": _("Choose one of your own practices.")})
    if practice_key:
        existing = StopEvent.objects.filter(client=client, practice_key=practice_key).first()
        if existing is not None:
            return existing
    event = StopEvent.objects.create(
        client=client, user=actor.user, assignment=assignment, reason=reason[:16],
        practice_key=practice_key,
        log=PracticeLog.objects.filter(client=client, idempotency_key=practice_key).first()
        if practice_key else None)
    record(actor, "create", event, client=client,
           details={"reason": event.reason, "in_practice": bool(practice_key)})
    _inputs_changed(client)  # a press linked to a log is part of that log's evidence
    return event


PRACTISE = "practise"  # PracticeDraft.data["mode"] of a practise-now run


@transaction.atomic
def start_practice(actor: Actor, client, assignment, *, likelihood_before, distress_now,
                   key: str) -> PracticeDraft:
    """Begin a practise-now run: the prediction and the first rating, kept as a draft (so a lost
    connection or a closed tab loses nothing) until the reflection turns it into a log."""
    require_consent(client)
    if assignment.client_id != client.pk:
        raise ValidationError({"assignment": _("Choose one of your own practices.")})
    if assignment.rung.plan.status == ExposurePlan.Status.ARCHIVED:
        raise ValidationError({"assignment": _("This rung's plan is archived; practice cannot be "
                                               "logged against it.")})
    errors = {}
    if likelihood_before is not None and not 0 <= likelihood_before <= 100:
        errors["likelihood_before"] = _("Enter how likely it seems, from 0 to 100 %.")
    if distress_now is None or not 0 <= distress_now <= client.scale_max:
        errors["distress_now"] = _("Use a whole number from 0 to %(max)s.") % {
            "max": client.scale_max}
    if errors:
        raise ValidationError(errors)
    key = (key or "").strip()[:64]
    if not key:
        raise ValidationError({"idempotency_key": _("A submission key is required.")})
    draft, created = PracticeDraft.objects.get_or_create(
        user=actor.user, key=key, defaults={"client": client, "data": {
            "mode": PRACTISE, "assignment": assignment.pk,
            "started_at": timezone.now().isoformat(), "likelihood_before": likelihood_before,
            "ratings": [{"minute": 0, "value": distress_now}], "stopped": False}})
    if created:
        record(actor, "create", draft, client=client,
               details={"practise_now": True, "assignment": assignment.pk})
    return draft


def practice_minutes(draft: PracticeDraft, now=None) -> int:
    from datetime import datetime

    started = datetime.fromisoformat(draft.data["started_at"])
    return max(0, int(((now or timezone.now()) - started).total_seconds() // 60))


@transaction.atomic
def add_rating(actor: Actor, client, draft: PracticeDraft, value) -> PracticeDraft:
    """One 'how strong is it now' rating, at the minute the run has reached (at most a day)."""
    if not isinstance(value, int) or not 0 <= value <= client.scale_max:
        raise ValidationError({"value": _("Use a whole number from 0 to %(max)s.") % {
            "max": client.scale_max}})
    draft = PracticeDraft.objects.select_for_update().get(pk=draft.pk)
    ratings = list(draft.data.get("ratings") or [])
    if len(ratings) >= MAX_RATINGS:
        raise ValidationError({"value": _("This practice already has as many ratings as it "
                                          "can hold. Finish it and reflect.")})
    minute = min(1440, practice_minutes(draft))
    if ratings:
        minute = max(minute, ratings[-1]["minute"])
    ratings.append({"minute": minute, "value": value})
    draft.data = {**draft.data, "ratings": ratings}
    draft.save(update_fields=["data", "updated_at"])
    record(actor, "update", draft, client=client, details={"rating": value, "minute": minute})
    return draft


@transaction.atomic
def stop_practice(actor: Actor, client, draft: PracticeDraft, assignment) -> StopEvent:
    """'I need to stop' inside a run: the stop is recorded against this practice at once."""
    draft = PracticeDraft.objects.select_for_update().get(pk=draft.pk)
    if not draft.data.get("stopped"):
        draft.data = {**draft.data, "stopped": True,
                      "stopped_minute": min(1440, practice_minutes(draft))}
        draft.save(update_fields=["data", "updated_at"])
    return record_stop(actor, client, assignment, reason="in_practice", practice_key=draft.key)


@transaction.atomic
def save_draft(actor: Actor, client, key: str, data: dict) -> PracticeDraft:
    key = (key or "").strip()[:64]
    if not key:
        raise ValidationError({"key": _("A draft key is required.")})
    clean = {str(k)[:64]: str(v)[:5000] for k, v in list(data.items())[:60]
             if k not in ("csrfmiddlewaretoken",)}
    draft, _created = PracticeDraft.objects.update_or_create(
        user=actor.user, key=key, defaults={"client": client, "data": clean})
    record(actor, "update", draft, client=client, details={"fields": sorted(clean)})
    return draft


def submit_check_in(actor: Actor, client, data: dict, *, idempotency_key: str,
                    source: str = "portal") -> tuple[CheckIn, bool]:
    """Store one check-in; a yes to the risk question reaches the care team whatever else
    happens (consent withdrawn, a bad rating, a reused key)."""
    with risk.reaches_care_team(actor, client, risk.CHECK_IN, data.get("risk"),
                                in_session=source == Source.SESSION):
        check_in, created = _store_check_in(actor, client, data,
                                            idempotency_key=idempotency_key, source=source)
    _refresh_pacing(client, created, risk_signal=check_in.risk)
    return check_in, created


@transaction.atomic
def _store_check_in(actor, client, data, *, idempotency_key, source):
    key = (idempotency_key or "").strip()[:64]
    if not key:
        raise ValidationError({"idempotency_key": _("A submission key is required.")})
    lock_client(client.pk)  # the lock order: the client's row first (see _store_log)
    existing = CheckIn.objects.filter(client=client, idempotency_key=key).first()
    if existing is not None:
        if (existing.risk == bool(data.get("risk"))
                and existing.tolerable_distress == data.get("tolerable_distress")):
            return existing, False
        raise ValidationError({"idempotency_key": str(ALREADY_SENT)})
    if data.get("risk") is None:
        raise ValidationError({"risk": _("Please answer this question.")})
    if data.get("tolerable_distress") is not None:
        _distress(client, data, "tolerable_distress")
    statements = {s.pk: s for s in client.value_statements.filter(archived_at__isnull=True)}
    ratings = []
    for item in data.get("value_ratings") or []:
        statement = statements.get(item.get("statement_id"))
        rating = item.get("rating")
        if statement is None:
            raise ValidationError({"value_ratings": _("Rate only your own values.")})
        if not isinstance(rating, int) or not 0 <= rating <= 10:
            raise ValidationError({"value_ratings": _("Rate each value from 0 to 10.")})
        ratings.append({"statement_id": statement.pk, "text": statement.text, "rating": rating})
    settings = check_in_settings(client.practice)
    said_risk = bool(data["risk"])
    if not said_risk:
        # A positive answer is always kept, even without consent; anything else needs it.
        require_consent(client)
    check_in = CheckIn(
        client=client, entered_by=actor.user, source=source, idempotency_key=key,
        scale=client.distress_scale, tolerable_distress=data.get("tolerable_distress"),
        risk_question=settings.risk_question, risk=said_risk, value_ratings=ratings,
        note=(data.get("note") or "")[:2000],
    )
    check_in.full_clean(exclude=["value_ratings", "client", "entered_by"],
                        validate_unique=False, validate_constraints=False)
    check_in.save()
    record(actor, "create", check_in, client=client, details={"risk": said_risk})
    if said_risk:
        risk.raise_alert(actor, client, check_in=check_in)
    client.last_activity_at = timezone.now()
    client.save(update_fields=["last_activity_at"])
    _inputs_changed(client)
    return check_in, True


@transaction.atomic
def close_risk_alert(actor: Actor, alert: RiskAlert, note: str) -> RiskAlert:
    if not (note or "").strip():
        raise ValidationError({"note": _("Write what was done before closing a risk alert.")})
    if alert.closed_at is not None:
        raise ValidationError({"note": _("This alert is already closed.")})
    alert.closed_at = timezone.now()
    alert.closed_by = actor.user
    alert.note = note.strip()
    alert.full_clean()
    alert.save()
    record(actor, "decide", alert, client=alert.client, details={"closed": True})
    return alert


@transaction.atomic
def write_journal(actor: Actor, client, text: str, value=None) -> JournalEntry:
    if value is not None and value.client_id != client.pk:
        raise ValidationError({"value": _("Choose one of your own values.")})
    entry = JournalEntry(client=client, author=actor.user, text=(text or "").strip(),
                         value=value)
    entry.full_clean()
    entry.save()
    record(actor, "create", entry, client=client)
    return entry


@transaction.atomic
def update_check_in_settings(actor: Actor, practice, data: dict) -> CheckInSettings:
    settings = check_in_settings(practice)
    for field in ("risk_question", "every_days"):
        if field in data:
            setattr(settings, field, data[field])
    settings.full_clean()
    settings.save()
    record(actor, "update", settings, practice_id=practice.pk, details={"fields": sorted(data)})
    return settings


@transaction.atomic
def set_client_check_in_frequency(actor: Actor, account, every_days: int | None):
    if every_days is not None and not 1 <= every_days <= 60:
        raise ValidationError({"every_days": _("Choose from 1 to 60 days.")})
    before = account.check_in_every_days
    account.check_in_every_days = every_days
    account.save(update_fields=["check_in_every_days"])
    record(actor, "update", account, client=account.client,
           details={"changed": {"check_in_every_days": [before, every_days]}})
    return account
