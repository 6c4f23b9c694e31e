"""Showing the clinical package's messages: translate the template, then fill in the params."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from bravely.clinical.scales import ClinicalInputError


def clinical_text(message: str, params: dict | None = None) -> str:
    """gettext(message).format(**params); string params are translated too (scale labels)."""
    params = {k: gettext(v) if isinstance(v, str) and v else v for k, v in (params or {}).items()}
    try:
        return gettext(message).format(**params)
    except (KeyError, IndexError, ValueError):
        return message.format(**params)


def clinical_error(error: ClinicalInputError, field: str | None = None,
                   label: str | None = None) -> ValidationError:
    """A Django ValidationError for a ClinicalInputError, keyed by our field name and showing its
    human label instead of the clinical package's internal name."""
    params = dict(error.params)
    if label is not None:
        params["field"] = str(label)
    text = clinical_text(error.message, params)
    if text:
        text = text[0].upper() + text[1:]
    return ValidationError({field or error.field: text})
