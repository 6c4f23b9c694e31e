"""The change history of plans, rungs, goals and value statements edited in place."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from bravely.clients.models import Client
from bravely.core.models import Immutable


class ChangeRecord(Immutable):
    """One change to a plan, rung or goal: who, when, and the fields before and after."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("ExposurePlan", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="changes")
    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=16)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # a plan's rung history, read by every pacing refresh (pacing.services._active_since)
            models.Index(fields=["plan", "object_type", "object_id"], name="change_plan_object"),
        ]

    def __str__(self):
        return f"{self.object_type} {self.object_id} {self.action}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        return [(k, before.get(k), after.get(k)) for k in keys]
