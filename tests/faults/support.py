"""A real Bravely server in a subprocess, and clients that load it (tests/faults/)."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SECONDS = float(os.environ.get("BRAVELY_FAULT_SECONDS", "4"))  # of load per fault
PG = "postgres://root@127.0.0.1:5432/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_or_skip():
    try:
        import psycopg

        psycopg.connect(PG + "postgres", connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must run at 127.0.0.1:5432 in CI: {error}")
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({error})")


def in_its_own_suite(engine: str):
    """A fault test starts its own servers on a database of its own, whichever engine the suite
    runs on, and CI runs the whole suite once per engine: each engine's fault test runs in that
    engine's suite only (DATABASE_URL says which), not twice."""
    suite = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    if engine != suite:
        pytest.skip(f"runs in the {engine} suite")
    if engine == "postgres":
        postgres_or_skip()


def admin_sql(sql: str, *params):
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as connection:
        return connection.execute(sql, params).fetchall() if sql.lstrip().upper().startswith(
            "SELECT") else connection.execute(sql, params)


@contextlib.contextmanager
def environment(engine: str):
    """Environment variables for a server and its commands: a fresh SQLite data directory, or a
    fresh PostgreSQL database, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bravely-faults-") as data_dir:
        env = {**os.environ, "BRAVELY_DATA_DIR": data_dir, "DEBUG": "0", "BRAVELY_HTTPS": "0",
               "SECRET_KEY": "fault-tests-" + uuid.uuid4().hex, "ALLOWED_HOSTS": "127.0.0.1",
               "SITE_ROOT": "http://127.0.0.1", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "ERROR"}
        env.pop("DATABASE_URL", None)
        name = None
        if engine == "postgres":
            name = f"bravely_sec_faults_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            admin_sql(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = PG + name
        try:
            yield env, name
        finally:
            if name:
                admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bravely(env, *args, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "bravely.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def prepare(env) -> dict:
    """Migrate and make a practice, a clinician with an API token, and a client with homework."""
    for command in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        done = bravely(env, *command)
        assert done.returncode == 0, done.stderr[-2000:]
    made = subprocess.run([PYTHON, "-m", "tests.faults.make_data"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr[-2000:]
    return json.loads(made.stdout.strip().splitlines()[-1])


class Server:
    """gunicorn with two workers on a free loopback port, in its own process group."""

    def __init__(self, env, workers=2):
        self.env, self.workers = env, workers
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "bravely.wsgi:application", "--bind",
             f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--timeout", "30",
             "--graceful-timeout", "2"],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self._log(),
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/accounts/login/", timeout=2) as page:
                    if page.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        self.kill()
        raise AssertionError("the server did not start: " + self.log.read_text()[-2000:])

    def _log(self):
        self.log = Path(self.env["BRAVELY_DATA_DIR"]) / f"server-{self.port}.log"
        return self.log.open("ab")

    def kill(self):
        """SIGKILL to the server's process group: the master and its workers, nothing else."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()


def call(url, method="GET", body=None, token=None, headers=None, timeout=10):
    """(status, parsed JSON or None); status 0 when no answer came (connection refused or cut)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token
                                                else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as error:
        return error.code, None
    except (OSError, urllib.error.URLError):
        return 0, None


@dataclass
class Load:
    """Threads that log practices through the API until stopped; every answer is kept."""

    server: Server
    data: dict
    threads: int = 4
    sent: list = field(default_factory=list)  # (key, body, status, answer)
    _stop: threading.Event = field(default_factory=threading.Event)

    def body(self, n: int) -> dict:
        return {"rung_id": self.data["rung_id"], "assignment_id": self.data["assignment_id"],
                "started_at": "2026-01-05T10:00:00Z", "duration_minutes": 1 + n % 60,
                "distress_before": n % 40, "distress_peak": 40 + n % 30,
                "distress_after": n % 40, "what_happened": f"practice {n}"}

    def post(self, key, body):
        return call(f"{self.server.url}/api/v1/clients/{self.data['client_id']}/logs", "POST",
                    body, self.data["token"], {"Idempotency-Key": key})

    def _run(self, worker: int):
        n = 0
        while not self._stop.is_set():
            n += 1
            key = f"w{worker}-{n}-{uuid.uuid4().hex[:8]}"
            body = self.body(worker * 100_000 + n)
            status, answer = self.post(key, body)
            self.sent.append((key, body, status, answer))
            if status == 0:
                time.sleep(0.05)

    def __enter__(self):
        self.workers = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(self.threads)]
        for thread in self.workers:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self.workers:
            thread.join(timeout=30)
