from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """Progress over time: charts of practice, expectancy, the ladder, values, goals, adherence
    and (when the measures app is installed) outcome measures, for the care team and the client.
    No models of its own: it reads the other apps through their selectors and models."""

    name = "bravely.progress"
    label = "progress"
    verbose_name = "Progress"
