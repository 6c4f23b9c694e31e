"""Writes to client records. Each runs in one transaction and leaves an audit entry.

Lock order, for every transaction that writes a client's practice data or recommendations: the
client's own row first (`lock_client`), then its recommendations, and the audit chain's head row
last (`audit.services.record` takes it). Taking them in this order everywhere is what keeps the
scheduled `pacing refresh` and a client's log or check-in from deadlocking on PostgreSQL.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bravely.accounts.models import Role
from bravely.accounts.selectors import membership_of
from bravely.audit.services import Actor, record
from bravely.clients.models import Client, ConsentItem, ConsentRecord
from bravely.clients.signals import status_changed

EDITABLE_FIELDS = (
    "display_name", "date_of_birth", "pronouns", "presenting_concerns", "status",
    "primary_clinician", "distress_scale", "locale", "region", "time_zone",
)


def lock_client(client_id: int) -> Client:
    """Lock one client's row, and only that row, until the transaction ends; returns it fresh.

    FOR NO KEY UPDATE without a join: the practice row that every client of a practice shares
    is never locked, and rows that merely reference the client (a new log, a check-in, a change
    record) can still be inserted meanwhile. Writers of the same client queue here instead of
    deadlocking later on the audit chain. A no-op lock on SQLite, whose IMMEDIATE transactions
    already serialise writers.
    """
    return Client.objects.select_for_update(no_key=True).get(pk=client_id)


ENGINE_FIELDS = {"status", "time_zone", "distress_scale"}  # what the pacing engine reads


def _pacing_inputs_changed(client) -> None:
    from bravely.pacing.changes import inputs_changed

    inputs_changed([client.pk])


def _value(client, field):
    value = getattr(client, field + "_id" if field == "primary_clinician" else field)
    return value.isoformat() if hasattr(value, "isoformat") else value


def may_create_clients(user, practice) -> bool:
    """Clinicians and admins of the practice open client records; supervisors oversee
    supervisees' clients read-only and do not."""
    membership = membership_of(user)
    return (membership is not None and membership.practice_id == practice.pk
            and membership.role != Role.SUPERVISOR)


@transaction.atomic
def create_client(actor: Actor, practice, data: dict, care_team=()) -> Client:
    if not may_create_clients(actor.user, practice):
        raise Http404  # as for any record outside one's scope: the same answer on pages and API
    client = Client(practice=practice, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    if not client.region:
        client.region = practice.default_region
    client.full_clean()
    client.save()
    client.care_team.set({client.primary_clinician, *care_team})
    record(actor, "create", client, details={"fields": sorted(data)})
    return client


@transaction.atomic
def update_client(actor: Actor, client: Client, data: dict, care_team=None) -> Client:
    before = {f: _value(client, f) for f in EDITABLE_FIELDS}
    for field, value in data.items():
        if field in EDITABLE_FIELDS:
            setattr(client, field, value)
    client.full_clean()
    changed = {
        f: [before[f], _value(client, f)] for f in EDITABLE_FIELDS if before[f] != _value(client, f)
    }
    client.last_activity_at = timezone.now()
    client.save()
    old = set(client.care_team.values_list("id", flat=True))
    if care_team is not None or client.primary_clinician_id not in old:
        # The primary clinician is always on the care team, also when only they changed.
        kept = old if care_team is None else {u.pk for u in care_team}
        new = {client.primary_clinician_id, *kept}
        if old != new:
            client.care_team.set(new)
            changed["care_team"] = [sorted(old), sorted(new)]
    record(actor, "update", client, details={"changed": changed})
    if changed.keys() & ENGINE_FIELDS:
        _pacing_inputs_changed(client)
    if "status" in changed:  # e.g. maintenance/ starts the maintenance phase
        status_changed.send(sender=Client, actor=actor, client=client,
                            before=changed["status"][0], after=changed["status"][1])
    return client


@transaction.atomic
def archive_client(actor: Actor, client: Client, reason: str = "") -> Client:
    if client.is_archived:
        raise ValidationError({"archived_at": _("This client is already archived.")})
    client.archived_at = timezone.now()
    client.archived_by = actor.user
    client.save(update_fields=["archived_at", "archived_by", "updated_at"])
    record(actor, "archive", client, details={"reason": reason})
    return client


@transaction.atomic
def restore_client(actor: Actor, client: Client) -> Client:
    client.archived_at = None
    client.archived_by = None
    client.save(update_fields=["archived_at", "archived_by", "updated_at"])
    record(actor, "update", client, details={"changed": {"archived": [True, False]}})
    _pacing_inputs_changed(client)
    return client


@transaction.atomic
def record_consent(actor: Actor, client: Client, *, decision: str, items=(), note: str = ""):
    """Add a new consent version. Earlier versions stay exactly as they were."""
    items = list(items)
    if any(item.practice_id != client.practice_id for item in items):
        raise ValidationError({"items": _("Choose items from this practice's checklist.")})
    if decision == ConsentRecord.Decision.GIVEN and not any(
        i.kind == ConsentItem.Kind.RISK for i in items
    ):
        raise ValidationError(
            {"items": _("Consent needs at least one risk discussed with the client.")}
        )
    last = (
        ConsentRecord.objects.select_for_update()
        .filter(client=client, kind=ConsentRecord.Kind.EXPOSURE)
        .order_by("-version")
        .first()
    )
    if decision == ConsentRecord.Decision.WITHDRAWN and (
        last is None or last.decision != ConsentRecord.Decision.GIVEN
    ):
        raise ValidationError({"decision": _("There is no consent in force to withdraw.")})
    consent = ConsentRecord(
        client=client,
        version=(last.version + 1) if last else 1,
        decision=decision,
        benefits_discussed=[i.text for i in items if i.kind == ConsentItem.Kind.BENEFIT],
        risks_discussed=[i.text for i in items if i.kind == ConsentItem.Kind.RISK],
        note=note,
        recorded_by=actor.user,
    )
    consent.full_clean()
    consent.save()
    client.last_activity_at = timezone.now()
    client.save(update_fields=["last_activity_at"])
    record(actor, "create", consent, client=client, details={"decision": decision,
                                                            "version": consent.version})
    return consent


DEFAULT_CONSENT_ITEMS = [
    ("benefit", "Less fear and avoidance in situations that matter to you"),
    ("benefit", "More time and energy for what you value"),
    ("benefit", "Skills you can keep using after therapy ends"),
    ("risk", "Distress rises during practice before it falls; this is expected"),
    ("risk", "Symptoms may feel worse for a short while early in treatment"),
    ("risk", "Practice takes time between sessions"),
    ("risk", "You can stop or slow down at any time; nothing is done without your agreement"),
]


def seed_consent_items(practice) -> None:
    if practice.consent_items.exists():
        return
    ConsentItem.objects.bulk_create(
        ConsentItem(practice=practice, kind=kind, text=text, position=i)
        for i, (kind, text) in enumerate(DEFAULT_CONSENT_ITEMS)
    )
