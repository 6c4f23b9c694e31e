"""SQLite: `bravely pacing refresh`, run as cron runs it, while another connection holds a write
transaction (a log being saved, a page being audited).

The test data is copied into a real database file (WAL, as in production) and the command runs
in its own process with a short busy timeout (production waits 20 s), so that the lock outlasts
it: the command must retry and succeed once the lock is released, or, when it never is, report
the client and exit with status 1. Never a silent success.
"""

import os
import sqlite3
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.skipif("sqlite3" not in settings.DATABASES["default"]["ENGINE"],
                       reason="SQLite's database-wide write lock"),
    pytest.mark.django_db(transaction=True),
]

RUN_CRON = """
import sys
from django.conf import settings
settings.DATABASES["default"]["OPTIONS"]["timeout"] = 0.2  # seconds; production waits 20
from bravely.cli import main
sys.argv = ["bravely", "pacing", "refresh", *sys.argv[1:]]
main()
"""
WAIT = 120  # seconds at most for the command (a shared, busy machine)


@pytest.fixture
def database_file(planned, tmp_path):
    """The test database (with `planned`'s client) copied into tmp_path/bravely.sqlite3, in WAL
    mode as production's."""
    connection.ensure_connection()
    path = tmp_path / "bravely.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    return path


def start_cron(data_dir, *args):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(BRAVELY_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="bravely.settings",
               DEBUG="1")
    return subprocess.Popen([sys.executable, "-c", RUN_CRON, *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def hold_write_lock(path):
    """Another connection in a write transaction (BEGIN IMMEDIATE, a write), not committed."""
    other = sqlite3.connect(path, isolation_level=None, timeout=5)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE clients_client SET last_activity_at = last_activity_at")
    return other


def test_the_command_retries_while_another_writer_holds_the_lock_and_then_succeeds(
        database_file, planned):
    other = hold_write_lock(database_file)
    cron = start_cron(database_file.parent)
    stderr, retrying = [], threading.Event()

    def read_stderr():
        for line in cron.stderr:
            stderr.append(line)
            if "retrying" in line:
                retrying.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        assert retrying.wait(WAIT), "".join(stderr)
    finally:
        other.execute("COMMIT")  # the other writer finishes: the retry must now go through
        other.close()
    stdout = cron.stdout.read()
    assert cron.wait(WAIT) == 0, "".join(stderr)
    reader.join(5)
    assert f"client {planned.client.pk}: database is locked; retrying (attempt 2 of 4)" in (
        "".join(stderr))
    assert "Refreshed 1 client(s); 1 new recommendation(s)." in stdout
    assert "1 client(s) refreshed after retrying a lock or deadlock." in stdout
    with sqlite3.connect(database_file) as db:
        assert db.execute("SELECT failed_at, refreshed_at FROM pacing_pacingstate "
                          "WHERE client_id = ?", [planned.client.pk]).fetchall()[0][0] is None
        assert db.execute("SELECT count(*) FROM pacing_recommendation").fetchone()[0] == 1


def test_a_lock_that_never_clears_is_reported_with_exit_status_1_and_the_next_run_catches_up(
        database_file, planned):
    other = hold_write_lock(database_file)
    try:
        cron = start_cron(database_file.parent, "--attempts", "2")
        stdout, stderr = cron.communicate(timeout=WAIT)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert cron.returncode == 1, (stdout, stderr)
    assert "Refreshed 0 client(s)" in stdout
    assert f"client {planned.client.pk}: not refreshed after 2 attempt(s)" in stderr
    assert "1 of 1 client(s) could not be refreshed" in stderr
    # with the whole database locked even the mark cannot be written: said so, not hidden
    assert "could not be marked as out of date" in stderr

    cron = start_cron(database_file.parent)
    stdout, stderr = cron.communicate(timeout=WAIT)
    assert cron.returncode == 0, (stdout, stderr)
    assert "Refreshed 1 client(s); 1 new recommendation(s)." in stdout
