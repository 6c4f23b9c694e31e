"""Exposure plans and their ladders: rungs, acknowledged ladder warnings and declines."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.clients.models import Client
from bravely.core.models import Immutable
from bravely.planning.models.values import ValueStatement

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class ExposurePlan(models.Model):
    """A plan for one target problem, with its ladder of rungs."""

    class Approach(models.TextChoices):
        INHIBITORY = "inhibitory_learning", _("Inhibitory learning")
        HABITUATION = "habituation", _("Habituation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        ARCHIVED = "archived", _("Archived")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="exposure_plans")
    title = models.CharField(_("target problem"), max_length=150)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    approach = models.CharField(
        _("approach"), max_length=24, choices=Approach.choices, default=Approach.INHIBITORY,
        help_text=_("Sets when a rung counts as ready to advance: expectancy violation "
                    "(inhibitory learning) or distress reduction (habituation)."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    ladder_revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-created_at", "id"]

    def __str__(self):
        return self.title


class Rung(models.Model):
    """One step of the ladder: an observable behaviour in a context, linked to what matters."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        MASTERED = "mastered", _("Mastered")
        PAUSED = "paused", _("Paused")
        SKIPPED = "skipped", _("Skipped")

    plan = models.ForeignKey(ExposurePlan, on_delete=models.PROTECT, related_name="rungs")
    position = models.PositiveIntegerField(default=0)
    behaviour = models.CharField(_("observable behaviour"), max_length=300)
    context_where = models.CharField(_("where"), max_length=200, blank=True)
    context_when = models.CharField(_("when"), max_length=200, blank=True)
    context_with = models.CharField(_("with whom"), max_length=200, blank=True)
    values = models.ManyToManyField(ValueStatement, blank=True, related_name="rungs",
                                    verbose_name=_("values it serves"))
    valued_outcome = models.TextField(_("why this matters (valued outcome)"), max_length=1000,
                                      blank=True)
    predicted_distress = models.PositiveSmallIntegerField(_("predicted distress"))
    feared_outcome = models.TextField(_("feared outcome"), max_length=1000, blank=True)
    feared_likelihood = models.PositiveSmallIntegerField(
        _("likelihood of the feared outcome (%)"), null=True, blank=True, validators=PERCENT)
    safety_behaviours = models.TextField(_("safety behaviours to drop"), max_length=1000,
                                         blank=True)
    own_ceiling = models.PositiveSmallIntegerField(
        _("own ceiling"), null=True, blank=True,
        help_text=_("Optional: a lower ceiling for this rung only."))
    rationale = models.TextField(_("clinical rationale"), max_length=3000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PLANNED)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.behaviour

    @property
    def context(self) -> str:
        return " · ".join(p for p in (self.context_where, self.context_when, self.context_with)
                          if p)


class LadderAcknowledgement(Immutable):
    """The clinician saw a ladder check's warning and chose to keep the ladder as it is."""

    plan = models.ForeignKey(ExposurePlan, on_delete=models.PROTECT,
                             related_name="acknowledgements")
    code = models.CharField(max_length=40)
    rung_key = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-id"]

    def __str__(self):
        return f"{self.code} {self.rung_key}"


class RungDecline(models.Model):
    """The client declined a rung. No penalty; the clinician is prompted to offer an alternative."""

    rung = models.ForeignKey(Rung, on_delete=models.PROTECT, related_name="declines")
    reason = models.TextField(_("the client's reasons"), max_length=2000, blank=True)
    declined_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    alternative = models.ForeignKey(Rung, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="alternative_for")
    alternative_note = models.CharField(_("alternative offered"), max_length=500, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-declined_on", "-id"]

    def __str__(self):
        return f"declined {self.rung}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
