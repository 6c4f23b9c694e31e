from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from bravely.accounts.models import User
from bravely.accounts.selectors import clinicians_of_practice
from bravely.api.schemas import Date, Id, Input
from bravely.audit.services import Actor, record
from bravely.clients import selectors, services
from bravely.clients.models import (
    Client,
    DistressScale,
    validate_date_of_birth,
    validate_time_zone,
)

router = Router()

ClientStatus = Literal[tuple(Client.Status.values)]
Scale = Literal[tuple(DistressScale.values)]
REGION = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"


class ClientOut(Schema):
    id: int
    display_name: str
    date_of_birth: date | None
    pronouns: str
    presenting_concerns: str
    status: ClientStatus
    primary_clinician_id: int
    care_team: list[int]
    distress_scale: Scale
    locale: str
    region: str
    time_zone: str
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime

    @staticmethod
    def resolve_care_team(obj):
        return sorted(user.pk for user in obj.care_team.all())

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None


class ClientPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ClientOut]


def _birth_date(value: date | None) -> date | None:
    if value is not None:
        try:
            validate_date_of_birth(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
    return value


def _no_nul_characters(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise ValueError(_("Null characters are not allowed."))
    return value


def _not_blank(value: str | None) -> str | None:
    if value is not None:
        value = value.strip()
        if not value:
            raise ValueError(_("The display name cannot be blank."))
    return value


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


TEXT_FIELDS = ("display_name", "pronouns", "presenting_concerns")


def _time_zone(value: str | None) -> str | None:
    if value is not None:
        try:
            validate_time_zone(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
    return value


class ClientIn(Input):
    display_name: str = Field(min_length=1, max_length=100)
    date_of_birth: Date | None = None
    pronouns: str = Field("", max_length=40)
    presenting_concerns: str = Field("", max_length=4000)
    status: ClientStatus = "intake"
    primary_clinician_id: Id | None = None
    care_team: list[Id] = Field(default_factory=list, max_length=50)
    distress_scale: Scale = "suds100"
    locale: Literal["en"] = "en"
    region: str | None = Field(None, pattern=REGION)
    time_zone: str | None = Field(None, max_length=64, description="IANA name, e.g. "
                                  "Europe/London; defaults to the practice's.")

    _dob = field_validator("date_of_birth")(_birth_date)
    _nul = field_validator(*TEXT_FIELDS)(_no_nul_characters)
    _blank = field_validator("display_name")(_not_blank)
    _region = field_validator("region", mode="before")(_upper)
    _tz = field_validator("time_zone")(_time_zone)


class ClientPatch(Input):
    # Only date_of_birth may be sent as null (to clear it). The other fields may be left out but
    # not sent as null: the record has no null for them (send "" to empty a text).
    display_name: str = Field(None, min_length=1, max_length=100)
    date_of_birth: Date | None = None
    pronouns: str = Field(None, max_length=40)
    presenting_concerns: str = Field(None, max_length=4000)
    status: ClientStatus = None
    primary_clinician_id: Id = None
    care_team: list[Id] = Field(None, max_length=50)
    distress_scale: Scale = None
    locale: Literal["en"] = None
    region: str = Field(None, pattern=REGION)
    time_zone: str = Field(None, max_length=64)

    _dob = field_validator("date_of_birth")(_birth_date)
    _nul = field_validator(*TEXT_FIELDS)(_no_nul_characters)
    _blank = field_validator("display_name")(_not_blank)
    _region = field_validator("region", mode="before")(_upper)
    _tz = field_validator("time_zone")(_time_zone)


class ArchiveIn(Input):
    reason: str = Field(min_length=1, max_length=500)

    _nul = field_validator("reason")(_no_nul_characters)


def _staff_users(practice_id, ids, field):
    """Users of this practice's staff with these ids; an unknown id is a field error."""
    users = list(User.objects.filter(membership__in=clinicians_of_practice(practice_id),
                                     pk__in=ids))
    if len(users) != len(set(ids)):
        raise ValidationError({field: _("Choose members of your practice.")})
    return users


def _data(payload: Schema, practice_id: int) -> dict:
    data = payload.dict(exclude_unset=True)
    data.pop("care_team", None)
    if data.get("primary_clinician_id") is not None:
        data["primary_clinician"] = _staff_users(
            practice_id, [data.pop("primary_clinician_id")], "primary_clinician_id")[0]
    else:
        data.pop("primary_clinician_id", None)
    return data


def _reload(client_id):
    return Client.objects.prefetch_related("care_team").get(pk=client_id)


@router.get("", response=ClientPage, summary="List the clients you may see")
def list_clients(request, status: ClientStatus | None = None, archived: bool = False,
                 page: int = Query(1, ge=1, le=1_000_000),
                 page_size: int = Query(25, ge=1, le=100)):
    clients = selectors.caseload(request.user, status=status or "", archived=archived)
    count = clients.count()
    start = (page - 1) * page_size
    items = list(clients.prefetch_related("care_team")[start:start + page_size])
    record(Actor.from_request(request, via="api"), "view", object_type="caseload",
           practice_id=request.user.membership.practice_id,
           details={"client_ids": [c.pk for c in items], "page": page})
    return {"count": count, "page": page, "page_size": page_size, "items": items}


@router.post("", response={201: ClientOut}, summary="Create a client record")
def create_client(request, payload: ClientIn):
    membership = request.user.membership
    data = _data(payload, membership.practice_id)
    data.setdefault("primary_clinician", request.user)
    team = _staff_users(membership.practice_id, payload.care_team, "care_team")
    client = services.create_client(Actor.from_request(request, via="api"), membership.practice,
                                    data, care_team=team)
    return Status(201, _reload(client.pk))


@router.get("/{int:client_id}", response=ClientOut, summary="Read a client record")
def read_client(request, client_id: int):
    client = selectors.get_client(request.user, client_id)
    record(Actor.from_request(request, via="api"), "view", client)
    return _reload(client.pk)


@router.patch("/{int:client_id}", response=ClientOut, summary="Change a client record")
def update_client(request, client_id: int, payload: ClientPatch):
    client = selectors.get_client(request.user, client_id, write=True)
    data = _data(payload, client.practice_id)
    team = None
    if payload.care_team is not None:
        team = _staff_users(client.practice_id, payload.care_team, "care_team")
    services.update_client(Actor.from_request(request, via="api"), client, data, care_team=team)
    return _reload(client.pk)


@router.post("/{int:client_id}/archive", response=ClientOut, summary="Archive a client record")
def archive_client(request, client_id: int, payload: ArchiveIn):
    client = selectors.get_client(request.user, client_id, write=True)
    services.archive_client(Actor.from_request(request, via="api"), client, payload.reason)
    return _reload(client.pk)
