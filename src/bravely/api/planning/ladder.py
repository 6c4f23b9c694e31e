"""Exposure plans and their ladders: rungs, order, ladder checks' warnings and declines."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Status

from bravely.api.planning.common import Router, actor, viewed
from bravely.api.planning.schemas.common import ChangeOut
from bravely.api.planning.schemas.ladder import (
    DeclineIn,
    DeclineOut,
    MoveIn,
    OrderIn,
    PlanDetail,
    PlanIn,
    PlanOut,
    PlanPatch,
    ResolveIn,
    RungIn,
    RungOut,
    RungPatch,
    WarningAckIn,
    WarningAckOut,
)
from bravely.clients.selectors import get_client
from bravely.planning.models import ExposurePlan, Rung, ValueStatement
from bravely.planning.selectors import history as history_selectors
from bravely.planning.selectors import ladder as ladder_selectors
from bravely.planning.selectors import pace as pace_selectors
from bravely.planning.selectors import readiness as readiness_selectors
from bravely.planning.services import ladder as ladder_services
from bravely.planning.text import clinical_text

router = Router()


def _plan_detail(client, plan):
    plan = ExposurePlan.objects.get(pk=plan.pk)
    plan.client = client
    rungs = ladder_selectors.ladder_rungs(plan)
    warnings = ladder_selectors.ladder_warnings(plan, rungs)
    return {
        **{f: getattr(plan, f) for f in ("id", "title", "description", "approach", "status",
                                         "version", "ladder_revision", "created_at",
                                         "updated_at")},
        "on_hold": bool(readiness_selectors.open_holds(client)),
        "rungs": rungs,
        "warnings": [{"code": w.code, "rung_id": int(w.rung_key) if w.rung_key and
                      w.rung_key.isdigit() else None, "severity": w.severity,
                      "message": clinical_text(w.message, w.params),
                      "acknowledged": ack is not None,
                      "acknowledged_by_id": ack.acknowledged_by_id if ack else None,
                      "note": ack.note if ack else ""} for w, ack in warnings],
        "pace": pace_selectors.current_pace(plan),
    }


def _values(ids):
    """The value statements with these ids; an unknown id is a field error. Whose statements
    they are is the service's check (the same field and message)."""
    ids = list(dict.fromkeys(ids))
    found = list(ValueStatement.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"values": _("Link values from this client's own value "
                                           "statements.")})
    return found


def _rung(rung_id):
    return Rung.objects.prefetch_related("values", "declines").get(pk=rung_id)


@router.get("/clients/{int:client_id}/plans", response=list[PlanOut], summary="Exposure plans")
def list_plans(request, client_id: int):
    client = get_client(request.user, client_id)
    plans = list(ladder_selectors.plans(client))
    viewed(request, client, client, plans=[p.pk for p in plans])
    return plans


@router.post("/clients/{int:client_id}/plans", response={201: PlanDetail},
             summary="Create an exposure plan")
def create_plan(request, client_id: int, payload: PlanIn):
    client = get_client(request.user, client_id, write=True)
    plan = ladder_services.create_plan(actor(request), client, payload.dict())
    return Status(201, _plan_detail(client, plan))


@router.get("/clients/{int:client_id}/plans/{int:plan_id}", response=PlanDetail,
            summary="A plan with its ladder, ladder checks and pace")
def read_plan(request, client_id: int, plan_id: int):
    client, plan = ladder_selectors.get_plan(request.user, client_id, plan_id)
    viewed(request, plan, client)
    return _plan_detail(client, plan)


@router.patch("/clients/{int:client_id}/plans/{int:plan_id}", response=PlanDetail,
              summary="Change a plan (send the version you read)")
def update_plan(request, client_id: int, plan_id: int, payload: PlanPatch):
    client, plan = ladder_selectors.get_plan(request.user, client_id, plan_id, write=True)
    ladder_services.update_plan(actor(request), plan, payload.dict(exclude_unset=True,
                                                            exclude={"version"}),
                         version=payload.version)
    return _plan_detail(client, plan)


@router.get("/clients/{int:client_id}/plans/{int:plan_id}/history", response=list[ChangeOut],
            summary="Every change to the plan and its rungs")
