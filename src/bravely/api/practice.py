"""Practice logs, check-ins and risk alerts. Log and check-in submissions are idempotent: send an
`Idempotency-Key` header (or `idempotency_key` in the body); a repeat returns the first record
with 200 instead of 201."""

import json
from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status

from bravely.api.schemas import DateTime, Input
from bravely.audit.services import Actor, record
from bravely.clients.selectors import get_client
from bravely.practice import risk, selectors, services
from bravely.practice.models import PracticeLog

router = Router()


class RatingPoint(Schema):
    """One "how strong is it now" rating during a practice, minutes from its start."""

    minute: int = Field(ge=0, le=1440)
    value: int = Field(ge=0)


class LogOut(Schema):
    id: int
    client_id: int
    plan_id: int
    rung_id: int
    assignment_id: int | None
    source: str
    started_at: datetime
    duration_minutes: int
    scale: str
    distress_before: int
    distress_peak: int
    distress_after: int
    ceiling: int | None
    over_ceiling: bool
    feared_outcome: str
    likelihood_before: int | None
    likelihood_after: int | None
    feared_outcome_happened: str
    what_happened: str
    surprise: int | None
    safety_behaviours_used: list[str]
    stopped_early: bool
    stopped_early_reason: str
    coping_used: list[str]
    body_sensations: str
    emotions: str
    catastrophic_prediction: str
    balanced_appraisal: str
    learned: str
    value_reflection: str
    risk_flag: bool
    ratings: list[RatingPoint]
    created_at: datetime


class LogIn(Input):
    rung_id: int
    assignment_id: int | None = None
    idempotency_key: str | None = Field(None, max_length=64)
    started_at: DateTime
    duration_minutes: int = Field(ge=1, le=1440)
    distress_before: int = Field(ge=0)
    distress_peak: int = Field(ge=0)
    distress_after: int = Field(ge=0)
    peak_confirmed: bool = False
    likelihood_after: int | None = Field(None, ge=0, le=100)
    feared_outcome_happened: Literal[("", *PracticeLog.Happened.values)] = ""
    what_happened: str = Field("", max_length=3000)
    surprise: int | None = Field(None, ge=0, le=10)
    safety_behaviours_used: list[str] = Field(default_factory=list, max_length=30)
    stopped_early: bool = False
    stopped_early_reason: str = Field("", max_length=2000)
    coping_used: list[str] = Field(default_factory=list, max_length=30)
    body_sensations: str = Field("", max_length=2000)
    emotions: str = Field("", max_length=2000)
    catastrophic_prediction: str = Field("", max_length=2000)
    balanced_appraisal: str = Field("", max_length=2000)
    learned: str = Field("", max_length=3000)
    value_reflection: str = Field("", max_length=3000)
    risk_flag: bool = False
    ratings: list[RatingPoint] = Field(default_factory=list, max_length=300,
                                       description="Ratings along the way, in order of minutes.")


class LogPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[LogOut]


class ValueRating(Input):
    statement_id: int
    rating: int = Field(ge=0, le=10)


class CheckInIn(Input):
    idempotency_key: str | None = Field(None, max_length=64)
    risk: bool
    tolerable_distress: int | None = Field(None, ge=0)
    value_ratings: list[ValueRating] = Field(default_factory=list, max_length=20)
    note: str = Field("", max_length=2000)


class CheckInOut(Schema):
    id: int
    client_id: int
    at: datetime
    source: str
    scale: str
    tolerable_distress: int | None
    risk_question: str
    risk: bool
    value_ratings: list[dict]
    note: str


class AlertOut(Schema):
    id: int
    client_id: int
    source: str
    check_in_id: int | None
    log_id: int | None
    raised_at: datetime
    closed_at: datetime | None
    closed_by_id: int | None
    note: str


class CloseIn(Input):
    note: str = Field(max_length=3000)


def _key(header: str | None, body: str | None) -> str:
    key = (header or body or "").strip()
    if not key:
        raise ValidationError({"idempotency_key": _(
            "Send an Idempotency-Key header (or idempotency_key) so a retry cannot duplicate.")})
    if "\x00" in key:
        raise ValidationError({"idempotency_key": _("Null characters are not allowed.")})
    return key


_RISK_FIELD = {"<int:client_id>/logs": ("risk_flag", risk.LOG),
               "<int:client_id>/check-ins": ("risk", risk.CHECK_IN),
               "<int:client_id>/maintenance/items/<int:item_id>/log": ("risk_flag", risk.LOG)}


