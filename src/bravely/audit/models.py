import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One read or write of client data (or of the practice's membership). Never changed.

    Each row carries the hash of the row before it, so an edit made behind the app's back
    (directly in the database) breaks the chain; `bravely audit verify` finds the first break.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        ARCHIVE = "archive", _("archived")
        EXPORT = "export", _("exported")
        DECIDE = "decide", _("decided")
        SIGN = "sign", _("signed")

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    practice_id = models.BigIntegerField(null=True, db_index=True)
    client_id = models.BigIntegerField(null=True, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    via = models.CharField(max_length=8, default="web")
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["practice_id", "-id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def record_label(self) -> str:
        from bravely.audit.labels import record_label

        return record_label(self.object_type)

    @property
    def is_page(self) -> bool:
        from bravely.audit.labels import is_page

        return is_page(self.object_type)

    def payload(self) -> str:
        """The canonical text that the hash covers."""
        return json.dumps(
            {
                "at": self.at.isoformat(),
                "actor": self.actor_id,
                "actor_label": self.actor_label,
                "practice": self.practice_id,
                "client": self.client_id,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "ip": self.ip_address,
                "via": self.via,
                "details": self.details,
            },
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.payload()).encode()).hexdigest()
