"""Pieces shared by the API's request bodies."""

from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator

# A record's id. The upper bound is the largest id the database holds: a bigger number cannot
# name a record, and SQLite cannot even compare one ("Python int too large"), so it is a 422.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Input(Schema):
    """A request body whose text (also in lists of text) holds no NUL character: PostgreSQL
    cannot store one, and Django's form fields refuse it, so it is a 422 naming the field."""

    @field_validator("*")
    @classmethod
    def _no_nul_characters(cls, value):
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(_("Null characters are not allowed."))
        return value
