"""PostgreSQL goes away and comes back: the app's connections are terminated
(pg_terminate_backend, only this test's own database; the machine's server is never restarted),
and for a while the database refuses new connections. Once it answers again the app recovers by
itself: no 5xx from then on, with kept connections (DB_CONN_MAX_AGE) as without. See
tests/faults/__init__.py."""

import threading
import time

import pytest

from tests.faults.support import (
    SECONDS,
    Server,
    admin_sql,
    call,
    environment,
    in_its_own_suite,
    prepare,
)


def _terminate(name):
    return admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", name)


def _reads(server, data, seconds):
    """GETs of the client's logs for `seconds`: the statuses, in order."""
    statuses = []
    url = f"{server.url}/api/v1/clients/{data['client_id']}/logs"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _answer = call(url, token=data["token"])
        statuses.append(status)
    return statuses


@pytest.mark.parametrize("conn_max_age", ["0", "60"])
def test_the_app_recovers_by_itself_when_the_database_comes_back(conn_max_age):
    in_its_own_suite("postgres")
    with environment("postgres") as (env, name):
        env["DB_CONN_MAX_AGE"] = conn_max_age
        data = prepare(env)
        with Server(env) as server:
            assert set(_reads(server, data, 1)) == {200}

            # 1. Connections cut under load, the database still there: nothing but a moment's
            # errors for the requests in flight, then 200s again.
            results = []
            reader = threading.Thread(target=lambda: results.extend(
                _reads(server, data, SECONDS)))
            reader.start()
            for _ in range(3):
                time.sleep(SECONDS / 4)
                _terminate(name)
            reader.join()
            assert results and results[-1] == 200
            assert set(_reads(server, data, 1)) == {200}, "not recovered after the cut"

            # 2. The database away for a while: refused connections, then back.
            admin_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            try:
                _terminate(name)
                away = _reads(server, data, 1)
                assert away and 200 not in away, away
                assert 0 not in away, "the server itself must keep answering"
            finally:
                admin_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            back = _reads(server, data, max(2, SECONDS / 2))
            assert back and set(back) == {200}, f"5xx once the database was back: {back[:20]}"
