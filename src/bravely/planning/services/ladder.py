"""Writes for exposure plans and their ladders: plans, rungs and their order, acknowledged
warnings, and rungs the client declined."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.models import Client
from bravely.planning.models.history import ChangeRecord
from bravely.planning.models.ladder import ExposurePlan, LadderAcknowledgement, Rung, RungDecline
from bravely.planning.selectors.ladder import fingerprint, ladder_warnings
from bravely.planning.selectors.readiness import open_holds
from bravely.planning.services._common import (
    _full_clean,
    _history,
    _hold_message,
    _now,
    _touch,
    stale_ladder_message,
    stale_message,
)
from bravely.planning.services.safety import check_distress
from bravely.planning.text import clinical_text

PLAN_FIELDS = ("title", "description", "approach", "status")


def _plan_state(plan):
    return {f: getattr(plan, f) for f in PLAN_FIELDS}


@transaction.atomic
def create_plan(actor: Actor, client: Client, data: dict) -> ExposurePlan:
    plan = ExposurePlan(client=client, created_by=actor.user,
                        **{f: data[f] for f in PLAN_FIELDS if f in data})
    plan.title = (plan.title or "").strip()
    _full_clean(plan)
    if plan.status == ExposurePlan.Status.ACTIVE and open_holds(client):
        raise ValidationError({"status": _hold_message()})
    plan.save()
    _history(actor, client, plan, "create", None, _plan_state(plan), plan=plan)
    _touch(client)
    record(actor, "create", plan, client=client, details=_plan_state(plan))
    return plan


@transaction.atomic
def update_plan(actor: Actor, plan: ExposurePlan, data: dict, *, version: int) -> ExposurePlan:
    plan = ExposurePlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
    if version != plan.version:
        raise ValidationError({"version": stale_message()})
    before = _plan_state(plan)
    for field in PLAN_FIELDS:
        if field in data:
            setattr(plan, field, data[field])
    plan.title = (plan.title or "").strip()
    _full_clean(plan)
    if (plan.status == ExposurePlan.Status.ACTIVE and before["status"] != plan.status
            and open_holds(plan.client)):
        raise ValidationError({"status": _hold_message()})
    after = _plan_state(plan)
    if after == before:
        return plan
    plan.version += 1
    plan.save()
    _history(actor, plan.client, plan, "update", before, after, plan=plan)
    _touch(plan.client)
    record(actor, "update", plan, client=plan.client, details={"before": before, "after": after})
    return plan


RUNG_FIELDS = ("behaviour", "context_where", "context_when", "context_with", "valued_outcome",
               "predicted_distress", "feared_outcome", "feared_likelihood", "safety_behaviours",
               "own_ceiling", "rationale", "status")


def _rung_state(rung, value_ids=None):
    state = {f: getattr(rung, f) for f in RUNG_FIELDS}
    state["position"] = rung.position
    state["values"] = sorted(value_ids if value_ids is not None
                             else rung.values.values_list("pk", flat=True))
    return state


def _check_rung(rung: Rung, client: Client, values):
    check_distress(client, rung.predicted_distress, "predicted_distress",
                   _("Predicted distress"))
    check_distress(client, rung.own_ceiling, "own_ceiling", _("Own ceiling"), required=False)
    if rung.feared_likelihood is not None and not 0 <= rung.feared_likelihood <= 100:
        raise ValidationError({"feared_likelihood": _(
            "The likelihood of the feared outcome must be between 0 and 100 percent, not "
            "%(value)s.") % {"value": rung.feared_likelihood}})
    for value in values:
        if value.client_id != client.pk:
            raise ValidationError({"values": _(
                "Link values from this client's own value statements.")})


def _lock_plan(plan, revision):
    plan = ExposurePlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
    if revision is not None and revision != plan.ladder_revision:
        raise ValidationError({"revision": stale_ladder_message()})
    return plan


def _lock_rung(rung):
    """Lock the rung's plan, then the rung (always in this order, so writers cannot deadlock)."""
    plan_id = Rung.objects.filter(pk=rung.pk).values_list("plan_id", flat=True).get()
    plan = _lock_plan(ExposurePlan(pk=plan_id), None)
    rung = Rung.objects.select_for_update().get(pk=rung.pk)
    rung.plan = plan
    return plan, rung


