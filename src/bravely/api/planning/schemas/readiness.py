"""The readiness screen before exposure, its holds and their clearances."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictBool

from bravely.api.schemas import Input
from bravely.planning.selectors import readiness as readiness_selectors
from bravely.planning.text import clinical_text


# One yes/no per question of `bravely.clinical.readiness.ReadinessScreen` (a comment, not a
# docstring: that would become the schema's description).
class ReadinessIn(Input):
    imminent_suicide_risk: StrictBool
    recent_self_harm_or_suicidal_behaviour: StrictBool
    intoxication_or_unmanaged_substance_use: StrictBool
    psychosis: StrictBool
    dissociation: StrictBool
    interoceptive_planned: StrictBool
    seizures: StrictBool
    cardiac: StrictBool
    respiratory: StrictBool
    neck_or_back: StrictBool
    pregnancy: StrictBool
    note: str = Field("", max_length=2000)


class FlagOut(Schema):
    code: str
    message: str
    holds: bool


class HoldOut(Schema):
    id: int
    code: str
    needs: str
    message: str
    cleared: bool
    clearances: list[dict]

    @staticmethod
    def resolve_message(obj):
        return clinical_text(obj.message, obj.params)

    @staticmethod
    def resolve_cleared(obj):
        return bool(obj.clearances.all())

    @staticmethod
    def resolve_clearances(obj):
        return [{"id": c.pk, "rationale": c.rationale, "cleared_by_id": c.cleared_by_id,
                 "cleared_at": c.cleared_at.isoformat()} for c in obj.clearances.all()]


class ScreenOut(Schema):
    id: int
    answers: dict
    note: str
    screened_by_id: int
    screened_at: datetime
    flags: list[FlagOut]
    holds: list[HoldOut]

    @staticmethod
    def resolve_flags(obj):
        return [{"code": f.code, "message": clinical_text(f.message, f.params), "holds": f.holds}
                for f in readiness_selectors.screen_flags(obj)]

    @staticmethod
    def resolve_holds(obj):
        return list(obj.holds.all())


class ClearanceIn(Input):
    rationale: str = Field(min_length=10, max_length=3000)
