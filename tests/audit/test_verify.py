"""`bravely audit verify` on chains changed behind the app's back (raw SQL), one chain per
practice plus the global one; and the migration that turns the old single chain into the start of
the global chain."""

import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bravely.audit.models import (
    GENESIS,
    GLOBAL_CHAIN,
    AppendOnlyError,
    AuditChain,
    AuditEvent,
    chain_key,
)
from bravely.audit.services import Actor, record, verify_chain, verify_chains


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def reports():
    return {report.chain: report for report in verify_chains()}


def verify_output() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


@pytest.fixture
def three_chains(actor, client_record, charlie):
    """Events in Riverside's chain, Elsewhere's chain and the global chain."""
    for n in range(3):
        record(actor, "view", client_record, details={"n": n})
        record(Actor(charlie), "view", object_type="caseload",
               practice_id=charlie.membership.practice_id, details={"n": n})
        record(actor, "view", object_type="caseload", details={"n": n})
    return {"riverside": chain_key(client_record.practice_id),
            "elsewhere": chain_key(charlie.membership.practice_id), "global": GLOBAL_CHAIN}


def events_of(key):
    return list(AuditEvent.objects.filter(chain=key).order_by("seq"))


def test_each_practice_has_its_own_numbered_chain(three_chains):
    for key in three_chains.values():
        events = events_of(key)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
        head = AuditChain.objects.get(pk=key)
        assert (head.seq, head.head_hash) == (events[-1].seq, events[-1].hash)
    assert {e.practice_id for e in events_of(three_chains["global"])} == {None}
    assert all(report.intact for report in verify_chains())
    assert "Audit chain intact" in verify_output()


def test_without_returning_the_head_is_locked_in_two_statements(actor, client_record,
                                                                 monkeypatch):
    """SQLite before 3.35 has no RETURNING; record() then creates and reads the head in two."""
    monkeypatch.setattr("bravely.audit.services._has_returning", lambda: False)
    events = [record(actor, "view", client_record),
              record(actor, "view", object_type="caseload")]  # a new chain: the global one
    assert events[1].seq == 1 and events[1].prev_hash == GENESIS
    assert events[0].seq == events_of(events[0].chain)[-2].seq + 1
    assert all(report.intact for report in verify_chains())


def test_a_changed_row_is_named_and_only_its_chain_is_broken(three_chains):
    target = events_of(three_chains["riverside"])[2]
    sql("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["mallory@example.org",
                                                                     target.pk])
    found = reports()
    broken = found.pop(three_chains["riverside"])
    assert (broken.event.pk, broken.checked) == (target.pk, 2)
    assert "does not match its hash" in broken.why
    assert all(report.intact for report in found.values())  # the other chains still verify
    assert verify_chain()[1].pk == target.pk
    with pytest.raises(CommandError) as error:
        verify_output()
    riverside = three_chains["riverside"]
    assert f"Audit chain {riverside} broken at event {target.pk}" in str(error.value)
    assert three_chains["elsewhere"] not in str(error.value)


def test_each_broken_chain_is_named_with_its_first_break(three_chains):
    riverside = events_of(three_chains["riverside"])
    elsewhere = events_of(three_chains["elsewhere"])
    for event in (riverside[1], riverside[3], elsewhere[0]):
        sql("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"n": 99}', event.pk])
    found = reports()
    assert found[three_chains["riverside"]].event.pk == riverside[1].pk  # the first, not the last
    assert found[three_chains["elsewhere"]].event.pk == elsewhere[0].pk
    assert found[GLOBAL_CHAIN].intact
    with pytest.raises(CommandError) as error:
        verify_output()
    lines = str(error.value).splitlines()
    assert len(lines) == 2
    assert all("broken at event" in line for line in lines)


def test_a_row_moved_to_another_chain_is_found(three_chains):
    moved = events_of(three_chains["riverside"])[-1]
    sql("UPDATE audit_auditevent SET chain = %s, seq = %s, practice_id = %s WHERE id = %s",
        [three_chains["elsewhere"], len(events_of(three_chains["elsewhere"])) + 1,
         int(three_chains["elsewhere"].split(":")[1]), moved.pk])
    found = reports()
    assert found[three_chains["elsewhere"]].event.pk == moved.pk  # its link and hash are wrong
    assert "missing" in found[three_chains["riverside"]].why  # its head is now ahead of it


def test_a_renumbered_row_is_found(three_chains):
    events = events_of(three_chains["global"])
    sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [100, events[-1].pk])
    sql("UPDATE audit_auditchain SET seq = %s WHERE key = %s", [100, GLOBAL_CHAIN])
    report = reports()[GLOBAL_CHAIN]
    assert report.event.pk == events[-1].pk
    assert "sequence number 100" in report.why


