"""Maintenance: the relapse-prevention plan, the maintenance schedule and its logs, everyday
exposures, booster check-ins and the client's reminder preference. The same selectors and
services as the pages; every read and write is audited; outside the token's scope, 404."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status

from bravely.api.practice import LogIn, LogOut, _key
from bravely.api.schemas import Id, Input
from bravely.audit.services import Actor, record
from bravely.clients.selectors import get_client
from bravely.maintenance import selectors, services
from bravely.practice import risk

router = Router()


def _actor(request):
    return Actor.from_request(request, via="api")


class RelapsePlanOut(Schema):
    id: int
    version: int
    values_reinforced: list[dict]
    life_vision: str
    warning_signs: list[dict]
    lapse_note: str
    contacts: list[dict]
    skills: list[dict]
    safety_id: int | None
    safety_note: str
    change_note: str
    recorded_at: datetime
    acknowledged_in_portal: bool


class RelapsePlanIn(Input):
    based_on: int | None = Field(None, description="The version this change is based on "
                                 "(null for the first).")
    values_reinforced: list[dict[str, str]] = Field(default_factory=list, max_length=30,
                                                    description='[{"achievement", "values"}]')
    life_vision: str = Field("", max_length=3000)
    warning_signs: list[dict[str, str]] = Field(default_factory=list, max_length=30,
                                                description='[{"sign", "action"}]')
    lapse_note: str = Field(max_length=2000)
    contacts: list[dict[str, str]] = Field(default_factory=list, max_length=30,
                                           description='[{"name", "how"}]')
    skills: list[dict[str, str]] = Field(default_factory=list, max_length=30,
                                         description='[{"skill", "when"}]')
    safety_note: str = Field("", max_length=2000)
    change_note: str = Field("", max_length=500)


class MaintenanceItemOut(Schema):
    id: int
    rung_id: int
    planned_on: date
    context: str
    log_id: int | None
    done: bool


class ScheduleOut(Schema):
    planned: int
    done: int
    lifestyle: int
    items: list[MaintenanceItemOut]


class MaintenanceScheduleIn(Input):
    per_week: int = Field(ge=1, le=7)
    weeks: int = Field(ge=1, le=26)
    tolerable: int | None = Field(None, ge=0)
    contexts: list[str] = Field(default_factory=list, max_length=30)


class LifestyleOut(Schema):
    id: int
    what: str
    value_id: int | None
    distress_peak: int | None
    on: date


class BoosterOut(Schema):
    id: int
    number: int
    due_on: date
    done_at: datetime | None
    rung_ratings: list[dict]
    value_ratings: list[dict]
    warning_signs: list[str]
    rising: list[int]


class Rating(Schema):
    id: Id
    rating: int = Field(ge=0)


class BoosterIn(Input):
    rung_ratings: list[Rating] = Field(default_factory=list, max_length=20)
    value_ratings: list[Rating] = Field(default_factory=list, max_length=20)
    warning_signs: list[str] = Field(default_factory=list, max_length=30)
    note: str = Field("", max_length=2000)


class ReminderOut(Schema):
    enabled: bool
    quiet_from: int
    quiet_until: int
    unsubscribed_at: datetime | None
    failed: int


def _plan_out(plan):
    return {**{f: getattr(plan, f) for f in (
        "id", "version", "values_reinforced", "life_vision", "warning_signs", "lapse_note",
        "contacts", "skills", "safety_id", "safety_note", "change_note", "recorded_at")},
        "acknowledged_in_portal": selectors.acknowledged_in_portal(plan)}


@router.get("/clients/{int:client_id}/maintenance/plan", response={200: RelapsePlanOut, 404: dict},
            summary="The relapse-prevention plan in force")
def get_plan(request, client_id: int):
    client = get_client(request.user, client_id)
    plan = selectors.current_plan(client)
    record(_actor(request), "view", plan or client, client=client,
           object_type="" if plan else "maintenance_overview")
    if plan is None:
        return Status(404, {"detail": [{"loc": ["path"],
                                        "msg": _("No plan has been written yet.")}]})
    return Status(200, _plan_out(plan))


@router.post("/clients/{int:client_id}/maintenance/plan", response={201: RelapsePlanOut},
             summary="A new version of the relapse-prevention plan")
def save_plan(request, client_id: int, payload: RelapsePlanIn):
    client = get_client(request.user, client_id, write=True)
    data = payload.dict()
    plan = services.save_plan(_actor(request), client, data, based_on=data.pop("based_on"))
    return Status(201, _plan_out(plan))


def _schedule(client):
    items = list(selectors.items(client)[:200])
    return {**selectors.planned_vs_done(client), "items": [
        {"id": i.pk, "rung_id": i.rung_id, "planned_on": i.planned_on, "context": i.context,
         "log_id": i.log_id, "done": i.is_done} for i in items]}


@router.get("/clients/{int:client_id}/maintenance/schedule", response=ScheduleOut,
            summary="Maintenance practice: planned versus done")
def get_schedule(request, client_id: int):
    client = get_client(request.user, client_id)
    result = _schedule(client)
    record(_actor(request), "view", client, object_type="maintenance_overview",
           details={"items": len(result["items"])})
    return result


@router.post("/clients/{int:client_id}/maintenance/schedule", response={201: ScheduleOut},
             summary="Plan maintenance practice from the top of the mastered ladder")
def build_schedule(request, client_id: int, payload: MaintenanceScheduleIn):
    client = get_client(request.user, client_id, write=True)
    services.build_schedule(_actor(request), client, per_week=payload.per_week,
                            weeks=payload.weeks, contexts=payload.contexts,
                            tolerable=payload.tolerable)
    return Status(201, _schedule(client))


@router.post("/clients/{int:client_id}/maintenance/items/{int:item_id}/log",
             response={200: LogOut, 201: LogOut},
             summary="Log a planned maintenance practice (idempotent)")
def log_item(request, client_id: int, item_id: int, payload: LogIn,
             idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    client = get_client(request.user, client_id, write=True)
    actor = _actor(request)
    with risk.reaches_care_team(actor, client, risk.LOG, payload.risk_flag):
        key = _key(idempotency_key, payload.idempotency_key)
        item = selectors.items(client).filter(pk=item_id).first()
        if item is None:
            raise ValidationError({"item_id": _("Choose a planned practice of this client.")})
    data = payload.dict(exclude={"rung_id", "assignment_id", "idempotency_key"})
    log, created = services.log_item(actor, item, data, idempotency_key=key, source="api")
    return Status(201 if created else 200, log)


@router.get("/clients/{int:client_id}/maintenance/lifestyle", response=list[LifestyleOut],
            summary="Everyday exposures the client logged")
def list_lifestyle(request, client_id: int):
    client = get_client(request.user, client_id)
    found = list(selectors.lifestyle(client, 100))
    record(_actor(request), "view", client, object_type="maintenance_overview",
           details={"lifestyle": [e.pk for e in found]})
    return found


@router.get("/clients/{int:client_id}/maintenance/boosters", response=list[BoosterOut],
            summary="Booster check-ins, due and done")
def list_boosters(request, client_id: int):
    client = get_client(request.user, client_id)
    found = list(selectors.boosters(client))
    record(_actor(request), "view", client, object_type="maintenance_overview",
           details={"boosters": [b.pk for b in found]})
    return found


@router.post("/clients/{int:client_id}/maintenance/boosters/{int:booster_id}",
             response=BoosterOut, summary="Record a booster check-in")
def record_booster(request, client_id: int, booster_id: int, payload: BoosterIn):
    client = get_client(request.user, client_id, write=True)
    booster = selectors.boosters(client).filter(pk=booster_id).first()
    if booster is None:
        raise ValidationError({"booster_id": _("Choose a booster check-in of this client.")})
    return services.record_booster(
        _actor(request), booster,
        rung_ratings={r.id: r.rating for r in payload.rung_ratings},
        value_ratings={r.id: r.rating for r in payload.value_ratings},
        warning_signs=payload.warning_signs, note=payload.note)


@router.get("/clients/{int:client_id}/maintenance/reminders", response=ReminderOut,
            summary="The client's reminder preference (the client sets it in the portal)")
def get_reminders(request, client_id: int):
    from bravely.maintenance.reminders import failed_reminders

    client = get_client(request.user, client_id)
    pref = selectors.reminder_preference(client)
    record(_actor(request), "view", client, object_type="portal_reminders")
    return {"enabled": pref.enabled, "quiet_from": pref.quiet_from,
            "quiet_until": pref.quiet_until, "unsubscribed_at": pref.unsubscribed_at,
            "failed": failed_reminders(client).count()}
