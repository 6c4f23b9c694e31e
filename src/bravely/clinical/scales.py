"""Distress scales, the translation marker and the input error shared by the clinical rules.

SUDS (Wolpe): 0 = no distress, 100 = worst imaginable. Fear thermometer 0-10 (Anxiety Canada) for
children and clients who prefer fewer points. Sources: shared/clinical-facts.md, "Distress scales".
"""

from __future__ import annotations

from enum import Enum


def _(message: str) -> str:
    """Marks a string for translation; the Django layer translates it when showing it."""
    return message


class ClinicalInputError(ValueError):
    """Bad input to a clinical rule: names the field and carries a translatable template.

    ``str(error)`` is the formatted English text; the web layer can translate ``message`` and
    format it with ``params`` instead.
    """

    def __init__(self, field: str, message: str, **params: object) -> None:
        self.field = field
        self.message = message
        self.params = {"field": field, **params}
        super().__init__(message.format(**self.params))


class DistressScale(Enum):
    """A distress scale; the value ("suds100", "thermometer10") is what gets stored."""

    SUDS100 = ("suds100", 0, 100, 1, _("SUDS (0-100)"))
    THERMOMETER10 = ("thermometer10", 0, 10, 1, _("Fear thermometer (0-10)"))

    def __new__(cls, key: str, low: int, high: int, step: int, label: str) -> DistressScale:
        member = object.__new__(cls)
        member._value_ = key
        member.min, member.max, member.step, member.label = low, high, step, label
        return member

    @property
    def span(self) -> int:
        return self.max - self.min


def validate_distress(scale: DistressScale, value: object, field: str = "distress") -> None:
    """Raise ClinicalInputError (a ValueError) unless ``value`` is a whole number on ``scale``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ClinicalInputError(
            field,
            _("{field} must be a whole number on the {scale} scale, not {value!r}."),
            scale=scale.label,
            value=value,
        )
    if not scale.min <= value <= scale.max or (value - scale.min) % scale.step:
        raise ClinicalInputError(
            field,
            _("{field} must be between {min} and {max} on the {scale} scale, not {value}."),
            scale=scale.label,
            min=scale.min,
            max=scale.max,
            value=value,
        )


def to_percent(scale: DistressScale, value: float) -> float:
    """Where ``value`` sits on a 0-100 basis (3 on the thermometer is 30)."""
    return (value - scale.min) * 100 / scale.span


def from_percent(scale: DistressScale, pct: float) -> float:
    """The point on ``scale`` for ``pct`` on a 0-100 basis (60 is 6 on the thermometer)."""
    return scale.min + pct * scale.span / 100


def points_from_percent(scale: DistressScale, pct: float) -> float:
    """A distance (not a point) on ``scale``: a 20-point step on 0-100 is 2 on 0-10."""
    return pct * scale.span / 100