def alert_on_refused_risk(request) -> None:
    """A practice log or check-in refused by its schema (a 422 before any view code runs) that
    answered yes to risk still alerts the care team, if the sender may write for the client."""
    match = request.resolver_match
    if match is None or request.method != "POST":
        return
    field_source = next((value for route, value in _RISK_FIELD.items()
                         if match.route.endswith("/clients/" + route)), None)
    if field_source is None:
        return
    try:
        body = json.loads(request.body)
    except ValueError:
        return
    if not isinstance(body, dict) or not risk.said_yes(body.get(field_source[0])):
        return
    try:
        client = get_client(request.user, int(match.kwargs["client_id"]), write=True)
    except (Http404, KeyError, ValueError, OverflowError):
        return
    risk.refused(Actor.from_request(request, via="api"), client, field_source[1], True)


@router.get("/clients/{int:client_id}/logs", response=LogPage, summary="Practice logs")
def list_logs(request, client_id: int, page: int = Query(1, ge=1, le=1_000_000),
              page_size: int = Query(25, ge=1, le=100)):
    client = get_client(request.user, client_id)
    logs = selectors.logs(client)
    start = (page - 1) * page_size
    items = list(logs[start:start + page_size])
    record(Actor.from_request(request, via="api"), "view", client, object_type="practice_logs",
           details={"log_ids": [log.pk for log in items]})
    return {"count": logs.count(), "page": page, "page_size": page_size, "items": items}


@router.post("/clients/{int:client_id}/logs", response={200: LogOut, 201: LogOut},
             summary="Record a practice (idempotent)")
def create_log(request, client_id: int, payload: LogIn,
               idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    client = get_client(request.user, client_id, write=True)
    actor = Actor.from_request(request, via="api")
    with risk.reaches_care_team(actor, client, risk.LOG, payload.risk_flag):
        key = _key(idempotency_key, payload.idempotency_key)
        rung = selectors.loggable_rungs(client).filter(pk=payload.rung_id).first()
        if rung is None:
            raise ValidationError({"rung_id": _("Choose a rung of this client's ladder (not of "
                                                 "an archived plan).")})
        assignment = None
        if payload.assignment_id is not None:
            assignment = client.assignments.filter(pk=payload.assignment_id).first()
            if assignment is None:
                raise ValidationError({"assignment_id": _("Choose an assignment of this "
                                                          "client.")})
    data = payload.dict(exclude={"rung_id", "assignment_id", "idempotency_key"})
    log, created = services.submit_log(actor, client, rung, data, idempotency_key=key,
                                       assignment=assignment, source="api")
    return Status(201 if created else 200, log)


@router.get("/clients/{int:client_id}/logs/{int:log_id}", response=LogOut,
            summary="One practice log")
def read_log(request, client_id: int, log_id: int):
    client = get_client(request.user, client_id)
    log = get_object_or_404(selectors.logs(client), pk=log_id)
    record(Actor.from_request(request, via="api"), "view", log, client=client)
    return log


@router.get("/clients/{int:client_id}/check-ins", response=list[CheckInOut],
            summary="The 50 most recent check-ins")
def list_check_ins(request, client_id: int):
    client = get_client(request.user, client_id)
    items = list(client.check_ins.all()[:50])
    record(Actor.from_request(request, via="api"), "view", client, object_type="check_ins")
    return items


@router.post("/clients/{int:client_id}/check-ins", response={200: CheckInOut, 201: CheckInOut},
             summary="Record a check-in (idempotent)")
def create_check_in(request, client_id: int, payload: CheckInIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    client = get_client(request.user, client_id, write=True)
    actor = Actor.from_request(request, via="api")
    with risk.reaches_care_team(actor, client, risk.CHECK_IN, payload.risk):
        key = _key(idempotency_key, payload.idempotency_key)
    entry, created = services.submit_check_in(
        actor, client, payload.dict(exclude={"idempotency_key"}), idempotency_key=key,
        source="api")
    return Status(201 if created else 200, entry)


@router.get("/clients/{int:client_id}/risk-alerts", response=list[AlertOut],
            summary="Risk alerts, open first")
def list_alerts(request, client_id: int):
    client = get_client(request.user, client_id)
    record(Actor.from_request(request, via="api"), "view", client, object_type="risk_alerts")
    return list(client.risk_alerts.all()[:100])


@router.post("/clients/{int:client_id}/risk-alerts/{int:alert_id}/close", response=AlertOut,
             summary="Close a risk alert with a note of what was done")
def close_alert(request, client_id: int, alert_id: int, payload: CloseIn):
    client = get_client(request.user, client_id, write=True)
    alert = get_object_or_404(client.risk_alerts, pk=alert_id)
    return services.close_risk_alert(Actor.from_request(request, via="api"), alert, payload.note)
