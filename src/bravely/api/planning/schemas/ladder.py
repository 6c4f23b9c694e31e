"""Exposure plans and their ladders: rungs, ladder checks' warnings, declines."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from bravely.api.planning.schemas.common import Distress
from bravely.api.planning.schemas.pace import PaceOut
from bravely.api.schemas import Date, Id, Input
from bravely.planning.models import ExposurePlan, Rung

Approach = Literal[tuple(ExposurePlan.Approach.values)]
PlanStatus = Literal[tuple(ExposurePlan.Status.values)]
RungStatus = Literal[tuple(Rung.Status.values)]


class PlanIn(Input):
    title: str = Field(min_length=1, max_length=150)
    description: str = Field("", max_length=3000)
    approach: Approach = ExposurePlan.Approach.INHIBITORY.value
    status: PlanStatus = ExposurePlan.Status.DRAFT.value


# In the PATCH bodies below, a field whose type has no None but whose default is None may be left
# out but not sent as null: the record has no null for it (send "" to empty a text). Only what
# can be cleared (own_ceiling, feared_likelihood) is nullable.


class PlanPatch(Input):
    version: int = Field(description="The plan's version you read; a stale one is refused.")
    title: str = Field(None, min_length=1, max_length=150)
    description: str = Field(None, max_length=3000)
    approach: Approach = None
    status: PlanStatus = None


class RungIn(Input):
    behaviour: str = Field(min_length=1, max_length=300)
    context_where: str = Field("", max_length=200)
    context_when: str = Field("", max_length=200)
    context_with: str = Field("", max_length=200)
    values: list[Id] = Field(default_factory=list, max_length=20,
                             description="Ids of the client's value statements.")
    valued_outcome: str = Field("", max_length=1000)
    predicted_distress: Distress
    feared_outcome: str = Field("", max_length=1000)
    feared_likelihood: int | None = Field(None, ge=0, le=100)
    safety_behaviours: str = Field("", max_length=1000)
    own_ceiling: Distress | None = None
    rationale: str = Field("", max_length=3000)
    status: RungStatus = Rung.Status.PLANNED.value
    revision: int | None = Field(None, description="The ladder revision you read.")
    decline_id: int | None = Field(None, description="A declined rung this one replaces.")


class RungPatch(Input):
    version: int = Field(description="The rung's version you read; a stale one is refused.")
    behaviour: str = Field(None, min_length=1, max_length=300)
    context_where: str = Field(None, max_length=200)
    context_when: str = Field(None, max_length=200)
    context_with: str = Field(None, max_length=200)
    values: list[Id] = Field(None, max_length=20)
    valued_outcome: str = Field(None, max_length=1000)
    predicted_distress: Distress = None
    feared_outcome: str = Field(None, max_length=1000)
    feared_likelihood: int | None = Field(None, ge=0, le=100)
    safety_behaviours: str = Field(None, max_length=1000)
    own_ceiling: Distress | None = None
    rationale: str = Field(None, max_length=3000)
    status: RungStatus = None


class DeclineOut(Schema):
    id: int
    rung_id: int
    reason: str
    declined_on: date
    open: bool
    alternative_id: int | None
    alternative_note: str

    @staticmethod
    def resolve_open(obj):
        return obj.is_open


class RungOut(Schema):
    id: int
    position: int
    behaviour: str
    context_where: str
    context_when: str
    context_with: str
    values: list[int]
    valued_outcome: str
    predicted_distress: int
    feared_outcome: str
    feared_likelihood: int | None
    safety_behaviours: str
    own_ceiling: int | None
    rationale: str
    status: str
    version: int
    declines: list[DeclineOut]

    @staticmethod
    def resolve_values(obj):
        return [v.pk for v in obj.values.all()]

    @staticmethod
    def resolve_declines(obj):
        return list(obj.declines.all())


class WarningOut(Schema):
    code: str
    rung_id: int | None
    severity: str
    message: str
    acknowledged: bool
    acknowledged_by_id: int | None
    note: str


class PlanOut(Schema):
    id: int
    title: str
    description: str
    approach: str
    status: str
    version: int
    ladder_revision: int
    created_at: datetime
    updated_at: datetime


class PlanDetail(PlanOut):
    on_hold: bool
    rungs: list[RungOut]
    warnings: list[WarningOut]
    pace: PaceOut | None


class OrderIn(Input):
    rung_ids: list[int] = Field(min_length=1, max_length=200)
    revision: int = Field(description="The ladder revision you read; a stale one is refused.")


class MoveIn(Input):
    direction: Literal["up", "down"]
    revision: int = Field(description="The ladder revision you read; a stale one is refused.")


class WarningAckIn(Input):
    code: str = Field(min_length=1, max_length=40)
    rung_id: int | None = None
    note: str = Field("", max_length=500)


class WarningAckOut(Schema):
    id: int
    code: str
    rung_key: str
    note: str
    acknowledged_by_id: int
    acknowledged_at: datetime


class DeclineIn(Input):
    reason: str = Field("", max_length=2000)
    declined_on: Date | None = None


class ResolveIn(Input):
    alternative_note: str = Field(min_length=1, max_length=500)
