"""The readiness screen before exposure, the holds it raises and their clearances."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.clients.models import Client
from bravely.core.models import Immutable


class ReadinessScreen(Immutable):
    """The readiness screen before exposure. Positive answers become holds."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="readiness_screens")
    answers = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    screened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-screened_at", "-id"]

    def __str__(self):
        return f"{self.client} readiness {self.screened_at:%Y-%m-%d}"


class ReadinessHold(Immutable):
    """A positive readiness answer: exposure work waits until a clinician records a clearance."""

    screen = models.ForeignKey(ReadinessScreen, on_delete=models.PROTECT, related_name="holds")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=48)
    needs = models.CharField(max_length=32)
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.code


class Clearance(Immutable):
    """A clinician's clearance of a hold, with the rationale. Kept for good."""

    hold = models.ForeignKey(ReadinessHold, on_delete=models.PROTECT, related_name="clearances")
    rationale = models.TextField(_("rationale"), max_length=3000)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    cleared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cleared_at", "id"]

    def __str__(self):
        return f"clearance of {self.hold}"
