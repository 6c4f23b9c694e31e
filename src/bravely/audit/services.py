"""Writing to the audit trail. Every service that reads or writes client data calls `record`."""

import functools
import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from bravely.audit.models import (
    GENESIS,
    GLOBAL_CHAIN,
    HASH_VERSION,
    LEGACY_HASH,
    AuditChain,
    AuditEvent,
    chain_key,
)
from bravely.core.bulk import json_text, next_id, write_rows
from bravely.core.http import client_ip

__all__ = ["GENESIS", "Actor", "ChainReport", "record", "record_many", "verify_chain",
           "verify_chains"]


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
    """Append one event to its practice's chain (the global chain when there is no practice).

    The writer first locks the chain's head row (`AuditChain`, see `_lock_head`), reads the
    newest sequence number and hash from it, inserts the event and moves the head, all in one
    transaction. A second writer of the same chain waits on that row lock until the first one
    commits (or rolls back), then reads the head it left; so the chain stays linear. This is one
    code path for both databases: on PostgreSQL the row lock serialises the writers; on SQLite
    the IMMEDIATE transactions (settings.py) serialise every writer already. The lock is held
    until the caller's outermost transaction ends.
    """
    user = actor.user
    if client is None and obj is not None and obj.__class__.__name__ == "Client":
        client = obj
    if practice_id is None:
        practice_id = getattr(client, "practice_id", None) or getattr(obj, "practice_id", None)
    key = chain_key(practice_id)
    with transaction.atomic():
        seq, prev_hash = _lock_head(key)
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
            chain=key,
            seq=seq + 1,
            hash_version=HASH_VERSION,
            prev_hash=prev_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        AuditChain.objects.filter(pk=key).update(seq=event.seq, head_hash=event.hash)
    return event


def record_many(events, *, batch_size: int = 2000) -> int:
    """Append many prepared events at once (bulk loads such as `bravely seed-scale`), each to
    its practice's chain in the order given; returns how many. Each event is a dict of
    AuditEvent values by attname (at, actor_id, actor_label, practice_id, client_id, action,
    object_type, object_id, ip_address, via, details); chain, seq and the hashes are filled in
    here, the head row is locked first (`_lock_head`) and moved once per chain, so `bravely audit
    verify` passes. The text hashed is built here (`fast_payload`), byte for byte the model's
    `payload()` of the row as read back (a test compares them). `at` must be in UTC. Written
    with `core.bulk.write_rows` (COPY on PostgreSQL): the loader must be the only writer of the
    audit table meanwhile."""
    by_chain: dict[str, list[dict]] = {}
    for event in events:
        by_chain.setdefault(chain_key(event.get("practice_id")), []).append(event)
    total = 0
    sha256, sqlite = hashlib.sha256, connection.vendor == "sqlite"
    with transaction.atomic():
        for key, chained in by_chain.items():
            seq, prev_hash = _lock_head(key)
            rows = []
            new_id = next_id(AuditEvent)
            for event in chained:
                seq += 1
                at = event["at"].isoformat()
                if at[-6:] != "+00:00":
                    raise ValueError(f"Audit times must be in UTC, not {at}.")
                stored, payload = _texts(event, at, key, seq)
                digest = sha256((prev_hash + payload).encode()).hexdigest()
                rows.append((new_id, at[:-6].replace("T", " ") if sqlite else at,
                             event.get("actor_id"), event["actor_label"],
                             event.get("practice_id"), event.get("client_id"), event["action"],
                             event["object_type"], event["object_id"],
                             event.get("ip_address"), event.get("via", "web"), stored, key, seq,
                             HASH_VERSION, prev_hash, digest))
                prev_hash = digest
                new_id += 1
            write_rows(AuditEvent, _COLUMNS, rows)
            AuditChain.objects.filter(pk=key).update(seq=seq, head_hash=prev_hash)
            total += len(chained)
    return total


