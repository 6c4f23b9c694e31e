"""Writes for the readiness screen: the screen with its holds, and a clinician's clearance."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.clients.models import Client
from bravely.clinical import readiness as clinical_readiness
from bravely.clinical.scales import ClinicalInputError
from bravely.planning.models.readiness import Clearance, ReadinessHold, ReadinessScreen
from bravely.planning.selectors.readiness import READINESS_FIELDS
from bravely.planning.services._common import _full_clean, _touch
from bravely.planning.text import clinical_error


@transaction.atomic
def record_readiness(actor: Actor, client: Client, answers: dict, note="") -> ReadinessScreen:
    for field in READINESS_FIELDS:
        if not isinstance(answers.get(field), bool):
            raise ValidationError({field: _("Answer yes or no.")})
    try:
        result = clinical_readiness.evaluate_readiness(
            clinical_readiness.ReadinessScreen(**{f: answers[f] for f in READINESS_FIELDS}))
    except ClinicalInputError as error:
        raise clinical_error(error) from None
    screen = ReadinessScreen(client=client, answers={f: answers[f] for f in READINESS_FIELDS},
                             note=(note or "").strip(), screened_by=actor.user)
    _full_clean(screen)
    screen.save()
    holds = [ReadinessHold(screen=screen, client=client, code=flag.code, needs=flag.needs,
                           message=flag.message, params=flag.params)
             for flag in result.flags if flag.holds]
    ReadinessHold.objects.bulk_create(holds)
    _touch(client)
    record(actor, "create", screen, client=client, details={
        "on_hold": result.on_hold, "holds": [h.code for h in holds]})
    return screen


@transaction.atomic
def clear_hold(actor: Actor, hold: ReadinessHold, rationale: str) -> Clearance:
    rationale = (rationale or "").strip()
    if len(rationale) < 10:
        raise ValidationError({"rationale": _(
            "Write the rationale for this clearance (at least 10 characters).")})
    hold = ReadinessHold.objects.select_for_update().get(pk=hold.pk)
    if hold.clearances.exists():
        raise ValidationError({"rationale": _("This hold was already cleared.")})
    clearance = Clearance(hold=hold, rationale=rationale, cleared_by=actor.user)
    _full_clean(clearance)
    clearance.save()
    record(actor, "create", clearance, client=hold.client,
           details={"code": hold.code, "needs": hold.needs})
    return clearance
