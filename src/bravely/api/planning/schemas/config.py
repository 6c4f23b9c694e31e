"""Practice configuration: life domains, crisis resources, planning settings."""

from ninja import Field, Schema

from bravely.api.schemas import Input

REGION = r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"


class DomainOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool


class DomainIn(Input):
    name: str = Field(min_length=1, max_length=80)
    position: int = Field(0, ge=0, le=1000)
    is_active: bool = True


class DomainPatch(Input):
    # Each field may be left out but not sent as null: the record has no null for it.
    name: str = Field(None, min_length=1, max_length=80)
    position: int = Field(None, ge=0, le=1000)
    is_active: bool = None


class CrisisOut(Schema):
    id: int
    region: str
    name: str
    contact: str
    url: str
    notes: str
    needs_verification: bool
    position: int
    is_active: bool


class CrisisIn(Input):
    region: str = Field(pattern=REGION)
    name: str = Field(min_length=1, max_length=120)
    contact: str = Field(min_length=1, max_length=200)
    url: str = Field("", max_length=200)
    notes: str = Field("", max_length=300)
    needs_verification: bool = False
    position: int = Field(0, ge=0, le=1000)
    is_active: bool = True


# In the PATCH body below, a text field typed `str` with a None default may be left out but not
# sent as null: the record has no null for it (send "" to empty it).


class CrisisPatch(Input):
    region: str = Field(None, pattern=REGION)
    name: str = Field(None, min_length=1, max_length=120)
    contact: str = Field(None, min_length=1, max_length=200)
    url: str = Field(None, max_length=200)
    notes: str = Field(None, max_length=300)
    needs_verification: bool = None
    position: int = Field(None, ge=0, le=1000)
    is_active: bool = None


class SettingsIO(Schema):
    product_composite: bool = True
    gap_count: int = Field(3, ge=0, le=20)
    min_gap: int = Field(3, ge=0, le=9)
    min_importance: int = Field(6, ge=0, le=10)
    max_step_percent: int = Field(20, ge=1, le=100)
    usual_start_low: int = Field(30, ge=0, le=100)
    usual_start_high: int = Field(40, ge=0, le=100)
    start_tolerance_percent: int = Field(20, ge=0, le=100)
    min_rungs: int = Field(8, ge=1, le=100)
    max_rungs: int = Field(15, ge=1, le=100)


class SettingsIn(SettingsIO, Input):
    """The same fields as a request body (strict)."""
