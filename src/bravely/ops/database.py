"""Taking and restoring a snapshot of the configured database, SQLite or PostgreSQL.

SQLite: the snapshot is SQLite's online backup API run from Django's own connection in one step
(one read transaction, so writers carry on in WAL mode and the copy is consistent). A restore
copies the checked payload into the live database with the same API, in one write transaction:
all or nothing, and safe for any other process that has the database open (renaming a file over
a WAL database would leave its -wal and -shm files describing the old one).

PostgreSQL: `pg_dump --format=custom` inside a snapshot exported by a REPEATABLE READ transaction
that also reads django_migrations, so the migrations in the manifest are those of the dump. A
restore turns the dump into SQL with `pg_restore --clean --if-exists --no-owner --no-privileges`
and runs it with psql in one transaction that first drops every table, view and sequence of the
schema (also tables of a newer schema that the backup does not have), so a failure leaves the
database as it was and a success leaves exactly the backup.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import django
from django.db.migrations.loader import MigrationLoader

from bravely.ops.archive import (
    PAYLOAD_NAMES,
    BackupArchive,
    BackupError,
    Manifest,
    file_sha256,
    write_archive,
)

# Tables that `bravely migrate` fills by itself: rows there do not make a database "in use".
# Tables that hold no one's data: filled by migrate, or the shared cache (rate-limit counters).
FILLED_BY_MIGRATE = {"django_migrations", "django_content_type", "auth_permission",
                     "bravely_cache"}

DROP_EVERYTHING = """
SET client_min_messages = warning;
DO $$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT c.relkind, n.nspname, c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND NOT EXISTS (  -- an extension's objects; sequences that go with their table
        SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
          AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
  LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
        WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
      r.nspname, r.relname);
  END LOOP;
END $$;
"""


def bravely_version() -> str:
    try:
        return metadata.version("bravely")
    except metadata.PackageNotFoundError:
        return "unknown"


def engine_of(connection) -> str:
    if connection.vendor not in PAYLOAD_NAMES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def outside_transaction(connection, what: str) -> None:
    """SQLite's backup API waits for ever on a connection with a write open, and pg_dump would
    not see uncommitted rows: both run outside any transaction."""
    if connection.in_atomic_block:
        raise BackupError(f"a {what} cannot run inside a database transaction")


# Schemas


@dataclass(frozen=True)
class SchemaCheck:
    unknown: tuple[tuple[str, str], ...]  # in the backup, not in this install: a newer schema
    pending: tuple[tuple[str, str], ...]  # in this install, not in the backup: run migrate


def compare_schema(backup_migrations) -> SchemaCheck:
    """The backup's applied migrations against the migrations this install has on disk."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = set(backup_migrations)
    unknown = applied - set(loader.disk_migrations)
    pending = set(loader.graph.nodes) - applied
    return SchemaCheck(tuple(sorted(unknown)), tuple(sorted(pending)))


