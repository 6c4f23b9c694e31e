"""SIGKILL of the server (gunicorn's master and both workers) while four clients log practices
through the API, then a restart: the database passes its integrity check, every write the server
acknowledged (2xx) is there unchanged, none is stored twice, the writes that got no answer can be
sent again with their key without duplicating, and `bravely audit verify` passes. On SQLite and
on PostgreSQL. See tests/faults/__init__.py for the full-length run."""

import json
import subprocess
import time

import pytest

from tests.faults.support import (
    PYTHON,
    ROOT,
    SECONDS,
    Load,
    Server,
    bravely,
    environment,
    in_its_own_suite,
    prepare,
)


def _stored(env) -> dict:
    done = subprocess.run([PYTHON, "-m", "tests.faults.dump_logs"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _check(env, sent):
    state = _stored(env)
    assert state["integrity"] == ["ok"]
    by_key = {}
    for row in state["logs"]:
        assert row["idempotency_key"] not in by_key, f"stored twice: {row['idempotency_key']}"
        by_key[row["idempotency_key"]] = row
    acknowledged = [(key, body, answer) for key, body, status, answer in sent
                    if 200 <= status < 300]
    assert acknowledged, "no write was acknowledged: the load did not run"
    for key, body, answer in acknowledged:
        row = by_key.get(key)
        assert row is not None, f"acknowledged but lost: {key}"
        assert row["id"] == answer["id"]
        for name in ("duration_minutes", "distress_before", "distress_peak", "distress_after",
                     "what_happened"):
            assert row[name] == body[name] == answer[name], (key, name)
    unknown = set(by_key) - {key for key, *_ in sent}
    assert not unknown, f"rows nobody sent: {sorted(unknown)[:5]}"
    return by_key


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_a_killed_server_loses_and_duplicates_no_acknowledged_write(engine):
    in_its_own_suite(engine)
    rounds = max(1, int(SECONDS // 10))  # the short run kills once; a long one every ~10 s
    with environment(engine) as (env, _name):
        data = prepare(env)
        sent = []
        for _round in range(rounds):
            server = Server(env).start()
            try:
                with Load(server, data) as load:
                    time.sleep(min(SECONDS, 10))
                    server.kill()  # mid-request: the clients are still sending
                    time.sleep(0.5)
                sent.extend(load.sent)
            finally:
                server.kill()
        assert not [s for *_x, s, _a in sent if s >= 500], "a 5xx under load"

        by_key = _check(env, sent)
        print(f"{engine}: {len(sent)} sent, {len(by_key)} stored, "
              f"{sum(1 for *_x, s, _a in sent if s == 0)} unanswered")

        # Restarted, the server takes the unanswered writes again, once each.
        with Server(env) as server:
            load = Load(server, data)
            unanswered = [(key, body) for key, body, status, _a in sent if status == 0]
            for key, body in unanswered:
                status, answer = load.post(key, body)
                assert status in (200, 201), (key, status)
                if key in by_key:  # it had been stored before the kill: the same row
                    assert status == 200 and answer["id"] == by_key[key]["id"]
                sent.append((key, body, status, answer))
        _check(env, sent)
        verified = bravely(env, "audit", "verify")
        assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr[-2000:]
