"""Safety parameters: every version, with crisis resources and readiness holds beside them."""

from ninja import Status

from bravely.api.planning.common import Router, actor, viewed
from bravely.api.planning.schemas.safety import AckIn, AckOut, SafetyIn, SafetyOut, SafetyOverview
from bravely.clients.selectors import get_client
from bravely.planning.selectors import config as config_selectors
from bravely.planning.selectors import readiness as readiness_selectors
from bravely.planning.selectors import safety as safety_selectors
from bravely.planning.services import safety as safety_services

router = Router()


@router.get("/clients/{int:client_id}/safety", response=SafetyOverview,
            summary="Safety parameters (all versions), crisis resources and readiness holds")
def read_safety(request, client_id: int):
    client = get_client(request.user, client_id)
    versions = list(safety_selectors.safety_versions(client))
    viewed(request, versions[0] if versions else client, client, page="safety")
    holds = readiness_selectors.open_holds(client)
    return {"current": versions[0] if versions else None, "versions": versions,
            "crisis_resources": config_selectors.crisis_resources_for(client),
            "on_hold": bool(holds), "open_holds": holds}


@router.post("/clients/{int:client_id}/safety", response={201: SafetyOut},
             summary="Record a new version of the safety parameters")
def create_safety(request, client_id: int, payload: SafetyIn):
    client = get_client(request.user, client_id, write=True)
    parameters = safety_services.create_safety_version(actor(request), client, payload.dict())
    return Status(201, safety_selectors.safety_versions(client).get(pk=parameters.pk))


@router.post("/clients/{int:client_id}/safety/{int:version_id}/acknowledgements",
             response={201: AckOut}, summary="Record the client's acknowledgement of a version")
def acknowledge_safety(request, client_id: int, version_id: int, payload: AckIn):
    _client, parameters = safety_selectors.get_safety_version(request.user, client_id, version_id,
                                                       write=True)
    ack = safety_services.acknowledge_safety(actor(request), parameters, method=payload.method,
                                      note=payload.note)
    return Status(201, ack)
