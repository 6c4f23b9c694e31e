from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from bravely.planning.selectors.safety import skill_label
from bravely.planning.selectors.values import formula_of
from bravely.planning.text import clinical_text

register = template.Library()


@register.filter
def clinical(item) -> str:
    """A clinical message (warning, flag, hold): translated, then filled in with its params."""
    return clinical_text(item.message, item.params)


@register.filter
def formula_text(assessment) -> str:
    message, params = formula_of(assessment).describe()
    return clinical_text(message, params)


@register.filter
def skill(item: dict) -> str:
    return skill_label(item)


@register.filter
def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def signed_number(value) -> str:
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


FIELD_LABELS = {"values": _("values it serves"), "position": _("position"),
                "archived": _("archived"), "order": _("order"), "statement_id": _("value"),
                "domain_id": _("life domain")}


@register.filter
def changes(change) -> list[tuple[str, object, object]]:
    """(label, before, after) for each field a ChangeRecord changed, labelled for people."""
    try:
        model = apps.get_model("planning", change.object_type)
    except LookupError:
        model = None
    rows = []
    for name, old, new in change.changed_fields():
        label = FIELD_LABELS.get(name)
        if label is None and model is not None:
            try:
                label = model._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = name
        rows.append((label or name, old, new))
    return rows


ACTION_LABELS = {
    "create": _("Created"), "update": _("Changed"), "reorder": _("Ladder reordered"),
    "decline": _("Declined by the client"), "acknowledge": _("Warning acknowledged"),
    "pace": _("Pace decided"),
}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
