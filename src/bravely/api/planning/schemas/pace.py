"""Pace: the options offered to the client and the client's choice."""

from datetime import date, datetime

from ninja import Field, Schema

from bravely.api.schemas import Date, Input


class PaceOptionIn(Input):
    key: str = Field(min_length=1, max_length=16)
    label: str = Field("", max_length=60)
    sessions_per_week: int = Field(ge=0, le=7)
    practices_per_week: int = Field(ge=1, le=21)
    rungs_per_week: float = Field(gt=0, le=7)


class PaceIn(Input):
    options: list[PaceOptionIn] = Field(min_length=2, max_length=6)
    chosen: str = Field(min_length=1, max_length=16)
    reasons: str = Field(min_length=1, max_length=2000)
    decided_on: Date | None = None


class PaceOut(Schema):
    id: int
    options: list[dict]
    chosen: str
    reasons: str
    decided_on: date
    recorded_by_id: int
    recorded_at: datetime


class PaceOverview(Schema):
    decisions: list[PaceOut]
    default_options: list[dict]
