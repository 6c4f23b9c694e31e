"""Writes for pace: the options offered to the client and the client's choice."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.audit.services import Actor, record
from bravely.planning.models.history import ChangeRecord
from bravely.planning.models.ladder import ExposurePlan
from bravely.planning.models.pace import PaceDecision
from bravely.planning.services._common import _full_clean, _touch


def _clean_option(option: dict) -> dict:
    try:
        cleaned = {
            "key": str(option["key"]).strip()[:16],
            "label": str(option.get("label") or option["key"]).strip()[:60],
            "sessions_per_week": int(option["sessions_per_week"]),
            "practices_per_week": int(option["practices_per_week"]),
            "rungs_per_week": float(option["rungs_per_week"]),
        }
    except (KeyError, TypeError, ValueError):
        raise ValidationError({"options": _(
            "Each option needs sessions, practices and rungs per week.")}) from None
    if not cleaned["key"]:
        raise ValidationError({"options": _("Each option needs a name.")})
    if not (0 <= cleaned["sessions_per_week"] <= 7 and 1 <= cleaned["practices_per_week"] <= 21
            and 0 < cleaned["rungs_per_week"] <= 7):
        raise ValidationError({"options": _(
            "%(label)s: sessions 0-7, practices 1-21 and rungs more than 0 and at most 7 per "
            "week.") % {"label": cleaned["label"]}})
    return cleaned


@transaction.atomic
def record_pace(actor: Actor, plan: ExposurePlan, *, options, chosen: str, reasons: str,
                decided_on=None) -> PaceDecision:
    options = [_clean_option(o) for o in options]
    keys = [o["key"] for o in options]
    if len(options) < 2:
        raise ValidationError({"options": _(
            "Offer the client at least two pacing options to choose from.")})
    if len(set(keys)) != len(keys):
        raise ValidationError({"options": _("Each option needs its own name.")})
    if chosen not in keys:
        raise ValidationError({"chosen": _("The client's choice must be one of the options "
                                           "offered.")})
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Record the client's reasons in their words.")})
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The date cannot be in the future.")})
    decision = PaceDecision(plan=plan, options=options, chosen=chosen, reasons=reasons,
                            decided_on=decided_on, recorded_by=actor.user)
    _full_clean(decision)
    decision.save()
    ChangeRecord.objects.create(
        client=plan.client, plan=plan, object_type="exposureplan", object_id=plan.pk,
        action="pace", before=None, after={"chosen": chosen, "offered": keys},
        changed_by=actor.user,
    )
    _touch(plan.client)
    record(actor, "decide", decision, client=plan.client,
           details={"chosen": chosen, "offered": keys})
    return decision
