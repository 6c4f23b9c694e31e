from django.apps import AppConfig


class PacingConfig(AppConfig):
    """Runs the pure pacing engine (`bravely.clinical.pacing`) over stored plans, logs and
    check-ins, keeps its recommendations and the clinician's decisions on them."""

    name = "bravely.pacing"
    label = "pacing"
    verbose_name = "Pacing recommendations"
