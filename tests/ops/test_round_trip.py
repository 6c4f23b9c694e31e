"""Back up, change the database, restore: every table of every installed model, the migrations
table and SQLite's sequences are row for row what they were at backup time, the audit chain
verifies, and the app writes again. Runs on the configured engine (SQLite, or PostgreSQL when
DATABASE_URL says so); `transaction=True` because a backup reads committed data only."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from bravely.accounts.models import Role
from bravely.audit.models import AuditEvent
from bravely.audit.services import Actor, record, verify_chain
from bravely.clients.models import Client
from bravely.ops.archive import BackupArchive
from bravely.pacing.models import PacingSettings
from bravely.site.demo import load_demo
from tests.factories import make_client, make_member, make_practice
from tests.ops.helpers import differences, every_table, table_rows

pytestmark = pytest.mark.django_db(transaction=True)


def load_data():
    load_demo()
    harbour = make_practice("Harbour Þerapy — ünïcode")
    clinician = make_member("zoë@harbour.example", harbour, Role.CLINICIAN, name="Zoë Ōkafor")
    client = make_client(harbour, clinician, name="Renée “quoted” O'Brien")
    record(Actor(clinician, "10.0.0.7"), "view", client, details={"note": "naïve ✓", "n": [1, 2]})
    return clinician, client


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def change_everything(clinician):
    """Updates, deletes and inserts behind the app's back, and through it."""
    first, last = (AuditEvent.objects.order_by("id").values_list("id", flat=True)[i]
                   for i in (0, AuditEvent.objects.count() - 1))
    sql("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["mallory", first])
    sql("DELETE FROM audit_auditevent WHERE id = %s", [last])
    sql("UPDATE clients_client SET display_name = %s", ["Changed"])
    sql("DELETE FROM practice_journalentry")
    sql("UPDATE django_migrations SET applied = CURRENT_TIMESTAMP WHERE app = 'clients'")
    sql("DELETE FROM django_migrations WHERE app = 'sessions'")
    make_practice("Created after the backup")
    record(Actor(clinician), "view", object_type="caseload")


def test_a_restore_brings_back_every_table_as_it_was_at_backup_time(tmp_path, capsys):
    clinician, client = load_data()
    path = tmp_path / "bravely.tar.gz"
    call_command("backup", str(path))
    assert str(path) in capsys.readouterr().out
    at_backup = every_table(connection)
    assert sum(1 for rows in at_backup.values() if rows) >= 30  # the demo fills most tables
    with BackupArchive(path) as archive:
        manifest = archive.manifest
    assert set(manifest.migrations) == MigrationRecorder(connection).applied_migrations().keys()

    change_everything(clinician)
    changed = every_table(connection)
    assert {line.split(":")[0] for line in differences(at_backup, changed)} >= {
        "audit_auditevent", "clients_client", "practice_journalentry", "django_migrations",
        "accounts_practice"}
    assert verify_chain()[1] is not None

    call_command("restore", str(path), yes=True)
    out = capsys.readouterr().out
    assert "Restored" in out and "bravely audit verify" in out and "migrate" not in out
    restored = every_table(connection)
    assert not differences(at_backup, restored)
    assert restored == at_backup
    call_command("audit", "verify")
    # The app carries on: new rows get new ids (sequences came back too).
    event = record(Actor(clinician), "view", client)
    assert event.pk > max(row[0] for row in at_backup["audit_auditevent"])
    assert Client.objects.get(pk=client.pk).display_name == "Renée “quoted” O'Brien"
    assert verify_chain()[1] is None


def test_an_empty_database_is_restored_without_yes(tmp_path):
    load_data()
    path = tmp_path / "bravely.tar.gz"
    call_command("backup", str(path), verbosity=0)
    at_backup = every_table(connection)
    call_command("flush", interactive=False, verbosity=0)  # as fresh as after `bravely migrate`
    call_command("restore", str(path), verbosity=0)
    assert not differences(at_backup, every_table(connection))
    call_command("audit", "verify", verbosity=0)


def test_an_older_backup_is_restored_and_the_operator_told_to_migrate(tmp_path, capsys):
    """A backup taken before the pacing app's tables existed, restored into the current schema:
    the newer tables go (on PostgreSQL too), and `migrate` brings the schema up to date."""
    practice = make_practice("Before pacing")
    clinician = make_member("early@example.org", practice, Role.CLINICIAN)
    make_client(practice, clinician)
    path = tmp_path / "older.tar.gz"
    try:
        call_command("migrate", "pacing", "zero", verbosity=0)
        call_command("backup", str(path), verbosity=0)
        with connection.cursor() as cursor:
            older_tables = set(connection.introspection.table_names(cursor))
            at_backup = table_rows(cursor, older_tables, connection.ops.quote_name)
        assert "pacing_pacingsettings" not in older_tables
        call_command("migrate", verbosity=0)
        PacingSettings.objects.create(practice=practice)
        make_practice("After the upgrade")
        capsys.readouterr()

        call_command("restore", str(path), yes=True)
        out = capsys.readouterr().out
        assert "older than this install's" in out and "Run `bravely migrate` now" in out
        with connection.cursor() as cursor:
            assert set(connection.introspection.table_names(cursor)) == older_tables
            assert table_rows(cursor, older_tables, connection.ops.quote_name) == at_backup
        assert not MigrationRecorder(connection).applied_migrations().keys() & {
            ("pacing", "0001_initial")}
    finally:
        call_command("migrate", verbosity=0)
    assert every_table(connection)["pacing_pacingsettings"] == []
    assert Client.objects.filter(practice=practice).count() == 1
    call_command("audit", "verify", verbosity=0)