def _bump(plan):
    plan.ladder_revision += 1
    plan.save(update_fields=["ladder_revision", "updated_at"])


@transaction.atomic
def add_rung(actor: Actor, plan: ExposurePlan, data: dict, values=(), *, revision=None,
             decline: RungDecline | None = None) -> Rung:
    plan = _lock_plan(plan, revision)
    client = plan.client
    values = list(values)
    rung = Rung(plan=plan, created_by=actor.user,
                **{f: data[f] for f in RUNG_FIELDS if f in data and data[f] is not None})
    rung.feared_likelihood = data.get("feared_likelihood")
    rung.own_ceiling = data.get("own_ceiling")
    rung.behaviour = (rung.behaviour or "").strip()
    _check_rung(rung, client, values)
    if rung.status == Rung.Status.ACTIVE and open_holds(client):
        raise ValidationError({"status": _hold_message()})
    last = plan.rungs.order_by("-position").values_list("position", flat=True).first()
    rung.position = (last or 0) + 1
    _full_clean(rung, exclude=["plan"])
    rung.save()
    rung.values.set(values)
    if decline is not None:
        if decline.rung.plan_id != plan.pk or not decline.is_open:
            raise ValidationError({"decline": _("That declined rung is not open on this plan.")})
        decline.alternative = rung
        decline.alternative_note = _("New rung offered as an alternative.")
        decline.resolved_at, decline.resolved_by = _now(), actor.user
        decline.save()
    _bump(plan)
    if decline is not None:
        # The alternative goes just below the declined rung, where the smaller step belongs.
        ordered = [r for r in plan.rungs.order_by("position", "id") if r.pk != rung.pk]
        at = next(i for i, r in enumerate(ordered) if r.pk == decline.rung_id)
        _renumber(actor, plan, ordered[:at] + [rung] + ordered[at:],
                  note=_("Alternative placed before the declined rung"))
    state = _rung_state(rung, [v.pk for v in values])
    _history(actor, client, rung, "create", None, state, plan=plan,
             note=_("Alternative to a declined rung") if decline else "")
    _touch(client)
    record(actor, "create", rung, client=client, details={"plan": plan.pk, **state})
    return rung


@transaction.atomic
def update_rung(actor: Actor, rung: Rung, data: dict, values=None, *, version: int) -> Rung:
    plan, rung = _lock_rung(rung)
    client = plan.client
    if version != rung.version:
        raise ValidationError({"version": stale_message()})
    before = _rung_state(rung)
    for field in RUNG_FIELDS:
        if field in data:
            setattr(rung, field, data[field])
    rung.behaviour = (rung.behaviour or "").strip()
    new_values = list(values) if values is not None else list(rung.values.all())
    _check_rung(rung, client, new_values)
    if (rung.status == Rung.Status.ACTIVE and before["status"] != rung.status
            and open_holds(client)):
        raise ValidationError({"status": _hold_message()})
    _full_clean(rung, exclude=["plan"])
    after = _rung_state(rung, [v.pk for v in new_values])
    if after == before:
        return rung
    rung.version += 1
    rung.save()
    if values is not None:
        rung.values.set(new_values)
    _bump(plan)
    _history(actor, client, rung, "update", before, after, plan=plan)
    _touch(client)
    changed = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
    record(actor, "update", rung, client=client, details={"changed": changed})
    return rung


def _renumber(actor, plan, ordered: list[Rung], note=""):
    before = [r.pk for r in plan.rungs.order_by("position", "id")]
    for position, rung in enumerate(ordered, start=1):
        if rung.position != position:
            rung.position = position
            Rung.objects.filter(pk=rung.pk).update(position=position, updated_at=_now())
    after = [r.pk for r in ordered]
    if before == after:
        return
    _bump(plan)
    ChangeRecord.objects.create(
        client=plan.client, plan=plan, object_type="exposureplan", object_id=plan.pk,
        action="reorder", before={"order": before}, after={"order": after}, note=note,
        changed_by=actor.user,
    )
    record(actor, "update", plan, client=plan.client,
           details={"reorder": {"before": before, "after": after}})


