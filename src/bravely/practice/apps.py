from django.apps import AppConfig


class PracticeConfig(AppConfig):
    """Between-session practice: the client's exposure logs, check-ins and journal.

    "Practice" here is what the client practises; the clinic is `accounts.Practice`.
    """

    name = "bravely.practice"
    label = "practice"
    verbose_name = "Practice between sessions"