def plan_history(request, client_id: int, plan_id: int):
    client, plan = ladder_selectors.get_plan(request.user, client_id, plan_id)
    viewed(request, plan, client, page="history")
    return list(history_selectors.plan_history(plan)[:500])


@router.post("/clients/{int:client_id}/plans/{int:plan_id}/rungs", response={201: RungOut},
             summary="Add a rung at the top of the ladder")
def create_rung(request, client_id: int, plan_id: int, payload: RungIn):
    _client, plan = ladder_selectors.get_plan(request.user, client_id, plan_id, write=True)
    values = _values(payload.values)
    decline = None
    if payload.decline_id is not None:
        _c, decline = ladder_selectors.get_decline(request.user, client_id, payload.decline_id,
                                            write=True)
    data = payload.dict(exclude={"values", "revision", "decline_id"})
    rung = ladder_services.add_rung(actor(request), plan, data, values, revision=payload.revision,
                             decline=decline)
    return Status(201, _rung(rung.pk))


@router.patch("/clients/{int:client_id}/rungs/{int:rung_id}", response=RungOut,
              summary="Change a rung (send the version you read)")
def update_rung(request, client_id: int, rung_id: int, payload: RungPatch):
    _client, rung = ladder_selectors.get_rung(request.user, client_id, rung_id, write=True)
    data = payload.dict(exclude_unset=True, exclude={"version", "values"})
    values = _values(payload.values) if payload.values is not None else None
    ladder_services.update_rung(actor(request), rung, data, values, version=payload.version)
    return _rung(rung.pk)


@router.put("/clients/{int:client_id}/plans/{int:plan_id}/order", response=PlanDetail,
            summary="Reorder the ladder (send the ladder revision you read)")
def order_rungs(request, client_id: int, plan_id: int, payload: OrderIn):
    client, plan = ladder_selectors.get_plan(request.user, client_id, plan_id, write=True)
    ladder_services.set_order(actor(request), plan, payload.rung_ids, revision=payload.revision)
    return _plan_detail(client, plan)


@router.post("/clients/{int:client_id}/rungs/{int:rung_id}/move", response=PlanDetail,
             summary="Move one rung up or down (send the ladder revision you read)")
def move_rung(request, client_id: int, rung_id: int, payload: MoveIn):
    client, rung = ladder_selectors.get_rung(request.user, client_id, rung_id, write=True)
    ladder_services.move_rung(actor(request), rung.plan, rung.pk, payload.direction,
                       revision=payload.revision)
    return _plan_detail(client, rung.plan)


@router.post("/clients/{int:client_id}/plans/{int:plan_id}/acknowledgements",
             response={201: WarningAckOut}, summary="Acknowledge a ladder check's warning")
def acknowledge_warning(request, client_id: int, plan_id: int, payload: WarningAckIn):
    client, plan = ladder_selectors.get_plan(request.user, client_id, plan_id, write=True)
    plan.client = client
    ack = ladder_services.acknowledge_warning(
        actor(request), plan, code=payload.code,
        rung_key=str(payload.rung_id) if payload.rung_id is not None else None,
        note=payload.note)
    return Status(201, ack)


@router.post("/clients/{int:client_id}/rungs/{int:rung_id}/declines", response={201: DeclineOut},
             summary="Record that the client declined a rung (no penalty)")
def decline_rung(request, client_id: int, rung_id: int, payload: DeclineIn):
    _client, rung = ladder_selectors.get_rung(request.user, client_id, rung_id, write=True)
    decline = ladder_services.decline_rung(actor(request), rung, reason=payload.reason,
                                    declined_on=payload.declined_on)
    return Status(201, decline)


@router.post("/clients/{int:client_id}/declines/{int:decline_id}/resolve", response=DeclineOut,
             summary="Record the alternative offered after a decline")
def resolve_decline(request, client_id: int, decline_id: int, payload: ResolveIn):
    _client, decline = ladder_selectors.get_decline(request.user, client_id, decline_id, write=True)
    return ladder_services.resolve_decline(actor(request), decline, note=payload.alternative_note)
