"""The readiness screen: a yes puts exposure on hold until a clinician records a clearance."""

from ninja import Status

from bravely.api.planning.common import Router, actor, viewed
from bravely.api.planning.schemas.readiness import ClearanceIn, HoldOut, ReadinessIn, ScreenOut
from bravely.clients.selectors import get_client
from bravely.planning.selectors import readiness as readiness_selectors
from bravely.planning.services import readiness as readiness_services

router = Router()


@router.get("/clients/{int:client_id}/readiness", response=list[ScreenOut],
            summary="Readiness screens with their flags, holds and clearances")
def list_readiness(request, client_id: int):
    client = get_client(request.user, client_id)
    screens = list(readiness_selectors.readiness_screens(client))
    viewed(request, client, client, readiness=[s.pk for s in screens])
    return screens


@router.post("/clients/{int:client_id}/readiness", response={201: ScreenOut},
             summary="Record a readiness screen; a yes puts exposure on hold")
def create_readiness(request, client_id: int, payload: ReadinessIn):
    client = get_client(request.user, client_id, write=True)
    answers = payload.dict(exclude={"note"})
    screen = readiness_services.record_readiness(actor(request), client, answers, note=payload.note)
    return Status(201, readiness_selectors.readiness_screens(client).get(pk=screen.pk))


@router.post("/clients/{int:client_id}/readiness/holds/{int:hold_id}/clearance",
             response={201: HoldOut}, summary="Clear a readiness hold, with a rationale")
def clear_hold(request, client_id: int, hold_id: int, payload: ClearanceIn):
    _client, hold = readiness_selectors.get_hold(request.user, client_id, hold_id, write=True)
    readiness_services.clear_hold(actor(request), hold, payload.rationale)
    return Status(201, type(hold).objects.prefetch_related("clearances").get(pk=hold.pk))