_COLUMNS = ["id", "at", "actor_id", "actor_label", "practice_id", "client_id", "action",
            "object_type", "object_id", "ip_address", "via", "details", "chain", "seq",
            "hash_version", "prev_hash", "hash"]
# AuditEvent.payload()'s JSON with its keys in sorted order and no spaces (HASH_VERSION 2)
_PAYLOAD = ('{"action":%s,"actor":%s,"actor_label":%s,"at":"%s","chain":%s,"client":%s,'
            '"details":%s,"ip":%s,"object_id":%s,"object_type":%s,"practice":%s,"seq":%d,'
            '"via":%s}')
_SORTED = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode
_SCALARS = (str, int, bool, float, type(None))


def _texts(event: dict, at: str, chain: str, seq: int) -> tuple[str, str]:
    """The details' JSON to store, and the text to hash. The details are stored in the sorted
    compact form the payload uses (any JSON text is a valid JSONField value), so one encoding
    serves both; details whose JSON round trip could change them (a key that is not a string,
    a nested object) are stored as Django would and re-read for the payload."""
    details = event.get("details") or {}
    for k, v in details.items():
        if type(k) is not str or not (isinstance(v, _SCALARS) or (
                type(v) is list and all(isinstance(x, _SCALARS) for x in v))):
            stored = json_text(details)
            compact = _SORTED(json.loads(stored))
            break
    else:
        stored = compact = _SORTED(details)
    ip, object_id = event.get("ip_address"), event["object_id"]
    return stored, _PAYLOAD % (
        _text(event["action"]), _number(event.get("actor_id")), _text(event["actor_label"]),
        at, _text(chain), _number(event.get("client_id")), compact,
        "null" if ip is None else _text(ip),
        f'"{object_id}"' if object_id.isdigit() else json.dumps(object_id),
        _text(event["object_type"]), _number(event.get("practice_id")), seq,
        _text(event.get("via", "web")))


def fast_payload(event: dict, chain: str, seq: int) -> str:
    """The text `record_many` hashes for one event dict (for the test that compares it with
    the model's `payload()` of the row as written and read back)."""
    return _texts(event, event["at"].isoformat(), chain, seq)[1]


@functools.lru_cache(maxsize=4096)
def _text(value: str) -> str:
    return json.dumps(value)


def _number(value) -> str:
    return "null" if value is None else str(int(value))


def _lock_head(key: str) -> tuple[int, str]:
    """Lock the chain's head row until the transaction ends; return its (seq, head hash).

    One statement, INSERT ... ON CONFLICT (key) DO UPDATE ... RETURNING: a chain's first writer
    creates the row; any other writer takes the row lock of its (no-op) update, waiting for the
    writer that holds it, and under READ COMMITTED the update and RETURNING then apply to the row
    as that writer committed it. So the same query count whether or not the chain existed.
    SQLite before 3.35 has no RETURNING: there, INSERT OR IGNORE and a plain read (its IMMEDIATE
    transactions serialise writers anyway)."""
    table = connection.ops.quote_name(AuditChain._meta.db_table)
    if _has_returning():
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO {table} ("key", "seq", "head_hash") VALUES (%s, 0, %s) '
                f'ON CONFLICT ("key") DO UPDATE SET "seq" = {table}."seq" '
                'RETURNING "seq", "head_hash"',
                [key, GENESIS])
            seq, head_hash = cursor.fetchone()
        return seq, head_hash
    AuditChain.objects.bulk_create([AuditChain(key=key)], ignore_conflicts=True)
    head = AuditChain.objects.select_for_update().get(pk=key)
    return head.seq, head.head_hash


def _has_returning() -> bool:
    return connection.features.can_return_columns_from_insert


# Verifying