def tables_in_use(connection) -> list[str]:
    """The tables that hold rows, but those `migrate` fills itself. Empty: nothing to lose."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        found = []
        for table in tables:
            if table in FILLED_BY_MIGRATE:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone():
                found.append(table)
    return found


# SQLite


def snapshot_sqlite(source: sqlite3.Connection, target: Path) -> list[tuple[str, str]]:
    """Copy the live database into `target` with the backup API, in one step (one read
    transaction): a consistent snapshot while other connections write. Returns its migrations."""
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        return migrations_in_sqlite(copy)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy the database ({error})") from None
    finally:
        copy.close()


def migrations_in_sqlite(db: sqlite3.Connection) -> list[tuple[str, str]]:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                       "AND name = 'django_migrations'").fetchone()
    if not found:
        raise BackupError("the database has no django_migrations table: nothing to back up "
                          "(run `bravely migrate` first)")
    return [tuple(row) for row in db.execute("SELECT app, name FROM django_migrations")]


def check_sqlite_payload(payload: Path) -> None:
    try:
        db = sqlite3.connect(f"{payload.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchall()
        finally:
            db.close()
    except sqlite3.Error as error:
        raise BackupError(f"its payload is not a usable SQLite database ({error})") from None
    if result != [("ok",)]:
        raise BackupError(f"its SQLite payload fails the integrity check ({result[0][0]})")


def restore_sqlite(connection, payload: Path) -> None:
    """Copy the checked payload into the configured database in one write transaction."""
    connection.close()  # no transaction or cursor of ours stays open (a no-op for :memory:)
    connection.ensure_connection()
    source = sqlite3.connect(f"{payload.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not write the database ({error}); it is unchanged") \
            from None
    finally:
        source.close()
        connection.close()


# PostgreSQL


def libpq_params(settings_dict: dict) -> dict[str, str]:
    """The connection's libpq keywords (Django's own OPTIONS, such as pool, are left out)."""
    from psycopg import pq

    known = {option.keyword.decode() for option in pq.Conninfo.get_defaults()}
    params = {key: str(value) for key, value in (settings_dict.get("OPTIONS") or {}).items()
              if key in known and value is not None}
    for keyword, setting in (("dbname", "NAME"), ("user", "USER"), ("password", "PASSWORD"),
                             ("host", "HOST"), ("port", "PORT")):
        if settings_dict.get(setting):
            params[keyword] = str(settings_dict[setting])
    return params


def _client(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise BackupError(f"{program} was not found: install the PostgreSQL client tools of the "
                          "server's major version (Debian: postgresql-client)")
    return path


def _run(argv: list[str], what: str, settings_dict: dict | None = None) -> None:
    """Run a PostgreSQL client program; with settings_dict, connected to that database: the
    connection in --dbname, the password (if any) in the environment, never in the arguments."""
    from psycopg.conninfo import make_conninfo

    env = dict(os.environ)
    argv = [_client(argv[0]), *argv[1:]]
    if settings_dict is not None:
        params = libpq_params(settings_dict)
        if "password" in params:
            env["PGPASSWORD"] = params.pop("password")
        argv += ["--no-password", f"--dbname={make_conninfo(**params)}"]
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what} failed: " + " / ".join(detail))


def snapshot_postgresql(settings_dict: dict, target: Path) -> list[tuple[str, str]]:
    import psycopg

    try:
        with psycopg.connect(**libpq_params(settings_dict), autocommit=True) as db:
            db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
            if db.execute("SELECT to_regclass('django_migrations')").fetchone()[0] is None:
                raise BackupError("the database has no django_migrations table: nothing to back "
                                  "up (run `bravely migrate` first)")
            migrations = [tuple(row) for row in
                          db.execute("SELECT app, name FROM django_migrations").fetchall()]
            _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                 "pg_dump", settings_dict)
            db.execute("COMMIT")
    except psycopg.Error as error:
        raise BackupError(f"PostgreSQL: {error}") from None
    return migrations


def restore_postgresql(settings_dict: dict, payload: Path) -> None:
    script = payload.with_suffix(".sql")
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
          f"--file={script}", str(payload)], "pg_restore (reading the dump)")
    script.chmod(0o600)
    _run(["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
          f"--command={DROP_EVERYTHING}", f"--file={script}"],
         "psql (restoring; the database is unchanged)", settings_dict)


# The two operations


def take_backup(connection, destination: Path) -> Manifest:
    """Snapshot the database into the archive `destination` (which must not exist yet)."""
    engine = engine_of(connection)
    outside_transaction(connection, "backup")
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose another path")
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".bravely-backup-", dir=destination.parent) as work:
        payload = Path(work) / PAYLOAD_NAMES[engine]
        created_at = datetime.now(UTC).isoformat(timespec="seconds")
        if engine == "sqlite":
            connection.ensure_connection()
            migrations = snapshot_sqlite(connection.connection, payload)
        else:
            migrations = snapshot_postgresql(connection.settings_dict, payload)
        sha256, size = file_sha256(payload)
        manifest = Manifest(
            bravely_version=bravely_version(), django_version=django.get_version(),
            engine=engine, created_at=created_at, migrations=tuple(sorted(migrations)),
            payload_name=payload.name, payload_sha256=sha256, payload_size=size)
        write_archive(destination, manifest, payload)
    return manifest


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    pending: tuple[tuple[str, str], ...]  # migrations to apply with `bravely migrate`


def restore_backup(connection, path: Path, *, overwrite: bool) -> Restored:
    """Check the file, then the target, then replace the database with the backup.

    Refused, with nothing changed: a file that is not a Bravely backup (not an archive, no or an
    invalid manifest, a payload that does not match its checksum), one for another engine, one of
    a newer schema than this install's, and a database in use unless `overwrite`.
    """
    engine = engine_of(connection)
    outside_transaction(connection, "restore")
    with BackupArchive(Path(path)) as archive:
        manifest = archive.manifest
        if manifest.engine != engine:
            raise BackupError(f"it is a {manifest.engine} backup and this install uses {engine}")
        schema = compare_schema(manifest.migrations)
        if schema.unknown:
            names = ", ".join(f"{app}.{name}" for app, name in schema.unknown)
            raise BackupError(f"it was made by a newer Bravely: its schema has migrations this "
                              f"install does not know ({names}). Upgrade Bravely, then restore")
        near = None
        if engine == "sqlite" and not connection.is_in_memory_db():
            near = Path(connection.settings_dict["NAME"]).resolve().parent
            near.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".bravely-restore-", dir=near) as work:
            payload = archive.extract_payload(Path(work))
            if engine == "sqlite":
                check_sqlite_payload(payload)
            in_use = tables_in_use(connection)
            if in_use and not overwrite:
                shown = ", ".join(in_use[:5]) + (", ..." if len(in_use) > 5 else "")
                raise BackupError(f"the database is not empty ({len(in_use)} tables hold rows: "
                                  f"{shown}). Add --yes to replace everything in it")
            if engine == "sqlite":
                restore_sqlite(connection, payload)
            else:
                connection.close()
                restore_postgresql(connection.settings_dict, payload)
    return Restored(manifest, schema.pending)
