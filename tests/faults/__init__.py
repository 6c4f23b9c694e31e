"""Fault tests: a real server (gunicorn, two workers) on a free loopback port, killed and
restarted under load, and a PostgreSQL database that drops the app's connections.

Everything runs on 127.0.0.1, in a temporary data directory or a PostgreSQL database of its own
(`bravely_sec_faults_*`, dropped afterwards), bounded in time, and stops by itself.

    .venv/bin/pytest -p no:cacheprovider -o addopts="" tests/faults          # the short version
    BRAVELY_FAULT_SECONDS=60 .venv/bin/pytest -p no:cacheprovider -o addopts="" tests/faults

The short version (a few seconds of load per fault) is part of the normal suite and CI. Without
PostgreSQL at 127.0.0.1:5432 the PostgreSQL cases skip locally, and fail in CI (CI=true).
"""
