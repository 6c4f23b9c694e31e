"""Safety parameters (versioned) and the client's acknowledgements of them."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from bravely.api.planning.schemas.common import Distress
from bravely.api.planning.schemas.config import CrisisOut
from bravely.api.planning.schemas.readiness import HoldOut
from bravely.api.schemas import Input
from bravely.planning.models import CopingKind, SafetyAcknowledgement

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class SkillIn(Input):
    kind: Literal[tuple(CopingKind.values)]
    description: str = Field("", max_length=300)
    allowed_during_exposure: bool = True


class ContactIn(Input):
    name: str = Field(min_length=1, max_length=150)
    relationship: str = Field("", max_length=150)
    contact: str = Field(min_length=1, max_length=150)


class SafetyIn(Input):
    distress_ceiling: Distress
    coping_level: Distress | None = None
    exit_strategies: list[Line] = Field(min_length=1, max_length=30)
    escalation_plan: str = Field("", max_length=3000)
    setback_plan: str = Field("", max_length=3000)
    coping_skills: list[SkillIn] = Field(default_factory=list, max_length=20)
    support_contacts: list[ContactIn] = Field(default_factory=list, max_length=20)
    change_note: str = Field("", max_length=500)
    based_on: int | None = Field(None, ge=0, description="The version you read (0 if none); a "
                                                         "stale one is refused.")


class AckOut(Schema):
    id: int
    method: str
    note: str
    recorded_by_id: int
    acknowledged_at: datetime


class SafetyOut(Schema):
    id: int
    version: int
    distress_scale: str
    distress_ceiling: int
    coping_level: int | None
    exit_strategies: list[str]
    escalation_plan: str
    setback_plan: str
    coping_skills: list[dict]
    support_contacts: list[dict]
    crisis_resources: list[dict]
    change_note: str
    recorded_by_id: int
    recorded_at: datetime
    acknowledgements: list[AckOut]

    @staticmethod
    def resolve_acknowledgements(obj):
        return list(obj.acknowledgements.all())


class SafetyOverview(Schema):
    current: SafetyOut | None
    versions: list[SafetyOut]
    crisis_resources: list[CrisisOut]
    on_hold: bool
    open_holds: list[HoldOut]


SESSION = SafetyAcknowledgement.Method.SESSION.value


class AckIn(Input):
    method: Literal[SESSION] = SESSION  # only the client, in the portal, records "portal"
    note: str = Field("", max_length=500)
