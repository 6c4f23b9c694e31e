"""Writes for safety parameters: a new version for each change, and the client's acknowledgement."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.models import Client
from bravely.clinical.scales import ClinicalInputError, validate_distress
from bravely.planning.models.safety import SafetyAcknowledgement, SafetyParameters
from bravely.planning.selectors.config import crisis_resources_for
from bravely.planning.selectors.safety import COPING_KINDS, current_safety, scale_of
from bravely.planning.services._common import _full_clean, _touch, stale_message
from bravely.planning.text import clinical_error


def check_distress(client: Client, value, field: str, label, *, required=True):
    if value is None:
        if required:
            raise ValidationError({field: _("This field is required.")})
        return
    try:
        validate_distress(scale_of(client), value, field)
    except ClinicalInputError as error:
        raise clinical_error(error, field, label) from None


def _clean_lines(items, field, label, *, limit=300):
    cleaned = [str(item).strip() for item in items or [] if str(item).strip()]
    for item in cleaned:
        if len(item) > limit:
            raise ValidationError({field: _("Each entry of “%(label)s” can have at most "
                                            "%(limit)s characters.") % {"label": label,
                                                                       "limit": limit}})
    if len(cleaned) > 30:
        raise ValidationError({field: _("Keep “%(label)s” to 30 entries or fewer.") % {
            "label": label}})
    return cleaned


def _clean_skills(skills):
    cleaned = []
    for skill in skills or []:
        kind = skill.get("kind") or ""
        description = str(skill.get("description") or "").strip()
        if not description and kind in ("", "custom"):
            continue
        if kind not in COPING_KINDS:
            raise ValidationError({"coping_skills": _("Choose breathing, grounding, reappraisal "
                                                      "or custom for each coping skill.")})
        if len(description) > 300:
            raise ValidationError({"coping_skills": _("Describe each coping skill in at most "
                                                      "300 characters.")})
        cleaned.append({"kind": kind, "description": description,
                        "allowed_during_exposure": bool(skill.get("allowed_during_exposure"))})
    return cleaned


def _clean_contacts(contacts):
    cleaned = []
    for contact in contacts or []:
        name = str(contact.get("name", "")).strip()
        reach = str(contact.get("contact", "")).strip()
        relationship = str(contact.get("relationship", "")).strip()
        if not (name or reach or relationship):
            continue
        if not name or not reach:
            raise ValidationError({"support_contacts": _(
                "Give each support contact a name and a way to reach them.")})
        if max(len(name), len(reach), len(relationship)) > 150:
            raise ValidationError({"support_contacts": _(
                "Keep each support contact's details to 150 characters.")})
        cleaned.append({"name": name, "relationship": relationship, "contact": reach})
    return cleaned


SAFETY_CONTENT = ("distress_scale", "distress_ceiling", "coping_level", "exit_strategies",
                  "escalation_plan", "setback_plan", "coping_skills", "support_contacts",
                  "crisis_resources")


def _safety_content(parameters: SafetyParameters) -> list:
    return [getattr(parameters, f) for f in SAFETY_CONTENT]


@transaction.atomic
def create_safety_version(actor: Actor, client: Client, data: dict) -> SafetyParameters:
    """A new version of the client's safety parameters; earlier versions stay as they were."""
    ceiling = data.get("distress_ceiling")
    coping = data.get("coping_level")
    check_distress(client, ceiling, "distress_ceiling", _("Distress ceiling"))
    check_distress(client, coping, "coping_level", _("Use-my-coping-plan level"), required=False)
    if coping is not None and ceiling <= coping:
        raise ValidationError({"distress_ceiling": _(
            "The distress ceiling (%(ceiling)s) must be above the use-my-coping-plan level "
            "(%(coping)s).") % {"ceiling": ceiling, "coping": coping}})
    exits = _clean_lines(data.get("exit_strategies"), "exit_strategies",
                         _("Exit strategies and escape routes"))
    if not exits:
        raise ValidationError({"exit_strategies": _(
            "Agree at least one exit strategy or escape route with the client.")})
    last = (SafetyParameters.objects.select_for_update().filter(client=client)
            .order_by("-version").first())
    expected = data.get("based_on")
    if expected is not None and (last.version if last else 0) != expected:
        raise ValidationError({"based_on": stale_message()})
    parameters = SafetyParameters(
        client=client, version=(last.version + 1) if last else 1,
        distress_scale=client.distress_scale, distress_ceiling=ceiling, coping_level=coping,
        exit_strategies=exits,
        escalation_plan=(data.get("escalation_plan") or "").strip(),
        setback_plan=(data.get("setback_plan") or "").strip(),
        coping_skills=_clean_skills(data.get("coping_skills")),
        support_contacts=_clean_contacts(data.get("support_contacts")),
        crisis_resources=[r.snapshot() for r in crisis_resources_for(client)],
        change_note=(data.get("change_note") or "").strip(), recorded_by=actor.user,
    )
    _full_clean(parameters)
    if last is not None and _safety_content(last) == _safety_content(parameters):
        raise ValidationError(_("Nothing changed since version %(version)s, which stays in "
                                "force; the client need not acknowledge it again.") % {
                                    "version": last.version})
    parameters.save()
    _touch(client)
    record(actor, "create", parameters, client=client, details={
        "version": parameters.version, "distress_ceiling": ceiling, "coping_level": coping})
    return parameters


@transaction.atomic
def acknowledge_safety(actor: Actor, parameters: SafetyParameters, *,
                       method=SafetyAcknowledgement.Method.SESSION,
                       note="") -> SafetyAcknowledgement:
    current = current_safety(parameters.client)
    if current is None or current.version != parameters.version:
        raise ValidationError({"parameters": _(
            "Only the version in force can be acknowledged; this one was replaced.")})
    ack = SafetyAcknowledgement(parameters=parameters, method=method, note=(note or "").strip(),
                                recorded_by=actor.user)
    _full_clean(ack)
    ack.save()
    record(actor, "create", ack, client=parameters.client,
           details={"version": parameters.version, "method": method})
    return ack
