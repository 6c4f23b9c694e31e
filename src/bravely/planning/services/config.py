"""Writes for practice configuration: planning settings, value domains and crisis resources."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clinical.scales import ClinicalInputError
from bravely.clinical.values import DEFAULT_DOMAINS
from bravely.planning.models.config import CrisisResource, PlanningSettings, ValueDomain
from bravely.planning.selectors.config import ladder_policy, scoring_formula
from bravely.planning.services._common import _full_clean
from bravely.planning.text import clinical_error

SETTINGS_FIELDS = (
    "product_composite", "gap_count", "min_gap", "min_importance", "max_step_percent",
    "usual_start_low", "usual_start_high", "start_tolerance_percent", "min_rungs", "max_rungs",
)


@transaction.atomic
def update_planning_settings(actor: Actor, practice, data: dict) -> PlanningSettings:
    settings, _created = PlanningSettings.objects.select_for_update().get_or_create(
        practice=practice)
    before = {f: getattr(settings, f) for f in SETTINGS_FIELDS}
    for field in SETTINGS_FIELDS:
        if field in data:
            setattr(settings, field, data[field])
    _full_clean(settings)
    if settings.usual_start_low > settings.usual_start_high:
        raise ValidationError({"usual_start_low": _(
            "The usual first rung range must start at or below where it ends.")})
    if settings.min_rungs > settings.max_rungs:
        raise ValidationError({"min_rungs": _(
            "The fewest rungs must not be more than the most rungs.")})
    try:
        scoring_formula(settings)
        ladder_policy(settings)
    except ClinicalInputError as error:
        raise clinical_error(error) from None
    settings.save()
    changed = {f: [before[f], getattr(settings, f)] for f in SETTINGS_FIELDS
               if before[f] != getattr(settings, f)}
    record(actor, "update", settings, practice_id=practice.pk, details={"changed": changed})
    return settings


def seed_value_domains(practice) -> None:
    """Give a practice the default life domains the first time it needs them."""
    if ValueDomain.objects.filter(practice=practice).exists():
        return
    ValueDomain.objects.bulk_create(
        ValueDomain(practice=practice, name=str(label), position=i)
        for i, (_key, label) in enumerate(DEFAULT_DOMAINS)
    )


@transaction.atomic
def save_value_domain(actor: Actor, practice, domain: ValueDomain | None, data: dict):
    creating = domain is None
    domain = domain or ValueDomain(practice=practice)
    before = {"name": domain.name, "position": domain.position, "is_active": domain.is_active}
    for field in ("name", "position", "is_active"):
        if field in data:
            setattr(domain, field, data[field])
    domain.name = (domain.name or "").strip()
    _full_clean(domain)
    clash = ValueDomain.objects.filter(practice=practice, name__iexact=domain.name)
    if clash.exclude(pk=domain.pk).exists():
        raise ValidationError({"name": _("The practice already has a domain with this name.")})
    domain.save()
    after = {"name": domain.name, "position": domain.position, "is_active": domain.is_active}
    record(actor, "create" if creating else "update", domain, practice_id=practice.pk,
           details={"before": None if creating else before, "after": after})
    return domain


CRISIS_FIELDS = ("region", "name", "contact", "url", "notes", "needs_verification", "position",
                 "is_active")


@transaction.atomic
def save_crisis_resource(actor: Actor, practice, resource: CrisisResource | None, data: dict):
    creating = resource is None
    resource = resource or CrisisResource(practice=practice)
    before = {f: getattr(resource, f) for f in CRISIS_FIELDS}
    for field in CRISIS_FIELDS:
        if field in data:
            setattr(resource, field, data[field])
    resource.region = (resource.region or "").strip().upper()
    _full_clean(resource)
    from bravely.clients.forms import region_validator

    try:
        region_validator(resource.region)
    except ValidationError as error:
        raise ValidationError({"region": error.messages}) from None
    resource.save()
    record(actor, "create" if creating else "update", resource, practice_id=practice.pk,
           details={"before": None if creating else before,
                    "after": {f: getattr(resource, f) for f in CRISIS_FIELDS}})
    return resource
