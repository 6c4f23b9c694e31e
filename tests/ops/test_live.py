"""Backups of a running installation: the `bravely` command on a real SQLite file in WAL mode,
a snapshot taken while another connection writes (SQLite and PostgreSQL), and a PostgreSQL
backup restored into a new, empty database by the command line."""

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from bravely.ops.archive import BackupArchive
from bravely.ops.database import libpq_params, snapshot_sqlite
from bravely.site.demo import load_demo
from tests.ops.helpers import model_tables, table_rows

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="DATABASE_URL is not PostgreSQL")


def bravely(*args, data_dir: Path, database_url: str | None = None, check=True):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "BRAVELY_DATA_DIR")}
    env.update(DEBUG="1", BRAVELY_DATA_DIR=str(data_dir))
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run([sys.executable, "-m", "bravely.cli", *args], env=env,
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


# SQLite, as it runs: a file in WAL mode


def sqlite_tables(path: Path) -> dict:
    db = sqlite3.connect(path)
    try:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = "
                                              "'table'")]
        return table_rows(db.cursor(), names)
    finally:
        db.close()


@pytest.mark.skipif(ON_POSTGRES, reason="a SQLite file; the PostgreSQL run tests pg_dump")
def test_the_command_line_backs_up_and_restores_a_live_sqlite_file(tmp_path):
    database = tmp_path / "bravely.sqlite3"
    bravely("migrate", data_dir=tmp_path)
    bravely("createpractice", "Harbour Therapy", "admin@harbour.example", data_dir=tmp_path)
    live = sqlite3.connect(database)  # another process keeps the database open throughout
    assert live.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    out = bravely("backup", data_dir=tmp_path).stdout
    archive = Path(out.splitlines()[0])
    assert archive.parent == tmp_path / "backups" and archive.name.startswith("bravely-")
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
    at_backup = sqlite_tables(database)
    assert set(at_backup) >= model_tables() | {"django_migrations", "sqlite_sequence"}
    assert at_backup["accounts_practice"] and at_backup["audit_auditevent"]

    live.execute("UPDATE accounts_practice SET name = 'Changed'")
    live.execute("DELETE FROM accounts_invitation")
    live.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', '')")
    live.commit()
    refused = bravely("restore", str(archive), data_dir=tmp_path, check=False)
    assert refused.returncode == 1 and "Add --yes" in refused.stderr

    restored = bravely("restore", str(archive), "--yes", data_dir=tmp_path)
    assert "Restored" in restored.stdout
    assert sqlite_tables(database) == at_backup
    # The connection that stayed open sees the restored data, and the file is still WAL.
    assert live.execute("SELECT name FROM accounts_practice").fetchall() == [("Harbour Therapy",)]
    assert live.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert live.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    live.close()
    assert "intact" in bravely("audit", "verify", data_dir=tmp_path).stdout
    assert not list(tmp_path.glob(".bravely-*")) and not list(tmp_path.glob("*/.partial-*"))


def writer(connect, statements, stop: threading.Event, done: list):
    """Keep committing transactions that each add one row to both tables."""
    db = connect()
    try:
        while not stop.is_set():
            statements(db)
            done.append(1)
    finally:
        db.close()


