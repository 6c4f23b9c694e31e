"""Reads of exposure plans and their ladders: plans, rungs, declines and the ladder checks with
their acknowledgements."""

from django.db.models import Prefetch

from bravely.clinical.ladder import LadderWarning, RungSpec, check_ladder
from bravely.clinical.scales import ClinicalInputError, _
from bravely.planning.models.homework import HomeworkAssignment, Rationale
from bravely.planning.models.ladder import ExposurePlan, LadderAcknowledgement, Rung, RungDecline
from bravely.planning.models.values import ValueStatement
from bravely.planning.selectors._common import _scoped
from bravely.planning.selectors.config import ladder_policy, planning_settings
from bravely.planning.selectors.safety import current_safety, scale_of

SCALE_MISMATCH = "scale_mismatch"


def fingerprint(params: dict) -> dict:
    """A warning's params without positions and counts: what an acknowledgement is matched on, so
    it still holds after the rungs are reordered or their number changes."""
    return {k: v for k, v in params.items() if k not in ("position", "previous_position",
                                                         "count")}


def plans(client):
    return ExposurePlan.objects.filter(client=client).select_related("created_by")


def get_plan(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, ExposurePlan.objects.select_related("created_by"), pk,
                   write=write)


def ladder_rungs(plan):
    """The plan's rungs in order, with everything the ladder page shows, in a fixed number of
    queries."""
    return list(
        Rung.objects.filter(plan=plan).order_by("position", "id")
        .prefetch_related(
            Prefetch("values", ValueStatement.objects.select_related("domain")),
            Prefetch("declines", RungDecline.objects.select_related("recorded_by",
                                                                    "alternative")),
            Prefetch("assignments", HomeworkAssignment.objects.order_by("-starts_on", "-id")
                     .prefetch_related(Prefetch("rationales",
                                                Rationale.objects.order_by("-signed_at",
                                                                           "-id")))),
        )
    )


def get_rung(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, Rung.objects.select_related("plan"), pk, write=write,
                   client_field="plan__client")


def get_decline(user, client_pk, pk, *, write=False):
    return _scoped(user, client_pk, RungDecline.objects.select_related("rung__plan"), pk,
                   write=write, client_field="rung__plan__client")


def _rung_specs(rungs):
    return [RungSpec(key=str(r.pk), position=r.position, predicted_distress=r.predicted_distress,
                     value_keys=tuple(str(v.pk) for v in r.values.all()),
                     own_ceiling=r.own_ceiling, status=r.status) for r in rungs]


def ladder_warnings(plan, rungs=None, safety=None, settings=None, *, safety_known=False):
    """[(LadderWarning, LadderAcknowledgement or None)] from `clinical.ladder.check_ladder`."""
    client = plan.client
    rungs = ladder_rungs(plan) if rungs is None else rungs
    if not safety_known:
        safety = current_safety(client)
    settings = settings or planning_settings(client.practice)
    ceiling = None
    if safety is not None and safety.distress_scale == client.distress_scale:
        ceiling = safety.distress_ceiling
    try:
        warnings = check_ladder(_rung_specs(rungs), scale_of(client), ceiling,
                                ladder_policy(settings))
    except ClinicalInputError:
        warnings = [LadderWarning(
            SCALE_MISMATCH, None,
            _("Some rungs or the ceiling are not on the client's current distress scale; "
              "re-rate them on the {scale} scale."),
            {"scale": scale_of(client).label})]
    acks = list(LadderAcknowledgement.objects.filter(plan=plan).select_related(
        "acknowledged_by"))
    result = []
    for warning in warnings:
        params = fingerprint(warning.params)
        ack = next((a for a in acks if a.code == warning.code
                    and a.rung_key == (warning.rung_key or "") and a.params == params), None)
        result.append((warning, ack))
    return result


def open_declines(plan):
    return (RungDecline.objects.filter(rung__plan=plan, resolved_at__isnull=True)
            .select_related("rung"))
