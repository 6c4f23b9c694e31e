"""Writing to the audit trail. Every service that reads or writes client data calls `record`."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bravely.audit.models import AuditEvent
from bravely.core.http import client_ip

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who did it and from where: built from a request (web) or a token (API)."""

    user: object
    ip_address: str | None = None
    via: str = "web"

    @classmethod
    def from_request(cls, request, via: str = "web") -> "Actor":
        return cls(user=request.user, ip_address=client_ip(request), via=via)


def record(actor: Actor, action: str, obj=None, *, client=None, practice_id=None,
           object_type: str = "", details: dict | None = None) -> AuditEvent:
    """Append one event, chained to the previous one.

    The lock on the newest row (PostgreSQL) or the IMMEDIATE transaction (SQLite) makes the chain
    linear when two requests write at once.
    """
    user = actor.user
    if client is None and obj is not None and obj.__class__.__name__ == "Client":
        client = obj
    if practice_id is None:
        practice_id = getattr(client, "practice_id", None) or getattr(obj, "practice_id", None)
    with transaction.atomic():
        last = AuditEvent.objects.select_for_update().order_by("-id").only("hash").first()
        event = AuditEvent(
            at=timezone.now(),
            actor=user if getattr(user, "pk", None) else None,
            actor_label=getattr(user, "email", "") or "anonymous",
            practice_id=practice_id,
            client_id=getattr(client, "pk", None),
            action=action,
            object_type=object_type or (obj._meta.model_name if obj is not None else ""),
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            ip_address=actor.ip_address,
            via=actor.via,
            details=details or {},
            prev_hash=last.hash if last else GENESIS,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


def verify_chain(batch_size: int = 2000) -> tuple[int, AuditEvent | None, str]:
    """Walk the chain in order. Returns (events checked, first broken event or None, why)."""
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            return checked, event, "prev_hash does not match the previous event's hash"
        if event.compute_hash() != event.hash:
            return checked, event, "the event's content does not match its hash"
        prev = event.hash
        checked += 1
    return checked, None, ""
