"""Practice configuration: value domains, planning settings and crisis resources."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bravely.accounts.models import Practice


class ValueDomain(models.Model):
    """A life domain on the practice's values assessment (editable; seeded with the defaults)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="value_domains")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="value_domain_unique_name")
        ]

    def __str__(self):
        return self.name


class PlanningSettings(models.Model):
    """The practice's configurable planning rules: values scoring and ladder checks.

    Defaults are those of `bravely.clinical.values.ScoringFormula` and
    `bravely.clinical.ladder.LadderPolicy`; the scoring is debated and the ladder figures come from
    low-quality sources, hence configurable (shared/clinical-facts.md).
    """

    practice = models.OneToOneField(
        Practice, on_delete=models.PROTECT, related_name="planning_settings"
    )
    product_composite = models.BooleanField(
        _("composite is the mean of importance x consistency"), default=True,
        help_text=_("Off: the composite is the mean consistency rating instead."),
    )
    gap_count = models.PositiveSmallIntegerField(
        _("how many gap domains to suggest"), default=3,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    min_gap = models.PositiveSmallIntegerField(
        _("smallest gap (importance minus consistency) to suggest"), default=3,
        validators=[MinValueValidator(0), MaxValueValidator(9)],
    )
    min_importance = models.PositiveSmallIntegerField(
        _("lowest importance to suggest"), default=6,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    max_step_percent = models.PositiveSmallIntegerField(
        _("largest step between neighbouring rungs (0-100 basis)"), default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    usual_start_low = models.PositiveSmallIntegerField(
        _("usual first rung from (0-100 basis)"), default=30,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    usual_start_high = models.PositiveSmallIntegerField(
        _("usual first rung up to (0-100 basis)"), default=40,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    start_tolerance_percent = models.PositiveSmallIntegerField(
        _("first rung may be this much above the usual range before a warning"), default=20,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    min_rungs = models.PositiveSmallIntegerField(
        _("usual fewest rungs"), default=8, validators=[MinValueValidator(1),
                                                        MaxValueValidator(100)],
    )
    max_rungs = models.PositiveSmallIntegerField(
        _("usual most rungs"), default=15, validators=[MinValueValidator(1),
                                                       MaxValueValidator(100)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "planning settings"

    def __str__(self):
        return f"Planning settings of {self.practice}"


class CrisisResource(models.Model):
    """A crisis line or service for one region. The practice keeps this list; no country is
    built in."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="crisis_resources"
    )
    region = models.CharField(
        _("region"), max_length=8,
        help_text=_("Country code, optionally with a region: US, GB, US-CA. A country entry also "
                    "applies to clients in its regions."),
    )
    name = models.CharField(_("name"), max_length=120)
    contact = models.CharField(_("how to reach it"), max_length=200,
                               help_text=_("Phone number, text number or chat address."))
    url = models.URLField(_("web address"), blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    needs_verification = models.BooleanField(
        _("example: the practice must verify this entry"), default=False,
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "position", "id"]

    def __str__(self):
        return f"{self.region}: {self.name}"

    def applies_to(self, region: str) -> bool:
        region = (region or "").upper()
        return region == self.region or region.startswith(self.region + "-")

    def snapshot(self) -> dict:
        return {"region": self.region, "name": self.name, "contact": self.contact,
                "url": self.url, "notes": self.notes,
                "needs_verification": self.needs_verification}
