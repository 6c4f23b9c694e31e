"""Safety parameters (versioned) and the client's acknowledgements of them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.clients.models import Client
from bravely.core.models import Immutable


class CopingKind(models.TextChoices):
    BREATHING = "breathing", _("Breathing")
    GROUNDING = "grounding", _("Grounding")
    REAPPRAISAL = "reappraisal", _("Reappraisal")
    CUSTOM = "custom", _("Other (describe)")


class SafetyParameters(Immutable):
    """One version of the client's safety parameters. A change is a new version."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="safety_versions")
    version = models.PositiveIntegerField()
    distress_scale = models.CharField(max_length=16)
    distress_ceiling = models.PositiveSmallIntegerField(
        _("distress ceiling"),
        help_text=_("At this level a practice is stopped (on the client's scale)."),
    )
    coping_level = models.PositiveSmallIntegerField(
        _("use-my-coping-plan level"), null=True, blank=True,
        help_text=_("Optional, below the ceiling: at this level the client uses their coping "
                    "plan."),
    )
    exit_strategies = models.JSONField(_("exit strategies and escape routes"), default=list,
                                       blank=True)
    escalation_plan = models.TextField(_("if distress escalates"), max_length=3000, blank=True)
    setback_plan = models.TextField(_("after a setback"), max_length=3000, blank=True)
    coping_skills = models.JSONField(_("coping skills"), default=list, blank=True)
    support_contacts = models.JSONField(_("support contacts"), default=list, blank=True)
    crisis_resources = models.JSONField(_("crisis resources"), default=list, blank=True)
    change_note = models.CharField(_("what changed and why"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "safety parameters"
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="safety_version_unique")
        ]

    def __str__(self):
        return f"{self.client} safety v{self.version}"

    @property
    def scale_max(self) -> int:
        return 10 if self.distress_scale == "thermometer10" else 100

    def allowed_skills(self):
        return [s for s in self.coping_skills if s.get("allowed_during_exposure")]

    def withheld_skills(self):
        return [s for s in self.coping_skills if not s.get("allowed_during_exposure")]


class SafetyAcknowledgement(Immutable):
    """The client acknowledged one version of their safety parameters."""

    class Method(models.TextChoices):
        SESSION = "session", _("In session, recorded by the clinician")
        PORTAL = "portal", _("By the client in the portal")

    parameters = models.ForeignKey(SafetyParameters, on_delete=models.PROTECT,
                                   related_name="acknowledgements")
    method = models.CharField(_("how"), max_length=16, choices=Method.choices,
                              default=Method.SESSION)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-id"]

    def __str__(self):
        return f"{self.parameters} acknowledged {self.acknowledged_at:%Y-%m-%d}"
