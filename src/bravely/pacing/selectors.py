"""Reads for pacing, scoped through `clients.selectors` (404 outside the user's scope).

`needs_attention(user)` is the clinician's queue: the caseload annotated with what needs attention,
in a constant number of queries whatever its size (subqueries, no per-client queries).
"""

from datetime import timedelta

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bravely.clients.selectors import CareTeam, editable_clients, get_client, visible_clients
from bravely.maintenance.models import BoosterOffer
from bravely.pacing.models import Kind, PacingState, Recommendation
from bravely.practice.models import CheckIn, PracticeLog, RiskAlert, StopEvent

ATTENTION_DAYS = 14
Status = Recommendation.Status


def refresh_failure(client) -> PacingState | None:
    """The client's pacing state when its last refresh failed (recommendations may be out of
    date), else None."""
    return PacingState.objects.filter(client=client, failed_at__isnull=False).first()


def recommendations(client, status: str = ""):
    found = Recommendation.objects.filter(client=client).select_related(
        "plan", "rung", "decided_by")
    if status:
        found = found.filter(status=status)
    return found


def open_recommendations(client):
    """Open ones, crisis follow-up first, then by the engine's priority."""
    return recommendations(client, Status.OPEN).order_by("priority", "created_at", "id")


def grouped(recs) -> list[tuple[object, list]]:
    """Open recommendations as (head, alternatives): per plan and rung one head, the primary
    (or, when it was decided already, the first open one), the others folded under it. Items
    with no rung (crisis follow-up, plan-wide) stand alone. Order is the order given."""
    groups: dict = {}
    for rec in recs:
        key = (rec.plan_id, rec.rung_id) if rec.rung_id is not None else ("one", rec.pk)
        groups.setdefault(key, []).append(rec)
    result = []
    for items in groups.values():
        head = next((r for r in items if r.is_primary), items[0])
        result.append((head, [r for r in items if r is not head]))
    return result


def decided_recommendations(client, status: str = ""):
    found = recommendations(client).exclude(status=Status.OPEN)
    if status and status != Status.OPEN:
        found = found.filter(status=status)
    return found.order_by("-decided_at", "-superseded_at", "-created_at", "-id")


def get_recommendation(user, client_pk, pk, *, write=False):
    client = get_client(user, client_pk, write=write)
    return client, get_object_or_404(recommendations(client), pk=pk)


def recommendation_for(user, pk, *, write=False) -> Recommendation:
    """A recommendation by id alone (the API), 404 unless its client is in the user's scope."""
    clients = editable_clients(user) if write else visible_clients(user)
    return get_object_or_404(
        Recommendation.objects.select_related("client", "plan", "rung", "decided_by")
        .filter(client__in=clients), pk=pk)


def evidence(recs) -> tuple[dict, dict]:
    """The logs and check-ins the recommendations cite, by id (two queries for any number)."""
    log_ids, check_in_ids = set(), set()
    for rec in recs:
        log_ids.update(rec.evidence.get("log_ids", []))
        check_in_ids.update(rec.evidence.get("check_in_ids", []))
    logs = {log.pk: log for log in PracticeLog.objects.filter(pk__in=log_ids).select_related(
        "rung")} if log_ids else {}
    check_ins = ({c.pk: c for c in CheckIn.objects.filter(pk__in=check_in_ids)}
                 if check_in_ids else {})
    return logs, check_ins


# --- needs attention ----------------------------------------------------------------------------


def _count(queryset):
    """Per-client count as a correlated subquery (no joins that multiply rows)."""
    counted = (queryset.filter(client=OuterRef("pk")).order_by().values("client")
               .annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def needs_attention(user, *, everyone: bool = False, now=None):
    """The user's caseload ordered by urgency: open risk (alerts and crisis follow-ups), peaks
    at or over the ceiling, early exits, missed practice, pending recommendations, and
    recommendations that may be out of date (the last refresh failed).

    everyone=False keeps only clients with at least one reason.
    """
    now = now or timezone.now()
    since = now - timedelta(days=ATTENTION_DAYS)
    open_recs = Recommendation.objects.filter(status=Status.OPEN)
    clients = visible_clients(user).annotate(
        open_alerts=_count(RiskAlert.objects.filter(closed_at__isnull=True)),
        open_crisis=_count(open_recs.filter(kind=Kind.CRISIS_FOLLOW_UP)),
        over_ceiling=_count(PracticeLog.objects.filter(
            started_at__gte=since, ceiling__isnull=False, distress_peak__gte=F("ceiling"))),
        ended_early=_count(PracticeLog.objects.filter(started_at__gte=since,
                                                      stopped_early=True)),
        stop_presses=_count(StopEvent.objects.filter(at__gte=since)),
        missed_practice=_count(open_recs.filter(kind=Kind.REVISIT_VALUES,
                                                rule__contains="missed_practice")),
        # one per rung (the primary), and not "keep practising": there nothing changes
        pending=_count(open_recs.filter(role=Recommendation.Role.PRIMARY).exclude(
            kind__in=[Kind.CRISIS_FOLLOW_UP, Kind.KEEP_PRACTISING])),
        # maintenance: a booster re-rating rose or a warning sign was noticed
        offer_booster=_count(BoosterOffer.objects.filter(status=BoosterOffer.Status.OPEN)),
        out_of_date=Exists(PacingState.objects.filter(client_id=OuterRef("pk"),
                                                      failed_at__isnull=False)),
        can_edit=Exists(CareTeam.objects.filter(user=user, client_id=OuterRef("pk"))),
        **_latest_notable(since),
    ).annotate(
        risk=F("open_alerts") + F("open_crisis"),
        early_exits=F("ended_early") + F("stop_presses"),
    )
    # An archived client still shows while risk is open: a risk signal is never hidden.
    clients = clients.filter(Q(archived_at__isnull=True) | Q(risk__gt=0))
    if not everyone:
        clients = clients.filter(Q(risk__gt=0) | Q(over_ceiling__gt=0) | Q(early_exits__gt=0)
                                 | Q(missed_practice__gt=0) | Q(pending__gt=0)
                                 | Q(offer_booster__gt=0) | Q(out_of_date=True))
    return clients.select_related("primary_clinician").order_by(
        "-risk", "-over_ceiling", "-early_exits", "-missed_practice", "-pending",
        "-offer_booster", "-out_of_date", "display_name", "id")


def _latest_notable(since):
    """What happened, for the queue: the latest practice in the window that reached the ceiling
    or ended early (when, which rung, peak, why it stopped), as per-client subqueries."""
    latest = (PracticeLog.objects.filter(client=OuterRef("pk"), started_at__gte=since)
              .filter(Q(stopped_early=True) | Q(ceiling__isnull=False,
                                                 distress_peak__gte=F("ceiling")))
              .order_by("-started_at", "-id"))
    return {"notable_at": Subquery(latest.values("started_at")[:1]),
            "notable_rung": Subquery(latest.values("rung__behaviour")[:1]),
            "notable_peak": Subquery(latest.values("distress_peak")[:1]),
            "notable_stop": Subquery(latest.values("stopped_early_reason")[:1])}


def open_risk_alerts(user, limit: int = 50):
    """Open risk alerts in the user's scope, oldest first, with whether the user may close them."""
    return (RiskAlert.objects.filter(client__in=visible_clients(user), closed_at__isnull=True)
            .select_related("client")
            .annotate(can_edit=Exists(CareTeam.objects.filter(user=user,
                                                              client_id=OuterRef("client_id"))))
            .order_by("raised_at", "id")[:limit])
