"""Reads for pacing, scoped through `clients.selectors` (404 outside the user's scope).

`needs_attention(user)` is the clinician's queue: the caseload with what needs attention, in a
constant number of grouped queries whatever its size (no per-client queries or subqueries).
"""

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bravely.clients.models import Client
from bravely.clients.selectors import CareTeam, editable_clients, get_client, visible_clients
from bravely.maintenance.models import BoosterOffer
from bravely.measures.models import OffTrack
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


class AttentionQueue:
    """The needs-attention rows, already in order, as a sequence the paginator (and the API)
    can count and slice: only the clients of the page asked for are read, with their counts
    set as attributes (open_alerts, open_crisis, risk, over_ceiling, ended_early,
    stop_presses, early_exits, missed_practice, pending, out_of_date, can_edit, notable_*)."""

    def __init__(self, rows: list[dict]):
        self.rows = rows

    def count(self) -> int:
        return len(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self._clients(self.rows))

    def get(self, *, pk: int):
        """One client's row, like a queryset's get (Client.DoesNotExist when not in the queue)."""
        for row in self.rows:
            if row["id"] == pk:
                return self._clients([row])[0]
        raise Client.DoesNotExist(pk)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._clients(self.rows[index])
        return self._clients([self.rows[index]])[0]

    @staticmethod
    def _clients(rows: list[dict]) -> list:
        found = Client.objects.select_related("primary_clinician").in_bulk(
            [row["id"] for row in rows])
        clients = []
        for row in rows:
            client = found[row["id"]]
            for name, value in row.items():
                if name not in ("id", "display_name", "archived_at"):
                    setattr(client, name, value)
            clients.append(client)
        return clients


NOTABLE = Q(stopped_early=True) | Q(ceiling__isnull=False, distress_peak__gte=F("ceiling"))


def _counts(user, scope, since) -> dict[str, dict[int, int]]:
    """Per client, in one query (UNION ALL of grouped counts): open risk alerts, "I need to
    stop" presses in the window, open crisis follow-ups, open missed-practice
    recommendations, pending primaries (not "keep practising": there nothing changes), a
    failed refresh, and the clients the user may change (their care teams)."""
    def tagged(queryset, tag, field="client_id"):
        return (queryset.order_by().values(field).annotate(n=Count("pk"), tag=Value(tag))
                .values_list(field, "n", "tag"))

    open_recs = Recommendation.objects.filter(client_id__in=scope, status=Status.OPEN)
    parts = [
        tagged(RiskAlert.objects.filter(client_id__in=scope, closed_at__isnull=True), "alerts"),
        tagged(StopEvent.objects.filter(client_id__in=scope, at__gte=since), "stops"),
        tagged(open_recs.filter(kind=Kind.CRISIS_FOLLOW_UP), "crisis"),
        tagged(open_recs.filter(kind=Kind.REVISIT_VALUES, rule__contains="missed_practice"),
               "missed"),
        tagged(open_recs.filter(role=Recommendation.Role.PRIMARY).exclude(
            kind__in=[Kind.CRISIS_FOLLOW_UP, Kind.KEEP_PRACTISING]), "pending"),
        tagged(PacingState.objects.filter(client_id__in=scope, failed_at__isnull=False),
               "stale"),
        tagged(CareTeam.objects.filter(user=user), "editable"),
        tagged(OffTrack.objects.filter(client_id__in=scope, closed_at__isnull=True),
               "off_track"),
        # maintenance: a booster re-rating rose or a warning sign was noticed
        tagged(BoosterOffer.objects.filter(client_id__in=scope,
                                           status=BoosterOffer.Status.OPEN), "booster"),
    ]
    found: dict[str, dict[int, int]] = {tag: {} for tag in (
        "alerts", "stops", "crisis", "missed", "pending", "stale", "editable", "off_track",
        "booster")}
    for client_id, n, tag in parts[0].union(*parts[1:], all=True):
        found[tag][client_id] = n
    return found


