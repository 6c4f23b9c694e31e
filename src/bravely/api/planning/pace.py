"""Pace: the options offered for a plan and the one the client chose, with their reasons."""

from ninja import Status

from bravely.api.planning.common import Router, actor, viewed
from bravely.api.planning.schemas.pace import PaceIn, PaceOut, PaceOverview
from bravely.planning.selectors import ladder as ladder_selectors
from bravely.planning.selectors import pace as pace_selectors
from bravely.planning.services import pace as pace_services

router = Router()


@router.get("/clients/{int:client_id}/plans/{int:plan_id}/pace", response=PaceOverview,
            summary="Pace decisions, newest first, and the default options")
def list_pace(request, client_id: int, plan_id: int):
    client, plan = ladder_selectors.get_plan(request.user, client_id, plan_id)
    viewed(request, plan, client, page="pace")
    return {"decisions": list(pace_selectors.pace_decisions(plan)),
            "default_options": pace_selectors.default_pace_options()}


@router.post("/clients/{int:client_id}/plans/{int:plan_id}/pace", response={201: PaceOut},
             summary="Record the pace the client chose among the options offered")
def create_pace(request, client_id: int, plan_id: int, payload: PaceIn):
    _client, plan = ladder_selectors.get_plan(request.user, client_id, plan_id, write=True)
    decision = pace_services.record_pace(actor(request), plan,
                                    options=[o.dict() for o in payload.options],
                                    chosen=payload.chosen, reasons=payload.reasons,
                                    decided_on=payload.decided_on)
    return Status(201, decision)
