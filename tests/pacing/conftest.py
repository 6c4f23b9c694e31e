"""Pacing fixtures: practice logged through the practice services (tests/factories.py), as in
use."""

import pytest

from tests.factories import make_check_in, make_log


@pytest.fixture(autouse=True)
def pacing_never_fails_quietly(caplog):
    """refresh_recommendations logs and swallows unexpected errors (so a log or check-in is never
    lost because of pacing); in these tests any such error fails the test."""
    yield
    errors = [r for r in caplog.records
              if r.name == "bravely.pacing.services" and r.levelname in ("ERROR", "WARNING")]
    assert not errors, [r.getMessage() for r in errors]


@pytest.fixture
def practise(planned, actor):
    """practise(rung_index, peak=..., hours_ago=..., **fields) -> PracticeLog, via submit_log."""

    def practise(index=0, *, peak=40, before=30, after=20, hours_ago=1, **fields):
        log, created = make_log(actor, planned.client, planned.rungs[index], peak=peak,
                                before=before, after=after, hours_ago=hours_ago, **fields)
        assert created
        return log

    return practise


@pytest.fixture
def check_in(planned, actor):
    def check_in(risk=False, **fields):
        return make_check_in(actor, planned.client, risk, **fields)

    return check_in
