import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64  # the previous hash of a chain's first event
GLOBAL_CHAIN = "global"  # events that belong to no practice
LEGACY_HASH = 1  # events written before there were chains: one chain, hash without chain and seq
HASH_VERSION = 2  # the hash covers the chain key and the sequence number too


def chain_key(practice_id: int | None) -> str:
    """The chain an event of this practice (or of none) is appended to."""
    return f"practice:{practice_id}" if practice_id else GLOBAL_CHAIN


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class ChainQuerySet(models.QuerySet):
    def delete(self):
        raise AppendOnlyError("Audit chains cannot be deleted.")


class AuditChain(models.Model):
    """The head of one chain (one per practice, plus the global one): its newest event's sequence
    number and hash. Every writer locks this row before appending (`audit.services._lock_head`)
    and moves it in the same transaction, so the writers of one chain take turns."""

    key = models.CharField(max_length=32, primary_key=True)
    seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS)

    objects = ChainQuerySet.as_manager()

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return f"{self.key} #{self.seq}"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit chains cannot be deleted.")


class AuditEvent(models.Model):
    """One read or write of client data (or of the practice's membership). Never changed.

    Events form one chain per practice (`chain`, see `chain_key`), numbered 1, 2, ... (`seq`);
    each row carries the hash of the row before it in its chain, and its own hash covers its
    content, chain and number. An edit made behind the app's back (directly in the database)
    therefore breaks the chain; `bravely audit verify` names the first break of each chain.
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
    chain = models.CharField(max_length=32)
    seq = models.BigIntegerField()
    hash_version = models.PositiveSmallIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["practice_id", "-id"])]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq"),
        ]

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
        """The canonical text that the hash covers: since chains (HASH_VERSION 2) also the chain
        and the sequence number, so an event cannot be moved or renumbered unnoticed. Events of
        LEGACY_HASH keep the text they were hashed with."""
        chained = {} if self.hash_version == LEGACY_HASH else {"chain": self.chain,
                                                               "seq": self.seq}
        return json.dumps(
            {
                **chained,
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
