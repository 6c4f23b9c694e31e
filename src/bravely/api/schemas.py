"""Pieces shared by the API's request bodies: every body's schema derives from `Input`.

`Input` is strict: a JSON value of the wrong type is a 422 naming the field, never converted
(`false` is no number, `0` no date, `"5"` no integer), and a body that is not a JSON object
(`null`, `5`, `"AAA"`) is refused as a whole. ninja's own Schema would read any value's attributes
instead (`"AAA".title()` became a plan's title). Dates and times come as ISO 8601 text (`Date`,
`DateTime`), the only form JSON has for them. Text holds no NUL character.
"""

from datetime import date, datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, Strict, field_validator, model_validator
from pydantic_core import PydanticCustomError

# A record's id. The upper bound is the largest id the database holds: a bigger number cannot
# name a record, and SQLite cannot even compare one ("Python int too large"), so it is a 422.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _iso_text(value):
    if not isinstance(value, str):
        raise PydanticCustomError("iso_text", _("Input should be text in ISO 8601 form "
                                                "(2026-01-31, or 2026-01-31T09:30:00Z)."))
    return value


# Parsed from text only (strict mode would refuse text; lax mode would take 0 for 1970-01-01).
Date = Annotated[date, BeforeValidator(_iso_text), Strict(False)]
DateTime = Annotated[datetime, BeforeValidator(_iso_text), Strict(False)]


class Input(Schema):
    """A request body: strict types, a JSON object, and text (also in lists of text) without
    NUL characters (PostgreSQL cannot store one; Django's form fields refuse it); a field the
    operation does not know is refused by name, so that a misspelt field is not silently lost."""

    model_config = ConfigDict(strict=True, extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, value, handler, info):
        """Replaces ninja's (which reads attributes of any object): only an object is a body."""
        if not isinstance(value, dict | cls):
            raise PydanticCustomError("model_type", _("Input should be a JSON object."))
        return handler(value)

    @field_validator("*")
    @classmethod
    def _no_nul_characters(cls, value):
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(_("Null characters are not allowed."))
        return value
