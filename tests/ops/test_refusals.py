"""`bravely restore` refuses, with a message naming the reason and nothing changed, any file that
is not a Bravely backup, one for the other engine, one of a newer schema, and a database that
holds data without --yes. The archive format is also checked on its own."""

import json
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from bravely.ops.archive import BackupArchive, BackupError, Manifest
from tests.ops.helpers import every_table, rewrite

pytestmark = pytest.mark.django_db(transaction=True)  # a backup runs outside a transaction

OTHER = {"sqlite": ("postgresql", "dump.pgc"), "postgresql": ("sqlite", "db.sqlite3")}


@pytest.fixture
def backup(tmp_path, practice):
    path = tmp_path / "good.tar.gz"
    call_command("backup", str(path), verbosity=0)
    return path


def refused(path, *, match, yes=True):
    """Restore must fail with `match` in the message and leave every table as it was."""
    before = every_table(connection)
    with pytest.raises(CommandError, match=match) as error:
        call_command("restore", str(path), yes=yes)
    assert "Nothing was changed" in str(error.value)
    assert every_table(connection) == before
    return str(error.value)


def test_a_file_that_is_not_an_archive_is_refused(backup, tmp_path):
    (tmp_path / "notes.txt").write_text("not a backup at all\n")
    refused(tmp_path / "notes.txt", match="not a tar archive")
    (tmp_path / "half.tar.gz").write_bytes(backup.read_bytes()[:200])
    refused(tmp_path / "half.tar.gz", match="not a tar archive|damaged")
    refused(tmp_path / "nowhere.tar.gz", match="no such file")


def test_an_archive_without_a_valid_manifest_is_refused(backup, tmp_path):
    plain = tmp_path / "plain.tar"
    with tarfile.open(plain, "w") as tar:
        tar.add(backup, arcname="db.sqlite3")
    refused(plain, match="has no manifest.json")
    garbled = rewrite(backup, tmp_path / "garbled.tar.gz")
    with tarfile.open(garbled, "w:gz") as tar:  # a manifest that is not JSON
        (tmp_path / "manifest.json").write_text("{not json")
        tar.add(tmp_path / "manifest.json", arcname="manifest.json")
    refused(garbled, match="not valid JSON")
    foreign = rewrite(backup, tmp_path / "foreign.tar.gz",
                      manifest=lambda m: {**m, "format": "someone-elses-backup"})
    refused(foreign, match="does not say format 'bravely-backup'")
    future = rewrite(backup, tmp_path / "future.tar.gz",
                     manifest=lambda m: {**m, "format_version": 2})
    refused(future, match="backup format 2, made by a newer Bravely")
    broken = rewrite(backup, tmp_path / "broken.tar.gz",
                     manifest=lambda m: {**m, "migrations": "all of them", "created_at": 3})
    refused(broken, match=r"manifest is invalid \(created_at, migrations\)")
    extra = rewrite(backup, tmp_path / "extra.tar.gz", extra={"../../etc/cron.d/x": b"boom"})
    refused(extra, match="unexpected files: ../../etc/cron.d/x")


def test_a_tampered_payload_fails_its_checksum(backup, tmp_path):
    def flip(body: bytes) -> bytes:  # same size, one byte changed
        return body[:1000] + bytes([body[1000] ^ 1]) + body[1001:]

    refused(rewrite(backup, tmp_path / "tampered.tar.gz", payload=flip),
            match="checksum of .* does not match the manifest")
    refused(rewrite(backup, tmp_path / "longer.tar.gz", payload=lambda body: body + b"x"),
            match="bytes but the manifest says")


def test_a_backup_of_a_newer_schema_is_refused(backup, tmp_path):
    def newer(manifest):
        manifest["migrations"].append(["clients", "9999_from_a_newer_bravely"])

    message = refused(rewrite(backup, tmp_path / "newer.tar.gz", manifest=newer),
                      match="made by a newer Bravely")
    assert "clients.9999_from_a_newer_bravely" in message


def test_a_backup_for_the_other_engine_is_refused(backup, tmp_path):
    engine, payload_name = OTHER[connection.vendor]

    def other(manifest):
        manifest["engine"] = engine
        manifest["payload"]["name"] = payload_name

    refused(rewrite(backup, tmp_path / "other.tar.gz", manifest=other),
            match=f"it is a {engine} backup and this install uses {connection.vendor}")


def test_a_database_that_holds_data_is_replaced_only_with_yes(backup, alice):
    message = refused(backup, match="the database is not empty", yes=False)
    assert "accounts_user" in message and "Add --yes" in message


def test_backup_refuses_to_overwrite_a_file(backup):
    before = backup.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup), verbosity=0)
    assert backup.read_bytes() == before


def test_the_manifest_says_what_the_backup_is(backup):
    with BackupArchive(backup) as archive:
        manifest = archive.manifest
    with tarfile.open(backup) as tar:
        assert tar.getnames() == ["manifest.json", manifest.payload_name]
        raw = json.loads(tar.extractfile("manifest.json").read())
    assert raw["format"] == "bravely-backup" and raw["format_version"] == 1
    assert raw["bravely_version"] == "0.1.0" and raw["engine"] == connection.vendor
    assert ["audit", "0001_initial"] in raw["migrations"]
    assert set(raw["payload"]) == {"name", "sha256", "size"}
    assert Manifest.from_json(json.dumps(raw).encode()) == manifest
    assert backup.stat().st_mode & 0o777 == 0o600  # it holds every client record


def test_a_backup_error_names_a_missing_payload(backup, tmp_path):
    only_manifest = tmp_path / "only.tar.gz"
    with tarfile.open(backup) as source, tarfile.open(only_manifest, "w:gz") as tar:
        member = source.getmember("manifest.json")
        tar.addfile(member, source.extractfile(member))
    with pytest.raises(BackupError, match="it has no (db.sqlite3|dump.pgc)"):
        BackupArchive(only_manifest)


def test_backup_and_restore_refuse_to_run_inside_a_transaction(backup, tmp_path):
    """SQLite's backup API would wait for ever on a connection with a write open."""
    with transaction.atomic():
        with pytest.raises(CommandError, match="cannot run inside a database transaction"):
            call_command("backup", str(tmp_path / "inside.tar.gz"), verbosity=0)
        with pytest.raises(CommandError, match="cannot run inside a database transaction"):
            call_command("restore", str(backup), yes=True)
    assert not (tmp_path / "inside.tar.gz").exists()
