"""Shared decisions on the pace of a plan."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bravely.core.models import Immutable
from bravely.planning.models.ladder import ExposurePlan


class PaceDecision(Immutable):
    """A shared decision on pace: the options offered, the client's choice and reasons."""

    plan = models.ForeignKey(ExposurePlan, on_delete=models.PROTECT,
                             related_name="pace_decisions")
    options = models.JSONField(default=list, blank=True)
    chosen = models.CharField(_("the client's choice"), max_length=16)
    reasons = models.TextField(_("the client's reasons"), max_length=2000)
    decided_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.plan}: {self.chosen}"

    @property
    def chosen_option(self) -> dict:
        return next((o for o in self.options if o.get("key") == self.chosen), {})
