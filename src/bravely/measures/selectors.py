"""Reads for outcome measures, scoped through `clients.selectors.get_client` (staff) and
`portal.selectors.own_client` (the client): callers pass a client they were allowed to see.

`score_history(client)` is the charts' contract: every instrument the client has scores on,
with its bands, cut-off and (date, total, change label) points, in a constant number of queries.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bravely.clinical import measures as rules
from bravely.measures.labels import band_label, change_label, neutral_item
from bravely.measures.models import Administration, Instrument, OffTrack, Schedule, Wording

Status = Administration.Status


@dataclass(frozen=True)
class MeasureSeries:
    instrument_code: str
    name: str
    max_score: int
    bands: list[tuple[int, int, str]]  # (low, high, label)
    cutoff: int | None
    points: list[tuple[date, int, str]]  # (date, total, change label or "")


@dataclass(frozen=True)
class HistoryRow:
    administration: Administration
    severity: str
    baseline: int | None
    difference: int | None
    rc: float | None
    label_code: str
    label: str


def instruments(practice):
    """The built-in instruments and the practice's own, each with its newest wording (if any)
    as `.wording` (two queries)."""
    rows = list(Instrument.objects.filter(Q(practice=None) | Q(practice=practice))
                .order_by("practice_id", "code", "-version"))
    wordings = {}
    for wording in Wording.objects.filter(practice=practice, instrument__in=rows).order_by(
            "imported_at", "id"):
        wordings[wording.instrument_id] = wording  # newest last wins
    for row in rows:
        row.wording = wordings.get(row.pk)
    return rows


def get_instrument(practice, pk) -> Instrument:
    return get_object_or_404(Instrument.objects.filter(Q(practice=None) | Q(practice=practice)),
                             pk=pk)


def wording_for(practice, instrument) -> Wording | None:
    return Wording.objects.filter(practice=practice, instrument=instrument).order_by(
        "-imported_at", "-id").first()


def item_labels(instrument: Instrument, wording: Wording | None) -> list[dict]:
    """For each item: id, number, text (the imported wording, else "Item n of N") and options
    as (score, label): the imported answer wording, else the score itself."""
    definition = instrument.rules
    count = len(definition.items)
    words = wording.items if wording else {}
    result = []
    for number, item in enumerate(definition.items, 1):
        own = words.get(item.id, {})
        result.append({
            "id": item.id, "number": number, "count": count,
            "text": own.get("text") or neutral_item(number, count),
            "has_wording": bool(own.get("text")),
            "options": [(o.score, own.get("options", {}).get(str(o.score)) or str(o.score))
                        for o in item.options],
            "risk": item.risk_from is not None,
        })
    return result


def administrations(client):
    return (Administration.objects.filter(client=client)
            .select_related("instrument", "schedule", "submitted_by")
            .order_by("-due_on", "-id"))


def get_administration(client, pk) -> Administration:
    return get_object_or_404(administrations(client), pk=pk)


def open_administrations(client, *, due_by: date | None = None):
    """What is waiting: due or in progress, oldest first; with due_by only those due by then.
    Once its schedule has ended, one not yet started is no longer asked for."""
    found = (administrations(client).filter(status__in=[Status.DUE, Status.IN_PROGRESS])
             .exclude(status=Status.DUE, schedule__ended_at__isnull=False))
    if due_by is not None:
        found = found.filter(due_on__lte=due_by)
    return found.order_by("due_on", "id")


def due_for_client(client):
    return open_administrations(client, due_by=timezone.localdate())


def answers(administration) -> dict[str, int]:
    return {r.item_id: r.value for r in administration.responses.all()}


def schedules(client):
    return (Schedule.objects.filter(client=client).select_related("instrument", "created_by")
            .order_by("ended_at", "-created_at"))


def get_schedule(client, schedule_id) -> Schedule:
    """One of the client's schedules, or 404."""
    return get_object_or_404(Schedule.objects.select_related("instrument"), client=client,
                             pk=schedule_id)


def off_track(client):
    return (OffTrack.objects.filter(client=client, closed_at__isnull=True)
            .select_related("instrument"))


def _submitted(client):
    return list(Administration.objects.filter(client=client, status=Status.SUBMITTED)
                .select_related("instrument", "submitted_by")
                .order_by("completed_on", "id"))


def _key(administration):
    instrument = administration.instrument
    return (instrument.practice_id, instrument.code)


def history(client) -> list[HistoryRow]:
    """Every submitted measure, newest first, with severity, change from the first score of
    the same instrument and its reliable-change label (one query)."""
    rows = []
    baselines: dict = {}
    for administration in _submitted(client):
        definition = administration.instrument.rules
        total = administration.total
        baseline = baselines.get(_key(administration))
        difference = rc = None
        code = ""
        if total is not None:
            if baseline is None:
                baselines[_key(administration)] = total
                code = rules.BASELINE
            else:
                result = rules.change(definition, baseline, total)
                difference, rc, code = result.difference, result.rc, result.label
        rows.append(HistoryRow(administration=administration,
                               severity=band_label(administration.severity),
                               baseline=baseline if baseline is not None else total,
                               difference=difference, rc=rc, label_code=code,
                               label=change_label(code)))
    rows.reverse()
    return rows


def score_history(client) -> list[MeasureSeries]:
    """The charts' series, one per instrument the client has a score on (one query)."""
    series: dict = {}
    for administration in _submitted(client):
        if administration.total is None:
            continue
        series.setdefault(_key(administration), []).append(administration)
    result = []
    for done in series.values():
        newest = done[-1].instrument  # the newest definition's bands and cut-off
        definition = newest.rules
        codes = rules.labels(definition, [a.total for a in done])
        result.append(MeasureSeries(
            instrument_code=newest.code, name=newest.name, max_score=definition.max_total,
            bands=[(b.low, b.high, band_label(b.label)) for b in definition.bands],
            cutoff=definition.cutoff,
            points=[(a.completed_on, a.total, change_label(code) if code != rules.BASELINE
                     else "") for a, code in zip(done, codes, strict=True)]))
    return sorted(result, key=lambda s: s.instrument_code)