def needs_attention(user, *, everyone: bool = False, now=None) -> AttentionQueue:
    """The user's caseload ordered by urgency: open risk (alerts and crisis follow-ups), peaks
    at or over the ceiling, early exits, missed practice, pending recommendations,
    recommendations that may be out of date (the last refresh failed), and outcome measures
    not on track (`measures.OffTrack`).

    everyone=False keeps only clients with at least one reason.

    A constant number of queries, each one grouped read over what is open or recent (open
    alerts, open recommendations, the window's notable logs and stop presses, failed
    refreshes) for the clients in scope, combined here: no per-client subqueries repeated in
    the filter, the order and the paginator's count, whatever the caseload.
    """
    now = now or timezone.now()
    since = now - timedelta(days=ATTENTION_DAYS)
    caseload = list(visible_clients(user).order_by("display_name", "id")
                    .values("id", "display_name", "archived_at"))
    # the ids themselves, not the scope's subquery again in every part (which cost more to
    # build and plan than to run)
    scope = [client["id"] for client in caseload]
    counted = _counts(user, scope, since)
    alerts, stops = counted["alerts"], counted["stops"]
    stale, editable = counted["stale"], counted["editable"]
    recs = {pk: {"crisis": counted["crisis"].get(pk, 0), "missed": counted["missed"].get(pk, 0),
                 "pending": counted["pending"].get(pk, 0)} for pk in
            {*counted["crisis"], *counted["missed"], *counted["pending"]}}
    notable: dict[int, dict] = {}
    for log in (PracticeLog.objects.filter(client_id__in=scope, started_at__gte=since)
                .filter(NOTABLE).order_by("client_id", "-started_at", "-id")
                .values("client_id", "started_at", "ceiling", "distress_peak", "stopped_early",
                        "stopped_early_reason", "rung__behaviour")):
        row = notable.get(log["client_id"])
        if row is None:  # the latest of the window: what happened, for the queue
            row = notable[log["client_id"]] = {
                "over_ceiling": 0, "ended_early": 0, "notable_at": log["started_at"],
                "notable_rung": log["rung__behaviour"], "notable_peak": log["distress_peak"],
                "notable_stop": log["stopped_early_reason"]}
        row["over_ceiling"] += (log["ceiling"] is not None
                                and log["distress_peak"] >= log["ceiling"])
        row["ended_early"] += bool(log["stopped_early"])
    off_track = _latest_off_track(list(counted["off_track"]))
    rows = []
    quiet = {"over_ceiling": 0, "ended_early": 0, "notable_at": None, "notable_rung": None,
             "notable_peak": None, "notable_stop": None}
    for client in caseload:
        pk = client["id"]
        rec = recs.get(pk, {})
        row = {**client, **notable.get(pk, quiet), "open_alerts": alerts.get(pk, 0),
               "open_crisis": rec.get("crisis", 0), "stop_presses": stops.get(pk, 0),
               "missed_practice": rec.get("missed", 0), "pending": rec.get("pending", 0),
               "out_of_date": pk in stale, "can_edit": pk in editable,
               "not_on_track": counted["off_track"].get(pk, 0),
               "offer_booster": counted["booster"].get(pk, 0),
               "off_track_code": off_track.get(pk, {}).get("instrument__code"),
               "off_track_reason": off_track.get(pk, {}).get("reason")}
        row["risk"] = row["open_alerts"] + row["open_crisis"]
        row["early_exits"] = row["ended_early"] + row["stop_presses"]
        # An archived client still shows while risk is open: a risk signal is never hidden.
        if client["archived_at"] is not None and not row["risk"]:
            continue
        if not everyone and not (row["risk"] or row["over_ceiling"] or row["early_exits"]
                                 or row["missed_practice"] or row["pending"]
                                 or row["offer_booster"] or row["out_of_date"]
                                 or row["not_on_track"]):
            continue
        rows.append(row)
    # stable: equal rows keep the database's order by name and id
    rows.sort(key=lambda r: (-r["risk"], -r["over_ceiling"], -r["early_exits"],
                             -r["missed_practice"], -r["pending"], -r["offer_booster"],
                             -r["out_of_date"], -r["not_on_track"]))
    return AttentionQueue(rows)


def _latest_off_track(client_ids: list[int]) -> dict[int, dict]:
    """The newest open "not on track" measure per client: which instrument and why (the
    evidence is on the client's measures page). One query, none when no one is off track."""
    if not client_ids:
        return {}
    latest: dict[int, dict] = {}
    for row in (OffTrack.objects.filter(client_id__in=client_ids, closed_at__isnull=True)
                .order_by("client_id", "-opened_at", "-id")
                .values("client_id", "instrument__code", "reason")):
        latest.setdefault(row["client_id"], row)
    return latest


def open_risk_alerts(user, limit: int = 50):
    """Open risk alerts in the user's scope, oldest first, with whether the user may close them."""
    return (RiskAlert.objects.filter(client__in=visible_clients(user), closed_at__isnull=True)
            .select_related("client")
            .annotate(can_edit=Exists(CareTeam.objects.filter(user=user,
                                                              client_id=OuterRef("client_id"))))
            .order_by("raised_at", "id")[:limit])
