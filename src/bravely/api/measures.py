"""Outcome measures: instruments (list, import), administrations (schedule, list), responses
(submit, resumable) and scores. Item wording is never in a response unless the practice
imported it. Answers are taken as sent and checked by the service (a 422 naming the item), so a
risk answer in a body with another bad answer still reaches the care team."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from bravely.accounts.selectors import get_admin_membership, membership_of
from bravely.api.schemas import Date, Id, Input
from bravely.audit.services import Actor, record
from bravely.clients.selectors import get_client
from bravely.measures import selectors, services
from bravely.measures.labels import change_label

router = Router()


def _actor(request):
    return Actor.from_request(request, via="api")


class BandOut(Schema):
    low: int
    high: int
    label: str


class ItemOut(Schema):
    id: str
    number: int
    text: str
    has_wording: bool
    risk: bool
    scores: list[int]


class InstrumentOut(Schema):
    id: int
    code: str
    version: str
    name: str
    builtin: bool
    min_total: int
    max_total: int
    cutoff: int | None
    lower_is_better: bool
    bands: list[BandOut]
    loinc_panel: str
    loinc_total: str
    source: str
    licence: str
    has_wording: bool
    items: list[ItemOut]


def _instrument_out(instrument, wording) -> dict:
    definition = instrument.rules
    return {
        "id": instrument.pk, "code": instrument.code, "version": instrument.version,
        "name": instrument.name, "builtin": instrument.is_builtin,
        "min_total": definition.min_total, "max_total": definition.max_total,
        "cutoff": definition.cutoff, "lower_is_better": definition.lower_is_better,
        "bands": [{"low": b.low, "high": b.high, "label": b.label} for b in definition.bands],
        "loinc_panel": definition.loinc_panel, "loinc_total": definition.loinc_total,
        "source": definition.source, "licence": instrument.licence_note,
        "has_wording": wording is not None,
        "items": [{"id": i["id"], "number": i["number"], "text": i["text"],
                   "has_wording": i["has_wording"], "risk": i["risk"],
                   "scores": [s for s, _label in i["options"]]}
                  for i in selectors.item_labels(instrument, wording)],
    }


@router.get("/measures/instruments", response=list[InstrumentOut], summary="Instruments")
def list_instruments(request):
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    services.ensure_builtins()
    return [_instrument_out(i, i.wording) for i in selectors.instruments(membership.practice)]


class ImportIn(Input):
    instrument_id: Id | None = Field(None, description="Import wording for this instrument")
    definition: dict[str, Any] | None = Field(None, description="A whole instrument's definition")
    questionnaire: dict[str, Any] | None = Field(None, description="A FHIR R4 Questionnaire")
    licence_note: str = Field(max_length=3000)


@router.post("/measures/instruments", response={201: InstrumentOut},
             summary="Import wording (instrument_id + questionnaire) or a whole instrument "
                     "(definition, optional questionnaire); practice admins only")
def import_instrument(request, payload: ImportIn):
    membership = get_admin_membership(request.user)
    practice = membership.practice
    services.ensure_builtins()
    if payload.definition is not None:
        instrument = services.import_instrument(_actor(request), practice, payload.definition,
                                                payload.questionnaire,
                                                licence_note=payload.licence_note)
    else:
        if payload.instrument_id is None or payload.questionnaire is None:
            raise ValidationError({"questionnaire": _(
                "Send instrument_id and questionnaire (wording), or a definition.")})
        try:
            instrument = selectors.get_instrument(practice, payload.instrument_id)
        except Http404:
            raise ValidationError({"instrument_id": _("No such instrument.")}) from None
        services.import_wording(_actor(request), practice, instrument, payload.questionnaire,
                                licence_note=payload.licence_note)
    return Status(201, _instrument_out(instrument, selectors.wording_for(practice, instrument)))


class AdministrationOut(Schema):
    id: int
    client_id: int
    instrument_id: int
    instrument_code: str
    schedule_id: int | None
    due_on: date
    status: str
    source: str
    completed_on: date | None
    submitted_at: datetime | None
    answers: dict[str, int]
    total: int | None
    subscales: dict
    severity: str
    scoring_version: str
    risk_alert_id: int | None


def _administration_out(a) -> dict:
    return {"id": a.pk, "client_id": a.client_id, "instrument_id": a.instrument_id,
            "instrument_code": a.instrument.code, "schedule_id": a.schedule_id,
            "due_on": a.due_on, "status": a.status, "source": a.source,
            "completed_on": a.completed_on, "submitted_at": a.submitted_at,
            "answers": {r.item_id: r.value for r in a.responses.all()}, "total": a.total,
            "subscales": a.subscales, "severity": a.severity,
            "scoring_version": a.scoring_version, "risk_alert_id": a.risk_alert_id}


@router.get("/clients/{int:client_id}/measures/administrations",
            response=list[AdministrationOut], summary="A client's measures")
def list_administrations(request, client_id: int):
    client = get_client(request.user, client_id)
    rows = list(selectors.administrations(client).prefetch_related("responses")[:500])
    record(_actor(request), "view", client, object_type="measures",
           details={"administration_ids": [a.pk for a in rows]})
    return [_administration_out(a) for a in rows]


class ScheduleIn(Input):
    instrument_id: Id
    starts_on: Date
    every_weeks: int | None = Field(None, ge=1, le=52)
    review_after_weeks: int = Field(services.DEFAULT_REVIEW_WEEKS, ge=1, le=52)


@router.post("/clients/{int:client_id}/measures/administrations",
             response={201: AdministrationOut},
             summary="Schedule a measure (once, or every N weeks); returns the first one due")
def schedule(request, client_id: int, payload: ScheduleIn):
    client = get_client(request.user, client_id, write=True)
    services.ensure_builtins()
    try:
        instrument = selectors.get_instrument(client.practice, payload.instrument_id)
    except Http404:
        raise ValidationError({"instrument_id": _("No such instrument.")}) from None
    made = services.schedule_measure(_actor(request), client, instrument,
                                     starts_on=payload.starts_on,
                                     every_weeks=payload.every_weeks,
                                     review_after_weeks=payload.review_after_weeks)
    return Status(201, _administration_out(made.administrations.get()))


class ResponsesIn(Input):
    answers: dict[str, Any] = Field(default_factory=dict, max_length=200,
                                    description="item id -> score")
    submit: bool = False
    completed_on: Date | None = None


@router.post("/clients/{int:client_id}/measures/administrations/{int:administration_id}"
             "/responses", response=AdministrationOut,
             summary="Store answers (resumable); with submit, score and close it")
def submit_responses(request, client_id: int, administration_id: int, payload: ResponsesIn):
    client = get_client(request.user, client_id, write=True)
    administration = selectors.get_administration(client, administration_id)
    done = services.save_answers(_actor(request), administration, payload.answers,
                                 source="api", submit=payload.submit,
                                 completed_on=payload.completed_on)
    return _administration_out(selectors.administrations(client).get(pk=done.pk))


class PointOut(Schema):
    date: date
    total: int
    change: str


class SeriesOut(Schema):
    instrument_code: str
    name: str
    max_score: int
    cutoff: int | None
    bands: list[BandOut]
    points: list[PointOut]


class ScoreOut(Schema):
    administration_id: int
    instrument_code: str
    completed_on: date
    total: int | None
    severity: str
    difference_from_first: int | None
    rc: float | None
    change: str
    change_label: str


class ScoresOut(Schema):
    history: list[ScoreOut]
    series: list[SeriesOut]


@router.get("/clients/{int:client_id}/measures/scores", response=ScoresOut,
            summary="Scores with severity and reliable change, and the series for charts")
def scores(request, client_id: int):
    client = get_client(request.user, client_id)
    rows = selectors.history(client)
    record(_actor(request), "view", client, object_type="measure_scores",
           details={"administration_ids": [r.administration.pk for r in rows]})
    return {
        "history": [{"administration_id": r.administration.pk,
                     "instrument_code": r.administration.instrument.code,
                     "completed_on": r.administration.completed_on,
                     "total": r.administration.total, "severity": r.severity,
                     "difference_from_first": r.difference, "rc": r.rc,
                     "change": r.label_code, "change_label": change_label(r.label_code)}
                    for r in rows],
        "series": [{"instrument_code": s.instrument_code, "name": s.name,
                    "max_score": s.max_score, "cutoff": s.cutoff,
                    "bands": [{"low": lo, "high": hi, "label": label}
                              for lo, hi, label in s.bands],
                    "points": [{"date": d, "total": t, "change": c} for d, t, c in s.points]}
                   for s in selectors.score_history(client)],
    }