def test_a_sqlite_snapshot_is_consistent_while_another_connection_writes(tmp_path):
    live_path = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(live_path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.executescript("""
        CREATE TABLE django_migrations (app TEXT, name TEXT, applied TEXT);
        CREATE TABLE a (id INTEGER PRIMARY KEY, blob BLOB);
        CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER);
    """)
    setup.executemany("INSERT INTO a (blob) VALUES (randomblob(2000))", [()] * 5000)
    setup.execute("INSERT INTO b (a_id) SELECT id FROM a")
    setup.commit()

    def pair(db):
        with db:
            db.execute("INSERT INTO a (blob) VALUES (randomblob(2000))")
            db.execute("INSERT INTO b (a_id) VALUES (last_insert_rowid())")

    stop, done = threading.Event(), []
    thread = threading.Thread(target=writer, args=(
        lambda: sqlite3.connect(live_path, timeout=20), pair, stop, done))
    thread.start()
    try:
        for n in range(5):
            while len(done) < 20 * (n + 1):  # let the writer get going between snapshots
                threading.Event().wait(0.001)
            copy = tmp_path / f"copy{n}.sqlite3"
            snapshot_sqlite(setup, copy)
            db = sqlite3.connect(copy)
            counts = db.execute("SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b), "
                                "(SELECT count(*) FROM b JOIN a ON a.id = b.a_id)").fetchone()
            assert counts[0] == counts[1] == counts[2] > 5000
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            db.close()
    finally:
        stop.set()
        thread.join()
    assert len(done) > 100  # the writer was not blocked by the snapshots


# PostgreSQL: into a new database, by the command line


@pytest.fixture
def scratch():
    """An empty database of our own beside the test database; dropped afterwards."""
    import psycopg

    name = f"bravely_backup_wt_restore_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    params = libpq_params(connection.settings_dict)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = (f"postgres://{quote(params.get('user', ''))}"
           f"{':' + quote(params['password']) if 'password' in params else ''}"
           f"@{params.get('host', '')}:{params.get('port', '5432')}/{name}")
    try:
        yield {"name": name, "url": url, "params": {**params, "dbname": name}}
    finally:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_tables(params) -> dict:
    import psycopg

    with psycopg.connect(**params) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return table_rows(cursor, [row[0] for row in cursor.fetchall()])


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_postgres_backup_restores_into_an_empty_database(tmp_path, scratch):
    load_demo()
    path = tmp_path / "bravely.tar.gz"
    call_command("backup", str(path), verbosity=0)
    source = pg_tables(libpq_params(connection.settings_dict))
    assert set(source) >= model_tables() | {"django_migrations"}

    out = bravely("restore", str(path), data_dir=tmp_path, database_url=scratch["url"]).stdout
    assert "Restored" in out and "migrate" not in out
    assert pg_tables(scratch["params"]) == source
    verify = bravely("audit", "verify", data_dir=tmp_path, database_url=scratch["url"])
    assert "intact" in verify.stdout
    again = bravely("restore", str(path), data_dir=tmp_path, database_url=scratch["url"],
                    check=False)
    assert again.returncode == 1 and "not empty" in again.stderr


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_postgres_backup_is_consistent_while_another_connection_writes(tmp_path, scratch):
    import psycopg

    params = libpq_params(connection.settings_dict)
    with psycopg.connect(**params, autocommit=True) as db:
        db.execute("CREATE TABLE probe_a (id serial PRIMARY KEY, blob text)")
        db.execute("CREATE TABLE probe_b (id serial PRIMARY KEY, a_id int REFERENCES probe_a)")

    def pair(db):
        with db.transaction():
            a_id = db.execute("INSERT INTO probe_a (blob) VALUES (repeat('x', 2000)) "
                              "RETURNING id").fetchone()[0]
            db.execute("INSERT INTO probe_b (a_id) VALUES (%s)", [a_id])

    stop, done = threading.Event(), []
    thread = threading.Thread(target=writer, args=(
        lambda: psycopg.connect(**params, autocommit=True), pair, stop, done))
    thread.start()
    try:
        while len(done) < 50:
            threading.Event().wait(0.001)
        written_before = len(done)
        call_command("backup", str(tmp_path / "live.tar.gz"), verbosity=0)
        written_during = len(done) - written_before
    finally:
        stop.set()
        thread.join()
        with psycopg.connect(**params, autocommit=True) as db:
            db.execute("DROP TABLE probe_b, probe_a")
    with BackupArchive(tmp_path / "live.tar.gz") as archive:
        payload = archive.extract_payload(tmp_path)
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={scratch['name']}",
                    *(["--host", params["host"]] if "host" in params else []),
                    *(["--port", params["port"]] if "port" in params else []),
                    *(["--username", params["user"]] if "user" in params else []),
                    "--table=probe_a", "--table=probe_b", str(payload)], check=True)
    with psycopg.connect(**scratch["params"]) as db:
        a, b, joined = db.execute("SELECT (SELECT count(*) FROM probe_a), "
                                  "(SELECT count(*) FROM probe_b), (SELECT count(*) FROM probe_b "
                                  "JOIN probe_a ON probe_a.id = probe_b.a_id)").fetchone()
    assert a == b == joined >= written_before
    assert written_during > 0  # the writer kept committing while pg_dump ran
