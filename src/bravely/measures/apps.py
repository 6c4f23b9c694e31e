from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """Standard outcome measures: instrument definitions (data, no item wording), wording a
    practice imports, schedules, administrations, responses and their scores."""

    name = "bravely.measures"
    label = "measures"
    verbose_name = "Outcome measures"
