"""Pacing recommendations and decisions, and the needs-attention queue.

Same scoping as the pages: a recommendation outside the token owner's scope is a 404; decisions
need a place on the client's care team (a supervisor reading a supervisee's client gets 404).
"""

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, When
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from bravely.accounts.selectors import membership_of
from bravely.api.schemas import Input
from bravely.audit.services import Actor, record
from bravely.clients.selectors import get_client
from bravely.pacing import selectors, services
from bravely.pacing.models import Kind, Recommendation
from bravely.pacing.text import attention_reasons, held_back_text, reason_text

router = Router()

RecStatus = Literal[tuple(Recommendation.Status.values)]
RecKind = Literal[tuple(Kind.values)]


class EvidenceOut(Schema):
    log_ids: list[int]
    check_in_ids: list[int]
    rule: str
    thresholds: dict[str, Any]


class RecommendationOut(Schema):
    id: int
    client_id: int
    plan_id: int | None
    rung_id: int | None
    kind: RecKind
    status: RecStatus
    reason: str
    reason_template: str
    params: dict[str, Any]
    evidence: EvidenceOut
    priority: int
    requires_note_to_dismiss: bool
    role: Literal["primary", "alternative"] = Field(
        description="Per rung one primary (the suggested next step); alternatives are folded "
                    "under it.")
    alternative_of_id: int | None = Field(None, description="For an alternative: its primary.")
    held_back: str = Field("", description="Why advance is held back on this rung, if it is.")
    created_at: datetime
    superseded_at: datetime | None
    decided_by_id: int | None
    decided_at: datetime | None
    decision_note: str
    applied: dict[str, Any]

    @staticmethod
    def resolve_reason(obj):
        return reason_text(obj)

    @staticmethod
    def resolve_held_back(obj):
        return held_back_text(obj)

    @staticmethod
    def resolve_reason_template(obj):
        return obj.reason

    @staticmethod
    def resolve_evidence(obj):
        ev = obj.evidence or {}
        return {"log_ids": ev.get("log_ids", []), "check_in_ids": ev.get("check_in_ids", []),
                "rule": ev.get("rule", ""), "thresholds": ev.get("thresholds", {})}


class RecommendationPage(Schema):
    count: int
    page: int
    page_size: int
    out_of_date: bool = Field(description="The last refresh failed: the recommendations may be "
                                          "out of date until the next one succeeds.")
    out_of_date_since: datetime | None
    items: list[RecommendationOut]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("Null characters are not allowed."))
    return value


class AcceptIn(Input):
    note: str = Field("", max_length=3000)
    apply: bool = Field(True, description="Change the ladder now (advance, step back, split).")
    to_rung_id: int | None = Field(None, description="Advance or step back to this rung instead "
                                   "of the one suggested.")
    behaviour: str = Field("", max_length=300, description="Split: the new rung's behaviour.")

    _nul = field_validator("note", "behaviour")(_no_nul)


class DismissIn(Input):
    note: str = Field("", max_length=3000)

    _nul = field_validator("note")(_no_nul)


class AttentionRow(Schema):
    client_id: int
    display_name: str
    open_risk_alerts: int
    open_crisis_follow_ups: int
    over_ceiling: int
    ended_early: int
    stop_presses: int
    missed_practice: bool
    pending_recommendations: int
    recommendations_out_of_date: bool
    can_edit: bool
    reasons: list[str]


class AttentionPage(Schema):
    count: int
    page: int
    page_size: int
    days: int
    items: list[AttentionRow]


def _actor(request):
    return Actor.from_request(request, via="api")


def _slice(queryset, page, page_size):
    start = (page - 1) * page_size
    return queryset.count(), list(queryset[start:start + page_size])


@router.get("/clients/{int:client_id}/recommendations", response=RecommendationPage,
            summary="List a client's pacing recommendations (open first)")
def list_recommendations(request, client_id: int, status: RecStatus | None = None,
                         page: int = Query(1, ge=1, le=1_000_000),
                         page_size: int = Query(25, ge=1, le=100)):
    client = get_client(request.user, client_id)
    found = selectors.recommendations(client, status or "").annotate(
        open_rank=Case(When(status=Recommendation.Status.OPEN, then=0), default=1,
                       output_field=IntegerField()),
    ).order_by("open_rank", "priority", "-created_at", "-id")
    count, items = _slice(found, page, page_size)
    failure = selectors.refresh_failure(client)
    record(_actor(request), "view", client, object_type="recommendations",
           details={"ids": [r.pk for r in items], "page": page})
    return {"count": count, "page": page, "page_size": page_size,
            "out_of_date": failure is not None,
            "out_of_date_since": getattr(failure, "failed_at", None), "items": items}


def _reloaded(rec: Recommendation) -> Recommendation:
    return Recommendation.objects.get(pk=rec.pk)


@router.post("/recommendations/{int:rec_id}/accept", response=RecommendationOut,
             summary="Accept a recommendation (and apply its change to the ladder)")
def accept_recommendation(request, rec_id: int, payload: AcceptIn):
    rec = selectors.recommendation_for(request.user, rec_id, write=True)
    options = {"behaviour": payload.behaviour}
    if payload.to_rung_id is not None:
        options["to_rung_id"] = payload.to_rung_id
    services.accept(_actor(request), rec, payload.note, apply=payload.apply, options=options)
    return _reloaded(rec)


@router.post("/recommendations/{int:rec_id}/dismiss", response=RecommendationOut,
             summary="Dismiss a recommendation (a crisis follow-up needs a note)")
def dismiss_recommendation(request, rec_id: int, payload: DismissIn):
    rec = selectors.recommendation_for(request.user, rec_id, write=True)
    services.dismiss(_actor(request), rec, payload.note)
    return _reloaded(rec)


@router.get("/attention", response=AttentionPage,
            summary="The caseload ordered by urgency, with the reasons")
def attention(request, all: bool = False, page: int = Query(1, ge=1, le=1_000_000),
              page_size: int = Query(25, ge=1, le=100)):
    membership = membership_of(request.user)
    if membership is None:
        raise ValidationError(_("Only staff members have a needs-attention list."))
    count, clients = _slice(selectors.needs_attention(request.user, everyone=all), page,
                            page_size)
    days = selectors.ATTENTION_DAYS
    items = [{
        "client_id": c.pk, "display_name": c.display_name, "open_risk_alerts": c.open_alerts,
        "open_crisis_follow_ups": c.open_crisis, "over_ceiling": c.over_ceiling,
        "ended_early": c.ended_early, "stop_presses": c.stop_presses,
        "missed_practice": bool(c.missed_practice), "pending_recommendations": c.pending,
        "recommendations_out_of_date": c.out_of_date, "can_edit": c.can_edit,
        "reasons": attention_reasons(c, days),
    } for c in clients]
    record(_actor(request), "view", object_type="needs_attention",
           practice_id=membership.practice_id,
           details={"client_ids": [c.pk for c in clients], "page": page})
    return {"count": count, "page": page, "page_size": page_size, "days": days, "items": items}
