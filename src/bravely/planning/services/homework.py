"""Writes for homework: assigning practice for a rung, cancelling it, signing its rationale."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.selectors import has_exposure_consent
from bravely.planning.models.homework import HomeworkAssignment, Rationale
from bravely.planning.models.ladder import Rung
from bravely.planning.selectors.homework import (
    coping_plan_text,
    draft_rationale,
    homework_gates,
    override_text,
)
from bravely.planning.selectors.pace import current_pace
from bravely.planning.selectors.readiness import open_holds
from bravely.planning.selectors.safety import current_safety
from bravely.planning.services._common import _full_clean, _history, _hold_message, _touch
from bravely.planning.services.ladder import _bump, _lock_rung, _rung_state

ASSIGNMENT_FIELDS = ("frequency_per_week", "starts_on", "ends_on", "contexts_to_vary",
                     "instructions", "coping_plan", "agreed_with_client")


@transaction.atomic
def assign_homework(actor: Actor, rung: Rung, data: dict) -> HomeworkAssignment:
    plan, rung = _lock_rung(rung)
    client = plan.client
    if not has_exposure_consent(client):
        raise ValidationError({"rung": _(
            "Record the client's consent to exposure treatment before assigning practice.")})
    safety = current_safety(client)
    if safety is None:
        raise ValidationError({"rung": _(
            "Agree safety parameters with the client before assigning practice.")})
    if open_holds(client):
        raise ValidationError({"rung": _hold_message()})
    if rung.status == Rung.Status.SKIPPED:
        raise ValidationError({"rung": _(
            "This rung was skipped; set it back to planned first, or choose another rung.")})
    gates = homework_gates(rung, safety)
    override_reason = (data.get("override_reason") or "").strip()
    if gates and not override_reason:
        errors = {}
        for _code, field, message in gates:
            errors.setdefault(field, []).append(message + " " + _(
                "Give a reason for the override to assign it anyway."))
        raise ValidationError(errors)
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _(
            "The window ends (%(end)s) before it starts (%(start)s).") % {
            "end": ends.isoformat(), "start": starts.isoformat()}})
    if starts and ends and (ends - starts) > timedelta(days=92):
        raise ValidationError({"ends_on": _("Keep the window to three months or less.")})
    today = timezone.localdate()
    if ends and ends < today:
        raise ValidationError({"ends_on": _("This window has already ended; end it today or "
                                            "later.")})
    if starts and starts > today + timedelta(days=365):
        raise ValidationError({"starts_on": _("Start the window within the next year.")})
    if not data.get("agreed_with_client"):
        raise ValidationError({"agreed_with_client": _(
            "Homework is assigned only once the client has agreed to it.")})
    assignment = HomeworkAssignment(
        client=client, plan=plan, rung=rung, safety=safety, pace=current_pace(plan),
        created_by=actor.user, **{f: data.get(f) for f in ASSIGNMENT_FIELDS},
        rating_every_minutes=data.get("rating_every_minutes") or 3,
        override_reason=override_reason if gates else "",
        overridden=[{"code": code, "field": field, "message": message}
                    for code, field, message in gates],
    )
    assignment.contexts_to_vary = (assignment.contexts_to_vary or "").strip()
    assignment.instructions = (assignment.instructions or "").strip()
    assignment.coping_plan = (assignment.coping_plan or "").strip() or coping_plan_text(safety)
    _full_clean(assignment, exclude=["client", "plan", "rung", "safety", "pace"])
    assignment.save()
    if rung.status == Rung.Status.PLANNED:
        before = _rung_state(rung)
        rung.status = Rung.Status.ACTIVE
        rung.version += 1
        rung.save(update_fields=["status", "version", "updated_at"])
        _bump(plan)
        _history(actor, client, rung, "update", before, _rung_state(rung), plan=plan,
                 note=_("Assigned as homework"))
    _touch(client)
    record(actor, "create", assignment, client=client, details={
        "rung": rung.pk, "frequency_per_week": assignment.frequency_per_week,
        "starts_on": assignment.starts_on.isoformat(), "ends_on": assignment.ends_on.isoformat(),
        "safety_version": safety.version,
        **({"override": {"reason": assignment.override_reason,
                         "checks": [code for code, _f, _m in gates]}} if gates else {})})
    return assignment


@transaction.atomic
def cancel_assignment(actor: Actor, assignment: HomeworkAssignment, reason: str):
    assignment = HomeworkAssignment.objects.select_for_update().select_related("client").get(
        pk=assignment.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("Give a reason for cancelling.")})
    if assignment.status != HomeworkAssignment.Status.ACTIVE:
        raise ValidationError({"cancel_reason": _("Only a current assignment can be cancelled.")})
    assignment.status = HomeworkAssignment.Status.CANCELLED
    assignment.cancel_reason = reason
    _full_clean(assignment, exclude=["client", "plan", "rung", "safety", "pace"])
    assignment.save(update_fields=["status", "cancel_reason", "updated_at"])
    record(actor, "archive", assignment, client=assignment.client, details={"reason": reason})
    from bravely.pacing.changes import inputs_changed

    inputs_changed([assignment.client_id])
    return assignment


@transaction.atomic
def sign_rationale(actor: Actor, assignment: HomeworkAssignment, text: str, *,
                   corrects: Rationale | None = None, correction_reason="") -> Rationale:
    """Sign the rationale. Signed text never changes; a correction is a new, linked entry."""
    text = (text or "").strip()
    if len(text) < 20:
        raise ValidationError({"text": _(
            "Write the rationale before signing (at least 20 characters).")})
    latest = assignment.rationales.select_for_update().order_by("-signed_at", "-id").first()
    correction_reason = (correction_reason or "").strip()
    if latest is not None:
        if corrects is None or corrects.pk != latest.pk:
            raise ValidationError({"text": _(
                "A signed rationale exists (or was just corrected); reload and write a "
                "correction of the latest one.")})
        if not correction_reason:
            raise ValidationError({"correction_reason": _(
                "Say why the signed rationale needs a correction.")})
    elif corrects is not None:
        raise ValidationError({"text": _("There is no signed rationale to correct.")})
    if assignment.override_reason and assignment.override_reason not in text:
        text = f"{text}\n{override_text(assignment)}"  # an override is always in the rationale
    rationale = Rationale(assignment=assignment, text=text,
                          drafted_text=draft_rationale(assignment), corrects=corrects,
                          correction_reason=correction_reason, signed_by=actor.user)
    _full_clean(rationale, exclude=["corrects"])
    rationale.save()
    record(actor, "sign", rationale, client=assignment.client, details={
        "assignment": assignment.pk, "corrects": corrects.pk if corrects else None})
    return rationale
