"""Words for people: change labels, the shipped band labels, neutral item labels."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bravely.clinical import measures as rules

CHANGE = {
    rules.BASELINE: gettext_noop("baseline"),
    rules.IMPROVED: gettext_noop("reliably improved"),
    rules.NO_CHANGE: gettext_noop("no reliable change"),
    rules.DETERIORATED: gettext_noop("reliably deteriorated"),
    rules.RECOVERED: gettext_noop("recovered"),
}

# The band labels in the shipped definitions, so that they are translated too.
BANDS = [gettext_noop("Minimal"), gettext_noop("Mild"), gettext_noop("Moderate"),
         gettext_noop("Moderately severe"), gettext_noop("Severe"),
         gettext_noop("Below the cut-off"),
         gettext_noop("At or above the cut-off (probable PTSD)")]

REASONS = {
    "deteriorated": gettext_noop("reliably worse than at the first score"),
    "no_improvement": gettext_noop("no reliable improvement since the first score"),
}


def change_label(code: str) -> str:
    return _(CHANGE[code]) if code in CHANGE else ""


def band_label(label: str) -> str:
    return _(label) if label else ""


def reason_label(code: str) -> str:
    return _(REASONS[code]) if code in REASONS else code


def neutral_item(number: int, count: int) -> str:
    return _("Item %(number)s of %(count)s") % {"number": number, "count": count}
