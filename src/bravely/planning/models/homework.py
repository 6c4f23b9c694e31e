"""Homework: practice assigned between sessions and its signed rationale."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.clients.models import Client
from bravely.core.models import Immutable
from bravely.planning.models.ladder import ExposurePlan, Rung
from bravely.planning.models.pace import PaceDecision
from bravely.planning.models.safety import SafetyParameters


class HomeworkAssignment(models.Model):
    """Practice between sessions for one rung, agreed with the client."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Assigned")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assignments")
    plan = models.ForeignKey(ExposurePlan, on_delete=models.PROTECT, related_name="assignments")
    rung = models.ForeignKey(Rung, on_delete=models.PROTECT, related_name="assignments",
                             verbose_name=_("rung"))
    frequency_per_week = models.PositiveSmallIntegerField(
        _("practices per week"), validators=[MinValueValidator(1), MaxValueValidator(21)])
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    # Bravely default: a rating every 3 minutes. PE Coach and the in-vivo protocols ask for SUDS
    # "every few minutes" (Foa, Hembree & Rothbaum 2007 use about every 5); 3 is the middle of
    # the 2-5 minute range clinicians use, and each clinician sets it per assignment.
    rating_every_minutes = models.PositiveSmallIntegerField(
        _("ask for a rating every (minutes)"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("During practise-now the client is asked how strong the fear is at this "
                    "interval. Bravely default: 3 minutes."))
    contexts_to_vary = models.TextField(_("contexts to vary"), max_length=2000, blank=True)
    instructions = models.TextField(_("instructions"), max_length=4000)
    coping_plan = models.TextField(_("coping and exit plan that applies"), max_length=4000)
    safety = models.ForeignKey(SafetyParameters, on_delete=models.PROTECT, related_name="+")
    pace = models.ForeignKey(PaceDecision, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    agreed_with_client = models.BooleanField(_("agreed with the client"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)
    override_reason = models.TextField(
        _("reason for overriding the checks"), max_length=1000, blank=True,
        help_text=_("Why this homework is assigned although a check advised against it."))
    overridden = models.JSONField(
        default=list, blank=True,
        help_text=_("The checks overridden: codes with the message shown when assigning."))

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return f"{self.rung} {self.starts_on}–{self.ends_on}"


class Rationale(Immutable):
    """The signed rationale of an assignment. Signed text never changes; a correction is a new
    entry that points at the one it corrects."""

    assignment = models.ForeignKey(HomeworkAssignment, on_delete=models.PROTECT,
                                   related_name="rationales")
    text = models.TextField(_("rationale"), max_length=6000)
    drafted_text = models.TextField(max_length=6000, blank=True)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections")
    correction_reason = models.CharField(_("reason for the correction"), max_length=500,
                                         blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at", "-id"]

    def __str__(self):
        return f"rationale for {self.assignment} ({self.signed_at:%Y-%m-%d})"
