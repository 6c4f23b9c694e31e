"""Practice configuration: life domains, crisis resources and planning settings. Anyone on the
staff reads them; changes need a practice admin."""

from django.shortcuts import get_object_or_404
from ninja import Status

from bravely.accounts.selectors import get_admin_membership
from bravely.api.planning.common import Router, actor
from bravely.api.planning.schemas.config import (
    CrisisIn,
    CrisisOut,
    CrisisPatch,
    DomainIn,
    DomainOut,
    DomainPatch,
    SettingsIn,
    SettingsIO,
)
from bravely.planning.models import CrisisResource, ValueDomain
from bravely.planning.selectors import config as config_selectors
from bravely.planning.services import config as config_services

router = Router()


@router.get("/value-domains", response=list[DomainOut], summary="The practice's life domains")
def list_domains(request):
    membership = request.user.membership
    config_services.seed_value_domains(membership.practice)
    return list(config_selectors.domains(membership.practice, active_only=False))


@router.post("/value-domains", response={201: DomainOut}, summary="Add a life domain (admin)")
def create_domain(request, payload: DomainIn):
    membership = get_admin_membership(request.user)
    domain = config_services.save_value_domain(actor(request), membership.practice, None,
                                        payload.dict())
    return Status(201, domain)


@router.patch("/value-domains/{int:domain_id}", response=DomainOut,
              summary="Rename, reorder or retire a life domain (admin)")
def update_domain(request, domain_id: int, payload: DomainPatch):
    membership = get_admin_membership(request.user)
    domain = get_object_or_404(ValueDomain, pk=domain_id, practice_id=membership.practice_id)
    return config_services.save_value_domain(actor(request), membership.practice, domain,
                                      payload.dict(exclude_unset=True))


@router.get("/crisis-resources", response=list[CrisisOut],
            summary="The practice's crisis resources by region")
def list_crisis(request):
    return list(config_selectors.crisis_resources(request.user.membership.practice_id))


@router.post("/crisis-resources", response={201: CrisisOut},
             summary="Add a crisis resource (admin)")
def create_crisis(request, payload: CrisisIn):
    membership = get_admin_membership(request.user)
    resource = config_services.save_crisis_resource(actor(request), membership.practice, None,
                                             payload.dict())
    return Status(201, resource)


@router.patch("/crisis-resources/{int:resource_id}", response=CrisisOut,
              summary="Change a crisis resource (admin)")
def update_crisis(request, resource_id: int, payload: CrisisPatch):
    membership = get_admin_membership(request.user)
    resource = get_object_or_404(CrisisResource, pk=resource_id,
                                 practice_id=membership.practice_id)
    return config_services.save_crisis_resource(actor(request), membership.practice, resource,
                                         payload.dict(exclude_unset=True))


@router.get("/planning-settings", response=SettingsIO,
            summary="Values scoring and ladder check settings")
def read_settings(request):
    return config_selectors.planning_settings(request.user.membership.practice)


@router.put("/planning-settings", response=SettingsIO,
            summary="Change values scoring and ladder check settings (admin)")
def update_settings(request, payload: SettingsIn):
    membership = get_admin_membership(request.user)
    return config_services.update_planning_settings(actor(request), membership.practice,
                                             payload.dict())
