"""Schema pieces more than one planning area uses."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

Distress = Annotated[int, Field(ge=0, le=100, description="On the client's distress scale "
                                                          "(0-100 or 0-10); checked against it.")]


class ChangeOut(Schema):
    id: int
    object_type: str
    object_id: int
    action: str
    before: dict | None
    after: dict | None
    note: str
    changed_by_id: int
    changed_at: datetime