def test_the_newest_rows_deleted_are_found_through_the_head(three_chains):
    events = events_of(three_chains["elsewhere"])
    sql("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    report = reports()[three_chains["elsewhere"]]
    assert report.event.pk == events[-2].pk and report.checked == len(events) - 1
    assert "events after this one are missing" in report.why
    with pytest.raises(CommandError, match=f"broken after event {events[-2].pk}"):
        verify_output()
    sql("DELETE FROM audit_auditevent WHERE chain = %s", [three_chains["elsewhere"]])
    assert "all 3 events" in reports()[three_chains["elsewhere"]].why
    with pytest.raises(CommandError, match="all 3 events of the chain are missing"):
        verify_output()


def test_a_changed_head_or_a_missing_head_is_found(three_chains):
    sql("UPDATE audit_auditchain SET head_hash = %s WHERE key = %s", ["f" * 64, GLOBAL_CHAIN])
    assert "head recorded" in reports()[GLOBAL_CHAIN].why
    sql("DELETE FROM audit_auditchain WHERE key = %s", [GLOBAL_CHAIN])
    assert reports()[GLOBAL_CHAIN].why == "the chain has no head row"


def test_an_old_format_event_inside_a_practice_chain_is_refused(three_chains):
    target = events_of(three_chains["riverside"])[0]
    sql("UPDATE audit_auditevent SET hash_version = 1 WHERE id = %s", [target.pk])
    assert reports()[three_chains["riverside"]].event.pk == target.pk


def test_heads_refuse_deletion_through_the_app(three_chains):
    with pytest.raises(AppendOnlyError):
        AuditChain.objects.get(pk=GLOBAL_CHAIN).delete()
    with pytest.raises(AppendOnlyError):
        AuditChain.objects.all().delete()


# The migration: the old single chain becomes the start of the global chain


def old_hash(prev_hash, at, n, practice_id):
    """The hash exactly as the code before chains computed it (payload without chain and seq)."""
    payload = json.dumps({
        "at": at.isoformat(), "actor": None, "actor_label": "old@example.org",
        "practice": practice_id, "client": None, "action": "view", "object_type": "caseload",
        "object_id": "", "ip": None, "via": "web", "details": {"n": n},
    }, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_the_old_history_with_forks_becomes_the_global_chains_start(practice):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("audit")
    try:
        old = migrate([("audit", "0001_initial")]).get_model("audit", "AuditEvent")
        start = datetime(2026, 11, 1, 9, tzinfo=UTC)
        hashes = []
        # 0 <- 1 <- 2, then 3 and 4 both chain to 2 (two writers at once), 5 chains to 4; and
        # a second start (two first writers) at 6. Practices as they were: in one chain.
        for n, parent in enumerate([None, 0, 1, 2, 2, 4, None]):
            prev = GENESIS if parent is None else hashes[parent]
            at = start + timedelta(minutes=n)
            hashes.append(old_hash(prev, at, n, practice.pk if n % 2 else None))
            old.objects.create(at=at, actor_label="old@example.org",
                               practice_id=practice.pk if n % 2 else None, action="view",
                               object_type="caseload", details={"n": n}, prev_hash=prev,
                               hash=hashes[-1])
    finally:
        migrate(latest)

    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.chain, e.seq, e.hash_version) for e in events] == [
        (GLOBAL_CHAIN, n, 1) for n in range(1, 8)]
    assert [e.hash for e in events] == hashes  # nothing rewritten
    head = AuditChain.objects.get(pk=GLOBAL_CHAIN)
    assert (head.seq, head.head_hash) == (7, hashes[-1])
    report = reports()[GLOBAL_CHAIN]
    assert report.intact and report.checked == 7 and report.forks == 2
    assert "2 events written before chains" in verify_output()

    new = record(Actor(None, via="cli"), "view",
                 object_type="caseload")
    assert (new.chain, new.seq, new.prev_hash) == (GLOBAL_CHAIN, 8, hashes[-1])
    mine = record(Actor(None, via="cli"), "view",
                  object_type="caseload", practice_id=practice.pk)
    assert (mine.chain, mine.seq, mine.prev_hash) == (chain_key(practice.pk), 1, GENESIS)
    assert all(report.intact for report in verify_chains())

    # The old history is still checked: a changed row, or a link to an event that is not there.
    sql("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["x@example.org",
                                                                     events[4].pk])
    assert reports()[GLOBAL_CHAIN].event.pk == events[4].pk
    sql("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["old@example.org",
                                                                     events[4].pk])
    assert reports()[GLOBAL_CHAIN].intact
    sql("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    report = reports()[GLOBAL_CHAIN]
    assert report.event.pk == events[3].pk and "prev_hash" in report.why
