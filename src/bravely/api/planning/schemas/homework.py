"""Homework assignments and their signed rationales."""

from datetime import date, datetime

from ninja import Field, Schema

from bravely.api.schemas import Date, Input


class AssignmentIn(Input):
    rung_id: int
    frequency_per_week: int | None = Field(None, ge=1, le=21, description="Defaults to the "
                                           "chosen pace's practices per week.")
    rating_every_minutes: int | None = Field(
        None, ge=1, le=30, description="Practise-now asks for a rating at this interval. "
        "Bravely default: 3 minutes.")
    starts_on: Date
    ends_on: Date
    contexts_to_vary: str = Field("", max_length=2000)
    instructions: str = Field(min_length=1, max_length=4000)
    coping_plan: str = Field("", max_length=4000, description="Empty: drafted from the safety "
                                                              "parameters in force.")
    agreed_with_client: bool
    override_reason: str = Field("", max_length=1000, description="Needed when a check advises "
                                 "against this homework (a rung above the ceiling or with no "
                                 "linked value, a plan that is not active, safety parameters "
                                 "the client has not acknowledged); recorded and shown in the "
                                 "rationale.")


class OverriddenCheck(Schema):
    code: str
    field: str
    message: str


class RationaleOut(Schema):
    id: int
    text: str
    corrects_id: int | None
    correction_reason: str
    signed_by_id: int
    signed_at: datetime


class AssignmentOut(Schema):
    id: int
    plan_id: int
    rung_id: int
    frequency_per_week: int
    rating_every_minutes: int
    starts_on: date
    ends_on: date
    contexts_to_vary: str
    instructions: str
    coping_plan: str
    safety_version: int
    pace_id: int | None
    agreed_with_client: bool
    status: str
    cancel_reason: str
    override_reason: str
    overridden: list[OverriddenCheck]
    created_by_id: int
    created_at: datetime
    rationales: list[RationaleOut]

    @staticmethod
    def resolve_safety_version(obj):
        return obj.safety.version

    @staticmethod
    def resolve_rationales(obj):
        return sorted(obj.rationales.all(), key=lambda r: (r.signed_at, r.pk), reverse=True)


class AssignmentDetail(AssignmentOut):
    draft_rationale: str


class RationaleIn(Input):
    text: str = Field(min_length=20, max_length=6000)
    corrects_id: int | None = None
    correction_reason: str = Field("", max_length=500)


class CancelIn(Input):
    reason: str = Field(min_length=1, max_length=500)
