"""Values assessments, value statements in the client's words, and valued goals."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from bravely.api.planning.schemas.common import ChangeOut
from bravely.api.schemas import Date, Input
from bravely.planning.models import ValuedGoal, ValuesAssessment

Source = Literal[tuple(ValuesAssessment.Source.values)]
Per = Literal[tuple(ValuedGoal.Per.values)]
GoalStatus = Literal[tuple(ValuedGoal.Status.values)]


class RatingIn(Input):
    domain_id: int
    importance: int = Field(ge=1, le=10)
    consistency: int = Field(ge=1, le=10)


class AssessmentIn(Input):
    assessed_on: Date | None = None
    source: Source = ValuesAssessment.Source.SESSION.value
    note: str = Field("", max_length=2000)
    ratings: list[RatingIn] = Field(min_length=1, max_length=50)


class RatingOut(Schema):
    domain_id: int
    domain_name: str
    importance: int
    consistency: int
    product: int
    gap: int
    candidate: bool


class StatementOut(Schema):
    id: int
    assessment_id: int
    domain_id: int
    domain_name: str
    text: str
    rank: int
    archived: bool
    version: int


class AssessmentOut(Schema):
    id: int
    assessed_on: date
    source: str
    note: str
    formula: dict
    formula_text: str
    ratings: list[RatingOut]
    composite: float | None
    candidate_domain_ids: list[int]
    statements: list[StatementOut]
    created_by_id: int
    created_at: datetime


class DomainChangeOut(Schema):
    domain_id: int
    importance_change: int | None
    consistency_change: int | None
    gap_change: int | None


class ValuesOut(Schema):
    assessments: list[AssessmentOut]
    changes_since_previous: list[DomainChangeOut]
    composite_change: float | None


class StatementIn(Input):
    domain_id: int
    text: str = Field(min_length=1, max_length=500)
    rank: int = Field(ge=1, le=99)


class StatementPatch(Input):
    # Each field may be left out but not sent as null: the record has no null for it.
    version: int = Field(description="The statement's version you read; a stale one is "
                                     "refused.")
    domain_id: int = None
    text: str = Field(None, min_length=1, max_length=500)
    rank: int = Field(None, ge=1, le=99)
    archived: bool = None


class GoalIn(Input):
    statement_id: int
    what: str = Field(min_length=1, max_length=300)
    times: int = Field(ge=1, le=100)
    per: Per = ValuedGoal.Per.WEEK.value
    by_when: Date


class GoalPatch(Input):
    # Each field may be left out but not sent as null: the record has no null for it.
    version: int = Field(description="The goal's version you read; a stale one is refused.")
    statement_id: int = None
    what: str = Field(None, min_length=1, max_length=300)
    times: int = Field(None, ge=1, le=100)
    per: Per = None
    by_when: Date = None
    status: GoalStatus = None
    note: str = Field("", max_length=500)


class GoalOut(Schema):
    id: int
    statement_id: int
    what: str
    times: int
    per: str
    by_when: date
    status: str
    version: int
    history: list[ChangeOut]
