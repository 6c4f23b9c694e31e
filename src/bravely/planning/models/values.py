"""Values: assessments with their domain ratings, value statements and valued goals."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.clients.models import Client
from bravely.core.models import Immutable
from bravely.planning.models.config import ValueDomain

RATING = [MinValueValidator(1), MaxValueValidator(10)]


class ValuesAssessment(models.Model):
    """Importance and consistency ratings per life domain at one point in time."""

    class Source(models.TextChoices):
        SESSION = "session", _("With the clinician in session")
        PORTAL = "portal", _("By the client in the portal")

    client = models.ForeignKey(Client, on_delete=models.PROTECT,
                               related_name="values_assessments")
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    source = models.CharField(_("completed"), max_length=16, choices=Source.choices,
                              default=Source.SESSION)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # The ScoringFormula used, so old scores stay explainable.
    formula = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self):
        return f"{self.client} values {self.assessed_on}"


class DomainRating(Immutable):
    """One domain's ratings within an assessment. The domain's name is copied, so renaming a
    domain later does not rewrite past assessments."""

    assessment = models.ForeignKey(ValuesAssessment, on_delete=models.PROTECT,
                                   related_name="ratings")
    domain = models.ForeignKey(ValueDomain, on_delete=models.PROTECT, related_name="+")
    domain_name = models.CharField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    importance = models.PositiveSmallIntegerField(_("importance"), validators=RATING)
    consistency = models.PositiveSmallIntegerField(_("consistency"), validators=RATING)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="rating_unique_domain")
        ]

    def __str__(self):
        return f"{self.domain_name}: {self.importance}/{self.consistency}"


class ValueStatement(models.Model):
    """A value in the client's own words, tied to a domain and ranked by the client."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="value_statements")
    assessment = models.ForeignKey(ValuesAssessment, on_delete=models.PROTECT,
                                   related_name="statements")
    domain = models.ForeignKey(ValueDomain, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("domain"))
    text = models.CharField(_("in the client's words"), max_length=500)
    rank = models.PositiveSmallIntegerField(
        _("client's rank"), validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("1 is what matters most to the client."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["rank", "id"]

    def __str__(self):
        return self.text


class ValuedGoal(models.Model):
    """A specific, measurable goal that serves a value: what, how often, by when."""

    class Per(models.TextChoices):
        DAY = "day", _("a day")
        WEEK = "week", _("a week")
        MONTH = "month", _("a month")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Set aside")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="valued_goals")
    statement = models.ForeignKey(ValueStatement, on_delete=models.PROTECT,
                                  related_name="goals", verbose_name=_("value it serves"))
    what = models.CharField(_("what"), max_length=300)
    times = models.PositiveSmallIntegerField(
        _("how often (times)"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    per = models.CharField(_("per"), max_length=8, choices=Per.choices, default=Per.WEEK)
    by_when = models.DateField(_("by when"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "by_when", "id"]

    def __str__(self):
        return self.what