@transaction.atomic
def move_rung(actor: Actor, plan: ExposurePlan, rung_id: int, direction: str, *,
              revision) -> ExposurePlan:
    if revision is None:
        raise ValidationError({"revision": stale_ladder_message()})
    plan = _lock_plan(plan, revision)
    ordered = list(plan.rungs.order_by("position", "id"))
    index = next((i for i, r in enumerate(ordered) if r.pk == rung_id), None)
    if index is None:
        raise ValidationError({"rung": _("That rung is not on this ladder.")})
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move a rung up or down.")})
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        raise ValidationError({"direction": _("This rung cannot move further that way.")})
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(actor, plan, ordered)
    _touch(plan.client)
    return plan


@transaction.atomic
def set_order(actor: Actor, plan: ExposurePlan, rung_ids: list[int], *, revision) -> ExposurePlan:
    plan = _lock_plan(plan, revision)
    rungs = {r.pk: r for r in plan.rungs.all()}
    if sorted(rung_ids) != sorted(rungs) or len(set(rung_ids)) != len(rung_ids):
        raise ValidationError({"rung_ids": _(
            "List every rung of this ladder exactly once, in the new order.")})
    _renumber(actor, plan, [rungs[pk] for pk in rung_ids])
    _touch(plan.client)
    return plan


@transaction.atomic
def acknowledge_warning(actor: Actor, plan: ExposurePlan, *, code: str, rung_key: str | None,
                        note="") -> LadderAcknowledgement:
    current = [w for w, _ack in ladder_warnings(plan)
               if w.code == code and (w.rung_key or "") == (rung_key or "")]
    if not current:
        raise ValidationError({"code": _(
            "This warning no longer applies to the ladder; reload to see the current checks.")})
    warning = current[0]
    ack = LadderAcknowledgement(
        plan=plan, code=code, rung_key=rung_key or "", message=warning.message,
        params=fingerprint(warning.params), note=(note or "").strip(),
        acknowledged_by=actor.user,
    )
    _full_clean(ack)
    ack.save()
    ChangeRecord.objects.create(
        client=plan.client, plan=plan, object_type="exposureplan", object_id=plan.pk,
        action="acknowledge", before=None,
        after={"warning": code, "rung": rung_key, "note": ack.note},
        note=clinical_text(warning.message, warning.params), changed_by=actor.user,
    )
    record(actor, "create", ack, client=plan.client, details={"code": code, "rung": rung_key})
    return ack


@transaction.atomic
def decline_rung(actor: Actor, rung: Rung, *, reason="", declined_on=None) -> RungDecline:
    plan, rung = _lock_rung(rung)
    declined_on = declined_on or timezone.localdate()
    if declined_on > timezone.localdate():
        raise ValidationError({"declined_on": _("The date cannot be in the future.")})
    decline = RungDecline(rung=rung, reason=(reason or "").strip(), declined_on=declined_on,
                          recorded_by=actor.user)
    _full_clean(decline)
    decline.save()
    before = _rung_state(rung)
    if rung.status in (Rung.Status.PLANNED, Rung.Status.ACTIVE):
        rung.status = Rung.Status.SKIPPED
        rung.version += 1
        rung.save(update_fields=["status", "version", "updated_at"])
        _bump(plan)
    _history(actor, plan.client, rung, "decline", before, _rung_state(rung), plan=plan,
             note=_("Declined by the client (no penalty)."))
    _touch(plan.client)
    record(actor, "create", decline, client=plan.client, details={"rung": rung.pk})
    return decline


@transaction.atomic
def resolve_decline(actor: Actor, decline: RungDecline, *, note: str) -> RungDecline:
    decline = RungDecline.objects.select_for_update().select_related("rung__plan__client").get(
        pk=decline.pk)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"alternative_note": _(
            "Describe the alternative you offered (or why none is needed).")})
    if not decline.is_open:
        raise ValidationError({"alternative_note": _("This decline was already followed up.")})
    decline.alternative_note = note
    decline.resolved_at, decline.resolved_by = _now(), actor.user
    _full_clean(decline)
    decline.save()
    record(actor, "update", decline, client=decline.rung.plan.client,
           details={"alternative_note": note})
    return decline
