"""Reads of safety: the parameters in force and their versions, the client's distress scale and
coping skill labels."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from bravely.clinical.scales import DistressScale
from bravely.planning.models.safety import CopingKind, SafetyAcknowledgement, SafetyParameters
from bravely.planning.selectors._common import _scoped

COPING_KINDS = tuple(CopingKind.values)


def skill_label(skill: dict) -> str:
    if skill.get("description"):
        return skill["description"]
    return str(CopingKind(skill["kind"]).label) if skill.get("kind") in COPING_KINDS else ""


def scale_of(client_or_scale) -> DistressScale:
    key = getattr(client_or_scale, "distress_scale", client_or_scale)
    return DistressScale(key)


def current_safety(client) -> SafetyParameters | None:
    """The safety parameters in force: the client's latest version (None before the first)."""
    return (SafetyParameters.objects.filter(client=client).select_related("recorded_by")
            .order_by("-version").first())


def safety_versions(client):
    return (SafetyParameters.objects.filter(client=client).select_related("recorded_by")
            .prefetch_related(Prefetch("acknowledgements",
                                       SafetyAcknowledgement.objects.select_related(
                                           "recorded_by"))))


def get_safety_version(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, safety_versions_all(), pk, write=write)


def safety_versions_all():
    return SafetyParameters.objects.select_related("recorded_by")


def coping_gap(parameters) -> str:
    """A warning when the parameters say "at <level>, use my coping plan" but allow no coping
    skill during exposures, so there is nothing to use at that point; "" when they make sense."""
    if parameters is None or parameters.coping_level is None:
        return ""
    if parameters.allowed_skills():
        return ""
    return _("At %(level)s the client is to use their coping plan, but no coping skill is allowed "
             "during exposures: allow at least one (tick “allowed during exposures”), or leave "
             "the coping level empty.") % {"level": parameters.coping_level}