@dataclass(frozen=True)
class ChainReport:
    """What verifying one chain found. `why` is empty when the chain is intact; otherwise
    `event` is the first event that does not verify (for missing events at the end: the last
    one there is, or None when none is left) and `checked` counts the intact events before it.
    `forks` counts events from before there were chains that chained to an earlier event than
    the one before them (the old concurrency fault): their hashes verify, so they are accepted."""

    chain: str
    checked: int
    event: AuditEvent | None = None
    why: str = ""
    forks: int = 0

    @property
    def intact(self) -> bool:
        return not self.why


def verify_chains(batch_size: int = 2000) -> list[ChainReport]:
    """Walk every chain in sequence order and report each one (sorted by chain key)."""
    # The heads are read before the events: a writer that commits in between only adds events
    # after a head, so a live system verifies too.
    heads = {head.key: head for head in AuditChain.objects.all()}
    keys = set(heads) | set(
        AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    return [_verify(key, heads.get(key), batch_size) for key in sorted(keys)]


def verify_chain(batch_size: int = 2000) -> tuple[int, AuditEvent | None, str]:
    """All chains at once: (events checked, first broken event, why). Intact when `why` is
    empty; see `verify_chains` for the report of each chain."""
    reports = verify_chains(batch_size)
    broken = [r for r in reports if not r.intact]
    first = min(broken, key=lambda r: r.event.pk if r.event else 0) if broken else None
    return (sum(r.checked for r in reports), first and first.event, first.why if first else "")


def _verify(key: str, head: AuditChain | None, batch_size: int) -> ChainReport:
    prev, expected, checked, forks, last = GENESIS, 1, 0, 0, None
    legacy_allowed = key == GLOBAL_CHAIN  # the history from before chains opens the global one
    events = AuditEvent.objects.filter(chain=key).order_by("seq")
    for event in events.iterator(chunk_size=batch_size):
        why, forked = _check(event, prev, expected, legacy_allowed)
        if not why and head is not None and event.seq == head.seq and event.hash != head.head_hash:
            why = "the event's hash is not the one the chain's head recorded for it"
        if why:
            return ChainReport(key, checked, event, why, forks)
        legacy_allowed = legacy_allowed and event.hash_version == LEGACY_HASH
        forks += forked
        prev, expected, checked, last = event.hash, expected + 1, checked + 1, event
    if head is None and last is not None:
        return ChainReport(key, checked, last, "the chain has no head row", forks)
    if head is not None and head.seq > checked:
        what = (f"events after this one are missing: the chain's head is #{head.seq}"
                if last else f"all {head.seq} events of the chain are missing")
        return ChainReport(key, checked, last, what, forks)
    return ChainReport(key, checked, forks=forks)


def _check(event: AuditEvent, prev: str, expected: int, legacy_allowed: bool) -> tuple[str, bool]:
    """Why this event breaks the chain ("" if it does not), and whether it is an old fork."""
    forked = False
    if event.hash_version == LEGACY_HASH:
        if not legacy_allowed:
            return ("an event in the format from before chains, which may only open the global "
                    "chain"), False
        if event.prev_hash != prev:
            # Before chains, two writers could chain to the same event: accept a link to any
            # earlier event of the old history (or to the start), never to a missing one.
            forked = event.prev_hash == GENESIS or AuditEvent.objects.filter(
                chain=GLOBAL_CHAIN, hash_version=LEGACY_HASH, hash=event.prev_hash,
                seq__lt=event.seq).exists()
            if not forked:
                return "prev_hash does not match the previous event's hash", False
    elif event.hash_version == HASH_VERSION:
        if event.prev_hash != prev:
            return "prev_hash does not match the previous event's hash", False
        if event.chain != chain_key(event.practice_id):
            return "the event's practice belongs to another chain", False
    else:
        return f"unknown hash version {event.hash_version}", False
    if event.seq != expected:
        return f"sequence number {event.seq} where {expected} was expected", False
    if event.compute_hash() != event.hash:
        return "the event's content does not match its hash", False
    return "", forked
